/**
 * Households: the file (everything under `HH#{id}`), the household item with its version and chain hash, the
 * lists through the county and township indexes, the registration (household, ID-number claim, first event,
 * `starting` task) and every later change (household, event, task decision and the records it writes) as one
 * transaction with the progress counters.
 */

import { z } from 'zod';
import { type Bilingual, ValidationError } from '../../domain/errors';
import { householdReference, installmentTitle, milestoneTitle } from '../../domain/labels';
import { type AuditEvent, type Household, type Inspection, type Payment, type Phase, Photo } from '../../domain/model';
import { OUTBOX_FIRST_TRY_AFTER_MS } from '../../process/healing';
import {
  eventItem,
  executionPointerItem,
  type HouseholdFilter,
  householdFileOf,
  householdItem,
  householdListIndex,
  householdPartition,
  householdRecordOf,
  type Item,
  idClaimItem,
  inspectionItem,
  keys,
  nearCopyIndexItems,
  objectionItem,
  outboxIndexKeys,
  outboxTaskItem,
  paymentItem,
  photoItem,
  type SearchTarget,
  searchItem,
  searchPartition,
  sortKeyPrefix,
  storedPhotoOf,
  taskOf,
} from './items';
import type { PaymentUpdate } from './payments';
import { progressCountersUpdate } from './progress';
import type { Decision, HouseholdFile, HouseholdRecord, Objection, Page, StoredPhoto, Task } from './records';
import { ABSENT, decodeCursor, encodeCursor, type GuardedWrite, STALE_VERSION, StartKey, type Table } from './table';

/** A record written with a household change, in the same transaction. */
export type RecordWrite =
  /** A released installment: its ledger entry is put once only, so no retry pays twice. */
  | { kind: 'payment'; payment: Payment }
  /** One round of an inspection of the milestone at `milestoneIndex` of the installment plan. */
  | { kind: 'inspection'; inspection: Inspection; milestoneIndex: number }
  | { kind: 'objection-recorded'; objection: Objection }
  | { kind: 'objection-resolved'; objection: Objection }
  /** A requested photo verified and confirmed; refused when another confirmation came first. */
  | { kind: 'photo-confirmed'; photo: StoredPhoto & { status: 'confirmed' } }
  /** The head's ID number is free again (a rejected household may apply again). */
  | { kind: 'id-claim-released'; idHash: string }
  /** A confirmed photo's perceptual hashes under their bands, so later photos find it (items.ts `nearCopyIndex`). */
  | {
      kind: 'near-copy-indexed';
      county: string;
      photo: Pick<Photo, 'householdId' | 'photoId' | 'step'> & { phash: NonNullable<Photo['phash']> };
    }
  /** Any other item of the change (a person's or an account's claim, a roster's note of a match). */
  | { kind: 'item'; item: Record<string, unknown> }
  /** A ledger entry's approval, bank result or retry (payments.ts), so each is an event of the household's chain. */
  | { kind: 'payment-changed'; change: PaymentUpdate };

/** One action or system step on a household (domain/rules/audit.ts `auditedChange` makes `after` and `event`). */
export interface HouseholdChange {
  /** The household as read: the write is conditioned on its version, the progress counters move by the difference. */
  before: Household;
  /** The household after the change, at the next version. */
  after: Household;
  /** The change's audit event; its hash becomes the household's `lastHash`. */
  event: AuditEvent;
  /** The decision of the open task of `step`; absent for side actions and system steps. */
  decision?: { step: Phase; decision: Decision; decidedAt: string; decidedBy: string };
  records?: readonly RecordWrite[];
}

export interface Registration {
  record: HouseholdRecord;
  idHash: string;
  event: AuditEvent;
  /** The first execution: the sweeper starts it if the registration's own start is lost; the pointer names it. */
  executionName: string;
  /** The file's claims on its persons, account and address (persons.ts), put with it. */
  claims?: readonly Item[];
}

export interface HouseholdStore {
  /** The whole household file in one strongly consistent Query on its partition. */
  file(householdId: string): Promise<HouseholdFile | undefined>;
  record(householdId: string): Promise<HouseholdRecord | undefined>;
  /** Several households in one BatchGetItem (a page of a work queue), in no particular order. */
  records(householdIds: readonly string[]): Promise<HouseholdRecord[]>;
  /** The household and its task in one request (they share the partition). */
  recordAndTask(householdId: string): Promise<{ record?: HouseholdRecord; task?: Task }>;
  /** The household and one of its photos in one request (a photo's confirmation reads both). */
  recordAndPhoto(householdId: string, photoId: string): Promise<{ record?: HouseholdRecord; photo?: StoredPhoto }>;
  /** Households newest first through GSI1..GSI4; never a scan. */
  list(filter: HouseholdFilter, cursor: string | undefined, limit: number): Promise<Page<Household>>;
  /**
   * A page of households found through their search items (items.ts `searchItem`): the targets' partitions are read
   * one after the other, each sorted by the head's name and narrowed to names that begin with `namePrefix` when given, then the
   * households of the page are read in one BatchGetItem. Never a scan.
   */
  search(
    targets: readonly SearchTarget[],
    namePrefix: string | undefined,
    cursor: string | undefined,
    limit: number,
  ): Promise<Page<Household>>;
  /** Objections recorded for a household, whatever their status, counted without reading them. */
  countObjections(householdId: string): Promise<number>;
  /**
   * A new household: the household, the ID-number claim (one subsidy per person), its first audit event, a
   * `starting` task in the outbox, so a lost StartExecution is retried by the sweeper, and its execution pointer,
   * so the reconciler watches it.
   */
  register(registration: Registration): Promise<void>;
  /**
   * One action or system step: the household (conditioned on its version), its audit event, the task decision
   * moved to the outbox, and the records it writes, all or nothing.
   */
  commit(change: HouseholdChange): Promise<void>;
}

/** `at` (ISO) plus `ms`, as ISO. */
function later(at: string, ms: number): string {
  return new Date(Date.parse(at) + ms).toISOString();
}

const TASK_NOT_OPEN: Bilingual = {
  zh: '该步骤的待办任务尚未开启或已被处理，请刷新后重试',
  en: 'The task of this step is not open (not started yet or already decided); reload and retry',
};

/** Reads a raw or unmarshalled string attribute from a cancellation reason's item. */
function stringAttribute(item: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = item?.[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && 'S' in value && typeof value.S === 'string') return value.S;
  return undefined;
}

function recordWrites(table: Table, household: Household, write: RecordWrite): GuardedWrite[] {
  if (write.kind === 'near-copy-indexed') {
    // Index entries are derived from the photo: a repeat writes the same item.
    return nearCopyIndexItems(write.county, write.photo).map((item) => table.putWrite(item, STALE_VERSION));
  }
  if (write.kind === 'item') return [table.putWrite(write.item, STALE_VERSION)];
  if (write.kind === 'payment-changed') {
    return [
      { item: { Update: { TableName: table.name, ...write.change.update } }, onConflict: write.change.onConflict },
    ];
  }
  return [recordWrite(table, household, write)];
}

function recordWrite(
  table: Table,
  household: Household,
  write: Exclude<RecordWrite, { kind: 'near-copy-indexed' | 'item' | 'payment-changed' }>,
): GuardedWrite {
  const householdId = household.householdId;
  switch (write.kind) {
    case 'payment': {
      const { installment } = write.payment;
      return table.putWrite(
        paymentItem(write.payment, household),
        {
          zh: `${installmentTitle(installment, 'zh')}补助已拨付，不能重复拨付`,
          en: `${installmentTitle(installment, 'en')} was already released; it cannot be paid twice`,
        },
        ABSENT,
      );
    }
    case 'inspection': {
      const { milestone, round } = write.inspection;
      return table.putWrite(
        inspectionItem(write.inspection, write.milestoneIndex),
        {
          zh: `“${milestoneTitle(milestone, 'zh')}”第 ${round} 次验收已登记，请刷新后重试`,
          en: `Round ${round} of the "${milestoneTitle(milestone, 'en')}" inspection is already recorded; reload and retry`,
        },
        ABSENT,
      );
    }
    case 'objection-recorded':
      return table.putWrite(
        objectionItem(write.objection),
        { zh: '该异议已登记，请刷新后查看', en: 'This objection is already recorded; reload the file' },
        ABSENT,
      );
    case 'objection-resolved':
      return table.putWrite(objectionItem(write.objection), STALE_VERSION);
    case 'photo-confirmed':
      return table.putWrite(
        photoItem(write.photo),
        { zh: '该照片已被确认', en: 'The photo was confirmed meanwhile' },
        {
          ConditionExpression: '#status = :requested',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':requested': 'requested' },
        },
      );
    case 'id-claim-released':
      // Released only if it is this household's claim.
      return {
        item: {
          Delete: {
            TableName: table.name,
            Key: keys.idClaim(write.idHash),
            ConditionExpression: 'attribute_not_exists(PK) OR householdId = :id',
            ExpressionAttributeValues: { ':id': householdId },
          },
        },
        onConflict: {
          zh: '身份证号登记属于其他农户，无法释放',
          en: 'The ID number claim belongs to another household',
        },
      };
  }
}

/** The household file as the change leaves it: an action answers from what it wrote, without reading it again. */
export function fileAfter(file: HouseholdFile, change: HouseholdChange): HouseholdFile {
  const after: HouseholdFile = {
    ...file,
    household: change.after,
    lastHash: change.event.hash,
    events: [...file.events, change.event],
    photos: [...file.photos],
    payments: [...file.payments],
    inspections: [...file.inspections],
    objections: [...file.objections],
  };
  if (change.decision && file.task) {
    const { decision, decidedAt, decidedBy } = change.decision;
    after.task = { ...file.task, status: 'decided', decision, decidedAt, decidedBy };
  }
  for (const write of change.records ?? []) {
    if (write.kind === 'payment') after.payments.push(write.payment);
    else if (write.kind === 'inspection') after.inspections.push(write.inspection);
    else if (write.kind === 'objection-recorded') after.objections.push(write.objection);
    else if (write.kind === 'objection-resolved') {
      after.objections = after.objections.map((o) =>
        o.objectionId === write.objection.objectionId ? write.objection : o,
      );
    } else if (write.kind === 'photo-confirmed') {
      const shown = Photo.parse(write.photo);
      after.photos = after.photos.map((p) => (p.photoId === shown.photoId ? shown : p));
    }
  }
  return after;
}

/** Where a search stopped: the partition it was reading and, inside it, DynamoDB's last key. */
const SearchCursor = z.object({ at: z.number().int().min(0).max(100), key: StartKey.optional() });

export function dynamoHouseholdStore(table: Table): HouseholdStore {
  return {
    async file(householdId) {
      // Strongly consistent: actions decide on what it holds (a photo confirmed a moment ago, the open task).
      return householdFileOf(
        await table.queryAll({
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': householdPartition(householdId) },
          ConsistentRead: true,
        }),
      );
    },

    record: (householdId) => table.find(keys.household(householdId), householdRecordOf),

    async records(householdIds) {
      const wanted = [...new Set(householdIds)].map((id) => keys.household(id));
      const found: HouseholdRecord[] = [];
      // BatchGetItem takes 100 keys at a time.
      for (let i = 0; i < wanted.length; i += 100) {
        found.push(...(await table.getMany(wanted.slice(i, i + 100))).map(householdRecordOf));
      }
      return found;
    },

    async recordAndTask(householdId) {
      const items = await table.getMany([keys.household(householdId), keys.task(householdId)]);
      const householdFound = items.find((item) => item.SK === 'HH');
      const taskFound = items.find((item) => item.SK === 'TASK');
      return {
        ...(householdFound ? { record: householdRecordOf(householdFound) } : {}),
        ...(taskFound ? { task: taskOf(taskFound) } : {}),
      };
    },

    async recordAndPhoto(householdId, photoId) {
      const items = await table.getMany([keys.household(householdId), keys.photo(householdId, photoId)]);
      const householdFound = items.find((item) => item.SK === 'HH');
      const photoFound = items.find((item) => item.SK === `PHOTO#${photoId}`);
      return {
        ...(householdFound ? { record: householdRecordOf(householdFound) } : {}),
        ...(photoFound ? { photo: storedPhotoOf(photoFound) } : {}),
      };
    },

    async list(filter, cursor, limit) {
      const where = householdListIndex(filter);
      if (!where)
        throw ValidationError.field('county', { zh: '须指定县或乡镇', en: 'A county or township is required' });
      const page = await table.queryPage({
        IndexName: where.index,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': `${where.index}PK` },
        ExpressionAttributeValues: { ':pk': where.partition },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor, StartKey),
      });
      return {
        items: page.items.map((item) => householdRecordOf(item).household),
        cursor: encodeCursor(page.lastKey),
      };
    },

    async search(targets, namePrefix, cursor, limit) {
      const partitions = targets.map(searchPartition);
      const start = decodeCursor(cursor, SearchCursor) ?? { at: 0 };
      const found: string[] = [];
      let at = start.at;
      let startKey: Record<string, string> | undefined = start.key;
      let next: z.infer<typeof SearchCursor> | undefined;
      while (at < partitions.length && found.length < limit) {
        const where = partitions[at];
        if (!where) break;
        const page = await table.queryPage({
          IndexName: where.index,
          KeyConditionExpression: namePrefix === undefined ? '#pk = :pk' : '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: {
            '#pk': `${where.index}PK`,
            ...(namePrefix === undefined ? {} : { '#sk': `${where.index}SK` }),
          },
          ExpressionAttributeValues: {
            ':pk': where.partition,
            ...(namePrefix === undefined ? {} : { ':prefix': namePrefix }),
          },
          ProjectionExpression: 'householdId',
          Limit: limit - found.length,
          ExclusiveStartKey: startKey,
        });
        found.push(...page.items.map((item) => String(item.householdId)));
        if (page.lastKey) {
          next = { at, key: page.lastKey as Record<string, string> };
          if (found.length >= limit) break;
          startKey = next.key;
        } else {
          at += 1;
          startKey = undefined;
          next = at < partitions.length ? { at } : undefined;
        }
      }
      const unique = [...new Set(found)];
      const items = unique.length > 0 ? await table.getMany(unique.map((id) => keys.household(id))) : [];
      const byId = new Map(items.map((item) => [String(item.householdId), householdRecordOf(item).household]));
      return {
        items: unique.flatMap((id) => {
          const household = byId.get(id);
          return household ? [household] : [];
        }),
        cursor: encodeCursor(next),
      };
    },

    countObjections(householdId) {
      return table.count({
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :objection)',
        ExpressionAttributeValues: { ':pk': householdPartition(householdId), ':objection': sortKeyPrefix.objection },
      });
    },

    async register(registration) {
      const h = registration.record.household;
      const startingTask = {
        householdId: h.householdId,
        status: 'starting',
        step: h.phase,
        county: h.county,
        township: h.township,
        createdAt: h.createdAt,
        executionName: registration.executionName,
        nextTryAt: later(h.createdAt, OUTBOX_FIRST_TRY_AFTER_MS.starting),
      } satisfies Task;
      const counters = progressCountersUpdate(table, undefined, h);
      await table.transact([
        table.putWrite(
          householdItem(registration.record),
          { zh: '农户编号已存在', en: 'The household id already exists' },
          ABSENT,
        ),
        table.putWrite(
          idClaimItem(registration.idHash, h),
          (existing) => {
            const claimedBy = stringAttribute(existing, 'householdId');
            const other = claimedBy ? householdReference(claimedBy) : '?';
            return {
              zh: `该户主身份证号已登记在农户 ${other} 名下，不能重复享受补助`,
              en: `The head's ID number is already claimed by household ${other}; a subsidy cannot be received twice`,
            };
          },
          { ...ABSENT, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' },
        ),
        table.putWrite(eventItem(registration.event), STALE_VERSION, ABSENT),
        table.putWrite(outboxTaskItem(startingTask), STALE_VERSION),
        table.putWrite(searchItem(h, registration.idHash), STALE_VERSION),
        // Due at once: the reconciler's first look confirms the start and schedules the next by its policy.
        table.putWrite(
          executionPointerItem({
            householdId: h.householdId,
            executionName: registration.executionName,
            attempt: 0,
            startedAt: h.createdAt,
            checkAt: h.createdAt,
            watched: true,
          }),
          STALE_VERSION,
          ABSENT,
        ),
        ...(counters ? [counters] : []),
        ...(registration.claims ?? []).map((claim) => table.putWrite(claim, STALE_VERSION)),
      ]);
    },

    async commit(change) {
      const { before, after, event } = change;
      const householdId = after.householdId;
      if (after.householdId !== before.householdId || after.version !== before.version + 1) {
        throw new Error(`a change of household ${householdId} moves it from version ${before.version} to the next`);
      }
      const items: GuardedWrite[] = [
        table.putWrite(householdItem({ household: after, lastHash: event.hash }), STALE_VERSION, {
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': before.version },
        }),
        table.putWrite(eventItem(change.event), STALE_VERSION, ABSENT),
      ];
      if (change.decision) {
        const { step, decision, decidedAt, decidedBy } = change.decision;
        const nextTryAt = later(decidedAt, OUTBOX_FIRST_TRY_AFTER_MS.decided);
        const outbox = outboxIndexKeys(nextTryAt, householdId);
        items.push({
          item: {
            Update: {
              TableName: table.name,
              Key: keys.task(householdId),
              UpdateExpression:
                'SET #status = :decided, decision = :decision, decidedAt = :at, decidedBy = :by, nextTryAt = :nextTryAt, attempts = :none, GSI2PK = :outbox, GSI2SK = :outboxKey REMOVE GSI1PK, GSI1SK, GSI3PK, GSI3SK, lastError',
              ConditionExpression: '#status = :open AND step = :step',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':decided': 'decided',
                ':open': 'open',
                ':step': step,
                ':decision': decision,
                ':at': decidedAt,
                ':by': decidedBy,
                ':nextTryAt': nextTryAt,
                ':none': 0,
                ':outbox': outbox.GSI2PK,
                ':outboxKey': outbox.GSI2SK,
              },
            },
          },
          onConflict: TASK_NOT_OPEN,
        });
      }
      items.push(...(change.records ?? []).flatMap((write) => recordWrites(table, after, write)));
      // Last, so the household, event and task keep their places in the transaction.
      const counters = progressCountersUpdate(table, before, after);
      if (counters) items.push(counters);
      await table.transact(items);
    },
  };
}
