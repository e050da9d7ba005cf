/**
 * How the twin's Step Functions service restarts an execution that its previous process left running (wired by
 * main.ts): Anju's state machine routes on the household's `phase` first (`RouteByPhase`, process/asl-builder.ts),
 * so the new execution starts at the step of the callback task the old one was parked on. The household record
 * stays the source of truth: a phase the household has left since is caught up by the state machine's resync.
 */
import { isRecord } from './json';
import type { RecoveryInput } from './services/stepfunctions/sfn/engine';

export const restartAtParkedStep: RecoveryInput = (original, parked) => {
  const payload = parked?.payload;
  if (isRecord(original) && isRecord(payload) && typeof payload.step === 'string') {
    return { ...original, phase: payload.step };
  }
  return original;
};
