/**
 * The housing-safety ledger in the one table (docs/design.md, "Data"; docs/data-access.md): each ledger household's
 * partition `MH#{ledgerId}` holds the household, its hash-chained audit events, its checks, cases, follow-up
 * visits and photos, so its file is one Query and every change is one transaction conditioned on its version (as a
 * renovation household's). The month's checks, the county's cases and visits are listed through GSI2; open checks,
 * cases waiting for a person and visits due sit in the township (GSI1) and county (GSI3) work queues, earliest due
 * first; the ID number finds a household through a lookup item (`MIDN#{county}#{sha256}`); the rosters sit under
 * `ROSTER#{county}` by month; the county's settings under `MONSET#{county}`.
 */
import type { AuditEvent } from '../../domain/model';
import { AuditEvent as AuditEventSchema } from '../../domain/model';
import {
  FollowUpVisit,
  LedgerCase,
  LedgerCheck,
  LedgerHousehold,
  MonitoringSettings,
  Roster,
} from '../../domain/monitoring/model';
import { type Item, photoHashPartition } from './items';
import type { StoredPhoto } from './records';
import { StoredPhoto as StoredPhotoSchema } from './records';
import { ABSENT, type GuardedWrite, STALE_VERSION, type Table } from './table';

const pad = (value: number, width: number) => String(value).padStart(width, '0');

export const ledgerPartition = (ledgerId: string) => `MH#${ledgerId}`;

export const monitoringKeys = {
  household: (ledgerId: string) => ({ PK: ledgerPartition(ledgerId), SK: 'MH' }),
  event: (ledgerId: string, seq: number) => ({ PK: ledgerPartition(ledgerId), SK: `EV#${pad(seq, 6)}` }),
  check: (ledgerId: string, checkId: string) => ({ PK: ledgerPartition(ledgerId), SK: `CHECK#${checkId}` }),
  case: (ledgerId: string, caseId: string) => ({ PK: ledgerPartition(ledgerId), SK: `CASE#${caseId}` }),
  visit: (ledgerId: string, householdId: string, months: number) => ({
    PK: ledgerPartition(ledgerId),
    SK: `VISIT#${householdId}#${pad(months, 2)}`,
  }),
  photo: (ledgerId: string, photoId: string) => ({ PK: ledgerPartition(ledgerId), SK: `PHOTO#${photoId}` }),
  idLookup: (county: string, idHash: string) => ({ PK: `MIDN#${county}#${idHash}`, SK: 'MIDN' }),
  roster: (county: string, month: string) => ({ PK: `ROSTER#${county}`, SK: month }),
  settings: (county: string) => ({ PK: `MONSET#${county}`, SK: 'SETTINGS' }),
} as const;

/** The work queues of the ledger: checks to do, cases waiting for a person, visits due. */
export const LEDGER_QUEUE_KINDS = ['check', 'case', 'visit'] as const;
export type LedgerQueueKind = (typeof LEDGER_QUEUE_KINDS)[number];
export type LedgerQueue = { kind: LedgerQueueKind } & ({ township: string } | { county: string });

function queuePartition(queue: LedgerQueue): { index: 'GSI1' | 'GSI3'; partition: string } {
  return 'township' in queue
    ? { index: 'GSI1', partition: `MQ#${queue.township}#${queue.kind}` }
    : { index: 'GSI3', partition: `MQC#${queue.county}#${queue.kind}` };
}

function queueKeys(kind: LedgerQueueKind, county: string, township: string, dueKey: string): Item {
  const own = queuePartition({ kind, township });
  const wide = queuePartition({ kind, county });
  return {
    [`${own.index}PK`]: own.partition,
    [`${own.index}SK`]: dueKey,
    [`${wide.index}PK`]: wide.partition,
    [`${wide.index}SK`]: dueKey,
  };
}

const monthChecksPartition = (county: string, month: string) => `MCHECK#${county}#${month}`;
const countyCasesPartition = (county: string) => `MCASE#${county}`;
const countyVisitsPartition = (county: string) => `MVISIT#${county}`;

const STORAGE = new Set([
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
  'lastHash',
]);
function strip(item: Item): Item {
  return Object.fromEntries(Object.entries(item).filter(([key]) => !STORAGE.has(key)));
}

// ---------------------------------------------------------------- items

function householdItem(household: LedgerHousehold, lastHash: string): Item {
  return { ...monitoringKeys.household(household.ledgerId), entity: 'ledger-household', ...household, lastHash };
}

function eventItem(event: AuditEvent): Item {
  return { ...monitoringKeys.event(event.householdId, event.seq), entity: 'ledger-event', ...event };
}

export function checkItem(check: LedgerCheck): Item {
  const listed = {
    GSI2PK: monthChecksPartition(check.county, check.month),
    GSI2SK: `${check.township}#${check.ledgerId}#${check.checkId}`,
  };
  return {
    ...monitoringKeys.check(check.ledgerId, check.checkId),
    entity: 'ledger-check',
    ...check,
    ...listed,
    ...(check.status === 'open'
      ? queueKeys('check', check.county, check.township, `${check.dueOn}#${check.ledgerId}#${check.checkId}`)
      : {}),
  };
}

function caseItem(found: LedgerCase): Item {
  const waitsForPerson = found.stage === 'measure' || found.stage === 'closing';
  return {
    ...monitoringKeys.case(found.ledgerId, found.caseId),
    entity: 'ledger-case',
    ...found,
    GSI2PK: countyCasesPartition(found.county),
    GSI2SK: `${found.openedAt}#${found.caseId}`,
    ...(waitsForPerson
      ? queueKeys('case', found.county, found.township, `${found.dueOn ?? '9999-12-31'}#${found.caseId}`)
      : {}),
  };
}

function visitItem(visit: FollowUpVisit): Item {
  const key = `${visit.dueOn}#${visit.ledgerId}#${visit.householdId}#${pad(visit.months, 2)}`;
  return {
    ...monitoringKeys.visit(visit.ledgerId, visit.householdId, visit.months),
    entity: 'ledger-visit',
    ...visit,
    GSI2PK: countyVisitsPartition(visit.county),
    GSI2SK: key,
    ...(visit.status === 'open' ? queueKeys('visit', visit.county, visit.township, key) : {}),
  };
}

/** A ledger photo: the renovation photo's record (its `householdId` is the ledger id), found by hash once confirmed. */
function photoItem(photo: StoredPhoto): Item {
  return {
    ...monitoringKeys.photo(photo.householdId, photo.photoId),
    entity: 'ledger-photo',
    ...photo,
    ...(photo.status === 'confirmed'
      ? { GSI1PK: photoHashPartition(photo.sha256), GSI1SK: `${photo.householdId}#${photo.photoId}` }
      : {}),
  };
}

// ---------------------------------------------------------------- records

export interface LedgerRecord {
  household: LedgerHousehold;
  lastHash: string;
}

/** Everything under a ledger household, read in one Query. */
export interface LedgerFile extends LedgerRecord {
  events: AuditEvent[];
  checks: LedgerCheck[];
  cases: LedgerCase[];
  visits: FollowUpVisit[];
  photos: StoredPhoto[];
}

function recordOf(item: Item): LedgerRecord {
  return { household: LedgerHousehold.parse(strip(item)), lastHash: String(item.lastHash ?? '') };
}

function fileOf(items: readonly Item[]): LedgerFile | undefined {
  const head = items.find((item) => item.SK === 'MH');
  if (!head) return undefined;
  const file: LedgerFile = { ...recordOf(head), events: [], checks: [], cases: [], visits: [], photos: [] };
  for (const item of items) {
    const sk = String(item.SK);
    const data = strip(item);
    if (sk.startsWith('EV#')) file.events.push(AuditEventSchema.parse(data));
    else if (sk.startsWith('CHECK#')) file.checks.push(LedgerCheck.parse(data));
    else if (sk.startsWith('CASE#')) file.cases.push(LedgerCase.parse(data));
    else if (sk.startsWith('VISIT#')) file.visits.push(FollowUpVisit.parse(data));
    else if (sk.startsWith('PHOTO#')) file.photos.push(StoredPhotoSchema.parse(data));
  }
  return file;
}

/** A record written with a ledger household's change, in the same transaction. */
export type LedgerWrite =
  /** The ID number of a new ledger household: one ledger household per person and county. */
  | { kind: 'id-lookup'; county: string; idHash: string; ledgerId: string }
  /** A check opened (the month's roster, a re-appraisal): once per id. */
  | { kind: 'check-opened'; check: LedgerCheck }
  /** A check recorded: only while it is open. */
  | { kind: 'check-done'; check: LedgerCheck }
  | { kind: 'case-opened'; case: LedgerCase }
  /** A case moved on: only from the stage it was read at. */
  | { kind: 'case-changed'; case: LedgerCase; fromStage: LedgerCase['stage'] }
  | { kind: 'visit-scheduled'; visit: FollowUpVisit }
  | { kind: 'visit-done'; visit: FollowUpVisit }
  | { kind: 'photo-confirmed'; photo: StoredPhoto & { status: 'confirmed' } };

/** One change of a ledger household (`before` absent: it is created), with its event and the records it writes. */
export interface LedgerChange {
  before?: LedgerHousehold;
  after: LedgerHousehold;
  event: AuditEvent;
  writes?: readonly LedgerWrite[];
}

export interface MonitoringStore {
  settings(county: string): Promise<MonitoringSettings | undefined>;
  putSettings(settings: MonitoringSettings, by: string, at: string): Promise<void>;
  /** The ledger ids of ID-number hashes (several BatchGetItem requests of 100). */
  ledgerIdsOf(county: string, idHashes: readonly string[]): Promise<Map<string, string>>;
  record(ledgerId: string): Promise<LedgerRecord | undefined>;
  records(ledgerIds: readonly string[]): Promise<Map<string, LedgerRecord>>;
  /** The ledger household's file in one strongly consistent Query of its partition. */
  file(ledgerId: string): Promise<LedgerFile | undefined>;
  roster(county: string, month: string): Promise<Roster | undefined>;
  /** The county's latest roster before `month`. */
  rosterBefore(county: string, month: string): Promise<Roster | undefined>;
  putRoster(roster: Roster): Promise<void>;
  /** The month's checks of a county (GSI2), of one township when given. */
  checksOfMonth(county: string, month: string, township?: string): Promise<LedgerCheck[]>;
  /** Opens a check of a household whose ledger data did not change (no event): false when it exists already. */
  openCheck(check: LedgerCheck): Promise<boolean>;
  casesOfCounty(county: string): Promise<LedgerCase[]>;
  visitsOfCounty(county: string, dueUntil?: string): Promise<FollowUpVisit[]>;
  /** Open items of a queue, earliest due first, due on or before `dueUntil` when given. */
  queue(queue: LedgerQueue, limit: number, dueUntil?: string): Promise<QueuedItem[]>;
  putRequestedPhoto(photo: StoredPhoto & { status: 'requested' }): Promise<void>;
  photo(ledgerId: string, photoId: string): Promise<StoredPhoto | undefined>;
  /** The household, its event and its writes in one transaction, conditioned on the version read. */
  commit(change: LedgerChange): Promise<void>;
}

const ALREADY_ON_LEDGER = {
  zh: '该身份证号已在本县监测台账中，请刷新后重试',
  en: 'This ID number is already on the county’s ledger; reload and retry',
};
export const CHECK_EXISTS = {
  zh: '该户本月的核查已存在',
  en: 'This household’s check already exists',
};
const CHECK_NOT_OPEN = { zh: '该核查已办理，请刷新后查看', en: 'This check was already recorded; reload it' };
const CASE_MOVED = { zh: '该案件已被他人办理，请刷新后重试', en: 'The case was moved on meanwhile; reload and retry' };
const VISIT_NOT_OPEN = { zh: '该次回访已登记', en: 'This visit was already recorded' };

function ledgerWrite(table: Table, write: LedgerWrite): GuardedWrite {
  switch (write.kind) {
    case 'id-lookup':
      return table.putWrite(
        {
          ...monitoringKeys.idLookup(write.county, write.idHash),
          entity: 'ledger-id',
          ledgerId: write.ledgerId,
        },
        ALREADY_ON_LEDGER,
        ABSENT,
      );
    case 'check-opened':
      return table.putWrite(checkItem(write.check), CHECK_EXISTS, ABSENT);
    case 'check-done':
      return table.putWrite(checkItem(write.check), CHECK_NOT_OPEN, {
        ConditionExpression: '#status = :open',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':open': 'open' },
      });
    case 'case-opened':
      return table.putWrite(caseItem(write.case), CASE_MOVED, ABSENT);
    case 'case-changed':
      return table.putWrite(caseItem(write.case), CASE_MOVED, {
        ConditionExpression: 'stage = :from',
        ExpressionAttributeValues: { ':from': write.fromStage },
      });
    case 'visit-scheduled':
      return table.putWrite(visitItem(write.visit), VISIT_NOT_OPEN, ABSENT);
    case 'visit-done':
      return table.putWrite(visitItem(write.visit), VISIT_NOT_OPEN, {
        ConditionExpression: '#status = :open',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':open': 'open' },
      });
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
  }
}

/** An item of a work queue, by what it is. */
export type QueuedItem =
  | { kind: 'check'; check: LedgerCheck }
  | { kind: 'case'; case: LedgerCase }
  | { kind: 'visit'; visit: FollowUpVisit };

function parseListed(item: Item): QueuedItem {
  const data = strip(item);
  if (item.entity === 'ledger-check') return { kind: 'check', check: LedgerCheck.parse(data) };
  if (item.entity === 'ledger-case') return { kind: 'case', case: LedgerCase.parse(data) };
  return { kind: 'visit', visit: FollowUpVisit.parse(data) };
}

export function dynamoMonitoringStore(table: Table): MonitoringStore {
  return {
    async settings(county) {
      const item = await table.get(monitoringKeys.settings(county), false);
      if (!item) return undefined;
      const { updatedBy: _by, updatedAt: _at, ...settings } = strip(item);
      return MonitoringSettings.parse(settings);
    },

    async putSettings(settings, by, at) {
      await table.put({
        Item: {
          ...monitoringKeys.settings(settings.county),
          entity: 'monitoring-settings',
          ...settings,
          updatedBy: by,
          updatedAt: at,
        },
      });
    },

    async ledgerIdsOf(county, idHashes) {
      const found = new Map<string, string>();
      const unique = [...new Set(idHashes)];
      for (let i = 0; i < unique.length; i += 100) {
        const items = await table.getMany(
          unique.slice(i, i + 100).map((hash) => monitoringKeys.idLookup(county, hash)),
        );
        for (const item of items) {
          const hash = String(item.PK).split('#')[2];
          if (hash) found.set(hash, String(item.ledgerId));
        }
      }
      return found;
    },

    record: (ledgerId) => table.find(monitoringKeys.household(ledgerId), recordOf),

    async records(ledgerIds) {
      const found = new Map<string, LedgerRecord>();
      const unique = [...new Set(ledgerIds)];
      for (let i = 0; i < unique.length; i += 100) {
        const items = await table.getMany(unique.slice(i, i + 100).map((id) => monitoringKeys.household(id)));
        for (const item of items) {
          const record = recordOf(item);
          found.set(record.household.ledgerId, record);
        }
      }
      return found;
    },

    async file(ledgerId) {
      return fileOf(
        await table.queryAll({
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': ledgerPartition(ledgerId) },
          ConsistentRead: true,
        }),
      );
    },

    async roster(county, month) {
      const item = await table.get(monitoringKeys.roster(county, month));
      return item ? Roster.parse(strip(item)) : undefined;
    },

    async rosterBefore(county, month) {
      const page = await table.queryPage({
        KeyConditionExpression: 'PK = :pk AND SK < :month',
        ExpressionAttributeValues: { ':pk': monitoringKeys.roster(county, month).PK, ':month': month },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      });
      const item = page.items[0];
      return item ? Roster.parse(strip(item)) : undefined;
    },

    async putRoster(roster) {
      await table.put({ Item: { ...monitoringKeys.roster(roster.county, roster.month), entity: 'roster', ...roster } });
    },

    async checksOfMonth(county, month, township) {
      const items = await table.queryAll({
        IndexName: 'GSI2',
        KeyConditionExpression: township ? 'GSI2PK = :pk AND begins_with(GSI2SK, :township)' : 'GSI2PK = :pk',
        ExpressionAttributeValues: {
          ':pk': monthChecksPartition(county, month),
          ...(township ? { ':township': `${township}#` } : {}),
        },
      });
      return items.map((item) => LedgerCheck.parse(strip(item)));
    },

    openCheck(check) {
      return table.applied(table.put({ Item: checkItem(check), ...ABSENT }));
    },

    async casesOfCounty(county) {
      const items = await table.queryAll({
        IndexName: 'GSI2',
        KeyConditionExpression: 'GSI2PK = :pk',
        ExpressionAttributeValues: { ':pk': countyCasesPartition(county) },
      });
      return items.map((item) => LedgerCase.parse(strip(item)));
    },

    async visitsOfCounty(county, dueUntil) {
      const items = await table.queryAll({
        IndexName: 'GSI2',
        KeyConditionExpression: dueUntil ? 'GSI2PK = :pk AND GSI2SK <= :until' : 'GSI2PK = :pk',
        ExpressionAttributeValues: {
          ':pk': countyVisitsPartition(county),
          ...(dueUntil ? { ':until': `${dueUntil}#~` } : {}),
        },
      });
      return items.map((item) => FollowUpVisit.parse(strip(item)));
    },

    async queue(queue, limit, dueUntil) {
      const where = queuePartition(queue);
      const page = await table.queryPage({
        IndexName: where.index,
        KeyConditionExpression: dueUntil ? '#pk = :pk AND #sk <= :until' : '#pk = :pk',
        ExpressionAttributeNames: { '#pk': `${where.index}PK`, ...(dueUntil ? { '#sk': `${where.index}SK` } : {}) },
        ExpressionAttributeValues: { ':pk': where.partition, ...(dueUntil ? { ':until': `${dueUntil}#~` } : {}) },
        ScanIndexForward: true,
        Limit: limit,
      });
      return page.items.map(parseListed);
    },

    async putRequestedPhoto(photo) {
      await table.put({ Item: photoItem(photo), ...ABSENT });
    },

    async photo(ledgerId, photoId) {
      const item = await table.get(monitoringKeys.photo(ledgerId, photoId));
      return item ? StoredPhotoSchema.parse(strip(item)) : undefined;
    },

    async commit(change) {
      const { before, after, event } = change;
      const expected = before === undefined ? 1 : before.version + 1;
      if (after.version !== expected || event.seq !== after.version || event.householdId !== after.ledgerId) {
        throw new Error(`a change of ledger household ${after.ledgerId} moves it to its next version with its event`);
      }
      const items: GuardedWrite[] = [
        table.putWrite(
          householdItem(after, event.hash),
          before === undefined ? ALREADY_ON_LEDGER : STALE_VERSION,
          before === undefined
            ? ABSENT
            : {
                ConditionExpression: 'version = :expected',
                ExpressionAttributeValues: { ':expected': before.version },
              },
        ),
        table.putWrite(eventItem(event), STALE_VERSION, ABSENT),
        ...(change.writes ?? []).map((write) => ledgerWrite(table, write)),
      ];
      await table.transact(items);
    },
  };
}
