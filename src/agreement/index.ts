/** The agreement engine's public surface: pure, no I/O. */
export { compileAgreement, type CompiledAgreement } from './compile.ts';
export {
  compileCondition,
  conditionContext,
  describeCondition,
  fieldReader,
  isStaticCondition,
  round2,
  type CompiledCondition,
} from './condition.ts';
export { replay, type ReplayInput, type ReplayResult } from './replay.ts';
export { isMissing, asNumber } from './values.ts';
export { parseInstant, formatInstant } from './time.ts';
export { compileBusinessHours } from './business-time.ts';
export type * from './types.ts';
