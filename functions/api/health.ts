/** `GET /health` (no auth): every part of the stack answers, or 503 naming the parts that did not. */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import { dynamodb, s3, sfn } from '../commons/clients';
import { env } from '../commons/env';
import { logger } from '../commons/logger';
import { contractHandler } from '../http/router';

const CHECKS = {
  table: () => dynamodb.send(new DescribeTableCommand({ TableName: env.tableName })),
  bucket: () => s3.send(new HeadBucketCommand({ Bucket: env.evidenceBucket })),
  stateMachine: () => sfn.send(new DescribeStateMachineCommand({ stateMachineArn: env.stateMachineArn })),
} as const;

export const handler = contractHandler('HealthFn', {
  'GET /health': async ({ ok }) => {
    const results = await Promise.all(
      Object.entries(CHECKS).map(async ([part, check]) => {
        try {
          await check();
          return { part, ok: true };
        } catch (error) {
          logger.warn('health check failed', { part, error: error instanceof Error ? error.name : String(error) });
          return { part, ok: false };
        }
      }),
    );
    const failed = results.filter((result) => !result.ok).map((result) => result.part);
    if (failed.length === 0) return ok({ status: 'ok' });
    return { status: 503, body: { status: 'unavailable', failed } };
  },
});
