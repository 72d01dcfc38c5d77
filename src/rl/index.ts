// rl/: rewards, GRPO advantages and loss variants, the aha detector (DESIGN §5, §6).
export * from './rewards';
export * from './grpo';
export * from './aha';
