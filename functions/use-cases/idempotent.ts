/**
 * `Idempotency-Key`: the same key with the same body acts once and answers as the first time; the same key with
 * another body is a 422. The records (store/idempotency.ts) live for a day and hold what a replay needs (the
 * status, the household or photo the answer was made of), never the answer itself: a household file's photo links
 * and an upload URL are presigned for minutes and as long as AWS makes them (a record holding a file's answer met
 * DynamoDB's 400 KB item limit at about 110 photos), so a replay reads again and signs afresh.
 */
import { createHash, randomUUID } from 'node:crypto';
import { ConflictError, IdempotencyMismatchError, ValidationError } from '../../domain/errors';
import type { Actor } from '../../domain/model';
import { canonicalJson } from '../../domain/rules/audit';
import type { IdempotencyRecord, IdempotencyStore, ReplayRecipe } from '../store';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
const TTL_SECONDS = 24 * 60 * 60;
/**
 * A claim that was never completed (the process died mid-request) expires after this lease, well past
 * the API functions' 10 s timeout, so the client's retry with the same key is served instead of being
 * refused as "still being processed" for a day.
 */
export const IN_PROGRESS_LEASE_SECONDS = 30;

/** An API reply (`ApiReply` of functions/http/responses.ts). */
export interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A reply that acted, with what a replay of it needs (`ReplayRecipe` of store/records.ts). */
export interface Replayable {
  readonly reply: Reply;
  readonly replay: ReplayRecipe;
}

/** Keys are sorted first, so two bodies that differ only in key order are the same request. */
export function bodyHash(body: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(body ?? null), 'utf8')
    .digest('hex');
}

/**
 * Runs `act` at most once per (user, key, body). A failed attempt releases the key so the client may retry it; a
 * successful one is answered again for the key's lifetime by `rebuild` from the recipe `act` returned.
 */
export async function idempotent(
  records: IdempotencyStore,
  actor: Actor,
  key: string | undefined,
  body: unknown,
  act: () => Promise<Replayable>,
  rebuild: (recipe: ReplayRecipe) => Promise<unknown>,
  now: Date = new Date(),
): Promise<Reply> {
  if (key === undefined) return (await act()).reply;
  if (!/^[\w.:-]{1,128}$/.test(key)) {
    throw ValidationError.field(IDEMPOTENCY_HEADER, {
      zh: '幂等键须为 1-128 个字母、数字或 ._:- 字符',
      en: 'Idempotency-Key must be 1-128 letters, digits or ._:- characters',
    });
  }
  const hash = bodyHash(body);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  // A claim of its own: when the SDK sent the claim again because its answer was lost, the second try finds this
  // claim and knows it holds the key (instead of answering "still being processed" to its own request).
  const claimId = randomUUID();
  let claimed = await records.claim(
    actor.username,
    key,
    { bodyHash: hash, status: 'in-progress', expiresAt: nowSeconds + IN_PROGRESS_LEASE_SECONDS, claimId },
    nowSeconds,
  );
  if (!claimed) {
    const existing = await records.get(actor.username, key);
    if (existing && existing.bodyHash !== hash) throw new IdempotencyMismatchError();
    if (existing?.status === 'completed') {
      const replayed = await replay(existing, rebuild);
      if (replayed) return replayed;
    }
    claimed = existing?.status === 'in-progress' && existing.claimId === claimId;
    if (!claimed) {
      throw new ConflictError({
        zh: '相同幂等键的请求正在处理中，请稍后重试',
        en: 'A request with this Idempotency-Key is still being processed; retry shortly',
      });
    }
  }
  let done: Replayable;
  try {
    done = await act();
  } catch (error) {
    await records.release(actor.username, key);
    throw error;
  }
  await records.complete(
    actor.username,
    key,
    { status: done.reply.status, replay: done.replay },
    nowSeconds + TTL_SECONDS,
  );
  return done.reply;
}

/** The first answer again: rebuilt from its recipe, or as stored by a record written before recipes. */
async function replay(
  record: IdempotencyRecord,
  rebuild: (recipe: ReplayRecipe) => Promise<unknown>,
): Promise<Reply | undefined> {
  const headers = { 'idempotent-replay': 'true' };
  if (record.replay && record.replyStatus !== undefined) {
    return { status: record.replyStatus, body: await rebuild(record.replay), headers };
  }
  if (record.response) return { status: record.response.status, body: record.response.body, headers };
  return undefined;
}
