/**
 * Date integrity. People type the dates of their steps (the appraisal, the village meeting, the
 * agreement, each inspection, the acceptance); the system knows when the other steps were taken
 * and, from EXIF, when the cited photos were. Auditors find paper inspections by exactly these
 * dates: an inspection dated a month ahead that releases money, completion photos taken the day
 * after the foundation's, a house "built" in three weeks. So:
 *
 * - a recorded date is never after today (China day) — refused, the date cannot be true;
 * - the steps' dates keep their business order (application, appraisal, village meeting, township
 *   review, spot check, county approval, notice start and end, agreement, works, acceptance) —
 *   refused, naming the earlier step and its date;
 * - a typed date lies within the program's tolerance of the capture days of the photos it cites —
 *   flagged `capture-date-mismatch`;
 * - consecutive stages of the works (agreement, each inspected milestone, the acceptance) are at
 *   least the program's minimum days apart, on typed dates (`stage-too-soon`) and on the photos'
 *   capture times (`capture-stage-too-soon`);
 * - start of works to acceptance is at least the program's minimum build period
 *   (`build-period-too-short`), on typed dates and on capture times.
 *
 * Every date is a China calendar day `YYYY-MM-DD` (UTC+8, no daylight saving); instants are
 * turned into China days before they are compared.
 */
import type { FieldMessage } from '../errors';
import type { AuditEvent, Inspection, Mode, ProgramConfig } from '../model';

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** The China calendar day of an instant (ISO string, Date or epoch ms), `YYYY-MM-DD`. */
export function chinaDate(instant: string | Date | number): string {
  const ms = instant instanceof Date ? instant.getTime() : typeof instant === 'number' ? instant : Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`not a time: ${String(instant)}`);
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

function dayNumber(date: string): number {
  if (!DATE_ONLY.test(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new RangeError(`not a calendar date: ${date}`);
  return Math.round(ms / DAY_MS);
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

// ---------------------------------------------------------------- the program's numbers

/** Days a typed date may lie from its photos' capture days. */
export const DEFAULT_CAPTURE_TOLERANCE_DAYS = 3;
/** The seed county's measured minimum from start to moving in (domain.md, "Timelines"). */
export const DEFAULT_MIN_BUILD_DAYS: Readonly<Record<Mode, number>> = { rebuild: 74, repair: 0 };

export interface DateRules {
  captureToleranceDays: number;
  minDaysBetweenStages: number;
  minBuildDays: Readonly<Record<Mode, number>>;
}

export function dateRulesOf(
  program: Pick<ProgramConfig, 'captureToleranceDays' | 'minDaysBetweenMilestones' | 'minBuildDays'>,
): DateRules {
  return {
    captureToleranceDays: program.captureToleranceDays ?? DEFAULT_CAPTURE_TOLERANCE_DAYS,
    minDaysBetweenStages: program.minDaysBetweenMilestones,
    minBuildDays: { ...DEFAULT_MIN_BUILD_DAYS, ...program.minBuildDays },
  };
}

// ---------------------------------------------------------------- the order of the steps

/** The dated stages of a file in their business order. */
export const DATED_STAGES = [
  'application',
  'safety-appraisal',
  'village-appraisal',
  'township-review',
  'spot-check',
  'county-approval',
  'notice-start',
  'notice-end',
  'agreement',
  'works',
  'acceptance',
] as const;
export type DatedStage = (typeof DATED_STAGES)[number];

const STAGE_TITLES: Readonly<Record<DatedStage, { zh: string; en: string }>> = {
  application: { zh: '申请登记', en: 'the application' },
  'safety-appraisal': { zh: '危险性鉴定', en: 'the safety appraisal' },
  'village-appraisal': { zh: '村民主评议', en: 'the village meeting' },
  'township-review': { zh: '乡镇审核', en: 'the township review' },
  'spot-check': { zh: '县级入户抽查', en: "the county's home visit" },
  'county-approval': { zh: '县审批', en: 'the county approval' },
  'notice-start': { zh: '公示开始', en: 'the start of the public notice' },
  'notice-end': { zh: '公示结束', en: 'the end of the public notice' },
  agreement: { zh: '签订改造协议', en: 'the agreement' },
  works: { zh: '节点验收', en: 'an inspection' },
  acceptance: { zh: '竣工验收', en: 'the acceptance' },
};

/** A date the file records: which stage, which day, and (for inspections) which one. */
export interface StageDate {
  stage: DatedStage;
  date: string;
  /** `{milestone}#{round}` for an inspection; works dates are also ordered among themselves. */
  ref?: string | undefined;
}

/** A date an action's body records, at its path in the body. */
export interface TypedDate {
  path: string;
  stage: DatedStage;
  date: string;
}

type DatedEvent = Pick<AuditEvent, 'type' | 'at' | 'details'>;

function stringDetail(event: DatedEvent, key: string): string | undefined {
  const value = event.details[key];
  return typeof value === 'string' && DATE_ONLY.test(value) ? value : undefined;
}

/**
 * Every date the file records, from the household's registration, its audit events and its
 * inspection rounds. Dates the system stamped (reviews, approval, notice) are the China day of
 * the event; dates people typed are taken as typed.
 */
export function recordedStageDates(file: {
  household: { createdAt: string };
  events: readonly DatedEvent[];
  inspections: readonly Pick<Inspection, 'milestone' | 'round' | 'date'>[];
  acceptanceMilestone?: string;
}): StageDate[] {
  const acceptance = file.acceptanceMilestone ?? 'acceptance';
  const dates: StageDate[] = [{ stage: 'application', date: chinaDate(file.household.createdAt) }];
  for (const event of file.events) {
    switch (event.type) {
      case 'appraise-safety': {
        const date = stringDetail(event, 'appraisedOn');
        if (date) dates.push({ stage: 'safety-appraisal', date });
        break;
      }
      case 'village-appraisal': {
        const date = stringDetail(event, 'meetingDate');
        if (date) dates.push({ stage: 'village-appraisal', date });
        break;
      }
      case 'township-review':
        dates.push({ stage: 'township-review', date: chinaDate(event.at) });
        break;
      case 'county-approve': {
        const spot = event.details.spotCheck as { date?: unknown } | undefined;
        if (typeof spot?.date === 'string' && DATE_ONLY.test(spot.date)) {
          dates.push({ stage: 'spot-check', date: spot.date });
        }
        if (event.details.decision === 'approve') {
          dates.push({ stage: 'county-approval', date: chinaDate(event.at) });
          dates.push({ stage: 'notice-start', date: chinaDate(event.at) });
        }
        break;
      }
      case 'close-notice':
        dates.push({ stage: 'notice-end', date: chinaDate(event.at) });
        break;
      case 'sign-agreement': {
        const date = stringDetail(event, 'signedOn');
        if (date) dates.push({ stage: 'agreement', date });
        break;
      }
      case 'supervise': {
        const date = stringDetail(event, 'date');
        if (date) dates.push({ stage: 'works', date, ref: `supervise#${event.at}` });
        break;
      }
    }
  }
  for (const inspection of file.inspections) {
    dates.push({
      stage: inspection.milestone === acceptance ? 'acceptance' : 'works',
      date: inspection.date,
      ref: `${inspection.milestone}#${inspection.round}`,
    });
  }
  return dates;
}

/** The dates an action's body records (plans and deadlines are not records and may lie ahead). */
export function typedDatesOf(action: string, body: Readonly<Record<string, unknown>>): TypedDate[] {
  const at = (path: string, stage: DatedStage, value: unknown): TypedDate[] =>
    typeof value === 'string' && DATE_ONLY.test(value) ? [{ path, stage, date: value }] : [];
  switch (action) {
    case 'appraise-safety':
      return at('appraisedOn', 'safety-appraisal', body.appraisedOn);
    case 'village-appraisal':
      return at('meetingDate', 'village-appraisal', body.meetingDate);
    case 'county-approve':
      return at('spotCheck.date', 'spot-check', (body.spotCheck as { date?: unknown } | undefined)?.date);
    case 'sign-agreement':
      return at('signedOn', 'agreement', body.signedOn);
    case 'inspect':
    case 'supervise':
      return at('date', 'works', body.date);
    case 'accept':
      return at('date', 'acceptance', body.date);
    default:
      return [];
  }
}

/**
 * Refusals for the dates an action records: none after `today` (a China day), none before a
 * recorded date of an earlier stage, and an inspection or acceptance none before a recorded
 * inspection. A step taken again (a village meeting after a send-back) is checked only against
 * the stages before it, so its earlier round never stands in its way.
 */
export function dateProblems(
  typed: readonly TypedDate[],
  recorded: readonly StageDate[],
  today: string,
): FieldMessage[] {
  const problems: FieldMessage[] = [];
  for (const entry of typed) {
    if (entry.date > today) {
      problems.push({
        path: entry.path,
        message: {
          zh: `日期 ${entry.date} 晚于今天（${today}），不能登记未来的日期`,
          en: `${entry.date} is after today (${today} in China); a record cannot be dated in the future`,
        },
      });
      continue;
    }
    const index = DATED_STAGES.indexOf(entry.stage);
    const orderedWithin = entry.stage === 'works' || entry.stage === 'acceptance';
    const later = recorded
      .filter((r) => {
        const i = DATED_STAGES.indexOf(r.stage);
        // Supervision visits are recorded as they happen and may be entered out of order among themselves.
        const comparable = i < index || (orderedWithin && i === index && !r.ref?.startsWith('supervise#'));
        return comparable && r.date > entry.date;
      })
      .sort((a, b) => (a.date < b.date ? 1 : -1));
    const latest = later[0];
    if (latest) {
      const title = STAGE_TITLES[latest.stage];
      problems.push({
        path: entry.path,
        message: {
          zh: `日期 ${entry.date} 早于${title.zh}的日期 ${latest.date}，各环节日期须按办理顺序`,
          en: `${entry.date} is before ${title.en} (${latest.date}); the steps' dates follow their order`,
        },
      });
    }
  }
  return problems;
}

// ---------------------------------------------------------------- typed dates against capture times

export interface CitedPhoto {
  photoId: string;
  capturedAt?: string | undefined;
}

/**
 * The cited photos whose capture day lies more than `toleranceDays` from the typed date. Photos
 * without a capture time are not judged here (they carry `capture-time-missing`).
 */
export function captureDateMismatches(
  typedDate: string,
  photos: readonly CitedPhoto[],
  toleranceDays: number,
): string[] {
  return photos
    .filter((photo) => photo.capturedAt !== undefined)
    .filter((photo) => Math.abs(daysBetween(typedDate, chinaDate(photo.capturedAt as string))) > toleranceDays)
    .map((photo) => photo.photoId);
}

// ---------------------------------------------------------------- stages of the works

/** One stage of the works: its typed date and the capture times of its photos. */
export interface WorksStage {
  date: string;
  captureTimes: readonly string[];
}

function earliest(times: readonly string[]): number | undefined {
  const values = times.map((t) => Date.parse(t)).filter((t) => !Number.isNaN(t));
  return values.length > 0 ? Math.min(...values) : undefined;
}

function latest(times: readonly string[]): number | undefined {
  const values = times.map((t) => Date.parse(t)).filter((t) => !Number.isNaN(t));
  return values.length > 0 ? Math.max(...values) : undefined;
}

export type StageGapFlag = 'stage-too-soon' | 'capture-stage-too-soon';

/**
 * A stage (an inspected milestone or the acceptance) closer to the previous passed stage (the
 * agreement for the first) than `minDays`: on typed dates `stage-too-soon`; on capture times
 * `capture-stage-too-soon`, measured leniently from the previous stage's earliest photo to this
 * stage's latest, so only photos that could not have been taken that far apart are flagged.
 */
export function stageGapFlags(previous: WorksStage | undefined, current: WorksStage, minDays: number): StageGapFlag[] {
  if (previous === undefined || minDays <= 0) return [];
  const flags: StageGapFlag[] = [];
  if (daysBetween(previous.date, current.date) < minDays) flags.push('stage-too-soon');
  const from = earliest(previous.captureTimes);
  const to = latest(current.captureTimes);
  if (from !== undefined && to !== undefined) {
    if (daysBetween(chinaDate(from), chinaDate(to)) < minDays) flags.push('capture-stage-too-soon');
  }
  return flags;
}

/**
 * Start of works to acceptance shorter than the program's minimum for the mode: on the typed
 * dates (the agreement's planned start, or its signing day when later, to the acceptance date),
 * or on capture times (the earliest photo of the works to the latest acceptance photo).
 */
export function buildPeriodTooShort(input: {
  mode: Mode;
  startedOn: string;
  acceptedOn: string;
  worksCaptureTimes: readonly string[];
  acceptanceCaptureTimes: readonly string[];
  rules: Pick<DateRules, 'minBuildDays'>;
}): boolean {
  const minDays = input.rules.minBuildDays[input.mode];
  if (minDays <= 0) return false;
  if (daysBetween(input.startedOn, input.acceptedOn) < minDays) return true;
  const from = earliest(input.worksCaptureTimes);
  const to = latest(input.acceptanceCaptureTimes);
  return from !== undefined && to !== undefined && daysBetween(chinaDate(from), chinaDate(to)) < minDays;
}

/** When the works started by the agreement: its planned start, never before it was signed. */
export function worksStartOf(agreement: { signedOn: string; plannedStart?: string | undefined }): string {
  return agreement.plannedStart !== undefined && agreement.plannedStart > agreement.signedOn
    ? agreement.plannedStart
    : agreement.signedOn;
}

// ---------------------------------------------------------------- one check of the works, all its dates

export type WorksDateFlag = StageGapFlag | 'capture-date-mismatch' | 'build-period-too-short';

export interface WorksCheck {
  /** The inspection's or the acceptance's typed date and the photos it cites. */
  date: string;
  citedPhotoIds: readonly string[];
  acceptance: boolean;
  photos: readonly { photoId: string; kind: string; capturedAt?: string | undefined }[];
  inspections: readonly Pick<Inspection, 'milestone' | 'date' | 'result' | 'photoIds'>[];
  acceptanceMilestone: string;
  /** The agreement as signed (its event's details), when it was. */
  agreement?: { signedOn: string; plannedStart?: string | undefined } | undefined;
  mode?: Mode | undefined;
  rules: DateRules;
}

export interface WorksDateFindings {
  flags: WorksDateFlag[];
  /** Cited photos whose capture day is too far from the typed date. */
  mismatchedPhotoIds: string[];
}

/**
 * Every date rule of an inspection or the acceptance at once: its photos against its date, its
 * distance from the previous passed stage (the agreement for the first milestone), and for the
 * acceptance the whole build period.
 */
export function worksDateFindings(check: WorksCheck): WorksDateFindings {
  const captured = (ids: readonly string[]) =>
    check.photos
      .filter((p) => ids.includes(p.photoId) && p.capturedAt !== undefined)
      .map((p) => p.capturedAt as string);
  const cited = check.photos.filter((p) => check.citedPhotoIds.includes(p.photoId));
  const mismatchedPhotoIds = captureDateMismatches(check.date, cited, check.rules.captureToleranceDays);
  const flags: WorksDateFlag[] = [];
  const previousInspection = check.inspections
    .filter((i) => i.result === 'pass' && i.milestone !== check.acceptanceMilestone)
    .sort((a, b) => (a.date < b.date ? -1 : 1))
    .at(-1);
  const previous: WorksStage | undefined = previousInspection
    ? { date: previousInspection.date, captureTimes: captured(previousInspection.photoIds) }
    : check.agreement
      ? { date: check.agreement.signedOn, captureTimes: [] }
      : undefined;
  flags.push(
    ...stageGapFlags(
      previous,
      { date: check.date, captureTimes: captured(check.citedPhotoIds) },
      check.rules.minDaysBetweenStages,
    ),
  );
  if (mismatchedPhotoIds.length > 0) flags.push('capture-date-mismatch');
  if (check.acceptance && check.agreement && check.mode) {
    const tooShort = buildPeriodTooShort({
      mode: check.mode,
      startedOn: worksStartOf(check.agreement),
      acceptedOn: check.date,
      worksCaptureTimes: check.photos
        .filter((p) => p.kind === 'during' && p.capturedAt)
        .map((p) => p.capturedAt as string),
      acceptanceCaptureTimes: captured(check.citedPhotoIds),
      rules: check.rules,
    });
    if (tooShort) flags.push('build-period-too-short');
  }
  return { flags, mismatchedPhotoIds };
}
