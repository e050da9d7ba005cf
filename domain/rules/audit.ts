/**
 * Audit events are hash-chained per household (docs/design.md):
 * `hash = sha256(prevHash + canonicalJson(event without hash))`, the first `prevHash` is 64 zeros.
 * Changing, removing or reordering any stored event breaks the chain from that event on.
 */
import { createHash } from 'node:crypto';
import type { AuditEvent, Household, Phase } from '../model';

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

/** One change of a household as its audit trail records it. */
export interface AuditedStep {
  /** ISO time of the change. */
  at: string;
  actor: string;
  role: AuditEvent['role'];
  type: string;
  /** The phase the household moves to; absent: it stays where it is. */
  toPhase?: Phase;
  /** Fields of the household that change beside phase, version and `updatedAt`. */
  changes?: Partial<Household>;
  details: Record<string, unknown>;
}

/**
 * A change of a household: the household at its next version and the change's event, numbered by that version and
 * sealed onto the chain after `lastHash` (the hash of the household's latest event).
 */
export function auditedChange(
  before: { household: Household; lastHash: string },
  step: AuditedStep,
): { after: Household; event: AuditEvent } {
  const { household } = before;
  const version = household.version + 1;
  const toPhase = step.toPhase ?? household.phase;
  const event = sealEvent(
    { hash: before.lastHash },
    {
      householdId: household.householdId,
      seq: version,
      at: step.at,
      actor: step.actor,
      role: step.role,
      type: step.type,
      fromPhase: household.phase,
      toPhase,
      details: step.details,
    },
  );
  return { after: { ...household, ...step.changes, phase: toPhase, version, updatedAt: step.at }, event };
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
