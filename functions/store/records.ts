/**
 * The records the store keeps beside the domain's own (household, event, photo, inspection, payment): the shapes
 * use cases read and write. None of them names a key or an index; functions/store/items.ts turns them into items.
 */
import { z } from 'zod';
import type { LedgerPayment } from '../../domain/funding/bank';
import { type AuditEvent, type Household, type Inspection, Phase, Photo, Role } from '../../domain/model';

/** The household with the hash of its latest audit event, so a change can extend the chain. */
export interface HouseholdRecord {
  household: Household;
  lastHash: string;
}

export const Objection = z.object({
  objectionId: z.string(),
  householdId: z.string(),
  objector: z.string(),
  contact: z.string().optional(),
  reason: z.string(),
  recordedBy: z.string(),
  at: z.string(),
  status: z.enum(['open', 'upheld', 'dismissed']),
  resolution: z.object({ by: z.string(), at: z.string(), explanation: z.string() }).optional(),
});
export type Objection = z.infer<typeof Objection>;

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
});
export type Task = z.infer<typeof Task>;

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

/** A ledger entry with the county it is paid in (set when it is approved). */
export interface StoredPayment {
  payment: LedgerPayment;
  county?: string;
}

export const IdempotencyRecord = z.object({
  bodyHash: z.string(),
  status: z.enum(['in-progress', 'completed']),
  response: z.object({ status: z.number(), body: z.unknown() }).optional(),
  expiresAt: z.number(),
});
export type IdempotencyRecord = z.infer<typeof IdempotencyRecord>;

export interface Page<T> {
  items: T[];
  cursor?: string;
}
