/**
 * A person acts on a ledger household (`POST /monitoring/cases/{id}/actions/<action>`):
 * 1. load the household's file (unknown: not found);
 * 2. check the caller holds one of the roles the process description gives the action, in the household's township
 *    or county, and saw the current version of the file;
 * 3. apply the rule of the action:
 *    - check: record the open check (grade, housing type, photos of the house); an own house graded C or D opens a
 *      case unless one is open; what deserves a second look is flagged (a grade better than before with no works,
 *      a housing type that flips);
 *    - request-reappraisal: a house graded A or B is reported: a re-appraisal (another check) is due for its township;
 *    - choose-measure: renovation registers the household in a program (or follows the application it already
 *      has) and the case follows it; another measure waits for its signed closing;
 *    - close: the signed closing (销号) with its evidence;
 *    - visit: a follow-up visit of a renovated house, lived in or not, with a photo;
 * 4. store the household at its next version, its audit event (hash-chained) and the records the action writes in
 *    one transaction, so nothing is half done and a stale or concurrent action is a 409;
 * 5. answer the file as it now is.
 * Disaster damage (`POST /monitoring/cases`) opens a case directly, adding the household to the ledger if needed.
 */
import { randomUUID } from 'node:crypto';
import type { DisasterReported, LedgerFileView } from '../../../contract/monitoring';
import { chinaToday } from '../../../domain/china-time';
import { ConflictError, NotFoundError, ValidationError } from '../../../domain/errors';
import type { Actor, HouseholdApplication, Photo } from '../../../domain/model';
import type {
  CheckBody,
  ChooseMeasureBody,
  CloseCaseBody,
  DisasterReportBody,
  LedgerAction,
  ReappraisalBody,
  VisitBody,
} from '../../../domain/monitoring/actions';
import {
  checkIdOf,
  type LedgerCase,
  type LedgerCheck,
  type LedgerHousehold,
  type MonitoredCategory,
} from '../../../domain/monitoring/model';
import { categoryOfWord } from '../../../domain/monitoring/roster';
import {
  assertClosable,
  assertMeasureMayBeChosen,
  checkFlags,
  closingDueOn,
  dueInWorkingDays,
  isOnTime,
  isUnsafe,
  isVisitOpenOn,
  measureDueOn,
  monthOf,
} from '../../../domain/monitoring/rules';
import { photoEvidenceProblems } from '../../../domain/rules/evidence';
import { hashIdNumber, maskIdNumber } from '../../../domain/rules/idNumber';
import { dueRuleOf, ledgerTransition, MONITORING } from '../../../process/monitoring';
import { logger } from '../../config/logger';
import type { LedgerFile, LedgerWrite } from '../../store';
import type { Dependencies } from '../dependencies';
import { registerHousehold } from '../register-household';
import { areasOf, authorizeLedgerAction, ledgerChange, ledgerFileView, loadLedgerFile, settingsOf } from './common';

type Deps = Pick<Dependencies, 'store' | 'evidence' | 'outbox'>;
type Bodies = {
  check: CheckBody;
  'request-reappraisal': ReappraisalBody;
  'choose-measure': ChooseMeasureBody;
  close: CloseCaseBody;
  visit: VisitBody;
};

/** What an action changes: the household's next state, its event type and details, the records it writes. */
interface Effect {
  household: Omit<LedgerHousehold, 'version' | 'updatedAt'>;
  details: Record<string, unknown>;
  writes: LedgerWrite[];
}

type Context<A extends LedgerAction> = {
  deps: Deps;
  actor: Actor;
  file: LedgerFile;
  body: Bodies[A];
  at: string;
  today: string;
};

function current(file: LedgerFile): Omit<LedgerHousehold, 'version' | 'updatedAt'> {
  const { version: _v, updatedAt: _u, ...household } = file.household;
  return household;
}

/** The cited photos are confirmed photos of this ledger household, with the kinds the step's evidence needs. */
function requirePhotos(file: LedgerFile, photoIds: readonly string[], kinds: readonly Photo['kind'][]): void {
  const problems = photoEvidenceProblems(file.photos, photoIds, kinds);
  if (problems.length > 0) throw new ValidationError(problems);
}

function evidenceKinds(stage: 'check' | 'closing'): Photo['kind'][] {
  const step = MONITORING.steps.find((s) => s.stage === stage);
  return step?.kind === 'human' ? (step.evidence ?? []).map((e) => e.kind) : [];
}

function openCaseOf(file: LedgerFile): LedgerCase | undefined {
  return file.cases.find((c) => c.caseId === file.household.openCaseId && c.stage !== 'closed');
}

const NO_OPEN_CASE = { zh: '该户没有未销号的案件', en: 'The household has no open case' };

// ---------------------------------------------------------------- check

async function check({ deps, actor, file, body, at }: Context<'check'>): Promise<Effect> {
  const found = file.checks.find((c) => c.checkId === body.checkId);
  if (!found) {
    throw new NotFoundError({ zh: `该户没有核查 ${body.checkId}`, en: `The household has no check ${body.checkId}` });
  }
  if (found.status !== 'open') {
    throw new ConflictError({ zh: '该次核查已登记，请刷新后查看', en: 'This check is already recorded; reload it' });
  }
  requirePhotos(file, body.photoIds, evidenceKinds('check'));
  const unsafe = isUnsafe(body);
  const outcome = unsafe ? 'unsafe' : 'safe';
  const next = ledgerTransition('check', outcome);
  const household = current(file);
  const flags = checkFlags(file.household, file.cases, body);
  const done: LedgerCheck = {
    ...found,
    status: 'done',
    result: {
      housingType: body.housingType,
      ...(body.grade ? { grade: body.grade } : {}),
      ...(body.otherHousing ? { otherHousing: body.otherHousing } : {}),
      appraisedOn: body.appraisedOn,
      technician: body.technician,
      findings: body.findings,
      photoIds: body.photoIds,
      recordedBy: actor.username,
      recordedAt: at,
      unsafe,
      onTime: isOnTime(at, found.dueOn),
      flags,
    },
  };
  const writes: LedgerWrite[] = [{ kind: 'check-done', check: done }];
  const openCase = openCaseOf(file);
  let caseId: string | undefined;
  if (next === 'measure' && !openCase) {
    caseId = `mc-${randomUUID()}`;
    const settings = await settingsOf(deps.store, household.county);
    writes.push({
      kind: 'case-opened',
      case: {
        caseId,
        ledgerId: household.ledgerId,
        county: household.county,
        township: household.township,
        villageCode: household.villageCode,
        headName: household.head.name,
        cause: found.kind === 'monthly' ? 'monthly-check' : 'reappraisal',
        ...(body.grade ? { grade: body.grade } : {}),
        checkId: found.checkId,
        openedAt: at,
        openedMonth: monthOf(at),
        openedBy: actor.username,
        stage: 'measure',
        dueOn: measureDueOn(at, settings),
      },
    });
    household.openCaseId = caseId;
  }
  household.grades = [
    ...household.grades,
    {
      ...(body.grade ? { grade: body.grade } : {}),
      housingType: body.housingType,
      appraisedOn: body.appraisedOn,
      kind: found.kind,
      month: found.month,
      by: actor.username,
    },
  ];
  return {
    household,
    details: {
      checkId: found.checkId,
      kind: found.kind,
      housingType: body.housingType,
      ...(body.grade ? { grade: body.grade } : {}),
      outcome,
      onTime: done.result?.onTime,
      flags,
      ...(caseId ? { caseId } : {}),
      ...(unsafe && openCase ? { openCase: openCase.caseId } : {}),
      photoIds: body.photoIds,
    },
    writes,
  };
}

// ---------------------------------------------------------------- request-reappraisal

async function requestReappraisal({ actor, file, body, at }: Context<'request-reappraisal'>): Promise<Effect> {
  const household = current(file);
  if (openCaseOf(file)) {
    throw new ConflictError({
      zh: '该户已有未销号的案件，无需复核',
      en: 'The household has an open case already; no re-appraisal is needed',
    });
  }
  const last = household.grades.at(-1);
  if (!last || (last.grade !== 'A' && last.grade !== 'B' && last.housingType === 'own-house')) {
    throw new ConflictError({
      zh: '只有评为A级或B级的住房才能申请复核；该户尚未评级或已在台账中',
      en: 'Only a house graded A or B is re-appraised on a report; this one is not graded so yet',
    });
  }
  if (file.checks.some((c) => c.kind === 'reappraisal' && c.status === 'open')) {
    throw new ConflictError({ zh: '该户已有待办的复核', en: 'A re-appraisal of this household is already due' });
  }
  const month = monthOf(at);
  const seq = file.checks.filter((c) => c.kind === 'reappraisal' && c.month === month).length + 1;
  const due = dueRuleOf('request-reappraisal');
  const reappraisal: LedgerCheck = {
    checkId: checkIdOf(month, 'reappraisal', seq),
    county: household.county,
    month,
    kind: 'reappraisal',
    ledgerId: household.ledgerId,
    township: household.township,
    villageCode: household.villageCode,
    headName: household.head.name,
    idMasked: maskIdNumber(household.head.idNumber),
    persons: household.persons,
    categoryName: household.categoryName,
    changedFields: [],
    status: 'open',
    dueOn: dueInWorkingDays(at, due?.rule === 'working-days' ? due.days : 10),
    report: { reason: body.reason, reportedBy: body.reportedBy, recordedBy: actor.username, at },
  };
  return {
    household,
    details: {
      checkId: reappraisal.checkId,
      reportedBy: body.reportedBy,
      reason: body.reason,
      dueOn: reappraisal.dueOn,
    },
    writes: [{ kind: 'check-opened', check: reappraisal }],
  };
}

// ---------------------------------------------------------------- choose-measure

const RENOVATION_DONE = {
  zh: '该户已享受过危房改造补助，不能重复享受，请选择其他安全住房保障方式',
  en: 'The household has received a renovation subsidy already; choose another safe-housing measure',
};

/** The renovation the case follows: the household's application in progress, or a new one registered now. */
async function renovationOf(
  deps: Deps,
  actor: Actor,
  household: LedgerHousehold,
  body: ChooseMeasureBody,
): Promise<{ householdId: string; programId: string; registered: boolean }> {
  const claim = await deps.store.statusLookups.householdOfIdHash(hashIdNumber(household.head.idNumber));
  if (claim) {
    const existing = await deps.store.households.record(claim);
    if (existing) {
      const { phase, programId } = existing.household;
      if (phase === 'archived' || phase === 'archiving') throw new ConflictError(RENOVATION_DONE);
      if (phase !== 'rejected') return { householdId: claim, programId, registered: false };
    }
  }
  const enrolment = body.renovation;
  if (!enrolment) {
    throw ValidationError.field('renovation', {
      zh: '选择危房改造时须填写改造项目、补助类别和房屋情况',
      en: 'Renovation needs the program, the subsidy category and the house',
    });
  }
  const application: HouseholdApplication = {
    programId: enrolment.programId,
    head: {
      name: household.head.name,
      idNumber: household.head.idNumber,
      ...(household.phone ? { phone: household.phone } : {}),
    },
    members: Array.from({ length: Math.max(0, household.persons - 1) }, () => ({ name: '待补录', relation: '待补录' })),
    category: enrolment.category,
    villageCode: household.villageCode,
    house: enrolment.house,
    site: 'dispersed',
    ...(enrolment.bankAccount ? { bankAccount: enrolment.bankAccount } : {}),
    foundBy: 'proactive',
  };
  // Registered first (its own transaction and the outbox's start): a case that names a household always has one.
  const registered = await registerHousehold(deps, actor, application);
  return { householdId: registered.householdId, programId: enrolment.programId, registered: true };
}

async function chooseMeasure({ deps, actor, file, body, at }: Context<'choose-measure'>): Promise<Effect> {
  const household = current(file);
  const found = openCaseOf(file);
  if (!found) throw new ConflictError(NO_OPEN_CASE);
  const followed = found.measure?.renovation;
  const followedPhase = followed
    ? (await deps.store.households.record(followed.householdId))?.household.phase
    : undefined;
  assertMeasureMayBeChosen(found, followedPhase === 'rejected');
  const settings = await settingsOf(deps.store, household.county);
  const next = ledgerTransition('measure', body.measure);
  if (next !== 'renovation' && next !== 'closing') throw new Error(`the measure ${body.measure} leads to ${next}`);
  const stage = next;
  const renovation = stage === 'renovation' ? await renovationOf(deps, actor, file.household, body) : undefined;
  const { dueOn: _due, ...rest } = found;
  const changed: LedgerCase = {
    ...rest,
    stage,
    ...(stage === 'closing' ? { dueOn: closingDueOn(at, settings) } : {}),
    measure: {
      kind: body.measure,
      ...(body.note ? { note: body.note } : {}),
      chosenBy: actor.username,
      chosenAt: at,
      ...(renovation ? { renovation } : {}),
    },
  };
  return {
    household,
    details: {
      caseId: found.caseId,
      measure: body.measure,
      ...(renovation ? { renovation } : {}),
      ...(followed ? { replaces: followed.householdId } : {}),
    },
    writes: [{ kind: 'case-changed', case: changed, fromStage: found.stage }],
  };
}

// ---------------------------------------------------------------- close

async function close({ actor, file, body, at }: Context<'close'>): Promise<Effect> {
  const household = current(file);
  const found = openCaseOf(file);
  if (!found) throw new ConflictError(NO_OPEN_CASE);
  const measure = assertClosable(found);
  if (body.signedOn > chinaToday(new Date(at))) {
    throw ValidationError.field('signedOn', {
      zh: '签字日期不能晚于今天',
      en: 'The closing cannot be signed in the future',
    });
  }
  requirePhotos(file, body.photoIds, evidenceKinds('closing'));
  ledgerTransition('closing', 'closed');
  const { dueOn: _due, ...rest } = found;
  const closed: LedgerCase = {
    ...rest,
    stage: 'closed',
    closing: {
      measure,
      closedAt: at,
      closedMonth: monthOf(at),
      closedBy: actor.username,
      signedBy: body.signedBy,
      signedOn: body.signedOn,
      arrangement: body.arrangement,
      photoIds: body.photoIds,
    },
  };
  const { openCaseId: _open, ...withoutCase } = household;
  return {
    household: withoutCase,
    details: {
      caseId: found.caseId,
      measure,
      signedBy: body.signedBy,
      signedOn: body.signedOn,
      photoIds: body.photoIds,
    },
    writes: [{ kind: 'case-changed', case: closed, fromStage: found.stage }],
  };
}

// ---------------------------------------------------------------- visit

async function visit({ actor, file, body, at, today }: Context<'visit'>): Promise<Effect> {
  const household = current(file);
  const found = file.visits.find((v) => v.householdId === body.householdId && v.months === body.months);
  if (!found) {
    throw new NotFoundError({
      zh: `该户没有第 ${body.months} 个月的回访`,
      en: `The household has no visit at ${body.months} months`,
    });
  }
  if (found.status !== 'open') throw new ConflictError({ zh: '该次回访已登记', en: 'This visit is already recorded' });
  if (!isVisitOpenOn(found.dueOn, today)) {
    throw new ConflictError({
      zh: `该次回访应于 ${found.dueOn} 前后进行，尚未到期`,
      en: `This visit is due around ${found.dueOn}; it is not due yet`,
    });
  }
  if (body.visitedOn > today) {
    throw ValidationError.field('visitedOn', { zh: '回访日期不能晚于今天', en: 'A visit cannot be in the future' });
  }
  requirePhotos(file, body.photoIds, ['after']);
  return {
    household,
    details: {
      householdId: body.householdId,
      months: body.months,
      livedIn: body.livedIn,
      ...(body.livedIn ? {} : { flag: 'not-lived-in' }),
      photoIds: body.photoIds,
    },
    writes: [
      {
        kind: 'visit-done',
        visit: {
          ...found,
          status: 'done',
          result: {
            livedIn: body.livedIn,
            visitedOn: body.visitedOn,
            ...(body.note ? { note: body.note } : {}),
            photoIds: body.photoIds,
            by: actor.username,
            at,
          },
        },
      },
    ],
  };
}

const RULES: { readonly [A in LedgerAction]: (context: Context<A>) => Promise<Effect> } = {
  check,
  'request-reappraisal': requestReappraisal,
  'choose-measure': chooseMeasure,
  close,
  visit,
};

export async function performLedgerAction<A extends LedgerAction>(
  deps: Deps,
  actor: Actor,
  ledgerId: string,
  action: A,
  body: Bodies[A],
  now: Date = new Date(),
): Promise<LedgerFileView> {
  const file = await loadLedgerFile(deps.store, ledgerId);
  const role = authorizeLedgerAction(actor, action, file.household);
  if (body.version !== file.household.version) {
    throw new ConflictError({
      zh: '该户台账已被他人修改，请刷新后重试',
      en: 'The ledger household was changed by someone else (stale version); reload and retry',
    });
  }
  const at = now.toISOString();
  const rule = RULES[action] as (context: Context<A>) => Promise<Effect>;
  const effect = await rule({ deps, actor, file, body, at, today: chinaToday(now) });
  const { after, event } = ledgerChange(file, effect.household, {
    at,
    actor: actor.username,
    role,
    type: action,
    details: effect.details,
  });
  await deps.store.monitoring.commit({ before: file.household, after, event, writes: effect.writes });
  logger.info('ledger action stored', { ledgerId, action, version: after.version });
  const updated = await loadLedgerFile(deps.store, ledgerId);
  return ledgerFileView(deps, updated, actor, now);
}

// ---------------------------------------------------------------- disaster damage

function categoryForDisaster(word: string | undefined, settings: Parameters<typeof categoryOfWord>[1]) {
  const known = word ? categoryOfWord(word, settings) : undefined;
  if (known) return known;
  return { category: 'county-named' as MonitoredCategory, categoryName: word ?? '受灾户' };
}

export async function reportDisaster(
  deps: Deps,
  actor: Actor,
  body: DisasterReportBody,
  now: Date = new Date(),
): Promise<DisasterReported> {
  const county = body.villageCode.slice(0, 6);
  const areas = await areasOf(deps.store, county);
  const township = areas.townships.find((t) => t.villages.some((v) => v.code === body.villageCode));
  if (!township) {
    throw ValidationError.field('villageCode', {
      zh: `村 ${body.villageCode} 不在本县的村列表中`,
      en: `Village ${body.villageCode} is not one of the county's villages`,
    });
  }
  const role = authorizeLedgerAction(actor, 'report-disaster', { county, township: township.code });
  const at = now.toISOString();
  const settings = await settingsOf(deps.store, county);
  const idHash = hashIdNumber(body.head.idNumber);
  const due = dueRuleOf('report-disaster');

  for (let attempt = 1; ; attempt++) {
    const ledgerId = (await deps.store.monitoring.ledgerIdsOf(county, [idHash])).get(idHash);
    const file = ledgerId ? await deps.store.monitoring.file(ledgerId) : undefined;
    if (file && openCaseOf(file)) {
      throw new ConflictError({
        zh: '该户已有未销号的危房案件，请在原案件中办理',
        en: 'The household has an open case already; act on that case',
      });
    }
    const id = file?.household.ledgerId ?? `mh-${randomUUID()}`;
    const caseId = `mc-${randomUUID()}`;
    const base: Omit<LedgerHousehold, 'version' | 'updatedAt'> = file
      ? current(file)
      : {
          ledgerId: id,
          county,
          township: township.code,
          villageCode: body.villageCode,
          head: { name: body.head.name, idNumber: body.head.idNumber },
          persons: body.persons,
          ...(body.phone ? { phone: body.phone } : {}),
          ...categoryForDisaster(body.category, settings),
          source: 'disaster',
          grades: [],
          renovations: [],
          createdAt: at,
        };
    const household: Omit<LedgerHousehold, 'version' | 'updatedAt'> = {
      ...base,
      openCaseId: caseId,
      grades: body.grade
        ? [
            ...base.grades,
            {
              grade: body.grade,
              housingType: 'own-house',
              appraisedOn: body.occurredOn,
              kind: 'disaster',
              month: monthOf(at),
              by: actor.username,
            },
          ]
        : base.grades,
    };
    const opened: LedgerCase = {
      caseId,
      ledgerId: id,
      county,
      township: household.township,
      villageCode: household.villageCode,
      headName: household.head.name,
      cause: 'disaster',
      ...(body.grade ? { grade: body.grade } : {}),
      damage: {
        disaster: body.disaster,
        occurredOn: body.occurredOn,
        description: body.description,
        recordedBy: actor.username,
      },
      openedAt: at,
      openedMonth: monthOf(at),
      openedBy: actor.username,
      stage: 'measure',
      dueOn: dueInWorkingDays(at, due?.rule === 'working-days' ? due.days : settings.measureDays),
    };
    const { after, event } = ledgerChange(file, household, {
      at,
      actor: actor.username,
      role,
      type: 'report-disaster',
      details: {
        caseId,
        disaster: body.disaster,
        occurredOn: body.occurredOn,
        ...(body.grade ? { grade: body.grade } : {}),
      },
    });
    try {
      await deps.store.monitoring.commit({
        ...(file ? { before: file.household } : {}),
        after,
        event,
        writes: [
          ...(file ? [] : [{ kind: 'id-lookup' as const, county, idHash, ledgerId: id }]),
          { kind: 'case-opened', case: opened },
        ],
      });
      logger.info('disaster case opened', { ledgerId: id, caseId, added: !file });
      return { ledgerId: id, caseId, added: !file };
    } catch (error) {
      // Added to the ledger or changed by someone else meanwhile: read it again and decide again.
      if (!(error instanceof ConflictError) || attempt >= 3) throw error;
    }
  }
}
