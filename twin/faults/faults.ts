/**
 * Faults on demand (`ANJU_FAULTS`): the local services answer as AWS does under stress, at a seeded rate per
 * service and operation, so the code's retries, idempotency and recovery meet what production will show them.
 *
 *   ANJU_FAULTS="seed=42; dynamodb:*=0.02; dynamodb:TransactWriteItems=0.05; sfn:SendTaskSuccess=0.02;
 *                lambda:Invoke=0.01; s3:PutObject=0.01; dynamodb:TransactWriteItems@after=0.01"
 *
 * - `seed=N` makes the draws repeatable (default 1). Each rule draws from its own generator, so the faults one
 *   operation meets do not depend on how much other traffic there is.
 * - `service:Operation=rate`: service `dynamodb`, `sfn`, `s3` or `lambda`; the operation as the API names it
 *   (`lambda:Invoke` is a Task state's invocation of a function), or `*` for all; rate from 0 to 1. An
 *   operation's own rule wins over its service's `*`.
 * - `@after`: the operation is applied, then its answer is lost (DynamoDB and Step Functions answer 500, a Task
 *   state's invocation `Sandbox.Timedout`), as after a timeout on a write that committed. Without it the fault
 *   comes before the operation and nothing is applied.
 *
 * What each fault looks like (as AWS answers it): DynamoDB `ProvisionedThroughputExceededException`,
 * `ThrottlingException` (both retried by the SDK) and `InternalServerError` (500); for a write in a transaction's
 * way, `TransactionConflictException`, and for TransactWriteItems `TransactionCanceledException` with a
 * `TransactionConflict` reason (neither retried by the SDK). Step Functions `ThrottlingException`. S3 `SlowDown`
 * (503). A Task state's invocation `Lambda.ServiceException`, `Lambda.TooManyRequestsException` or
 * `Sandbox.Timedout`.
 */

export type Service = 'dynamodb' | 'sfn' | 's3' | 'lambda';
export type Phase = 'before' | 'after';

export type FaultRule = {
  readonly service: Service;
  readonly operation: string;
  readonly phase: Phase;
  readonly rate: number;
};
export type FaultPlan = { readonly seed: number; readonly rules: readonly FaultRule[] };

/** An injected failure, as the service answers it. */
export type Fault = {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  /** Extra fields of the error body (TransactionCanceledException's `CancellationReasons`). */
  readonly body?: Readonly<Record<string, unknown>>;
};

export class FaultConfigError extends Error {
  override readonly name = 'FaultConfigError';
}

/** The operations a rule may name, per service (as the APIs spell them). */
export const FAULT_OPERATIONS: Record<Service, readonly string[]> = {
  dynamodb: [
    'GetItem',
    'PutItem',
    'UpdateItem',
    'DeleteItem',
    'Query',
    'Scan',
    'BatchGetItem',
    'BatchWriteItem',
    'TransactGetItems',
    'TransactWriteItems',
    'DescribeTable',
  ],
  sfn: [
    'StartExecution',
    'SendTaskSuccess',
    'SendTaskFailure',
    'SendTaskHeartbeat',
    'StopExecution',
    'DescribeExecution',
    'DescribeStateMachine',
    'ListExecutions',
    'GetExecutionHistory',
  ],
  s3: ['PutObject', 'GetObject', 'HeadObject', 'HeadBucket', 'ListObjectsV2', 'DeleteObject', 'CopyObject'],
  lambda: ['Invoke'],
};

/** Operations whose effect can be applied before their answer is lost. */
const AFTER_ALLOWED: Record<Service, readonly string[]> = {
  dynamodb: ['*', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems'],
  sfn: ['*', 'StartExecution', 'SendTaskSuccess', 'SendTaskFailure', 'SendTaskHeartbeat', 'StopExecution'],
  s3: [],
  lambda: ['*', 'Invoke'],
};

const EXAMPLE = 'for example ANJU_FAULTS="seed=42;dynamodb:*=0.02;sfn:SendTaskSuccess=0.01"';

/** Parses `ANJU_FAULTS`; throws `FaultConfigError` with one sentence naming what is wrong. Empty: no faults. */
export function parseFaults(text: string | undefined): FaultPlan {
  let seed = 1;
  const rules: FaultRule[] = [];
  const seen = new Set<string>();
  for (const raw of (text ?? '').split(';')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const equals = entry.lastIndexOf('=');
    if (equals < 0) throw new FaultConfigError(`ANJU_FAULTS: "${entry}" has no "=rate" (${EXAMPLE}).`);
    const name = entry.slice(0, equals).trim();
    const value = entry.slice(equals + 1).trim();
    if (name === 'seed') {
      if (!/^\d{1,9}$/.test(value))
        throw new FaultConfigError(`ANJU_FAULTS: the seed must be a whole number, not "${value}".`);
      seed = Number(value);
      continue;
    }
    const match = /^([a-z0-9]+):([A-Za-z*]+)(@after)?$/.exec(name);
    if (!match?.[1] || !match[2])
      throw new FaultConfigError(`ANJU_FAULTS: "${name}" is not service:Operation or service:* (${EXAMPLE}).`);
    const service = match[1] as Service;
    if (!(service in FAULT_OPERATIONS))
      throw new FaultConfigError(
        `ANJU_FAULTS: "${match[1]}" is not a service with faults: use dynamodb, sfn, s3 or lambda.`,
      );
    const operation =
      match[2] === '*'
        ? '*'
        : FAULT_OPERATIONS[service].find((known) => known.toLowerCase() === match[2]?.toLowerCase());
    if (operation === undefined)
      throw new FaultConfigError(
        `ANJU_FAULTS: ${service} has no operation "${match[2]}" with faults: use * or one of ${FAULT_OPERATIONS[service].join(', ')}.`,
      );
    const phase: Phase = match[3] ? 'after' : 'before';
    if (phase === 'after' && !AFTER_ALLOWED[service].includes(operation))
      throw new FaultConfigError(
        `ANJU_FAULTS: "${name}" cannot fail after the operation: @after applies to writes of dynamodb, sfn and lambda:Invoke.`,
      );
    if (!/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(value))
      throw new FaultConfigError(`ANJU_FAULTS: the rate of ${name} must be a number from 0 to 1, not "${value}".`);
    const key = `${service}:${operation}@${phase}`;
    if (seen.has(key)) throw new FaultConfigError(`ANJU_FAULTS: ${name} is given twice.`);
    seen.add(key);
    rules.push({ service, operation, phase, rate: Number(value) });
  }
  return { seed, rules };
}

/** A small seeded generator (mulberry32): the same seed gives the same draws. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

const DYNAMO_THROTTLE: Fault = {
  status: 400,
  code: 'ThrottlingException',
  message:
    'Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly.',
};
const DYNAMO_THROUGHPUT: Fault = {
  status: 400,
  code: 'ProvisionedThroughputExceededException',
  message:
    'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
};
const DYNAMO_INTERNAL: Fault = { status: 500, code: 'InternalServerError', message: 'Internal server error' };
const DYNAMO_CONFLICT: Fault = {
  status: 400,
  code: 'TransactionConflictException',
  message: 'Transaction is ongoing for the item',
};
const SINGLE_WRITES = ['PutItem', 'UpdateItem', 'DeleteItem'];

export type FaultCount = { readonly fault: string; readonly count: number };

export class FaultInjector {
  private readonly rules = new Map<string, { rule: FaultRule; next: () => number }>();
  private readonly counts = new Map<string, number>();

  constructor(readonly plan: FaultPlan) {
    for (const rule of plan.rules) {
      const key = `${rule.service}:${rule.operation}@${rule.phase}`;
      this.rules.set(key, { rule, next: generator(hash(`${plan.seed}:${key}`)) });
    }
  }

  get enabled(): boolean {
    return this.rules.size > 0;
  }

  /** Draws for one request: the rule of the operation, else of the service's `*`; undefined when no fault. */
  private draw(service: Service, operation: string, phase: Phase): (() => number) | undefined {
    const entry = this.rules.get(`${service}:${operation}@${phase}`) ?? this.rules.get(`${service}:*@${phase}`);
    if (!entry || entry.rule.rate <= 0) return undefined;
    return entry.next() < entry.rule.rate ? entry.next : undefined;
  }

  private count(service: Service, operation: string, phase: Phase, code: string): void {
    const key = `${service}:${operation}${phase === 'after' ? '@after' : ''} ${code}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** A DynamoDB fault for this request, if one is due. `items`: how many items a transaction holds. */
  dynamodb(operation: string, phase: Phase, items = 1): Fault | undefined {
    const next = this.draw('dynamodb', operation, phase);
    if (!next) return undefined;
    let fault: Fault;
    if (phase === 'after') fault = DYNAMO_INTERNAL;
    else {
      // Throttling is the most common answer under stress; a transaction meets conflicts about as often.
      const choices: (Fault | 'canceled')[] = [DYNAMO_THROTTLE, DYNAMO_THROUGHPUT, DYNAMO_INTERNAL];
      if (operation === 'TransactWriteItems') choices.push('canceled', 'canceled');
      if (SINGLE_WRITES.includes(operation)) choices.push(DYNAMO_CONFLICT);
      const choice = choices[Math.floor(next() * choices.length)] ?? DYNAMO_THROTTLE;
      fault = choice === 'canceled' ? transactionCanceled(items, next) : choice;
    }
    this.count('dynamodb', operation, phase, fault.code);
    return fault;
  }

  /** A Step Functions fault for this request, if one is due. */
  sfn(operation: string, phase: Phase): Fault | undefined {
    if (!this.draw('sfn', operation, phase)) return undefined;
    const fault: Fault =
      phase === 'after'
        ? {
            status: 500,
            code: 'InternalFailure',
            message: 'The request processing has failed because of an unknown error.',
          }
        : { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' };
    this.count('sfn', operation, phase, fault.code);
    return fault;
  }

  /** An S3 fault for this request, if one is due. */
  s3(operation: string): Fault | undefined {
    if (!this.draw('s3', operation, 'before')) return undefined;
    const fault: Fault = { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' };
    this.count('s3', operation, 'before', fault.code);
    return fault;
  }

  /** The error a Task state's invocation of a function fails with, if one is due. */
  lambdaInvoke(phase: Phase): Error | undefined {
    const next = this.draw('lambda', 'Invoke', phase);
    if (!next) return undefined;
    const choices: [string, string][] =
      phase === 'after'
        ? [['Sandbox.Timedout', 'Task timed out after the function had run (injected fault)']]
        : [
            ['Lambda.ServiceException', 'Lambda was unable to complete the request (injected fault)'],
            ['Lambda.TooManyRequestsException', 'Rate Exceeded. (injected fault)'],
            ['Sandbox.Timedout', 'Task timed out (injected fault)'],
          ];
    const [name, message] = choices[Math.floor(next() * choices.length)] ??
      choices[0] ?? ['Lambda.ServiceException', ''];
    const error = new Error(message);
    error.name = name;
    this.count('lambda', 'Invoke', phase, name);
    return error;
  }

  /** One line for the start: the rules in force. */
  describe(): string {
    const rules = this.plan.rules.map(
      (rule) => `${rule.service}:${rule.operation}${rule.phase === 'after' ? '@after' : ''}=${rule.rate}`,
    );
    return `faults on (ANJU_FAULTS): ${rules.join(', ')}, seed ${this.plan.seed}`;
  }

  /** Faults injected so far, by service, operation and error. */
  injected(): { total: number; byFault: FaultCount[] } {
    const byFault = [...this.counts.entries()]
      .map(([fault, count]) => ({ fault, count }))
      .sort((a, b) => b.count - a.count || a.fault.localeCompare(b.fault));
    return { total: byFault.reduce((sum, entry) => sum + entry.count, 0), byFault };
  }

  /** One line for the log: `faults injected: 12 (dynamodb:PutItem ThrottlingException 5, ...)`. */
  summary(): string {
    const { total, byFault } = this.injected();
    if (total === 0) return 'faults injected: 0';
    return `faults injected: ${total} (${byFault.map(({ fault, count }) => `${fault} ${count}`).join(', ')})`;
  }
}

/** TransactionCanceledException as DynamoDB answers it: one reason per item, one of them a conflict. */
function transactionCanceled(items: number, next: () => number): Fault {
  const conflicted = Math.floor(next() * Math.max(1, items));
  const reasons = Array.from({ length: Math.max(1, items) }, (_, index) =>
    index === conflicted
      ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
      : { Code: 'None' },
  );
  return {
    status: 400,
    code: 'TransactionCanceledException',
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((reason) => reason.Code).join(', ')}]`,
    body: { CancellationReasons: reasons },
  };
}
