/**
 * EventBridge schedules (`AWS::Events::Rule` with `rate(...)` targeting a function): a timer per schedule that
 * invokes the function in-process with the event EventBridge sends, or with the target's constant `Input`.
 */
import { randomUUID } from 'node:crypto';
import type { ScheduleSpec } from '../assembly/assembly';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../assembly/local-names';
import type { LambdaRuntime } from './lambda';

/** With fast waits, how often a scheduled function runs at most (its rate otherwise). */
const FAST_SCHEDULE_MS = 5_000;

export function scheduledEvent(schedule: ScheduleSpec): unknown {
  if (schedule.input !== undefined) return schedule.input;
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: LOCAL_ACCOUNT,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: LOCAL_REGION,
    resources: [`arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/${schedule.logicalId}`],
    detail: {},
  };
}

/** Starts a timer per schedule; the answer stops them all. A failed invocation is logged and the timer goes on. */
export function startSchedules(options: {
  readonly schedules: readonly ScheduleSpec[];
  readonly lambdas: Pick<LambdaRuntime, 'invoke'>;
  /** Fast waits compress time for schedules too: the outbox sweeper then catches up within seconds. */
  readonly fastWaits: boolean;
  /** Whether the rule may invoke its function now (the twin checks the function's resource policy). */
  readonly mayInvoke?: (schedule: ScheduleSpec) => boolean;
  readonly log: (line: string) => void;
}): () => void {
  const timers = options.schedules.map((schedule) => {
    const everyMs = options.fastWaits ? Math.min(schedule.everyMs, FAST_SCHEDULE_MS) : schedule.everyMs;
    return setInterval(() => {
      if (options.mayInvoke && !options.mayInvoke(schedule)) return;
      options.lambdas
        .invoke(schedule.functionName, scheduledEvent(schedule))
        .catch((error: unknown) => options.log(`scheduled ${schedule.functionName} failed: ${String(error)}`));
    }, everyMs);
  });
  return () => {
    for (const timer of timers) clearInterval(timer);
  };
}
