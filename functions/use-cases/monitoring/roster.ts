/**
 * The month's roster (`POST /monitoring/rosters`, `GET /monitoring/rosters/{id}`).
 *
 * Importing it:
 * 1. check the caller is county civil-affairs staff of the roster's county;
 * 2. read the file (or the rows) and check every row: ID number, household size, a category of the county, a
 *    village of the county; every problem at its line, nothing registered from a bad row;
 * 3. compare each good row with the ledger: a household unknown to the ledger, or not on the previous roster, is
 *    new; one whose name, size, category, village or phone differ is changed; the previous roster's households
 *    missing from this one are leaving;
 * 4. put each household on the month's roster with a house-safety check for its township, due on the county's day:
 *    a new household is created on the ledger (with the ID-number lookup and its first audit event), a changed one
 *    updated (an audit event names what changed), an unchanged one gets its check alone; each in one write or one
 *    transaction, so a retry or a second import never doubles a check;
 * 5. store the roster: counts, who left, the row errors and this import.
 * A second import of a month adds the households not on it yet (a county may import its roster in parts).
 */
import { randomUUID } from 'node:crypto';
import type { RosterImported, RosterView } from '../../../contract/monitoring';
import { ConflictError, NotFoundError } from '../../../domain/errors';
import type { Actor } from '../../../domain/model';
import type { RosterImportBody } from '../../../domain/monitoring/actions';
import {
  type LeavingHousehold,
  type LedgerCheck,
  type LedgerHousehold,
  parseRosterId,
  type Roster,
  type RosterChange,
  rosterIdOf,
} from '../../../domain/monitoring/model';
import { checksDueOn, classifyRow, parseRosterRows, type RosterRow } from '../../../domain/monitoring/roster';
import { canActInJurisdiction, canRead, isCountyLevel } from '../../../domain/rules/access';
import { hashIdNumber, maskIdNumber } from '../../../domain/rules/idNumber';
import { logger } from '../../config/logger';
import type { LedgerRecord, Store } from '../../store';
import { CHECK_EXISTS } from '../../store/monitoring';
import type { Dependencies } from '../dependencies';
import { areasOf, ledgerChange, settingsOf } from './common';
import { readRosterFile, rowsOfInput } from './roster-file';

/** Households written at once: DynamoDB takes them in parallel, the Lambda's connections are few. */
const CONCURRENCY = 8;
const ROW_ERRORS_KEPT = 500;

async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}

type Outcome = { kind: 'added'; change: RosterChange; check: LedgerCheck } | { kind: 'already'; ledgerId: string };

function checkOf(
  row: RosterRow,
  ledgerId: string,
  month: string,
  dueOn: string,
  change: RosterChange,
  changedFields: LedgerCheck['changedFields'],
): LedgerCheck {
  return {
    checkId: month,
    county: '',
    month,
    kind: 'monthly',
    ledgerId,
    township: row.township,
    villageCode: row.villageCode,
    headName: row.headName,
    idMasked: maskIdNumber(row.idNumber),
    persons: row.persons,
    categoryName: row.categoryName,
    change,
    changedFields,
    status: 'open',
    dueOn,
  };
}

function updatedHousehold(record: LedgerRecord, row: RosterRow): Omit<LedgerHousehold, 'version' | 'updatedAt'> {
  const { version: _v, updatedAt: _u, ...household } = record.household;
  const { phone: _phone, ...rest } = household;
  return {
    ...rest,
    township: row.township,
    villageCode: row.villageCode,
    head: { ...household.head, name: row.headName },
    persons: row.persons,
    category: row.category,
    categoryName: row.categoryName,
    ...(row.phone ? { phone: row.phone } : {}),
  };
}

const WRITE_ATTEMPTS = 3;

/** Puts one household on the month's roster; a household created or changed meanwhile is read again. */
async function putOnRoster(
  store: Store,
  actor: Actor,
  input: { county: string; month: string; dueOn: string; previous: ReadonlySet<string>; at: string },
  row: RosterRow,
  known: LedgerRecord | undefined,
): Promise<Outcome> {
  let record = known;
  for (let attempt = 1; ; attempt++) {
    const onPrevious = record ? input.previous.has(record.household.ledgerId) : false;
    const { change, changedFields } = classifyRow(
      row,
      record
        ? {
            headName: record.household.head.name,
            persons: record.household.persons,
            categoryName: record.household.categoryName,
            villageCode: record.household.villageCode,
            phone: record.household.phone,
          }
        : undefined,
      onPrevious,
    );
    const ledgerId = record?.household.ledgerId ?? `mh-${randomUUID()}`;
    const check = { ...checkOf(row, ledgerId, input.month, input.dueOn, change, changedFields), county: input.county };
    try {
      if (!record) {
        const { after, event } = ledgerChange(
          undefined,
          {
            ledgerId,
            county: input.county,
            township: row.township,
            villageCode: row.villageCode,
            head: { name: row.headName, idNumber: row.idNumber },
            persons: row.persons,
            ...(row.phone ? { phone: row.phone } : {}),
            category: row.category,
            categoryName: row.categoryName,
            source: 'roster',
            firstRosterMonth: input.month,
            grades: [],
            renovations: [],
            createdAt: input.at,
          },
          {
            at: input.at,
            actor: actor.username,
            role: 'civil-affairs',
            type: 'roster-new',
            details: { month: input.month, categoryName: row.categoryName },
          },
        );
        await store.monitoring.commit({
          after,
          event,
          writes: [
            { kind: 'id-lookup', county: input.county, idHash: hashIdNumber(row.idNumber), ledgerId },
            { kind: 'check-opened', check },
          ],
        });
      } else if (change === 'unchanged') {
        if (!(await store.monitoring.openCheck(check))) return { kind: 'already', ledgerId };
      } else {
        const { after, event } = ledgerChange(record, updatedHousehold(record, row), {
          at: input.at,
          actor: actor.username,
          role: 'civil-affairs',
          type: change === 'new' ? 'roster-returned' : 'roster-changed',
          details: { month: input.month, changedFields },
        });
        await store.monitoring.commit({
          before: record.household,
          after,
          event,
          writes: [{ kind: 'check-opened', check }],
        });
      }
      return { kind: 'added', change, check };
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      if (error.messages.zh === CHECK_EXISTS.zh) return { kind: 'already', ledgerId };
      if (attempt >= WRITE_ATTEMPTS) throw error;
      // Created by another import or a disaster report meanwhile, or changed: read it again and decide again.
      const idHash = hashIdNumber(row.idNumber);
      const id = (await store.monitoring.ledgerIdsOf(input.county, [idHash])).get(idHash);
      record = id ? await store.monitoring.record(id) : undefined;
      if (record) {
        const existing = await store.monitoring.file(record.household.ledgerId);
        if (existing?.checks.some((c) => c.checkId === input.month))
          return { kind: 'already', ledgerId: record.household.ledgerId };
      }
    }
  }
}

function entryView(check: LedgerCheck) {
  return {
    ledgerId: check.ledgerId,
    township: check.township,
    villageCode: check.villageCode,
    headName: check.headName,
    idMasked: check.idMasked,
    persons: check.persons,
    categoryName: check.categoryName,
    change: check.change ?? 'unchanged',
    changedFields: check.changedFields,
    checkStatus: check.status,
  };
}

function rosterView(roster: Roster, monthly: readonly LedgerCheck[], township?: string): RosterView {
  const shown = township ? monthly.filter((c) => c.township === township) : monthly;
  return {
    ...roster,
    leaving: township ? roster.leaving.filter((l) => l.township === township) : roster.leaving,
    newHouseholds: shown.filter((c) => c.change === 'new').map(entryView),
    changedHouseholds: shown.filter((c) => c.change === 'changed').map(entryView),
    checks: {
      open: shown.filter((c) => c.status === 'open').length,
      done: shown.filter((c) => c.status === 'done').length,
    },
  };
}

export async function importRoster(
  { store }: Pick<Dependencies, 'store'>,
  actor: Actor,
  body: RosterImportBody,
  now: Date = new Date(),
): Promise<RosterImported> {
  const { county, month } = body;
  const access = canActInJurisdiction(actor, { role: 'civil-affairs', level: 'county' }, { county, township: '' });
  if (!access.ok) throw access.error;

  const at = now.toISOString();
  const [settings, areas] = await Promise.all([settingsOf(store, county), areasOf(store, county)]);
  const file = body.file ? await readRosterFile(body.file.name, body.file.contentBase64) : rowsOfInput(body.rows ?? []);
  const parsed = parseRosterRows(file.rows, { areas, settings, lines: file.lines, today: now });
  const rowErrors = [...file.unreadable, ...parsed.errors].sort((a, b) => a.line - b.line);

  const [existing, previousRoster, monthChecks] = await Promise.all([
    store.monitoring.roster(county, month),
    store.monitoring.rosterBefore(county, month),
    store.monitoring.checksOfMonth(county, month),
  ]);
  const previousChecks = previousRoster
    ? (await store.monitoring.checksOfMonth(county, previousRoster.month)).filter((c) => c.kind === 'monthly')
    : [];
  const previous = new Set(previousChecks.map((c) => c.ledgerId));
  const dueOn = existing?.checksDueOn ?? checksDueOn(month, settings, body.checksDueOn);

  const ledgerIds = await store.monitoring.ledgerIdsOf(
    county,
    parsed.rows.map((row) => hashIdNumber(row.idNumber)),
  );
  const records = await store.monitoring.records([...ledgerIds.values()]);
  const onThisMonth = new Set(monthChecks.filter((c) => c.kind === 'monthly').map((c) => c.ledgerId));

  const added: LedgerCheck[] = [];
  let already = 0;
  await inParallel(parsed.rows, async (row) => {
    const id = ledgerIds.get(hashIdNumber(row.idNumber));
    if (id && onThisMonth.has(id)) {
      already++;
      return;
    }
    const outcome = await putOnRoster(
      store,
      actor,
      { county, month, dueOn, previous, at },
      row,
      id ? records.get(id) : undefined,
    );
    if (outcome.kind === 'added') added.push(outcome.check);
    else already++;
  });

  const monthly = [
    ...monthChecks.filter((c) => c.kind === 'monthly'),
    ...added.filter((c) => !onThisMonth.has(c.ledgerId)),
  ];
  const present = new Set(monthly.map((c) => c.ledgerId));
  const leaving: LeavingHousehold[] = previousChecks
    .filter((c) => !present.has(c.ledgerId))
    .map((c) => ({
      ledgerId: c.ledgerId,
      township: c.township,
      villageCode: c.villageCode,
      headName: c.headName,
      idMasked: c.idMasked,
      categoryName: c.categoryName,
    }));
  const count = (change: RosterChange) => monthly.filter((c) => c.change === change).length;
  const roster: Roster = {
    rosterId: rosterIdOf(county, month),
    county,
    month,
    ...(previousRoster ? { previousMonth: previousRoster.month } : {}),
    checksDueOn: dueOn,
    importedBy: existing?.importedBy ?? actor.username,
    importedAt: existing?.importedAt ?? at,
    size: monthly.length,
    counts: { new: count('new'), changed: count('changed'), unchanged: count('unchanged'), leaving: leaving.length },
    leaving,
    rowErrors: rowErrors.slice(0, ROW_ERRORS_KEPT),
    imports: [
      ...(existing?.imports ?? []),
      {
        at,
        by: actor.username,
        ...(body.file ? { fileName: body.file.name } : {}),
        rowsRead: file.rows.length,
        added: added.length,
        alreadyOnRoster: already,
        rowErrors: rowErrors.length,
      },
    ],
  };
  await store.monitoring.putRoster(roster);
  logger.info('roster imported', {
    county,
    month,
    rowsRead: file.rows.length,
    added: added.length,
    already,
    rowErrors: rowErrors.length,
    leaving: leaving.length,
  });
  return {
    ...rosterView(roster, monthly),
    import: { rowsRead: file.rows.length, added: added.length, alreadyOnRoster: already, rowErrors: rowErrors.length },
  };
}

export async function readRoster(
  { store }: Pick<Dependencies, 'store'>,
  actor: Actor,
  rosterId: string,
): Promise<RosterView> {
  const id = parseRosterId(rosterId);
  if (!id) throw new NotFoundError({ zh: `没有名单 ${rosterId}`, en: `There is no roster ${rosterId}` });
  // Any role of the county: its township staff see their own township's households.
  const access = canRead(actor, { county: id.county, township: actor.township ?? '' });
  if (!access.ok) throw access.error;
  const roster = await store.monitoring.roster(id.county, id.month);
  if (!roster) {
    throw new NotFoundError({
      zh: `${id.month} 的监测名单尚未导入`,
      en: `The roster of ${id.month} has not been imported`,
    });
  }
  const countyWide = isCountyLevel(actor) || actor.roles.some((r) => r === 'auditor' || r === 'admin');
  const township = countyWide ? undefined : actor.township;
  const monthly = (await store.monitoring.checksOfMonth(id.county, id.month, township)).filter(
    (c) => c.kind === 'monthly',
  );
  return rosterView(roster, monthly, township);
}
