/**
 * Reading the ledger: the month's ledger of a county or township (`GET /monitoring/cases`: each household's checks
 * of the month and its case), a ledger household's file (`GET /monitoring/cases/{id}`) and the work queue of checks,
 * cases and visits (`GET /monitoring/tasks`), earliest due first.
 */
import type { LedgerFileView, LedgerList, LedgerRow, LedgerTask, LedgerTasks } from '../../../contract/monitoring';
import { chinaToday } from '../../../domain/china-time';
import { ForbiddenError, ValidationError } from '../../../domain/errors';
import type { Actor } from '../../../domain/model';
import type { LedgerCase, LedgerCheck } from '../../../domain/monitoring/model';
import { isOverdueOn, visitsShownUntil } from '../../../domain/monitoring/rules';
import { canRead, isCountyLevel } from '../../../domain/rules/access';
import type { LedgerQueue, QueuedItem } from '../../store';
import type { Dependencies } from '../dependencies';
import { type Areas, areasOf, authorizeRead, ledgerFileView, loadLedgerFile, placeNames } from './common';

/** The township a caller reads: the one asked for, or a township's own staff's (auditors and admins read the county). */
function townshipRead(actor: Actor, county: string, township: string | undefined): string | undefined {
  // Township codes begin with their county's (统计用区划代码): a township of another county names nothing here.
  if (township !== undefined && !township.startsWith(county)) {
    throw ValidationError.field('township', {
      zh: `乡镇 ${township} 不属于县 ${county}`,
      en: `Township ${township} is not in county ${county}`,
    });
  }
  const access = canRead(actor, { county, township: township ?? actor.township ?? '' });
  if (!access.ok) throw access.error;
  const countyWide = isCountyLevel(actor) || actor.roles.some((r) => r === 'auditor' || r === 'admin');
  return countyWide ? township : actor.township;
}

function rowOfCase(found: LedgerCase, today: string): LedgerRow['case'] {
  const waiting = found.stage === 'measure' || found.stage === 'closing';
  return {
    caseId: found.caseId,
    cause: found.cause,
    stage: found.stage,
    ...(found.measure ? { measure: found.measure.kind } : {}),
    ...(found.dueOn ? { dueOn: found.dueOn } : {}),
    overdue: waiting && isOverdueOn(found.dueOn, today),
    openedAt: found.openedAt,
    ...(found.closing ? { closedOn: found.closing.signedOn } : {}),
  };
}

export async function ledgerOfMonth(
  { store }: Pick<Dependencies, 'store'>,
  actor: Actor,
  query: { county: string; month: string; township?: string | undefined },
  now: Date = new Date(),
): Promise<LedgerList> {
  const township = townshipRead(actor, query.county, query.township);
  const today = chinaToday(now);
  const [checks, cases, areas] = await Promise.all([
    store.monitoring.checksOfMonth(query.county, query.month, township),
    store.monitoring.casesOfCounty(query.county),
    areasOf(store, query.county),
  ]);
  const rows = new Map<string, LedgerRow>();
  const rowOf = (item: Pick<LedgerCheck, 'ledgerId' | 'township' | 'villageCode' | 'headName'>) => {
    const found = rows.get(item.ledgerId);
    if (found) return found;
    const row: LedgerRow = {
      ledgerId: item.ledgerId,
      township: item.township,
      villageCode: item.villageCode,
      ...placeNames(areas, item.villageCode),
      headName: item.headName,
      checks: [],
    };
    rows.set(item.ledgerId, row);
    return row;
  };
  for (const check of checks) {
    const row = rowOf(check);
    row.idMasked = check.idMasked;
    row.categoryName = check.categoryName;
    row.checks.push({
      checkId: check.checkId,
      kind: check.kind,
      status: check.status,
      dueOn: check.dueOn,
      overdue: check.status === 'open' && isOverdueOn(check.dueOn, today),
      ...(check.change ? { change: check.change } : {}),
      changedFields: check.changedFields,
      ...(check.result?.grade ? { grade: check.result.grade } : {}),
      ...(check.result
        ? {
            housingType: check.result.housingType,
            unsafe: check.result.unsafe,
            onTime: check.result.onTime,
          }
        : {}),
      flags: check.result?.flags ?? [],
    });
  }
  // A case belongs to the month when it was open at some time in it: opened by its end, not closed before it.
  for (const found of cases) {
    if (township && found.township !== township) continue;
    if (found.openedMonth > query.month) continue;
    if (found.closing && found.closing.closedMonth < query.month) continue;
    const row = rowOf(found);
    const current = row.case;
    if (!current || found.openedAt > current.openedAt) row.case = rowOfCase(found, today);
  }
  return {
    county: query.county,
    month: query.month,
    ...(township ? { township } : {}),
    rows: [...rows.values()].sort(
      (a, b) =>
        a.township.localeCompare(b.township) ||
        a.villageCode.localeCompare(b.villageCode) ||
        a.headName.localeCompare(b.headName, 'zh-CN'),
    ),
  };
}

export async function readLedgerFile(
  deps: Pick<Dependencies, 'store' | 'evidence'>,
  actor: Actor,
  ledgerId: string,
  now: Date = new Date(),
): Promise<LedgerFileView> {
  const file = await loadLedgerFile(deps.store, ledgerId);
  authorizeRead(actor, file.household);
  return ledgerFileView(deps, file, actor, now);
}

const QUEUE_LIMIT = 200;

function taskOf(queued: QueuedItem, today: string, areas: Areas): LedgerTask {
  const placeOf = (item: Pick<LedgerCheck, 'ledgerId' | 'county' | 'township' | 'villageCode' | 'headName'>) => ({
    ledgerId: item.ledgerId,
    county: item.county,
    township: item.township,
    villageCode: item.villageCode,
    ...placeNames(areas, item.villageCode),
    headName: item.headName,
  });
  switch (queued.kind) {
    case 'check': {
      const { check } = queued;
      return {
        ...placeOf(check),
        kind: 'check',
        dueOn: check.dueOn,
        overdue: isOverdueOn(check.dueOn, today),
        checkId: check.checkId,
        checkKind: check.kind,
      };
    }
    case 'case': {
      const found = queued.case;
      return {
        ...placeOf(found),
        kind: 'case',
        dueOn: found.dueOn ?? today,
        overdue: isOverdueOn(found.dueOn, today),
        caseId: found.caseId,
        stage: found.stage,
      };
    }
    case 'visit': {
      const { visit } = queued;
      return {
        ...placeOf(visit),
        kind: 'visit',
        dueOn: visit.dueOn,
        overdue: isOverdueOn(visit.dueOn, today),
        householdId: visit.householdId,
        months: visit.months,
      };
    }
  }
}

export async function ledgerTasks(
  { store }: Pick<Dependencies, 'store'>,
  actor: Actor,
  query: { county?: string | undefined; township?: string | undefined; kind?: 'check' | 'case' | 'visit' | undefined },
  now: Date = new Date(),
): Promise<LedgerTasks> {
  if (actor.roles.length === 0 || actor.county === undefined) {
    throw new ForbiddenError({ zh: '您没有任何角色', en: 'You hold no role' });
  }
  const county = query.county ?? query.township?.slice(0, 6) ?? actor.county;
  const township = townshipRead(actor, county, query.township);
  const today = chinaToday(now);
  const kinds = query.kind ? [query.kind] : (['check', 'case', 'visit'] as const);
  const queues: { queue: LedgerQueue; until?: string }[] = kinds.map((kind) => ({
    queue: township ? { kind, township } : { kind, county },
    // A visit shows from a month before it falls due, when it may be recorded.
    ...(kind === 'visit' ? { until: visitsShownUntil(today) } : {}),
  }));
  const [areas, ...lists] = await Promise.all([
    areasOf(store, county),
    ...queues.map(({ queue, until }) => store.monitoring.queue(queue, QUEUE_LIMIT, until)),
  ]);
  const items = lists
    .flat()
    .map((item) => taskOf(item, today, areas))
    .sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.headName.localeCompare(b.headName, 'zh-CN'));
  return { items };
}
