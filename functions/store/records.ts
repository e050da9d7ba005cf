/**
 * The records the store keeps beside the domain's own (household, event, photo, inspection, payment): the shapes
 * use cases read and write. None of them names a key or an index; functions/store/items.ts turns them into items.
 */
import { z } from 'zod';
import type { LedgerPayment } from '../../domain/funding/bank';
import { type AuditEvent, type Household, type Inspection, Objection, Phase, Photo, Role } from '../../domain/model';

/** The household with the hash of its latest audit event, so a change can extend the chain. */
export interface HouseholdRecord {
  household: Household;
  lastHash: string;
}

export { Objection };

/** The output of a human step: how it ended and the phase the household is now in. */
export const Decision = z.object({ outcome: z.string(), next: Phase });
export type Decision = z.infer<typeof Decision>;

/**
 * The one task of a household: `starting` (execution requested, in the outbox until the first step records
 * itself), `open` (waiting for a person), `decided` (decision stored, in the outbox until Step Functions
 * acknowledged it).
 */
export const Task = z.object({
  householdId: z.string(),
  status: z.enum(['starting', 'open', 'decided']),
  step: Phase,
  county: z.string(),
  township: z.string(),
  createdAt: z.string(),
  role: Role.optional(),
  jurisdiction: z.string().optional(),
  dueAt: z.string().optional(),
  taskToken: z.string().optional(),
  decision: Decision.optional(),
  decidedAt: z.string().optional(),
  decidedBy: z.string().optional(),
  /** For `starting`: the execution to (re)start. */
  executionName: z.string().optional(),
  /** The household as people name it, copied when the task is recorded so a queue needs no read per row. */
  headName: z.string().optional(),
  villageCode: z.string().optional(),
  programId: z.string().optional(),
  /** In the outbox: failed deliveries so far, and when the sweep tries again (docs/workflow.md "Healing"). */
  attempts: z.number().int().nonnegative().optional(),
  nextTryAt: z.string().optional(),
  /** The name of the error of the last failed delivery. */
  lastError: z.string().optional(),
});
export type Task = z.infer<typeof Task>;

/**
 * The execution a household believes is current (`HH#{id}` / `EXEC`): its name (`{householdId}-{attempt}`), when
 * it was started, and when the reconciler should look at it next. `watched` is false once the household is
 * finished and the reconciler has let it go.
 */
export const ExecutionPointer = z.object({
  householdId: z.string(),
  executionName: z.string(),
  attempt: z.number().int().nonnegative(),
  startedAt: z.string(),
  checkAt: z.string(),
  watched: z.boolean(),
});
export type ExecutionPointer = z.infer<typeof ExecutionPointer>;

/** Everything stored under a household, read in one Query of its partition. */
export interface HouseholdFile extends HouseholdRecord {
  task?: Task;
  events: AuditEvent[];
  photos: Photo[];
  payments: LedgerPayment[];
  inspections: Inspection[];
  objections: Objection[];
}

/**
 * A photo as stored: the `Photo` record plus where the object lies and who asked and confirmed.
 */
export const StoredPhoto = Photo.extend({
  objectKey: z.string(),
  requestedBy: z.string(),
  requestedAt: z.string(),
  confirmedBy: z.string().optional(),
  confirmedAt: z.string().optional(),
  /** The S3 version that was verified (versioned bucket); later writes to the key do not change the evidence. */
  versionId: z.string().optional(),
});
export type StoredPhoto = z.infer<typeof StoredPhoto>;

/** A ledger entry with the county it is paid in and its household as people name it (both stored with it). */
export interface StoredPayment {
  payment: LedgerPayment;
  county?: string;
  household?: { headName?: string; villageCode?: string; township?: string; programId?: string };
}

/**
 * What a replay of an answer needs, kept instead of the answer: a small body without links as it was, or the
 * household file (read again, its links signed afresh), or a photo upload (its URL signed afresh).
 */
export const ReplayRecipe = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('body'), body: z.unknown() }),
  z.object({ kind: z.literal('household'), householdId: z.string() }),
  z.object({ kind: z.literal('photo-upload'), householdId: z.string(), photoId: z.string() }),
  z.object({ kind: z.literal('ledger'), ledgerId: z.string() }),
  z.object({ kind: z.literal('ledger-photo-upload'), ledgerId: z.string(), photoId: z.string() }),
]);
export type ReplayRecipe = z.infer<typeof ReplayRecipe>;

export const IdempotencyRecord = z.object({
  bodyHash: z.string(),
  status: z.enum(['in-progress', 'completed']),
  /** Who claimed the key (one request's own id): its retried claim knows it holds it. */
  claimId: z.string().optional(),
  /** The completed answer's status and how to answer it again. */
  replyStatus: z.number().optional(),
  replay: ReplayRecipe.optional(),
  /** The whole answer, as records written before recipes kept it (they expire within a day). */
  response: z.object({ status: z.number(), body: z.unknown() }).optional(),
  expiresAt: z.number(),
});
export type IdempotencyRecord = z.infer<typeof IdempotencyRecord>;

export interface Page<T> {
  items: T[];
  cursor?: string;
}
