import { describe, expect, it } from 'vitest';
import { FaultConfigError, FaultInjector, parseFaults } from '../../../../twin/faults/faults';

describe('parseFaults', () => {
  it('reads the seed and one rule per service and operation, with @after', () => {
    const plan = parseFaults(
      'seed=42; dynamodb:*=0.02; dynamodb:transactwriteitems=0.05; sfn:SendTaskSuccess=0.02; lambda:invoke=0.01; s3:PutObject=1; dynamodb:PutItem@after=.5',
    );
    expect(plan.seed).toBe(42);
    expect(plan.rules).toEqual([
      { service: 'dynamodb', operation: '*', phase: 'before', rate: 0.02 },
      { service: 'dynamodb', operation: 'TransactWriteItems', phase: 'before', rate: 0.05 },
      { service: 'sfn', operation: 'SendTaskSuccess', phase: 'before', rate: 0.02 },
      { service: 'lambda', operation: 'Invoke', phase: 'before', rate: 0.01 },
      { service: 's3', operation: 'PutObject', phase: 'before', rate: 1 },
      { service: 'dynamodb', operation: 'PutItem', phase: 'after', rate: 0.5 },
    ]);
  });

  it('reads nothing from an empty or missing value', () => {
    expect(parseFaults(undefined)).toEqual({ seed: 1, rules: [] });
    expect(parseFaults(' ; ')).toEqual({ seed: 1, rules: [] });
  });

  it.each([
    ['dynamodb:PutItem', /has no "=rate"/],
    ['dynamo:PutItem=0.1', /not a service with faults/],
    ['dynamodb:PutThing=0.1', /has no operation "PutThing"/],
    ['dynamodb:PutItem=1.5', /from 0 to 1/],
    ['dynamodb:PutItem=abc', /from 0 to 1/],
    ['seed=-1', /whole number/],
    ['s3:PutObject@after=0.1', /cannot fail after/],
    ['dynamodb:GetItem@after=0.1', /cannot fail after/],
    ['dynamodb:PutItem=0.1;dynamodb:putitem=0.2', /given twice/],
    ['PutItem=0.1', /not service:Operation/],
  ])('refuses %s with one sentence', (text, message) => {
    expect(() => parseFaults(text)).toThrow(FaultConfigError);
    expect(() => parseFaults(text)).toThrow(message);
    try {
      parseFaults(text);
    } catch (error) {
      expect((error as Error).message.trim().split(/\.\s/)).toHaveLength(1);
      expect((error as Error).message).toMatch(/^ANJU_FAULTS: /);
    }
  });
});

describe('FaultInjector', () => {
  const draws = (injector: FaultInjector, n: number, operation = 'PutItem') =>
    Array.from({ length: n }, () => injector.dynamodb(operation, 'before')?.code ?? '-');

  it('draws the same faults for the same seed, and others for another seed', () => {
    const a = draws(new FaultInjector(parseFaults('seed=7;dynamodb:*=0.3')), 200);
    const b = draws(new FaultInjector(parseFaults('seed=7;dynamodb:*=0.3')), 200);
    const c = draws(new FaultInjector(parseFaults('seed=8;dynamodb:*=0.3')), 200);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('fails about as often as the rate says, with the errors DynamoDB answers under stress', () => {
    const injector = new FaultInjector(parseFaults('seed=3;dynamodb:PutItem=0.1'));
    const codes = draws(injector, 5000);
    const failed = codes.filter((code) => code !== '-');
    expect(failed.length / codes.length).toBeGreaterThan(0.08);
    expect(failed.length / codes.length).toBeLessThan(0.12);
    expect(new Set(failed)).toEqual(
      new Set([
        'ThrottlingException',
        'ProvisionedThroughputExceededException',
        'InternalServerError',
        'TransactionConflictException',
      ]),
    );
    expect(injector.injected().total).toBe(failed.length);
  });

  it("lets an operation's own rule win over its service's *, and draws each rule on its own", () => {
    const injector = new FaultInjector(parseFaults('dynamodb:*=1;dynamodb:GetItem=0'));
    expect(injector.dynamodb('GetItem', 'before')).toBeUndefined();
    expect(injector.dynamodb('Query', 'before')).toBeDefined();
    const alone = draws(new FaultInjector(parseFaults('seed=5;dynamodb:PutItem=0.3;dynamodb:Query=0.3')), 100);
    const busy = new FaultInjector(parseFaults('seed=5;dynamodb:PutItem=0.3;dynamodb:Query=0.3'));
    const interleaved = Array.from({ length: 100 }, () => {
      busy.dynamodb('Query', 'before');
      return busy.dynamodb('PutItem', 'before')?.code ?? '-';
    });
    expect(interleaved).toEqual(alone);
  });

  it('cancels a transaction with one TransactionConflict reason per conflicting item, as DynamoDB does', () => {
    const injector = new FaultInjector(parseFaults('seed=11;dynamodb:TransactWriteItems=1'));
    const faults = Array.from({ length: 50 }, () => injector.dynamodb('TransactWriteItems', 'before', 4));
    const canceled = faults.find((fault) => fault?.code === 'TransactionCanceledException');
    expect(canceled?.status).toBe(400);
    const reasons = canceled?.body?.CancellationReasons as { Code: string }[];
    expect(reasons).toHaveLength(4);
    expect(reasons.filter((reason) => reason.Code === 'TransactionConflict')).toHaveLength(1);
    expect(reasons.filter((reason) => reason.Code === 'None')).toHaveLength(3);
  });

  it('answers after the operation with a 500 (DynamoDB, Step Functions) or Sandbox.Timedout (a Task invocation)', () => {
    const injector = new FaultInjector(
      parseFaults('dynamodb:PutItem@after=1;sfn:SendTaskSuccess@after=1;lambda:Invoke@after=1'),
    );
    expect(injector.dynamodb('PutItem', 'before')).toBeUndefined();
    expect(injector.dynamodb('PutItem', 'after')).toMatchObject({ status: 500, code: 'InternalServerError' });
    expect(injector.sfn('SendTaskSuccess', 'after')).toMatchObject({ status: 500 });
    expect(injector.lambdaInvoke('after')?.name).toBe('Sandbox.Timedout');
    expect(injector.summary()).toBe(
      'faults injected: 3 (dynamodb:PutItem@after InternalServerError 1, lambda:Invoke@after Sandbox.Timedout 1, sfn:SendTaskSuccess@after InternalFailure 1)',
    );
  });

  it('throttles Step Functions, slows S3 down and fails Task invocations with the Lambda service errors', () => {
    const injector = new FaultInjector(parseFaults('sfn:StartExecution=1;s3:PutObject=1;lambda:Invoke=1'));
    expect(injector.sfn('StartExecution', 'before')).toMatchObject({ status: 400, code: 'ThrottlingException' });
    expect(injector.sfn('SendTaskSuccess', 'before')).toBeUndefined();
    expect(injector.s3('PutObject')).toMatchObject({ status: 503, code: 'SlowDown' });
    expect(injector.s3('GetObject')).toBeUndefined();
    const names = new Set(Array.from({ length: 60 }, () => injector.lambdaInvoke('before')?.name));
    expect(names).toEqual(new Set(['Lambda.ServiceException', 'Lambda.TooManyRequestsException', 'Sandbox.Timedout']));
  });
});
