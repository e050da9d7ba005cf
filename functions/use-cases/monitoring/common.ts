/**
 * What the ledger's use cases share: loading a ledger household's file, checking the caller may take
 * an action the process description gives to a role and level, the county's settings and its places,
 * sealing a change onto the household's audit chain, and the views the API answers.
 */
import type {
  LedgerCaseView,
  LedgerCheckView,
  LedgerFileView,
  LedgerHouseholdView,
  VisitView,
} from '../../../contract/monitoring';
import { chinaToday } from '../../../domain/china-time';
import { ForbiddenError, NotFoundError } from '../../../domain/errors';
import type { AreaList } from '../../../domain/labels';
import type { Actor, AuditEvent, Role } from '../../../domain/model';
import type { LedgerAction } from '../../../domain/monitoring/actions';
import {
  DEFAULT_SETTINGS,
  type FollowUpVisit,
  type LedgerCase,
  type LedgerCheck,
  type LedgerHousehold,
  type MonitoringSettings,
} from '../../../domain/monitoring/model';
import { isOverdueOn, isVisitOpenOn } from '../../../domain/monitoring/rules';
import { canActInJurisdiction, canRead } from '../../../domain/rules/access';
import { sealEvent } from '../../../domain/rules/audit';
import { maskIdNumber } from '../../../domain/rules/idNumber';
import { ownerOf } from '../../../process/monitoring';
import type { Evidence, PhotoLinks } from '../../evidence';
import type { LedgerFile, LedgerRecord, Store } from '../../store';

export function noLedgerHousehold(ledgerId: string): NotFoundError {
  return new NotFoundError({ zh: `监测台账中没有 ${ledgerId}`, en: `There is no ledger household ${ledgerId}` });
}

export async function loadLedgerFile(store: Store, ledgerId: string): Promise<LedgerFile> {
  const file = await store.monitoring.file(ledgerId);
  if (!file) throw noLedgerHousehold(ledgerId);
  return file;
}

/**
 * Checks the caller may take `action` on a household at `place`: one of the roles the process gives the step, within
 * its township or county. Answers the role it acts in (the first of the step's roles it holds).
 */
export function authorizeLedgerAction(
  actor: Actor,
  action: LedgerAction | 'report-disaster',
  place: { county: string; township: string },
): Role {
  const owner = ownerOf(action);
  const held = owner.roles.filter((role) => actor.roles.includes(role));
  if (held.length === 0) {
    const access = canActInJurisdiction(actor, { role: owner.roles[0] ?? 'construction', level: owner.level }, place);
    throw access.ok ? new ForbiddenError() : access.error;
  }
  let refusal: ForbiddenError | undefined;
  for (const role of held) {
    const access = canActInJurisdiction(actor, { role, level: owner.level }, place);
    if (access.ok) return role;
    refusal ??= access.error;
  }
  throw refusal ?? new ForbiddenError();
}

export function authorizeRead(actor: Actor, place: { county: string; township: string }): void {
  const access = canRead(actor, place);
  if (!access.ok) throw access.error;
}

export async function settingsOf(store: Store, county: string): Promise<MonitoringSettings> {
  return (await store.monitoring.settings(county)) ?? DEFAULT_SETTINGS(county);
}

/** The county's townships and villages, from its latest program (a county's places change rarely). */
export async function areasOf(store: Store, county: string): Promise<Areas> {
  const program = (await store.programs.ofCounty(county))[0];
  if (!program) return { townships: [] };
  return { townships: program.townships, countyName: program.county.name };
}

export type Areas = AreaList & { countyName?: string };

/** The names of a village and its township, as people read them (the code when the county's lists lack it). */
export function placeNames(areas: AreaList, villageCode: string): { townshipName: string; villageName: string } {
  for (const township of areas.townships) {
    const village = township.villages.find((v) => v.code === villageCode);
    if (village) return { townshipName: township.name, villageName: village.name };
  }
  return { townshipName: '', villageName: '' };
}

/** The ledger household at its next version, with the change's event sealed onto its chain. */
export function ledgerChange(
  before: LedgerRecord | undefined,
  next: Omit<LedgerHousehold, 'version' | 'updatedAt'>,
  step: { at: string; actor: string; role: AuditEvent['role']; type: string; details: Record<string, unknown> },
): { after: LedgerHousehold; event: AuditEvent } {
  const version = (before?.household.version ?? 0) + 1;
  const event = sealEvent(before ? { hash: before.lastHash } : undefined, {
    householdId: next.ledgerId,
    seq: version,
    at: step.at,
    actor: step.actor,
    role: step.role,
    type: step.type,
    details: step.details,
  });
  return { after: { ...next, version, updatedAt: step.at }, event };
}

// ---------------------------------------------------------------- views

export function householdView(household: LedgerHousehold, areas: AreaList): LedgerHouseholdView {
  const { head, ...rest } = household;
  return {
    ledgerId: rest.ledgerId,
    county: rest.county,
    township: rest.township,
    villageCode: rest.villageCode,
    headName: head.name,
    idMasked: maskIdNumber(head.idNumber),
    ...placeNames(areas, rest.villageCode),
    persons: rest.persons,
    category: rest.category,
    categoryName: rest.categoryName,
    source: rest.source,
    ...(rest.firstRosterMonth ? { firstRosterMonth: rest.firstRosterMonth } : {}),
    grades: rest.grades,
    ...(rest.openCaseId ? { openCaseId: rest.openCaseId } : {}),
    renovations: rest.renovations,
    version: rest.version,
    createdAt: rest.createdAt,
    updatedAt: rest.updatedAt,
  };
}

export function checkView(check: LedgerCheck, today: string): LedgerCheckView {
  return { ...check, overdue: check.status === 'open' && isOverdueOn(check.dueOn, today) };
}

export function caseView(found: LedgerCase, today: string): LedgerCaseView {
  const waiting = found.stage === 'measure' || found.stage === 'closing';
  return { ...found, overdue: waiting && isOverdueOn(found.dueOn, today) };
}

export function visitView(visit: FollowUpVisit, today: string): VisitView {
  return { ...visit, overdue: visit.status === 'open' && isOverdueOn(visit.dueOn, today) };
}

/** What the caller could do on the file now; the API decides again when it is done. */
function availableActions(file: LedgerFile, actor: Actor, today: string): LedgerFileView['actions'] {
  const place = file.household;
  const may = (action: LedgerAction) => {
    try {
      authorizeLedgerAction(actor, action, place);
      return true;
    } catch {
      return false;
    }
  };
  const open = file.cases.find((c) => c.caseId === file.household.openCaseId);
  const actions: LedgerFileView['actions'] = [];
  if (file.checks.some((c) => c.status === 'open') && may('check')) actions.push('check');
  // A house graded A or B, or other safe housing, may be reported as unsafe (or as the wrong housing type).
  const last = file.household.grades.at(-1);
  const reportable =
    last !== undefined && (last.grade === 'A' || last.grade === 'B' || last.housingType !== 'own-house');
  const reappraisalOpen = file.checks.some((c) => c.kind === 'reappraisal' && c.status === 'open');
  if (!open && reportable && !reappraisalOpen && may('request-reappraisal')) {
    actions.push('request-reappraisal');
  }
  if (open && (open.stage === 'measure' || open.stage === 'renovation') && may('choose-measure')) {
    actions.push('choose-measure');
  }
  if (open?.stage === 'closing' && may('close')) actions.push('close');
  if (file.visits.some((v) => v.status === 'open' && isVisitOpenOn(v.dueOn, today)) && may('visit')) {
    actions.push('visit');
  }
  return actions;
}

const NO_LINKS: PhotoLinks = { previewUrl: null, originalUrl: null };

export async function ledgerFileView(
  { store, evidence }: { store: Store; evidence: Pick<Evidence, 'photoLinks'> },
  file: LedgerFile,
  actor: Actor,
  now: Date,
): Promise<LedgerFileView> {
  const today = chinaToday(now);
  const links = await evidence.photoLinks(file.photos);
  const open = file.cases.find((c) => c.caseId === file.household.openCaseId);
  const followed = open?.measure?.renovation;
  const [renovation, areas] = await Promise.all([
    followed ? store.households.record(followed.householdId) : undefined,
    areasOf(store, file.household.county),
  ]);
  return {
    household: householdView(file.household, areas),
    checks: [...file.checks].sort((a, b) => b.checkId.localeCompare(a.checkId)).map((c) => checkView(c, today)),
    cases: [...file.cases].sort((a, b) => b.openedAt.localeCompare(a.openedAt)).map((c) => caseView(c, today)),
    visits: [...file.visits].sort((a, b) => a.dueOn.localeCompare(b.dueOn)).map((v) => visitView(v, today)),
    photos: file.photos.map((photo) => {
      const { objectKey: _key, requestedBy: _by, versionId: _version, confirmedBy: _confirmer, ...shown } = photo;
      return { ...shown, ...(links.get(photo.photoId) ?? NO_LINKS) };
    }),
    timeline: [...file.events].sort((a, b) => a.seq - b.seq),
    ...(followed
      ? {
          renovation: {
            householdId: followed.householdId,
            programId: followed.programId,
            ...(renovation ? { phase: renovation.household.phase } : {}),
          },
        }
      : {}),
    actions: availableActions(file, actor, today),
  };
}
