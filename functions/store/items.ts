/**
 * The one place where records become DynamoDB items and back: the single-table keys, the index keys of
 * docs/design.md "Data" and the attributes that are storage only. The store modules build their reads and
 * writes from these; nothing else in the functions knows a key.
 */
import { LedgerPayment } from '../../domain/funding/bank';
import {
  AuditEvent,
  Household,
  Inspection,
  type Payment,
  type Phase,
  Photo,
  ProgramConfig,
  type ProgramConfig as ProgramConfigType,
} from '../../domain/model';
import { phashBands } from '../../domain/rules/near-copy';
import { StaffUser, UserEvent } from '../../domain/users';
import { OUTBOX_SHARDS, shardOf, WATCH_SHARDS } from '../../process/healing';
import {
  ExecutionPointer,
  type HouseholdFile,
  type HouseholdRecord,
  IdempotencyRecord,
  Objection,
  type StoredPayment,
  StoredPhoto,
  Task,
} from './records';

const pad = (value: number, width: number) => String(value).padStart(width, '0');

export const householdPartition = (householdId: string) => `HH#${householdId}`;

export const keys = {
  household: (id: string) => ({ PK: householdPartition(id), SK: 'HH' }),
  task: (id: string) => ({ PK: householdPartition(id), SK: 'TASK' }),
  search: (id: string) => ({ PK: householdPartition(id), SK: 'SEARCH' }),
  execution: (id: string) => ({ PK: householdPartition(id), SK: 'EXEC' }),
  event: (id: string, seq: number) => ({ PK: householdPartition(id), SK: `EV#${pad(seq, 6)}` }),
  payment: (id: string, installment: number) => ({ PK: householdPartition(id), SK: `PAY#${pad(installment, 2)}` }),
  inspection: (id: string, milestoneIndex: number, round: number) => ({
    PK: householdPartition(id),
    SK: `INSP#${pad(milestoneIndex, 2)}#${pad(round, 2)}`,
  }),
  objection: (id: string, objectionId: string) => ({ PK: householdPartition(id), SK: `OBJ#${objectionId}` }),
  photo: (id: string, photoId: string) => ({ PK: householdPartition(id), SK: `PHOTO#${photoId}` }),
  idClaim: (idHash: string) => ({ PK: `IDN#${idHash}`, SK: 'IDN' }),
  program: (programId: string) => ({ PK: `PROGRAM#${programId}`, SK: 'CONFIG' }),
  idempotency: (username: string, key: string) => ({ PK: `IDEM#${username}#${key}`, SK: 'IDEM' }),
  progressCounters: (programId: string, township: string, shard: number) => ({
    PK: progressPartition(programId),
    SK: `T#${township}#${shard}`,
  }),
} as const;

/** Sort-key prefixes of the items of a household's partition. */
export const sortKeyPrefix = { objection: 'OBJ#', payment: 'PAY#' } as const;

export const progressPartition = (programId: string) => `STATS#${programId}`;

// ---------------------------------------------------------------- index keys

/** Households newest first: GSI1 by county, GSI2 by county and phase, GSI3 by township, GSI4 by township and phase. */
export function householdIndexKeys(h: Household) {
  const sortKey = `${h.createdAt}#${h.householdId}`;
  return {
    GSI1PK: `C#${h.county}`,
    GSI1SK: sortKey,
    GSI2PK: `C#${h.county}#P#${h.phase}`,
    GSI2SK: sortKey,
    GSI3PK: householdsOfTownship(h.township),
    GSI3SK: sortKey,
    GSI4PK: `T#${h.township}#P#${h.phase}`,
    GSI4SK: sortKey,
  };
}

/** The GSI3 partition of a township's households. */
export const householdsOfTownship = (township: string) => `T#${township}`;

export interface HouseholdFilter {
  county?: string;
  township?: string;
  phase?: Phase;
}

/** The index and partition listing the households of a filter; undefined without a county or township. */
export function householdListIndex(filter: HouseholdFilter): { index: string; partition: string } | undefined {
  if (filter.township && filter.phase) return { index: 'GSI4', partition: `T#${filter.township}#P#${filter.phase}` };
  if (filter.township) return { index: 'GSI3', partition: householdsOfTownship(filter.township) };
  if (filter.county && filter.phase) return { index: 'GSI2', partition: `C#${filter.county}#P#${filter.phase}` };
  if (filter.county) return { index: 'GSI1', partition: `C#${filter.county}` };
  return undefined;
}

/**
 * How households are found (`GET /households?q=`): the `SEARCH` item written once with the household (the head's
 * name, the village and the ID number never change after registration) carries four index keys, each sorted by the
 * head's name: GSI1 `HN#{county}` and GSI3 `HNT#{township}` (names), GSI2 `HV#{villageCode}` (a village),
 * GSI4 `IDH#{sha256(idNumber)}` (an exact ID number; unlike the ID claim it stays after a rejection).
 */
export type SearchTarget =
  | { county: string }
  | { township: string }
  | { villageCode: string }
  /** The SHA-256 of the normalized ID number (domain/rules/idNumber.ts `hashIdNumber`), as the ID claim. */
  | { idHash: string };

interface SearchPartition {
  index: 'GSI1' | 'GSI2' | 'GSI3' | 'GSI4';
  partition: string;
}

export function searchPartition(target: SearchTarget): SearchPartition {
  if ('idHash' in target) return { index: 'GSI4', partition: `IDH#${target.idHash}` };
  if ('villageCode' in target) return { index: 'GSI2', partition: `HV#${target.villageCode}` };
  if ('township' in target) return { index: 'GSI3', partition: `HNT#${target.township}` };
  return { index: 'GSI1', partition: `HN#${target.county}` };
}

/** The search item of a household: its name, place and the hash of its head's ID number, under four index keys. */
export function searchItem(h: Household, idHash: string): Item {
  const byName = `${h.head.name}#${h.householdId}`;
  const keysOf = (ref: SearchPartition) => ({ [`${ref.index}PK`]: ref.partition, [`${ref.index}SK`]: byName });
  return {
    ...keys.search(h.householdId),
    entity: 'search',
    householdId: h.householdId,
    county: h.county,
    township: h.township,
    villageCode: h.villageCode,
    headName: h.head.name,
    ...keysOf(searchPartition({ county: h.county })),
    ...keysOf(searchPartition({ township: h.township })),
    ...keysOf(searchPartition({ villageCode: h.villageCode })),
    ...keysOf(searchPartition({ idHash })),
  };
}

/** A work queue: the open tasks of a step in a township (GSI1 `Q#`) or a county (GSI3 `QC#`), earliest due first. */
export type WorkQueue = { township: string; step: Phase } | { county: string; step: Phase };

export function queueIndex(queue: WorkQueue): { index: 'GSI1' | 'GSI3'; partition: string } {
  return 'township' in queue
    ? { index: 'GSI1', partition: `Q#${queue.township}#${queue.step}` }
    : { index: 'GSI3', partition: `QC#${queue.county}#${queue.step}` };
}

/**
 * Decided and starting tasks wait in the sparse GSI2 partitions `OUTBOX#{shard}` (the household's shard of 8, so no
 * single index key takes every decision), ordered by when the sweep is to try them next.
 */
export const outboxPartition = (shard: number) => `OUTBOX#${shard}`;
export const OUTBOX_PARTITIONS: readonly string[] = Array.from({ length: OUTBOX_SHARDS }, (_, s) => outboxPartition(s));
/** The one outbox partition of data stored before the shards: still read, so nothing stored then is left behind. */
export const UNSHARDED_OUTBOX_PARTITION = 'OUTBOX';

export function outboxIndexKeys(nextTryAt: string, householdId: string) {
  return { GSI2PK: outboxPartition(shardOf(householdId, OUTBOX_SHARDS)), GSI2SK: `${nextTryAt}#${householdId}` };
}

/** The sort key of outbox entries due at `at` or before (every `{time}#{id}` up to it). */
export const dueUpTo = (at: string) => `${at}#\uffff`;

/**
 * The execution pointer of an unfinished household sits in the sparse GSI2 partitions `WATCH#{shard}`, ordered by
 * when the reconciler is to look at it next; a finished household's pointer leaves the index.
 */
export const watchPartition = (shard: number) => `WATCH#${shard}`;
export const WATCH_PARTITIONS: readonly string[] = Array.from({ length: WATCH_SHARDS }, (_, s) => watchPartition(s));

export function watchIndexKeys(checkAt: string, householdId: string) {
  return { GSI2PK: watchPartition(shardOf(householdId, WATCH_SHARDS)), GSI2SK: `${checkAt}#${householdId}` };
}

export function executionPointerItem(pointer: ExecutionPointer): Item {
  return {
    ...keys.execution(pointer.householdId),
    entity: 'execution',
    ...pointer,
    ...(pointer.watched ? watchIndexKeys(pointer.checkAt, pointer.householdId) : {}),
  };
}

export function executionPointerOf(item: Item): ExecutionPointer {
  return ExecutionPointer.parse(strip(item));
}

/**
 * An approved payment waiting for the bank sits in the sparse GSI2 partition `PAYDUE#{county}`, sorted by
 * `{approvedDay}#{householdId}#{nn}`; a bank result (paid or failed) removes it, a retry puts it back. The prefix
 * keeps it apart from the households (`C#..#P#`) and the outbox (`OUTBOX`).
 */
export const paymentsDue = {
  partition: (county: string) => `PAYDUE#${county}`,
  sortKey: (day: string, householdId: string, installment: number) => `${day}#${householdId}#${pad(installment, 2)}`,
};

/**
 * A released payment waiting for its second signature (复核) sits in the sparse GSI1 partition `PAYAPPROVE#{county}`,
 * sorted by `{releasedAt}#{householdId}#{nn}` (oldest first); the approval removes it. Households of every phase are
 * there, archived ones too, so no payment is ever out of the finance office's sight.
 */
export const paymentsAwaitingApproval = {
  partition: (county: string) => `PAYAPPROVE#${county}`,
  sortKey: (releasedAt: string, householdId: string, installment: number) =>
    `${releasedAt}#${householdId}#${pad(installment, 2)}`,
};

/** GSI1 `SHA#{sha256}`, set only on confirmation: a photo never uploaded cannot make another look like a duplicate. */
export const photoHashPartition = (sha256: string) => `SHA#${sha256}`;

/** A program is listed under its county in GSI1 (`PROGRAMS#{county}`, newest year last). */
export const programsOfCountyPartition = (county: string) => `PROGRAMS#${county}`;

// ---------------------------------------------------------------- items and records

/** Storage attributes that are not part of a record (`entity` names the item kind: `type` is an event field). */
const STORAGE_ATTRIBUTES = new Set([
  'PK',
  'SK',
  'entity',
  'GSI1PK',
  'GSI1SK',
  'GSI2PK',
  'GSI2SK',
  'GSI3PK',
  'GSI3SK',
  'GSI4PK',
  'GSI4SK',
]);

export type Item = Record<string, unknown>;

function strip(item: Item): Item {
  const out: Item = {};
  for (const [key, value] of Object.entries(item)) {
    if (!STORAGE_ATTRIBUTES.has(key)) out[key] = value;
  }
  return out;
}

export function householdItem(record: HouseholdRecord): Item {
  const h = record.household;
  return {
    ...keys.household(h.householdId),
    entity: 'household',
    ...householdIndexKeys(h),
    ...h,
    lastHash: record.lastHash,
  };
}

export function householdRecordOf(item: Item): HouseholdRecord {
  const { lastHash, ...rest } = strip(item);
  return { household: Household.parse(rest), lastHash: String(lastHash ?? '') };
}

export function eventItem(event: AuditEvent): Item {
  return { ...keys.event(event.householdId, event.seq), entity: 'event', ...event };
}

/** An open task, in the work queues of its township (GSI1) and county (GSI3), earliest due first. */
export function openTaskItem(task: Task & { status: 'open'; dueAt: string }): Item {
  const dueKey = `${task.dueAt}#${task.householdId}`;
  const township = queueIndex({ township: task.township, step: task.step });
  const county = queueIndex({ county: task.county, step: task.step });
  return {
    ...keys.task(task.householdId),
    entity: 'task',
    ...task,
    [`${township.index}PK`]: township.partition,
    [`${township.index}SK`]: dueKey,
    [`${county.index}PK`]: county.partition,
    [`${county.index}SK`]: dueKey,
  };
}

/** A task in the outbox (`starting`, or `decided` when written whole), keyed by when the sweep is to try it. */
export function outboxTaskItem(task: Task & { nextTryAt: string }): Item {
  return {
    ...keys.task(task.householdId),
    entity: 'task',
    ...task,
    ...outboxIndexKeys(task.nextTryAt, task.householdId),
  };
}

export function taskOf(item: Item): Task {
  return Task.parse(strip(item));
}

/**
 * A ledger entry. Written with its household, it carries the household's county, township, village, program and
 * head's name, so the county's lists of payments name the household without reading it; a released one not yet
 * approved is in the county's list awaiting approval (GSI1 `PAYAPPROVE#`).
 */
export function paymentItem(payment: Payment & { approvedBy?: string }, household?: Household): Item {
  const awaiting = household !== undefined && payment.status === 'released' && payment.approvedBy === undefined;
  return {
    ...keys.payment(payment.householdId, payment.installment),
    entity: 'payment',
    ...payment,
    ...(household
      ? {
          county: household.county,
          township: household.township,
          villageCode: household.villageCode,
          programId: household.programId,
          headName: household.head.name,
        }
      : {}),
    ...(awaiting
      ? {
          GSI1PK: paymentsAwaitingApproval.partition(household.county),
          GSI1SK: paymentsAwaitingApproval.sortKey(payment.releasedAt, payment.householdId, payment.installment),
        }
      : {}),
  };
}

const optionalString = (value: unknown) => (typeof value === 'string' ? value : undefined);

export function storedPaymentOf(item: Item): StoredPayment {
  const county = optionalString(item.county);
  const household = {
    headName: optionalString(item.headName),
    villageCode: optionalString(item.villageCode),
    township: optionalString(item.township),
    programId: optionalString(item.programId),
  };
  const named = Object.fromEntries(Object.entries(household).filter(([, value]) => value !== undefined));
  return {
    payment: LedgerPayment.parse(strip(item)),
    ...(county ? { county } : {}),
    ...(Object.keys(named).length > 0 ? { household: named } : {}),
  };
}

export function inspectionItem(inspection: Inspection, milestoneIndex: number): Item {
  return {
    ...keys.inspection(inspection.householdId, milestoneIndex, inspection.round),
    entity: 'inspection',
    ...inspection,
  };
}

export function objectionItem(objection: Objection): Item {
  return { ...keys.objection(objection.householdId, objection.objectionId), entity: 'objection', ...objection };
}

export function photoItem(photo: StoredPhoto): Item {
  return {
    ...keys.photo(photo.householdId, photo.photoId),
    entity: 'photo',
    ...photo,
    ...(photo.status === 'confirmed'
      ? { GSI1PK: photoHashPartition(photo.sha256), GSI1SK: `${photo.householdId}#${photo.photoId}` }
      : {}),
  };
}

export function storedPhotoOf(item: Item): StoredPhoto {
  return StoredPhoto.parse(strip(item));
}

/** The head's ID number claimed for a household: one subsidy per person. */
export function idClaimItem(idHash: string, household: Household): Item {
  return {
    ...keys.idClaim(idHash),
    entity: 'id-claim',
    householdId: household.householdId,
    programId: household.programId,
    claimedAt: household.createdAt,
  };
}

export function programItem(config: ProgramConfigType, updatedBy: string, updatedAt: string): Item {
  return {
    ...keys.program(config.programId),
    entity: 'program',
    config,
    updatedBy,
    updatedAt,
    GSI1PK: programsOfCountyPartition(config.county.code),
    GSI1SK: `${config.year}#${config.programId}`,
  };
}

export function programOf(item: Item): ProgramConfigType {
  return ProgramConfig.parse(item.config);
}

export function idempotencyItem(username: string, key: string, record: IdempotencyRecord): Item {
  return { ...keys.idempotency(username, key), entity: 'idempotency', ...record };
}

export function idempotencyRecordOf(item: Item): IdempotencyRecord {
  return IdempotencyRecord.parse(strip(item));
}

/** A township's progress counter shard: only its number attributes are cells. */
export function progressCountersItem(
  programId: string,
  township: string,
  shard: number,
  cells: Record<string, number>,
): Item {
  return {
    ...keys.progressCounters(programId, township, shard),
    entity: 'progress-counters',
    township,
    programId,
    ...cells,
  };
}

export function townshipOfProgressItem(item: Item): string {
  return String(item.township ?? String(item.SK).split('#')[1]);
}

/** The whole household file from the items of its partition; undefined without the household item. */
export function householdFileOf(items: readonly Item[]): HouseholdFile | undefined {
  const householdFound = items.find((item) => item.SK === 'HH');
  if (!householdFound) return undefined;
  const file: HouseholdFile = {
    ...householdRecordOf(householdFound),
    events: [],
    photos: [],
    payments: [],
    inspections: [],
    objections: [],
  };
  for (const item of items) {
    const sk = String(item.SK);
    const data = strip(item);
    if (sk === 'TASK') file.task = Task.parse(data);
    else if (sk.startsWith('EV#')) file.events.push(AuditEvent.parse(data));
    else if (sk.startsWith('PHOTO#')) file.photos.push(Photo.parse(data));
    else if (sk.startsWith(sortKeyPrefix.payment)) file.payments.push(LedgerPayment.parse(data));
    else if (sk.startsWith('INSP#')) file.inspections.push(Inspection.parse(data));
    else if (sk.startsWith(sortKeyPrefix.objection)) file.objections.push(Objection.parse(data));
  }
  return file;
}

// ---------------------------------------------------------------- staff accounts

/**
 * A staff account (`USER#{username}` / `USER`, its events `EV#{seq}` beside it), listed in GSI1 under its county
 * (`STAFF#{county}`, or `STAFF#P{province}` for province-level accounts) by `{township or -}#{username}`, county-level
 * accounts first. `SUB#{subject}` / `SUB` links the issuer's subject to the account and holds a copy of it, written in
 * the same transaction as the account: a request's caller is one strongly consistent read, and a subject links to
 * one account at most.
 */
export const userKeys = {
  user: (username: string) => ({ PK: `USER#${username}`, SK: 'USER' }),
  event: (username: string, seq: number) => ({ PK: `USER#${username}`, SK: `EV#${pad(seq, 6)}` }),
  subject: (subject: string) => ({ PK: `SUB#${subject}`, SK: 'SUB' }),
} as const;

export const staffPartition = (place: { province: string; county?: string | undefined }) =>
  place.county === undefined ? `STAFF#P${place.province}` : `STAFF#${place.county}`;

export const staffSortPrefix = (township: string | undefined) => `${township ?? '-'}#`;

export function userItem(record: { user: StaffUser; lastHash: string }): Item {
  const { user } = record;
  return {
    ...userKeys.user(user.username),
    entity: 'user',
    ...user,
    lastHash: record.lastHash,
    GSI1PK: staffPartition(user),
    GSI1SK: `${staffSortPrefix(user.township)}${user.username}`,
  };
}

export function userRecordOf(item: Item): { user: StaffUser; lastHash: string } {
  const { lastHash, ...rest } = strip(item);
  return { user: StaffUser.parse(rest), lastHash: String(lastHash ?? '') };
}

export function subjectItem(user: StaffUser & { subject: string }): Item {
  return { ...userKeys.subject(user.subject), entity: 'user-subject', ...user };
}

export function subjectUserOf(item: Item): StaffUser {
  return StaffUser.parse(strip(item));
}

export function userEventItem(event: UserEvent): Item {
  return { ...userKeys.event(event.username, event.seq), entity: 'user-event', ...event };
}

export function userEventOf(item: Item): UserEvent {
  return UserEvent.parse(strip(item));
}

// ---------------------------------------------------------------- near-copy index

/**
 * The near-copy index (domain/rules/near-copy.ts): each perceptual hash of a confirmed photo is stored under each of
 * its 8 bands, `PHB#{county}#{band}{two hex digits}`, sorted by `{F|C}#{householdId}#{photoId}` (F: the whole frame,
 * C: a central crop), so a photo within the distance shares a partition with it and the search is 24 Queries, never
 * a scan. Each entry carries the photo's hashes, so candidates are measured without reading the photos.
 */
export const nearCopyIndex = {
  partition: (county: string, band: string) => `PHB#${county}#${band}`,
  sortKey: (type: 'F' | 'C', householdId: string, photoId: string, crop = 0) =>
    `${type}#${householdId}#${photoId}${type === 'C' ? `#${crop}` : ''}`,
};

export function nearCopyIndexItems(
  county: string,
  photo: Pick<Photo, 'householdId' | 'photoId' | 'step'> & { phash: NonNullable<Photo['phash']> },
): Item[] {
  const entry = { householdId: photo.householdId, photoId: photo.photoId, step: photo.step, phash: photo.phash };
  const hashes: { type: 'F' | 'C'; hash: string; crop: number }[] = [
    { type: 'F', hash: photo.phash.full, crop: 0 },
    ...photo.phash.crops.map((hash, crop) => ({ type: 'C' as const, hash, crop })),
  ];
  return hashes.flatMap(({ type, hash, crop }) =>
    phashBands(hash).map((band) => ({
      PK: nearCopyIndex.partition(county, band),
      SK: nearCopyIndex.sortKey(type, photo.householdId, photo.photoId, crop),
      entity: 'near-copy-index',
      ...entry,
    })),
  );
}
