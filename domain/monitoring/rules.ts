/**
 * The rules of the monitoring ledger, as pure functions: what a check finds and what deserves a
 * second look in it, when each task falls due, when the follow-up visits of a renovated house are,
 * and whether a measure may be chosen or a case closed.
 */
import { addCalendarDays, chinaToday } from '../china-time';
import { type Bilingual, ConflictError } from '../errors';
import type { Title } from '../labels';
import type { Grade } from '../model';
import { addWorkingDays } from '../rules/calendar';
import type { CheckBody } from './actions';
import {
  type CaseStage,
  DEFAULT_FOLLOW_UP_MONTHS,
  type GradeRecord,
  type LedgerCase,
  type LedgerHousehold,
  type Measure,
  type MonitoringSettings,
} from './model';

/** Flags of a check that deserve a second look; recorded, never a refusal (谁核查、谁签字、谁负责). */
export const CHECK_FLAGS = ['grade-improved-without-works', 'housing-type-changed', 'no-photo'] as const;
export type CheckFlag = (typeof CHECK_FLAGS)[number];

export const CHECK_FLAG_TITLES: Readonly<Record<CheckFlag, Title>> = {
  'grade-improved-without-works': {
    zh: '等级较上次好转但无改造或销号记录',
    en: 'Better grade than before with no works or closing on record',
  },
  'housing-type-changed': { zh: '住房类型与上次核查不同', en: 'Housing type differs from the last check' },
  'no-photo': { zh: '未附房屋照片', en: 'No photo of the house' },
};

/** An own house graded C or D: the house is unsafe and a case opens. */
export function isUnsafe(check: Pick<CheckBody, 'housingType' | 'grade'>): boolean {
  return check.housingType === 'own-house' && (check.grade === 'C' || check.grade === 'D');
}

/** How dangerous a grade is; the seed's 一 / 二 / 三级危房 are all dangerous, 一级 the most (domain/model.ts). */
const GRADE_ORDER: Readonly<Record<Grade, number>> = {
  A: 0,
  B: 1,
  C: 2,
  D: 3,
  'level-3': 2,
  'level-2': 2,
  'level-1': 3,
};
const DANGEROUS = 2;

/**
 * What an auditor would ask about a check: a house that was C or D and is now A or B with no
 * renovation accepted or case closed in between (the audits' "graded A/B but unsafe"); a housing
 * type that flips from the last check (the audits' "wrong housing type"); an own house checked
 * without a photo.
 */
export function checkFlags(
  household: Pick<LedgerHousehold, 'grades' | 'renovations'>,
  cases: readonly Pick<LedgerCase, 'closing'>[],
  check: Pick<CheckBody, 'housingType' | 'grade' | 'photoIds'>,
): CheckFlag[] {
  const flags: CheckFlag[] = [];
  const last: GradeRecord | undefined = household.grades.at(-1);
  if (last && check.grade && last.grade && GRADE_ORDER[check.grade] < GRADE_ORDER[last.grade]) {
    const worksSince = (at: string) => at >= last.appraisedOn;
    const made =
      household.renovations.some((r) => worksSince(r.acceptedOn)) ||
      cases.some((c) => c.closing !== undefined && worksSince(c.closing.signedOn));
    if (GRADE_ORDER[last.grade] >= DANGEROUS && GRADE_ORDER[check.grade] < DANGEROUS && !made) {
      flags.push('grade-improved-without-works');
    }
  }
  if (last && last.housingType !== check.housingType) flags.push('housing-type-changed');
  if (check.housingType === 'own-house' && check.photoIds.length === 0) flags.push('no-photo');
  return flags;
}

/** A check recorded on `recordedAt` (an instant) is on time when its China day is not after `dueOn`. */
export function isOnTime(recordedAt: string, dueOn: string): boolean {
  return chinaToday(new Date(recordedAt)) <= dueOn;
}

/** Whether an open task due on `dueOn` is overdue on `today` (China date). */
export function isOverdueOn(dueOn: string | undefined, today: string): boolean {
  return dueOn !== undefined && dueOn < today;
}

/** `YYYY-MM-DD` plus whole months, the day clamped to the month's end (31 Aug + 6 months = 28/29 Feb). */
export function addMonths(date: string, months: number): string {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  const total = year * 12 + (month - 1) + months;
  const y = Math.floor(total / 12);
  const m = (total % 12) + 1;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(day, last)).padStart(2, '0')}`;
}

/** The visits after a renovation accepted on `acceptedOn`, at the program's months (default 6 and 12). */
export function followUpVisits(
  acceptedOn: string,
  programMonths: readonly number[] | undefined,
): { months: number; dueOn: string }[] {
  const months = [...new Set(programMonths?.length ? programMonths : DEFAULT_FOLLOW_UP_MONTHS)].sort((a, b) => a - b);
  return months.map((m) => ({ months: m, dueOn: addMonths(acceptedOn, m) }));
}

/** A visit may be recorded from a month before it falls due (and any time after). */
export function isVisitOpenOn(dueOn: string, today: string): boolean {
  return addMonths(dueOn, -1) <= today;
}

/** The last day on which visits due up to it show in the work queue: a month ahead. */
export function visitsShownUntil(today: string): string {
  return addMonths(today, 1);
}

/** The day a task opened on `openedAt` (an instant) falls due, by working days from its China day. */
export function dueInWorkingDays(openedAt: string, days: number): string {
  return addWorkingDays(chinaToday(new Date(openedAt)), days);
}

export function measureDueOn(openedAt: string, settings: Pick<MonitoringSettings, 'measureDays'>): string {
  return dueInWorkingDays(openedAt, settings.measureDays);
}

export function closingDueOn(chosenAt: string, settings: Pick<MonitoringSettings, 'closingDays'>): string {
  return dueInWorkingDays(chosenAt, settings.closingDays);
}

/** The first and the last day of a month `YYYY-MM`. */
export function monthBounds(month: string): { first: string; last: string } {
  const first = `${month}-01`;
  return { first, last: addCalendarDays(addMonths(first, 1), -1) };
}

/** The month `YYYY-MM` of a China date or an instant. */
export function monthOf(dateOrInstant: string): string {
  return (/^\d{4}-\d{2}-\d{2}$/.test(dateOrInstant) ? dateOrInstant : chinaToday(new Date(dateOrInstant))).slice(0, 7);
}

function notAtStage(stage: CaseStage, wanted: Bilingual): ConflictError {
  const messages: Record<CaseStage, Bilingual> = {
    measure: { zh: '该案件尚未确定解决方式', en: 'No measure has been chosen for this case yet' },
    renovation: {
      zh: '该案件正在跟踪危房改造，改造验收归档后自动销号',
      en: 'The case follows a renovation; it closes when the renovated house is accepted and archived',
    },
    closing: { zh: '该案件已确定解决方式，待销号', en: 'The case has its measure and waits for its closing' },
    closed: { zh: '该案件已销号', en: 'The case is closed' },
  };
  const message = messages[stage];
  return new ConflictError({ zh: `${message.zh}，不能${wanted.zh}`, en: `${message.en}; ${wanted.en}` });
}

/**
 * A measure is chosen while the case waits for one, or again when the renovation it followed was
 * rejected (the application did not qualify): the house is still unsafe.
 */
export function assertMeasureMayBeChosen(found: Pick<LedgerCase, 'stage'>, renovationRejected: boolean): void {
  if (found.stage === 'measure') return;
  if (found.stage === 'renovation' && renovationRejected) return;
  throw notAtStage(found.stage, { zh: '再确定解决方式', en: 'no measure can be chosen now' });
}

export function assertClosable(found: Pick<LedgerCase, 'stage' | 'measure'>): Measure {
  if (found.stage !== 'closing' || !found.measure) {
    throw notAtStage(found.stage, { zh: '销号', en: 'it cannot be closed by a signed closing now' });
  }
  return found.measure.kind;
}
