import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { IN_PROGRESS_LEASE_SECONDS, idempotent } from '../../../../functions/use-cases/idempotent';
import { testDependencies } from '../support/dependencies';
import { ddbMock, withMocksAtFixedTime } from '../support/mocks';

const NOW = new Date('2026-05-01T08:00:00Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const actor = { username: 'he.zhujian', roles: ['construction' as const], county: '452327', township: '452327101' };

describe('idempotency keys', () => {
  withMocksAtFixedTime(NOW);

  it('claims a key for a short lease only, so a request cut off by a crash can be retried with it', async () => {
    // Prepare
    ddbMock.on(PutCommand).resolves({});
    ddbMock.on(UpdateCommand).resolves({});

    // Act
    const { store } = testDependencies();
    const reply = await idempotent(
      store.idempotency,
      actor,
      'key-1',
      { a: 1 },
      async () => ({ status: 200, body: { ok: true } }),
      NOW,
    );

    // Assess
    expect(reply.status).toBe(200);
    const claim = ddbMock.commandCalls(PutCommand)[0]?.args[0].input;
    expect(claim?.Item).toMatchObject({ status: 'in-progress', expiresAt: NOW_SECONDS + IN_PROGRESS_LEASE_SECONDS });
    // An expired claim may be taken again: that is what lets the retry through.
    expect(claim?.ConditionExpression).toContain('expiresAt < :now');
    const completion = ddbMock.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(completion?.ExpressionAttributeValues).toMatchObject({
      ':completed': 'completed',
      ':expiresAt': NOW_SECONDS + 24 * 60 * 60,
    });
  });
});
