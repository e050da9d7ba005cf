/**
 * The secondary adapter: every DynamoDB read and write of the functions, with the single-table
 * keys of docs/design.md. Use cases speak in households, tasks and events; this module speaks in
 * PK/SK, GSIs, conditions and transactions, and turns failed conditions into ConflictErrors with
 * a sentence a person can act on.
 */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { type Bilingual, ConflictError, ValidationError } from '../../domain/errors';
import { LedgerPayment } from '../../domain/funding/bank';
import {
  AuditEvent,
  Household,
  Inspection,
  type Payment,
  Phase,
  Photo,
  ProgramConfig,
  type ProgramConfig as ProgramConfigType,
  Role,
} from '../../domain/model';
import { addCells, type ProgressCells, progressCells, progressDelta } from '../../domain/rules/progress';
import { ddb } from './clients';
import { env } from './env';

// ---------------------------------------------------------------- keys

export const keys = {
  household: (id: string) => ({ PK: `HH#${id}`, SK: 'HH' }),
  task: (id: string) => ({ PK: `HH#${id}`, SK: 'TASK' }),
  event: (id: string, seq: number) => ({ PK: `HH#${id}`, SK: `EV#${String(seq).padStart(6, '0')}` }),
  payment: (id: string, installment: number) => ({ PK: `HH#${id}`, SK: `PAY#${String(installment).padStart(2, '0')}` }),
  inspection: (id: string, milestoneIndex: number, round: number) => ({
    PK: `HH#${id}`,
    SK: `INSP#${String(milestoneIndex).padStart(2, '0')}#${String(round).padStart(2, '0')}`,
  }),
  objection: (id: string, objectionId: string) => ({ PK: `HH#${id}`, SK: `OBJ#${objectionId}` }),
  idClaim: (idHash: string) => ({ PK: `IDN#${idHash}`, SK: 'IDN' }),
  program: (programId: string) => ({ PK: `PROGRAM#${programId}`, SK: 'CONFIG' }),
  idempotency: (username: string, key: string) => ({ PK: `IDEM#${username}#${key}`, SK: 'IDEM' }),
} as const;

const OUTBOX = 'OUTBOX';

function householdIndexKeys(h: Household) {
  const sortKey = `${h.createdAt}#${h.householdId}`;
  return {
    GSI1PK: `C#${h.county}`,
    GSI1SK: sortKey,
    GSI2PK: `C#${h.county}#P#${h.phase}`,
    GSI2SK: sortKey,
    GSI3PK: `T#${h.township}`,
    GSI3SK: sortKey,
    GSI4PK: `T#${h.township}#P#${h.phase}`,
    GSI4SK: sortKey,
  };
}

// ---------------------------------------------------------------- stored shapes

/** The household item carries the hash of its latest audit event so an action can extend the chain. */
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

export const Decision = z.object({ outcome: z.string(), next: Phase });
export type Decision = z.infer<typeof Decision>;

/**
 * The one TASK item of a household: `starting` (execution requested, in the outbox until the
 * first step records itself), `open` (waiting for a person), `decided` (decision stored, in the
 * outbox until Step Functions acknowledged it).
 */
export const TaskItem = z.object({
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
export type TaskItem = z.infer<typeof TaskItem>;

export interface HouseholdFile extends HouseholdRecord {
  task?: TaskItem;
  events: AuditEvent[];
  photos: Photo[];
  payments: LedgerPayment[];
  inspections: Inspection[];
  objections: Objection[];
}

/** Storage attributes that are not part of a record (`entity` names the item kind: `type` is an event field). */
const ITEM_KEYS = [
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
];

function strip(item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    if (!ITEM_KEYS.includes(key)) out[key] = value;
  }
  return out;
}

function householdRecordOf(item: Record<string, unknown>): HouseholdRecord {
  const { lastHash, ...rest } = strip(item);
  return { household: Household.parse(rest), lastHash: String(lastHash ?? '') };
}

function householdItem(record: HouseholdRecord) {
  const h = record.household;
  return {
    ...keys.household(h.householdId),
    entity: 'household',
    ...householdIndexKeys(h),
    ...h,
    lastHash: record.lastHash,
  };
}

function eventItem(event: AuditEvent) {
  return { ...keys.event(event.householdId, event.seq), entity: 'event', ...event };
}

// ---------------------------------------------------------------- cursors

/** Opaque base64url page cursor wrapping DynamoDB's LastEvaluatedKey. */
export function encodeCursor(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

const INVALID_CURSOR: Bilingual = { zh: '分页游标无效', en: 'The page cursor is invalid' };

export function decodeCursor<T>(cursor: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch (error) {
    throw ValidationError.field('cursor', INVALID_CURSOR, { cause: error });
  }
}

const StartKey = z.record(z.string(), z.string());

// ---------------------------------------------------------------- conflicts

/** A transaction item with the sentence to show when its condition fails. */
export interface GuardedItem {
  item: NonNullable<TransactWriteCommandInput['TransactItems']>[number];
  onConflict: Bilingual | ((existing: Record<string, unknown> | undefined) => Bilingual);
}

function isNamed(error: unknown, name: string): error is Error & Record<string, unknown> {
  return error instanceof Error && error.name === name;
}

/** Reads a raw or unmarshalled string attribute from a cancellation reason's item. */
function stringAttribute(item: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = item?.[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && 'S' in value && typeof value.S === 'string') return value.S;
  return undefined;
}

/** Every item of a Query, following `LastEvaluatedKey` page by page. */
async function queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await ddb.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Awaits a conditional write: true when it was applied, false when its condition did not hold. */
async function appliedIfCondition(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isNamed(error, 'ConditionalCheckFailedException')) return false;
    throw error;
  }
}

/** Attempts of a transaction that DynamoDB cancelled only for a TransactionConflict (nothing was written). */
const TRANSACTION_ATTEMPTS = 4;

const codeOf = (reason: unknown): string | undefined =>
  typeof reason === 'object' && reason !== null ? (reason as { Code?: string }).Code : undefined;

/**
 * Writes the items in one transaction. On AWS a transaction that touches an item another transaction is writing at
 * that moment is cancelled with TransactionConflict (DynamoDB Local never does): the household's progress counters
 * are shared by every household of a township shard, so two unrelated actions can meet there. Such a cancellation
 * wrote nothing and every condition is checked again, so it is retried as is after a short random pause; a
 * conflict on the household itself then fails its version condition and answers 409 like any stale write.
 */
async function transact(items: GuardedItem[]): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await ddb.send(new TransactWriteCommand({ TransactItems: items.map((guarded) => guarded.item) }));
      return;
    } catch (error) {
      if (!isNamed(error, 'TransactionCanceledException')) throw error;
      const reasons = Array.isArray(error.CancellationReasons) ? (error.CancellationReasons as unknown[]) : [];
      const failed = reasons.findIndex((reason) => codeOf(reason) === 'ConditionalCheckFailed');
      const guarded = items[failed];
      if (failed < 0 || !guarded) {
        if (!reasons.some((reason) => codeOf(reason) === 'TransactionConflict')) throw error;
        if (attempt < TRANSACTION_ATTEMPTS) {
          await new Promise((resolve) => setTimeout(resolve, attempt * (10 + Math.random() * 40)));
          continue;
        }
        // Still busy after the retries: the caller lost a race, which is a 409, never a 500.
        throw new ConflictError(STALE_VERSION, { cause: error });
      }
      const reason = reasons[failed] as { Item?: Record<string, unknown> };
      const message = typeof guarded.onConflict === 'function' ? guarded.onConflict(reason.Item) : guarded.onConflict;
      throw new ConflictError(message, { cause: error });
    }
  }
}

export const STALE_VERSION: Bilingual = {
  zh: '该户档案已被他人修改，请刷新后重试',
  en: 'The household file was changed by someone else (stale version); reload and retry',
};

// ---------------------------------------------------------------- households

/** The whole household file in one Query on its partition. */
export async function getHouseholdFile(householdId: string): Promise<HouseholdFile | undefined> {
  // Strongly consistent: actions decide on what it holds (a photo confirmed a moment ago, the open task).
  const items: Record<string, unknown>[] = await queryAll({
    TableName: env.tableName,
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': `HH#${householdId}` },
    ConsistentRead: true,
  });

  const householdItemFound = items.find((item) => item.SK === 'HH');
  if (!householdItemFound) return undefined;
  const file: HouseholdFile = {
    ...householdRecordOf(householdItemFound),
    events: [],
    photos: [],
    payments: [],
    inspections: [],
    objections: [],
  };
  for (const item of items) {
    const sk = String(item.SK);
    const data = strip(item);
    if (sk === 'TASK') file.task = TaskItem.parse(data);
    else if (sk.startsWith('EV#')) file.events.push(AuditEvent.parse(data));
    else if (sk.startsWith('PHOTO#')) file.photos.push(Photo.parse(data));
    else if (sk.startsWith('PAY#')) file.payments.push(LedgerPayment.parse(data));
    else if (sk.startsWith('INSP#')) file.inspections.push(Inspection.parse(data));
    else if (sk.startsWith('OBJ#')) file.objections.push(Objection.parse(data));
  }
  return file;
}

export async function getHouseholdRecord(householdId: string): Promise<HouseholdRecord | undefined> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: env.tableName, Key: keys.household(householdId), ConsistentRead: true }),
  );
  return Item ? householdRecordOf(Item) : undefined;
}

export interface HouseholdFilter {
  county?: string;
  township?: string;
  phase?: Phase;
}

export interface Page<T> {
  items: T[];
  cursor?: string;
}

/** Households newest first through GSI1..GSI4; never a scan. */
export async function listHouseholds(
  filter: HouseholdFilter,
  cursor: string | undefined,
  limit: number,
): Promise<Page<Household>> {
  let index: string;
  let partition: string;
  if (filter.township && filter.phase) [index, partition] = ['GSI4', `T#${filter.township}#P#${filter.phase}`];
  else if (filter.township) [index, partition] = ['GSI3', `T#${filter.township}`];
  else if (filter.county && filter.phase) [index, partition] = ['GSI2', `C#${filter.county}#P#${filter.phase}`];
  else if (filter.county) [index, partition] = ['GSI1', `C#${filter.county}`];
  else throw ValidationError.field('county', { zh: '须指定县或乡镇', en: 'A county or township is required' });

  const page = await ddb.send(
    new QueryCommand({
      TableName: env.tableName,
      IndexName: index,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': `${index}PK` },
      ExpressionAttributeValues: { ':pk': partition },
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: decodeCursor(cursor, StartKey),
    }),
  );
  return {
    items: (page.Items ?? []).map((item) => householdRecordOf(item).household),
    cursor: encodeCursor(page.LastEvaluatedKey),
  };
}

// ---------------------------------------------------------------- work queue

export interface QueueRef {
  /** GSI1 = township queue `Q#{township}#{step}`, GSI3 = county queue `QC#{county}#{step}`. */
  index: 'GSI1' | 'GSI3';
  partition: string;
}

export const queues = {
  township: (township: string, step: Phase): QueueRef => ({ index: 'GSI1', partition: `Q#${township}#${step}` }),
  county: (county: string, step: Phase): QueueRef => ({ index: 'GSI3', partition: `QC#${county}#${step}` }),
};

const QueueCursor = z.record(z.string(), z.union([StartKey, z.literal('done')]));

/**
 * Open tasks of several queues merged earliest due first. The cursor keeps, per queue, the key
 * of the last task returned (or `done`), so paging never skips or repeats a task.
 */
export async function listOpenTasks(
  refs: QueueRef[],
  cursor: string | undefined,
  limit: number,
): Promise<Page<TaskItem>> {
  const previous = decodeCursor(cursor, QueueCursor) ?? {};
  const fetched = await Promise.all(
    refs.map(async (ref) => {
      const id = `${ref.index}:${ref.partition}`;
      const start = previous[id];
      if (start === 'done')
        return { id, ref, items: [] as Record<string, unknown>[], last: undefined, exhausted: true };
      const page = await ddb.send(
        new QueryCommand({
          TableName: env.tableName,
          IndexName: ref.index,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': `${ref.index}PK` },
          ExpressionAttributeValues: { ':pk': ref.partition },
          ScanIndexForward: true,
          Limit: limit,
          ExclusiveStartKey: start,
        }),
      );
      return { id, ref, items: page.Items ?? [], last: page.LastEvaluatedKey, exhausted: !page.LastEvaluatedKey };
    }),
  );
  const merged = fetched
    .flatMap((queue) => queue.items.map((item, position) => ({ queue, item, position })))
    .sort((a, b) => String(a.item[`${a.queue.ref.index}SK`]).localeCompare(String(b.item[`${b.queue.ref.index}SK`])))
    .slice(0, limit);

  const next: Record<string, Record<string, string> | 'done'> = {};
  let more = false;
  for (const queue of fetched) {
    const taken = merged.filter((entry) => entry.queue === queue);
    const lastTaken = taken.at(-1);
    if (taken.length === queue.items.length && queue.exhausted) {
      next[queue.id] = 'done';
      continue;
    }
    more = true;
    if (lastTaken) {
      const { index } = queue.ref;
      const item = lastTaken.item;
      next[queue.id] = {
        PK: String(item.PK),
        SK: String(item.SK),
        [`${index}PK`]: String(item[`${index}PK`]),
        [`${index}SK`]: String(item[`${index}SK`]),
      };
    } else {
      const before = previous[queue.id];
      if (before !== undefined) next[queue.id] = before;
    }
  }
  return {
    items: merged.map((entry) => TaskItem.parse(strip(entry.item))),
    cursor: more ? encodeCursor(next) : undefined,
  };
}

export async function getTask(householdId: string): Promise<TaskItem | undefined> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: env.tableName, Key: keys.task(householdId), ConsistentRead: true }),
  );
  return Item ? TaskItem.parse(strip(Item)) : undefined;
}

/**
 * Records the open task of a human step; `replacing` is the TASK item read before (undefined: none).
 * It replaces whatever is there (a delivered decision of an earlier step, an open task of a dead
 * execution) except a decision of this very step stored after that read: overwriting it would take it
 * out of the outbox, so the write is refused (false) and the caller reads again and decides again.
 * A decision of this step that was already there at the read (a failed inspection, whose step loops
 * onto itself) is replaced.
 */
export async function putOpenTask(
  task: TaskItem & { status: 'open'; dueAt: string },
  replacing: TaskItem | undefined,
): Promise<boolean> {
  const seenDecisionOfThisStep =
    replacing?.status === 'decided' && replacing.step === task.step ? replacing.taskToken : undefined;
  const notOverADecisionOfThisStep = {
    ConditionExpression: `attribute_not_exists(PK) OR #status <> :decided OR step <> :step${seenDecisionOfThisStep ? ' OR taskToken = :seen' : ''}`,
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':decided': 'decided',
      ':step': task.step,
      ...(seenDecisionOfThisStep ? { ':seen': seenDecisionOfThisStep } : {}),
    },
  };
  return appliedIfCondition(
    ddb.send(
      new PutCommand({
        TableName: env.tableName,
        Item: {
          ...keys.task(task.householdId),
          entity: 'task',
          ...task,
          GSI1PK: queues.township(task.township, task.step).partition,
          GSI1SK: `${task.dueAt}#${task.householdId}`,
          GSI3PK: queues.county(task.county, task.step).partition,
          GSI3SK: `${task.dueAt}#${task.householdId}`,
        },
        ...notOverADecisionOfThisStep,
      }),
    ),
  );
}

/**
 * Removes the TASK item once Step Functions has the decision for `taskToken`. A failed condition
 * means the next step already recorded its own task: nothing to remove.
 */
export async function deleteTaskIfToken(householdId: string, taskToken: string): Promise<boolean> {
  return appliedIfCondition(
    ddb.send(
      new DeleteCommand({
        TableName: env.tableName,
        Key: keys.task(householdId),
        ConditionExpression: 'taskToken = :token',
        ExpressionAttributeValues: { ':token': taskToken },
      }),
    ),
  );
}

/** Removes a `starting` TASK item once its execution exists (unless the first step replaced it). */
export async function deleteStartingTask(householdId: string): Promise<boolean> {
  return appliedIfCondition(
    ddb.send(
      new DeleteCommand({
        TableName: env.tableName,
        Key: keys.task(householdId),
        ConditionExpression: '#status = :starting',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':starting': 'starting' },
      }),
    ),
  );
}

/** Outbox entries (decided or starting TASK items) that entered the outbox before `before` (ISO time). */
export async function listOutbox(before: string, limit = 100): Promise<TaskItem[]> {
  const items: TaskItem[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await ddb.send(
      new QueryCommand({
        TableName: env.tableName,
        IndexName: 'GSI2',
        KeyConditionExpression: 'GSI2PK = :outbox AND GSI2SK < :before',
        ExpressionAttributeValues: { ':outbox': OUTBOX, ':before': before },
        ExclusiveStartKey: startKey,
        Limit: limit,
      }),
    );
    items.push(...(page.Items ?? []).map((item) => TaskItem.parse(strip(item))));
    startKey = page.LastEvaluatedKey;
  } while (startKey && items.length < limit);
  return items;
}

// ---------------------------------------------------------------- transactions

export interface HouseholdChange {
  /** The household after the change: `version` is `expectedVersion + 1`, `lastHash` is the new event's hash. */
  record: HouseholdRecord;
  expectedVersion: number;
  event: AuditEvent;
  /** The decision of the open task of `step`; absent for side actions and system steps. */
  decision?: { step: Phase; decision: Decision; decidedAt: string; decidedBy: string };
  /** More writes of the same change (payment, inspection, objection, ID claim release). */
  extra?: GuardedItem[];
  /** The household as read at `expectedVersion`, for the progress counters; read here when absent. */
  previous?: Household;
}

export function householdPut(record: HouseholdRecord, expectedVersion: number): GuardedItem {
  return {
    item: {
      Put: {
        TableName: env.tableName,
        Item: householdItem(record),
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':expected': expectedVersion },
      },
    },
    onConflict: STALE_VERSION,
  };
}

export function eventPut(event: AuditEvent): GuardedItem {
  return {
    item: {
      Put: { TableName: env.tableName, Item: eventItem(event), ConditionExpression: 'attribute_not_exists(PK)' },
    },
    onConflict: STALE_VERSION,
  };
}

/** An item put once only (payment, inspection round, objection). */
export function putOnce(item: Record<string, unknown>, onConflict: Bilingual): GuardedItem {
  return {
    item: { Put: { TableName: env.tableName, Item: item, ConditionExpression: 'attribute_not_exists(PK)' } },
    onConflict,
  };
}

export function itemPut(item: Record<string, unknown>): GuardedItem {
  return { item: { Put: { TableName: env.tableName, Item: item } }, onConflict: STALE_VERSION };
}

/** Releases the ID-number claim of a rejected household so the person may apply again. */
export function idClaimRelease(idHash: string, householdId: string): GuardedItem {
  return {
    item: {
      Delete: {
        TableName: env.tableName,
        Key: keys.idClaim(idHash),
        ConditionExpression: 'attribute_not_exists(PK) OR householdId = :id',
        ExpressionAttributeValues: { ':id': householdId },
      },
    },
    onConflict: { zh: '身份证号登记属于其他农户，无法释放', en: 'The ID number claim belongs to another household' },
  };
}

export function paymentItem(payment: Payment) {
  return { ...keys.payment(payment.householdId, payment.installment), entity: 'payment', ...payment };
}

export function inspectionItem(inspection: Inspection, milestoneIndex: number) {
  return {
    ...keys.inspection(inspection.householdId, milestoneIndex, inspection.round),
    entity: 'inspection',
    ...inspection,
  };
}

export function objectionItem(objection: Objection) {
  return { ...keys.objection(objection.householdId, objection.objectionId), entity: 'objection', ...objection };
}

/**
 * One action or system step: the household (conditioned on its version), its audit event, the
 * task decision moved to the outbox, and any extra writes, all or nothing.
 */
export async function commitHouseholdChange(change: HouseholdChange): Promise<void> {
  const householdId = change.record.household.householdId;
  const items: GuardedItem[] = [householdPut(change.record, change.expectedVersion), eventPut(change.event)];

  if (change.decision) {
    const { step, decision, decidedAt, decidedBy } = change.decision;
    items.push({
      item: {
        Update: {
          TableName: env.tableName,
          Key: keys.task(householdId),
          UpdateExpression:
            'SET #status = :decided, decision = :decision, decidedAt = :at, decidedBy = :by, GSI2PK = :outbox, GSI2SK = :outboxKey REMOVE GSI1PK, GSI1SK, GSI3PK, GSI3SK',
          ConditionExpression: '#status = :open AND step = :step',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':decided': 'decided',
            ':open': 'open',
            ':step': step,
            ':decision': decision,
            ':at': decidedAt,
            ':by': decidedBy,
            ':outbox': OUTBOX,
            ':outboxKey': `${decidedAt}#${householdId}`,
          },
        },
      },
      onConflict: {
        zh: '该步骤的待办任务尚未开启或已被处理，请刷新后重试',
        en: 'The task of this step is not open (not started yet or already decided); reload and retry',
      },
    });
  }
  items.push(...(change.extra ?? []));
  // Last, so the household, event and task keep their places in the transaction.
  const counters = progressCountersUpdate(
    change.previous ?? (await householdAtVersion(householdId, change.expectedVersion)),
    change.record.household,
  );
  if (counters) items.push(counters);
  await transact(items);
}

export interface Registration {
  record: HouseholdRecord;
  idHash: string;
  event: AuditEvent;
  executionName: string;
}

/**
 * A new household: the household, the ID-number claim (one subsidy per person), its first audit
 * event and a `starting` task in the outbox, so a lost StartExecution is retried by the sweeper.
 */
export async function commitRegistration(registration: Registration): Promise<void> {
  const h = registration.record.household;
  const startingTask: TaskItem = {
    householdId: h.householdId,
    status: 'starting',
    step: h.phase,
    county: h.county,
    township: h.township,
    createdAt: h.createdAt,
    executionName: registration.executionName,
  };
  await transact([
    {
      item: {
        Put: {
          TableName: env.tableName,
          Item: householdItem(registration.record),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      onConflict: { zh: '农户编号已存在', en: 'The household id already exists' },
    },
    {
      item: {
        Put: {
          TableName: env.tableName,
          Item: {
            ...keys.idClaim(registration.idHash),
            entity: 'id-claim',
            householdId: h.householdId,
            programId: h.programId,
            claimedAt: h.createdAt,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      onConflict: (existing) => {
        const other = stringAttribute(existing, 'householdId') ?? '?';
        return {
          zh: `该户主身份证号已登记在农户 ${other} 名下，不能重复享受补助`,
          en: `The head's ID number is already claimed by household ${other}; a subsidy cannot be received twice`,
        };
      },
    },
    eventPut(registration.event),
    {
      item: {
        Put: {
          TableName: env.tableName,
          Item: {
            ...keys.task(h.householdId),
            entity: 'task',
            ...startingTask,
            GSI2PK: OUTBOX,
            GSI2SK: `${h.createdAt}#${h.householdId}`,
          },
        },
      },
      onConflict: STALE_VERSION,
    },
    ...optional(progressCountersUpdate(undefined, h)),
  ]);
}

// ---------------------------------------------------------------- program configuration

export async function getProgram(programId: string): Promise<ProgramConfigType | undefined> {
  const { Item } = await ddb.send(new GetCommand({ TableName: env.tableName, Key: keys.program(programId) }));
  return Item ? ProgramConfig.parse(Item.config) : undefined;
}

export async function putProgram(config: ProgramConfigType, updatedBy: string, at: string): Promise<void> {
  await ddb.send(
    new PutCommand({
      TableName: env.tableName,
      Item: {
        ...keys.program(config.programId),
        entity: 'program',
        config,
        updatedBy,
        updatedAt: at,
        ...programIndexKeys(config),
      },
    }),
  );
}

// ---------------------------------------------------------------- idempotency records

export const IdempotencyRecord = z.object({
  bodyHash: z.string(),
  status: z.enum(['in-progress', 'completed']),
  response: z.object({ status: z.number(), body: z.unknown() }).optional(),
  expiresAt: z.number(),
});
export type IdempotencyRecord = z.infer<typeof IdempotencyRecord>;

export async function getIdempotencyRecord(username: string, key: string): Promise<IdempotencyRecord | undefined> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: env.tableName, Key: keys.idempotency(username, key), ConsistentRead: true }),
  );
  return Item ? IdempotencyRecord.parse(strip(Item)) : undefined;
}

/** Claims the key; false when a record already exists (and has not expired). */
export async function claimIdempotencyKey(
  username: string,
  key: string,
  record: IdempotencyRecord,
  nowSeconds: number,
): Promise<boolean> {
  return appliedIfCondition(
    ddb.send(
      new PutCommand({
        TableName: env.tableName,
        Item: { ...keys.idempotency(username, key), entity: 'idempotency', ...record },
        // TTL deletion lags: an expired record is as good as none.
        ConditionExpression: 'attribute_not_exists(PK) OR expiresAt < :now',
        ExpressionAttributeValues: { ':now': nowSeconds },
      }),
    ),
  );
}

export async function completeIdempotencyKey(
  username: string,
  key: string,
  response: { status: number; body: unknown },
  expiresAt: number,
): Promise<void> {
  await ddb.send(
    new UpdateCommand({
      TableName: env.tableName,
      Key: keys.idempotency(username, key),
      UpdateExpression: 'SET #status = :completed, #response = :response, expiresAt = :expiresAt',
      ExpressionAttributeNames: { '#status': 'status', '#response': 'response' },
      ExpressionAttributeValues: { ':completed': 'completed', ':response': response, ':expiresAt': expiresAt },
    }),
  );
}

export async function releaseIdempotencyKey(username: string, key: string): Promise<void> {
  await ddb.send(new DeleteCommand({ TableName: env.tableName, Key: keys.idempotency(username, key) }));
}

// ---------------------------------------------------------------- payments (maker-checker, bank)

/**
 * An approved payment waiting for the bank sits in the sparse GSI2 partition `PAYDUE#{county}`,
 * sorted by `{approvedDay}#{householdId}#{nn}`; a bank result (paid or failed) removes it, a retry
 * puts it back. The prefix keeps it apart from the households (`C#..#P#`) and the outbox (`OUTBOX`).
 */
export const paymentsDue = {
  partition: (county: string) => `PAYDUE#${county}`,
  sortKey: (day: string, householdId: string, installment: number) =>
    `${day}#${householdId}#${String(installment).padStart(2, '0')}`,
};

/** A ledger entry with the county it is paid in (set when it is approved). */
export interface StoredPayment {
  payment: LedgerPayment;
  county?: string;
}

function storedPaymentOf(item: Record<string, unknown>): StoredPayment {
  const county = typeof item.county === 'string' ? item.county : undefined;
  return { payment: LedgerPayment.parse(strip(item)), ...(county ? { county } : {}) };
}

export async function getPayment(householdId: string, installment: number): Promise<StoredPayment | undefined> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: env.tableName, Key: keys.payment(householdId, installment), ConsistentRead: true }),
  );
  return Item ? storedPaymentOf(Item) : undefined;
}

/** The ledger of one household (all its `PAY#` items). */
export async function listHouseholdPayments(householdId: string): Promise<LedgerPayment[]> {
  const payments: LedgerPayment[] = (
    await queryAll({
      TableName: env.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :pay)',
      ExpressionAttributeValues: { ':pk': `HH#${householdId}`, ':pay': 'PAY#' },
    })
  ).map((item) => storedPaymentOf(item).payment);
  return payments;
}

const ALREADY_APPROVED: Bilingual = {
  zh: '该笔拨付已复核或状态已变化，请刷新后重试',
  en: 'The release was already approved or changed meanwhile; reload and retry',
};

/**
 * Stores the approval of a prepared release. The condition repeats the maker-checker rule, so a
 * second approval, or one racing with another, fails with a ConflictError instead of writing twice.
 */
export async function storePaymentApproval(
  payment: LedgerPayment,
  county: string,
  approvedBy: string,
  approvedAt: string,
  day: string,
): Promise<void> {
  try {
    await ddb.send(
      new UpdateCommand({
        TableName: env.tableName,
        Key: keys.payment(payment.householdId, payment.installment),
        UpdateExpression: 'SET approvedBy = :by, approvedAt = :at, county = :county, GSI2PK = :due, GSI2SK = :dueKey',
        ConditionExpression:
          'attribute_exists(PK) AND #status = :released AND attribute_not_exists(approvedBy) AND releasedBy <> :by',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':by': approvedBy,
          ':at': approvedAt,
          ':county': county,
          ':released': 'released',
          ':due': paymentsDue.partition(county),
          ':dueKey': paymentsDue.sortKey(day, payment.householdId, payment.installment),
        },
      }),
    );
  } catch (error) {
    if (isNamed(error, 'ConditionalCheckFailedException')) throw new ConflictError(ALREADY_APPROVED, { cause: error });
    throw error;
  }
}

/** Approved payments of a county still waiting for the bank, optionally only those approved on `day`. */
export async function listPaymentsDue(county: string, day?: string): Promise<StoredPayment[]> {
  const payments: StoredPayment[] = (
    await queryAll({
      TableName: env.tableName,
      IndexName: 'GSI2',
      KeyConditionExpression: day === undefined ? 'GSI2PK = :due' : 'GSI2PK = :due AND begins_with(GSI2SK, :day)',
      ExpressionAttributeValues: {
        ':due': paymentsDue.partition(county),
        ...(day === undefined ? {} : { ':day': `${day}#` }),
      },
    })
  ).map(storedPaymentOf);
  return payments;
}

/**
 * Stores a bank result (`paid` or `failed`) on a payment that is still waiting for the bank under
 * that reference; false when it is not (already paid or failed, e.g. by a concurrent import), so a
 * paid payment never changes again.
 */
export async function storeBankResult(updated: LedgerPayment): Promise<boolean> {
  const paid = updated.status === 'paid';
  return appliedIfCondition(
    ddb.send(
      new UpdateCommand({
        TableName: env.tableName,
        Key: keys.payment(updated.householdId, updated.installment),
        UpdateExpression: paid
          ? 'SET #status = :status, paidAt = :paidAt REMOVE failureReason, GSI2PK, GSI2SK'
          : 'SET #status = :status, failureReason = :reason REMOVE GSI2PK, GSI2SK',
        ConditionExpression: '#status = :released AND #reference = :reference AND attribute_exists(approvedBy)',
        ExpressionAttributeNames: { '#status': 'status', '#reference': 'reference' },
        ExpressionAttributeValues: {
          ':status': updated.status,
          ':released': 'released',
          ':reference': updated.reference,
          ...(paid ? { ':paidAt': updated.paidAt ?? '' } : { ':reason': updated.failureReason ?? '' }),
        },
      }),
    ),
  );
}

/** Sends a failed payment to the bank again under the same reference (back into `PAYDUE#{county}`). */
export async function storePaymentRetry(retried: LedgerPayment, county: string, day: string): Promise<void> {
  try {
    await ddb.send(
      new UpdateCommand({
        TableName: env.tableName,
        Key: keys.payment(retried.householdId, retried.installment),
        UpdateExpression:
          'SET #status = :released, attempts = :attempts, GSI2PK = :due, GSI2SK = :dueKey REMOVE failureReason',
        ConditionExpression: '#status = :failed AND #reference = :reference',
        ExpressionAttributeNames: { '#status': 'status', '#reference': 'reference' },
        ExpressionAttributeValues: {
          ':released': 'released',
          ':failed': 'failed',
          ':reference': retried.reference,
          ':attempts': retried.attempts ?? 2,
          ':due': paymentsDue.partition(county),
          ':dueKey': paymentsDue.sortKey(day, retried.householdId, retried.installment),
        },
      }),
    );
  } catch (error) {
    if (isNamed(error, 'ConditionalCheckFailedException')) {
      throw new ConflictError(
        { zh: '该笔支付已不是失败状态，不能重发', en: 'The payment is no longer failed; it is not sent again' },
        { cause: error },
      );
    }
    throw error;
  }
}

// ---------------------------------------------------------------- photos (evidence)

/**
 * A photo as stored: the `Photo` record plus where the object lies and who asked and confirmed.
 * GSI1 `SHA#{sha256}` is set only on confirmation, so a requested but never uploaded photo can
 * never make another one look like a duplicate.
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

export function photoItemKey(householdId: string, photoId: string) {
  return { PK: `HH#${householdId}`, SK: `PHOTO#${photoId}` };
}

export const photoHashPartition = (sha256: string) => `SHA#${sha256}`;

/** Records a requested photo; the id is new, so an existing item means a bug, not a retry. */
export async function putRequestedPhoto(photo: StoredPhoto & { status: 'requested' }): Promise<void> {
  await ddb.send(
    new PutCommand({
      TableName: env.tableName,
      Item: { ...photoItemKey(photo.householdId, photo.photoId), entity: 'photo', ...photo },
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  );
}

export async function getPhoto(householdId: string, photoId: string): Promise<StoredPhoto | undefined> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: env.tableName, Key: photoItemKey(householdId, photoId), ConsistentRead: true }),
  );
  return Item ? StoredPhoto.parse(strip(Item)) : undefined;
}

/**
 * Marks a requested photo confirmed with what the server verified, as part of the transaction that
 * appends its audit event. Its condition fails when the photo is no longer `requested` (a
 * concurrent confirmation won): the caller reads the stored photo instead.
 */
export function confirmedPhotoPut(photo: StoredPhoto & { status: 'confirmed' }): GuardedItem {
  return {
    item: {
      Put: {
        TableName: env.tableName,
        Item: {
          ...photoItemKey(photo.householdId, photo.photoId),
          entity: 'photo',
          ...photo,
          GSI1PK: photoHashPartition(photo.sha256),
          GSI1SK: `${photo.householdId}#${photo.photoId}`,
        },
        ConditionExpression: '#status = :requested',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':requested': 'requested' },
      },
    },
    onConflict: { zh: '该照片已被确认', en: 'The photo was confirmed meanwhile' },
  };
}

/** Confirmed photos with this SHA-256, any household (GSI1 `SHA#{sha256}`). */
export async function photosWithHash(sha256: string): Promise<Pick<Photo, 'householdId' | 'photoId' | 'step'>[]> {
  const found: Pick<Photo, 'householdId' | 'photoId' | 'step'>[] = (
    await queryAll({
      TableName: env.tableName,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': photoHashPartition(sha256) },
    })
  ).map((item) => ({
    householdId: String(item.householdId),
    photoId: String(item.photoId),
    step: String(item.step),
  }));
  return found;
}

// ---------------------------------------------------------------- progress counters (reports)

/**
 * Running totals of the progress report: per program and township, counter cells
 * (domain/rules/progress.ts) kept with `ADD` in the same transaction that changes a household, so
 * they never drift from the households. A township's totals are split over a few shard items
 * (chosen by household id) so concurrent transactions on one township rarely touch the same item
 * (on AWS that cancels one with TransactionConflict); the report sums the shards of a program in
 * one Query on `PK = STATS#{programId}`.
 */
export const PROGRESS_SHARDS = 4;

export const progressCounterKey = (programId: string, township: string, shard: number) => ({
  PK: `STATS#${programId}`,
  SK: `T#${township}#${shard}`,
});

function shardOf(householdId: string): number {
  let hash = 0;
  for (const char of householdId) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return hash % PROGRESS_SHARDS;
}

function optional<T>(value: T | undefined): T[] {
  return value === undefined ? [] : [value];
}

/** The `ADD` of a household's change to its township's counters; undefined when nothing counted changed. */
export function progressCountersUpdate(before: Household | undefined, after: Household): GuardedItem | undefined {
  if (before && (before.programId !== after.programId || before.township !== after.township)) {
    throw new Error(`household ${after.householdId} cannot move to another program or township`);
  }
  const delta = Object.entries(progressDelta(before, after));
  if (delta.length === 0) return undefined;
  const names: Record<string, string> = { '#township': 'township', '#program': 'programId' };
  const values: Record<string, unknown> = { ':township': after.township, ':program': after.programId };
  delta.forEach(([name, amount], i) => {
    names[`#c${i}`] = name;
    values[`:c${i}`] = amount;
  });
  return {
    item: {
      Update: {
        TableName: env.tableName,
        Key: progressCounterKey(after.programId, after.township, shardOf(after.householdId)),
        UpdateExpression: `SET #township = :township, #program = :program ADD ${delta.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
    onConflict: STALE_VERSION,
  };
}

/** The household as it is at `version`; a ConflictError when it moved on (the transaction would fail anyway). */
async function householdAtVersion(householdId: string, version: number): Promise<Household> {
  const record = await getHouseholdRecord(householdId);
  if (!record || record.household.version !== version) throw new ConflictError(STALE_VERSION);
  return record.household;
}

function cellsOfItem(item: Record<string, unknown>): ProgressCells {
  const cells: ProgressCells = {};
  for (const [name, value] of Object.entries(item)) if (typeof value === 'number') cells[name] = value;
  return cells;
}

/** The counters of every township of a program, shards summed: one Query, whatever the number of households. */
export async function getProgressCounters(programId: string): Promise<Map<string, ProgressCells>> {
  const byTownship = new Map<string, ProgressCells>();
  for (const item of await queryAll({
    TableName: env.tableName,
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': `STATS#${programId}` },
  })) {
    const township = String(item.township ?? String(item.SK).split('#')[1]);
    byTownship.set(township, addCells(byTownship.get(township) ?? {}, cellsOfItem(item)));
  }
  return byTownship;
}

/** Counts a township's households of a program from the households themselves (GSI3 `T#{township}`). */
export async function recountProgress(programId: string, township: string): Promise<ProgressCells> {
  const totals: ProgressCells = {};
  for (const item of await queryAll({
    TableName: env.tableName,
    IndexName: 'GSI3',
    KeyConditionExpression: 'GSI3PK = :pk',
    ExpressionAttributeValues: { ':pk': `T#${township}` },
  })) {
    const { household } = householdRecordOf(item);
    if (household.programId === programId) addCells(totals, progressCells(household));
  }
  return totals;
}

/**
 * Rebuilds a program's counters from its households (data stored before the counters existed, or
 * after a repair): shard 0 gets the recount, the other shards are emptied. Run it while nobody acts
 * on the program's households: an action between the recount and the write would be lost from them.
 */
export async function rebuildProgressCounters(
  programId: string,
  townships: readonly string[],
): Promise<Map<string, ProgressCells>> {
  const rebuilt = new Map<string, ProgressCells>();
  for (const township of townships) {
    const cells = await recountProgress(programId, township);
    rebuilt.set(township, cells);
    for (let shard = 0; shard < PROGRESS_SHARDS; shard++) {
      await ddb.send(
        new PutCommand({
          TableName: env.tableName,
          Item: {
            ...progressCounterKey(programId, township, shard),
            entity: 'progress-counters',
            township,
            programId,
            ...(shard === 0 ? cells : {}),
          },
        }),
      );
    }
  }
  return rebuilt;
}

// ---------------------------------------------------------------- programs of a county

/** A program is listed under its county in GSI1 (`PROGRAMS#{county}`, newest year last). */
function programIndexKeys(config: ProgramConfigType) {
  return { GSI1PK: `PROGRAMS#${config.county.code}`, GSI1SK: `${config.year}#${config.programId}` };
}

/** The county's most recent program (by year), for reports asked by county only. */
export async function latestProgramOfCounty(county: string): Promise<ProgramConfigType | undefined> {
  const { Items } = await ddb.send(
    new QueryCommand({
      TableName: env.tableName,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': `PROGRAMS#${county}` },
      ScanIndexForward: false,
      Limit: 1,
    }),
  );
  const item = Items?.[0];
  return item ? ProgramConfig.parse(item.config) : undefined;
}

// ---------------------------------------------------------------- overdue tasks

/** Townships of the overdue open tasks of a county queue (GSI3 `QC#{county}#{step}`, due before `now`). */
export async function overdueTaskTownships(county: string, step: Phase, now: string): Promise<string[]> {
  const items = await queryAll({
    TableName: env.tableName,
    IndexName: 'GSI3',
    KeyConditionExpression: 'GSI3PK = :pk AND GSI3SK < :now',
    ExpressionAttributeValues: { ':pk': queues.county(county, step).partition, ':now': now },
    ProjectionExpression: 'township',
  });
  return items.map((item) => String(item.township));
}
