/**
 * Audit events are hash-chained per household (docs/design.md):
 * `hash = sha256(prevHash + canonicalJson(event without hash))`, the first `prevHash` is 64 zeros.
 * Changing, removing or reordering any stored event breaks the chain from that event on.
 */
import { createHash } from 'node:crypto';
import type { AuditEvent } from '../model';

export const GENESIS_HASH = '0'.repeat(64);

/**
 * JSON with object keys sorted at every level, so the same event always hashes the same whatever
 * order its keys were built or read back in. Follows JSON.stringify for undefined and non-finite values.
 */
export function canonicalJson(value: unknown): string {
  return serialize(value) ?? 'null';
}

function serialize(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return serialize((value as { toJSON: () => unknown }).toJSON());
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'bigint':
      throw new TypeError('canonicalJson cannot serialize a bigint');
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (Array.isArray(value)) return `[${value.map((item) => serialize(item) ?? 'null').join(',')}]`;
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const member = serialize(record[key]);
    if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`);
  }
  return `{${members.join(',')}}`;
}

/** The hash of an event given the previous event's hash. */
export function chainEvent(prevHash: string, eventWithoutHash: object): string {
  return createHash('sha256')
    .update(prevHash + canonicalJson(eventWithoutHash), 'utf8')
    .digest('hex');
}

/** Completes an event with `prevHash` (from the previous event, or genesis) and its `hash`. */
export function sealEvent(
  previous: Pick<AuditEvent, 'hash'> | undefined,
  event: Omit<AuditEvent, 'prevHash' | 'hash'>,
): AuditEvent {
  const prevHash = previous?.hash ?? GENESIS_HASH;
  const withPrev = { ...event, prevHash };
  return { ...withPrev, hash: chainEvent(prevHash, withPrev) };
}

export type ChainVerification = { ok: true } | { ok: false; brokenAt: number };

/**
 * Checks events in `seq` order: consecutive sequence, links, and each recomputed hash. Dropping
 * the newest events leaves a valid shorter chain; pass `expectedLastSeq` (the household version)
 * to catch that too.
 */
export function verifyChain(events: readonly AuditEvent[], expectedLastSeq?: number): ChainVerification {
  let prevHash = GENESIS_HASH;
  let prevSeq: number | undefined;
  for (const event of events) {
    const { hash, ...withoutHash } = event;
    const seqBroken = prevSeq !== undefined && event.seq !== prevSeq + 1;
    if (seqBroken || event.prevHash !== prevHash || chainEvent(prevHash, withoutHash) !== hash) {
      return { ok: false, brokenAt: event.seq };
    }
    prevHash = hash;
    prevSeq = event.seq;
  }
  if (expectedLastSeq !== undefined && prevSeq !== expectedLastSeq) return { ok: false, brokenAt: (prevSeq ?? 0) + 1 };
  return { ok: true };
}
