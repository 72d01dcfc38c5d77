// tasks/: arithmetic task families, the train / held-out split, the trace
// styles and the base model's pretraining corpus. Imports only core/.
export * from './format';
export { evaluateExpression, parseExpression, type ExprNode } from './expr';
export {
  FAMILIES,
  ARITHMETIC_FAMILIES,
  MIN_DIFFICULTY,
  MAX_DIFFICULTY,
  checkFamilyDifficulty,
  checkTask,
  drawProblem,
  problemAt,
  problemRadices,
  spaceSize,
  verify,
  type Problem,
} from './problems';
export { expressionHash, heldOutSet, isHeldOut, sampleTrainProblem, drawTrainProblem } from './split';
export { TRACE_STYLES, solve, traceFor, traceWithSlip, wrongSlips, type Slip, type Solution, type TraceStyle } from './traces';
export { corpusExample, makePretrainBatch, styleWeights, type CorpusExample, type PretrainBatch } from './corpus';
export { LONGEST_COMPLETION_TOKENS, longestCompletionTokens, longestPromptTokens, taskLengthErrors, type StyleLengths } from './lengths';
export { COUNTDOWN_STYLES, checkCountdown, countdownCompletion, searchOrder, type CountdownStyle } from './countdown';
export { answerIsRight, segmentAnswer, type Expected } from './judge';
export { corpusStyles, traceOf, type CorpusStyle } from './corpus';
