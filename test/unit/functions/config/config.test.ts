import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../../../functions/config/config';
import { lambdaEntry } from '../../../../functions/config/handler';
import type { Dependencies } from '../../../../functions/use-cases/dependencies';
import { context } from '../support/api';
import { quietLogs } from '../support/dependencies';

quietLogs();

const VARIABLES = {
  TABLE_NAME: 'anju-table',
  EVIDENCE_BUCKET: 'anju-evidence',
  STATE_MACHINE_ARN: 'arn:aws:states:cn-north-1:123456789012:stateMachine:Renovation',
  POWERTOOLS_SERVICE_NAME: 'anju',
  LOG_LEVEL: 'INFO',
};

describe('the configuration of a function', () => {
  it('reads the variables the template sets into a typed configuration', () => {
    expect(readConfig({ ...VARIABLES, PHOTO_MAX_DISTANCE_M: '250' })).toEqual({
      tableName: 'anju-table',
      evidenceBucket: 'anju-evidence',
      stateMachineArn: VARIABLES.STATE_MACHINE_ARN,
      photoMaxDistanceM: 250,
    });
    expect(readConfig(VARIABLES).photoMaxDistanceM).toBe(500);
  });

  it('names every missing variable in one error, and refuses a distance that is not positive', () => {
    expect(() => readConfig({ ...VARIABLES, TABLE_NAME: ' ', LOG_LEVEL: undefined })).toThrow(
      'environment variables TABLE_NAME, LOG_LEVEL required but not set',
    );
    expect(() => readConfig({ ...VARIABLES, PHOTO_MAX_DISTANCE_M: '-1' })).toThrow(/PHOTO_MAX_DISTANCE_M/);
  });
});

describe('a handler module entry', () => {
  it('builds the dependencies once, at load, and hands every invocation to the handler built from them', async () => {
    // Prepare
    const built: Dependencies[] = [];
    const entry = lambdaEntry((dependencies) => {
      built.push(dependencies);
      return async (event: { n: number }, ctx: Context) => ({ n: event.n, fn: ctx.functionName });
    }, VARIABLES);

    // Act
    const answers = [await entry({ n: 1 }, context), await entry({ n: 2 }, context)];

    // Assess
    expect(built).toHaveLength(1);
    expect(built[0]?.photoMaxDistanceM).toBe(500);
    expect(answers).toEqual([
      { n: 1, fn: 'test' },
      { n: 2, fn: 'test' },
    ]);
  });

  it('keeps a configuration that fails at load and throws it from every invocation', async () => {
    let builds = 0;
    const entry = lambdaEntry(() => {
      builds += 1;
      return async () => 'never';
    }, {});

    await expect(entry({}, context)).rejects.toThrow(/TABLE_NAME, EVIDENCE_BUCKET, STATE_MACHINE_ARN/);
    await expect(entry({}, context)).rejects.toThrow(/TABLE_NAME/);
    expect(builds).toBe(0);
  });
});
