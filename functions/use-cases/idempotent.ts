/**
 * `Idempotency-Key`: the same key with the same body returns the first answer and acts once; the
 * same key with another body is a 422. The records (store/idempotency.ts) live for a day.
 */
import { createHash } from 'node:crypto';
import { ConflictError, IdempotencyMismatchError, ValidationError } from '../../domain/errors';
import type { Actor } from '../../domain/model';
import { canonicalJson } from '../../domain/rules/audit';
import type { IdempotencyStore } from '../store';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
const TTL_SECONDS = 24 * 60 * 60;
/**
 * A claim that was never completed (the process died mid-request) expires after this lease, well past
 * the API functions' 10 s timeout, so the client's retry with the same key is served instead of being
 * refused as "still being processed" for a day.
 */
export const IN_PROGRESS_LEASE_SECONDS = 30;

/** The answer kept for a key: an API reply (`ApiReply` of functions/http/responses.ts). */
export interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Keys are sorted first, so two bodies that differ only in key order are the same request. */
export function bodyHash(body: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(body ?? null), 'utf8')
    .digest('hex');
}

/**
 * Runs `act` at most once per (user, key, body). A failed attempt releases the key so the
 * client may retry it; a successful answer is replayed for the key's lifetime.
 */
export async function idempotent(
  records: IdempotencyStore,
  actor: Actor,
  key: string | undefined,
  body: unknown,
  act: () => Promise<Reply>,
  now: Date = new Date(),
): Promise<Reply> {
  if (key === undefined) return act();
  if (!/^[\w.:-]{1,128}$/.test(key)) {
    throw ValidationError.field(IDEMPOTENCY_HEADER, {
      zh: '幂等键须为 1-128 个字母、数字或 ._:- 字符',
      en: 'Idempotency-Key must be 1-128 letters, digits or ._:- characters',
    });
  }
  const hash = bodyHash(body);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const claimed = await records.claim(
    actor.username,
    key,
    { bodyHash: hash, status: 'in-progress', expiresAt: nowSeconds + IN_PROGRESS_LEASE_SECONDS },
    nowSeconds,
  );
  if (!claimed) {
    const existing = await records.get(actor.username, key);
    if (existing && existing.bodyHash !== hash) throw new IdempotencyMismatchError();
    if (existing?.status === 'completed' && existing.response) {
      return {
        status: existing.response.status,
        body: existing.response.body,
        headers: { 'idempotent-replay': 'true' },
      };
    }
    throw new ConflictError({
      zh: '相同幂等键的请求正在处理中，请稍后重试',
      en: 'A request with this Idempotency-Key is still being processed; retry shortly',
    });
  }
  let reply: Reply;
  try {
    reply = await act();
  } catch (error) {
    await records.release(actor.username, key);
    throw error;
  }
  await records.complete(actor.username, key, { status: reply.status, body: reply.body }, nowSeconds + TTL_SECONDS);
  return reply;
}
