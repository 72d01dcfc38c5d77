// core/: platform-free basics every other layer builds on: the counter-based
// RNG, the tokenizer and the RunConfig schema. Imports nothing outside core/.
export * from './rng';
export * from './tokenizer';
export * from './config';
export * from './validate';
export * from './configDiff';
