import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { bodyHash, IN_PROGRESS_LEASE_SECONDS, idempotent } from '../../../../functions/use-cases/idempotent';
import { testDependencies } from '../support/dependencies';
import { ddbMock, namedError, withMocksAtFixedTime } from '../support/mocks';

const NOW = new Date('2026-05-01T08:00:00Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const actor = { username: 'he.zhujian', roles: ['construction' as const], county: '452327', township: '452327101' };
const URL_AS_LONG_AS_AWS_SIGNS_IT = `https://bucket.s3.amazonaws.com/photos/x?X-Amz-Security-Token=${'t'.repeat(1100)}`;

/** The table as one idempotency record: claims, completions and reads go to it. */
function oneRecord(initial?: Record<string, unknown>) {
  let stored = initial;
  ddbMock.on(PutCommand).callsFake((input: { Item: Record<string, unknown> }) => {
    if (stored) throw namedError('ConditionalCheckFailedException');
    stored = input.Item;
    return {};
  });
  ddbMock.on(UpdateCommand).callsFake((input: { ExpressionAttributeValues: Record<string, unknown> }) => {
    const values = input.ExpressionAttributeValues;
    stored = { ...stored, status: 'completed', replyStatus: values[':replyStatus'], replay: values[':replay'] };
    return {};
  });
  ddbMock.on(GetCommand).callsFake(() => ({ Item: stored }));
  return () => stored;
}

describe('idempotency keys', () => {
  withMocksAtFixedTime(NOW);
  const { store } = testDependencies();

  it('claims a key for a short lease only, so a request cut off by a crash can be retried with it', async () => {
    const record = oneRecord();

    const reply = await idempotent(
      store.idempotency,
      actor,
      'key-1',
      { a: 1 },
      async () => ({ reply: { status: 200, body: { ok: true } }, replay: { kind: 'body', body: { ok: true } } }),
      async () => undefined,
      NOW,
    );

    expect(reply.status).toBe(200);
    const claim = ddbMock.commandCalls(PutCommand)[0]?.args[0].input;
    expect(claim?.Item).toMatchObject({ status: 'in-progress', expiresAt: NOW_SECONDS + IN_PROGRESS_LEASE_SECONDS });
    expect(claim?.Item?.claimId).toEqual(expect.any(String));
    // An expired claim may be taken again: that is what lets the retry through.
    expect(claim?.ConditionExpression).toContain('expiresAt < :now');
    const completion = ddbMock.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(completion?.ExpressionAttributeValues).toMatchObject({
      ':completed': 'completed',
      ':expiresAt': NOW_SECONDS + 24 * 60 * 60,
    });
    expect(record()).toMatchObject({ status: 'completed', replyStatus: 200 });
  });

  it('keeps what a replay needs, not the answer: no presigned link is stored, a replay signs afresh', async () => {
    const record = oneRecord();
    const act = vi.fn(async () => ({
      reply: { status: 201, body: { photoId: 'ph-1', upload: { url: URL_AS_LONG_AS_AWS_SIGNS_IT } } },
      replay: { kind: 'photo-upload' as const, householdId: 'hh-1', photoId: 'ph-1' },
    }));
    const rebuild = vi.fn(async () => ({ photoId: 'ph-1', upload: { url: 'https://fresh' } }));

    const first = await idempotent(store.idempotency, actor, 'key-2', { p: 1 }, act, rebuild, NOW);
    const second = await idempotent(store.idempotency, actor, 'key-2', { p: 1 }, act, rebuild, NOW);

    expect(act).toHaveBeenCalledTimes(1);
    expect(first.status).toBe(201);
    expect(JSON.stringify(record())).not.toContain('X-Amz-Security-Token');
    expect(JSON.stringify(record()).length).toBeLessThan(400);
    expect(rebuild).toHaveBeenCalledWith({ kind: 'photo-upload', householdId: 'hh-1', photoId: 'ph-1' });
    expect(second).toEqual({
      status: 201,
      body: { photoId: 'ph-1', upload: { url: 'https://fresh' } },
      headers: { 'idempotent-replay': 'true' },
    });
  });

  it('knows its own claim when the SDK sent the claim again after its answer was lost', async () => {
    let claimed: Record<string, unknown> | undefined;
    ddbMock.on(PutCommand).callsFake((input: { Item: Record<string, unknown> }) => {
      // The first try applied and its answer was lost; the SDK's second try meets it.
      claimed = input.Item;
      throw namedError('ConditionalCheckFailedException');
    });
    ddbMock.on(GetCommand).callsFake(() => ({ Item: claimed }));
    ddbMock.on(UpdateCommand).resolves({});
    const act = vi.fn(async () => ({ reply: { status: 200, body: {} }, replay: { kind: 'body' as const, body: {} } }));

    const reply = await idempotent(store.idempotency, actor, 'key-3', { a: 1 }, act, async () => undefined, NOW);

    expect(reply.status).toBe(200);
    expect(act).toHaveBeenCalledTimes(1);
  });

  it('refuses, as still being processed, a key another request holds; a different body is a mismatch', async () => {
    oneRecord({ bodyHash: bodyHash({ a: 1 }), status: 'in-progress', claimId: 'another', expiresAt: NOW_SECONDS + 10 });
    const act = vi.fn();

    await expect(
      idempotent(store.idempotency, actor, 'key-4', { a: 1 }, act, async () => undefined, NOW),
    ).rejects.toMatchObject({ name: 'ConflictError' });
    await expect(
      idempotent(store.idempotency, actor, 'key-4', { a: 2 }, act, async () => undefined, NOW),
    ).rejects.toMatchObject({ name: 'IdempotencyMismatchError' });
    expect(act).not.toHaveBeenCalled();
  });

  it('replays a record written before recipes as it was stored', async () => {
    oneRecord({
      bodyHash: bodyHash({ a: 1 }),
      status: 'completed',
      response: { status: 200, body: { old: true } },
      expiresAt: NOW_SECONDS + 100,
    });

    const reply = await idempotent(store.idempotency, actor, 'key-5', { a: 1 }, vi.fn(), async () => 'rebuilt', NOW);

    expect(reply).toEqual({ status: 200, body: { old: true }, headers: { 'idempotent-replay': 'true' } });
  });
});
