/**
 * The standing housing-safety ledger (住房安全动态监测台账) beside the yearly programs: the
 * households a county monitors (低保, 特困, 防止返贫监测对象 and the categories the county names),
 * the month's roster, each household's house-safety check, the cases an unsafe house opens and the
 * measure that closes each one (销号), and the follow-up visits after a renovation is accepted.
 * Every type is inferred from a zod schema, as in domain/model.ts. No AWS imports here.
 */
import { z } from 'zod';
import { Category, CountyCode, Grade, IdNumber, TownshipCode, VillageCode } from '../model';

/** A calendar month `YYYY-MM`: the roster's month, the report's month. */
export const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, {
  error: '月份格式为 YYYY-MM / a month is YYYY-MM',
});
export type Month = z.infer<typeof Month>;

/** The categories most rosters carry; a county names others in its settings (`countyCategories`). */
export const MONITORED_CATEGORIES = [
  'minimum-living-guarantee', // 低保
  'extremely-poor', // 特困
  'relapse-monitoring', // 防止返贫监测对象
  'low-income-edge', // 低保边缘
  'county-named', // a category of the county's own, named in `categoryName`
] as const;
export const MonitoredCategory = z.enum(MONITORED_CATEGORIES);
export type MonitoredCategory = z.infer<typeof MonitoredCategory>;

/** Where the household lives: its own house (graded) or other safe housing (rented, public, with relatives...). */
export const HousingType = z.enum(['own-house', 'other-safe-housing']);
export type HousingType = z.infer<typeof HousingType>;

/** How an unsafe house is made safe (解决方式). `renovation` enters a program's renovation workflow. */
export const MEASURES = ['renovation', 'rental', 'replacement', 'public-housing', 'relatives'] as const;
export const Measure = z.enum(MEASURES);
export type Measure = z.infer<typeof Measure>;
export type OtherMeasure = Exclude<Measure, 'renovation'>;
export const OTHER_MEASURES: readonly OtherMeasure[] = ['rental', 'replacement', 'public-housing', 'relatives'];

/** The housing of a household that does not live in its own house. */
export const OtherHousingKind = z.enum(['rental', 'replacement', 'public-housing', 'relatives', 'other']);
export type OtherHousingKind = z.infer<typeof OtherHousingKind>;

/** Why a case was opened. */
export const CaseCause = z.enum(['monthly-check', 'reappraisal', 'disaster']);
export type CaseCause = z.infer<typeof CaseCause>;

/** Where a case stands: a measure to choose, a renovation to follow, a closing to sign, or closed (销号). */
export const CaseStage = z.enum(['measure', 'renovation', 'closing', 'closed']);
export type CaseStage = z.infer<typeof CaseStage>;

export const DisasterKind = z.enum(['flood', 'landslide', 'earthquake', 'storm', 'snow', 'fire', 'other']);
export type DisasterKind = z.infer<typeof DisasterKind>;

/** A check of the month's roster, or a re-appraisal asked for when someone reports an A or B house. */
export const CheckKind = z.enum(['monthly', 'reappraisal']);
export type CheckKind = z.infer<typeof CheckKind>;

/** How the household came onto the ledger. */
export const LedgerSource = z.enum(['roster', 'disaster', 'renovation']);

/** What the roster says changed for a household since the previous roster. */
export const RosterChange = z.enum(['new', 'changed', 'unchanged']);
export type RosterChange = z.infer<typeof RosterChange>;

/** The fields of a roster row that a later roster may change. */
export const ROSTER_FIELDS = ['headName', 'persons', 'categoryName', 'villageCode', 'phone'] as const;
export type RosterField = (typeof ROSTER_FIELDS)[number];

/** The monitoring settings of a county (`PUT /monitoring/settings/{county}`). */
export const MonitoringSettings = z.strictObject({
  county: CountyCode,
  /** Day of the month by which townships check the month's roster (the municipality's rule: the 20th). */
  checkDueDay: z.number().int().min(1).max(28).default(20),
  /** Day of the month by which civil affairs hand over the roster (the 5th): shown, not enforced. */
  rosterDueDay: z.number().int().min(1).max(28).default(5),
  /** Categories the county names besides the usual ones, and the renovation category each maps to. */
  countyCategories: z
    .array(z.strictObject({ name: z.string().trim().min(1).max(30), renovationCategory: Category }))
    .max(30)
    .default([]),
  /** Working days to choose a measure once a case opens, and to sign the closing once one is chosen. */
  measureDays: z.number().int().min(1).max(90).default(10),
  closingDays: z.number().int().min(1).max(365).default(60),
});
export type MonitoringSettings = z.infer<typeof MonitoringSettings>;

export const DEFAULT_SETTINGS = (county: string): MonitoringSettings => MonitoringSettings.parse({ county });

/** Follow-up visits after acceptance, in months, when the program sets none (`followUpMonths`). */
export const DEFAULT_FOLLOW_UP_MONTHS: readonly number[] = [6, 12];

/** One grade in the household's history: every appraisal is kept, none replaced. */
export const GradeRecord = z.object({
  grade: Grade.optional(),
  housingType: HousingType,
  appraisedOn: z.string(),
  kind: z.enum(['monthly', 'reappraisal', 'disaster']),
  month: Month,
  by: z.string(),
});
export type GradeRecord = z.infer<typeof GradeRecord>;

/**
 * A household on the ledger (`MH#{ledgerId}`): who and where, its grades, its open case and its renovations.
 * Whether it is on a month's roster is whether that month's check exists (checks sit in its partition).
 */
export const LedgerHousehold = z.object({
  ledgerId: z.string(),
  county: CountyCode,
  township: TownshipCode,
  villageCode: VillageCode,
  head: z.object({ name: z.string().min(1).max(40), idNumber: IdNumber }),
  persons: z.number().int().min(1).max(30),
  phone: z.string().max(20).optional(),
  category: MonitoredCategory,
  /** The category as the roster or the county names it (低保, 特困, 防止返贫监测对象, ...). */
  categoryName: z.string().min(1).max(30),
  source: LedgerSource,
  firstRosterMonth: Month.optional(),
  grades: z.array(GradeRecord).default([]),
  openCaseId: z.string().optional(),
  /** Renovations accepted for this household: the case they closed and the visits they scheduled. */
  renovations: z
    .array(z.object({ householdId: z.string(), programId: z.string(), acceptedOn: z.string(), archivedAt: z.string() }))
    .default([]),
  version: z.number().int().positive(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type LedgerHousehold = z.infer<typeof LedgerHousehold>;

/** What a check found (住房安全核查结果). */
export const CheckResult = z.object({
  housingType: HousingType,
  grade: Grade.optional(),
  otherHousing: z.object({ kind: OtherHousingKind, note: z.string() }).optional(),
  appraisedOn: z.string(),
  technician: z.string(),
  findings: z.string(),
  photoIds: z.array(z.string()),
  recordedBy: z.string(),
  recordedAt: z.string(),
  /** Own house graded C or D. */
  unsafe: z.boolean(),
  /** Recorded on or before its due day (China date). */
  onTime: z.boolean(),
  /** What deserves a second look (a grade better than before with no works done, a housing type that flips). */
  flags: z.array(z.string()).default([]),
});
export type CheckResult = z.infer<typeof CheckResult>;

/**
 * One check of the ledger (`MH#{ledgerId}` / `CHECK#{checkId}`, listed by county and month): the roster row it
 * came from (masked: the full ID number stays on the household item) and what the township found.
 */
export const LedgerCheck = z.object({
  checkId: z.string(),
  county: CountyCode,
  month: Month,
  kind: CheckKind,
  ledgerId: z.string(),
  township: TownshipCode,
  villageCode: VillageCode,
  headName: z.string(),
  idMasked: z.string(),
  persons: z.number().int(),
  categoryName: z.string(),
  /** Monthly checks: what the roster changed for the household; absent for re-appraisals. */
  change: RosterChange.optional(),
  changedFields: z.array(z.enum(ROSTER_FIELDS)).default([]),
  status: z.enum(['open', 'done']),
  dueOn: z.string(),
  /** Re-appraisals: who reported the house and why. */
  report: z.object({ reason: z.string(), reportedBy: z.string(), recordedBy: z.string(), at: z.string() }).optional(),
  result: CheckResult.optional(),
});
export type LedgerCheck = z.infer<typeof LedgerCheck>;

/** A case of an unsafe house (危房台账), from opening to closing (销号). */
export const LedgerCase = z.object({
  caseId: z.string(),
  ledgerId: z.string(),
  county: CountyCode,
  township: TownshipCode,
  villageCode: VillageCode,
  headName: z.string(),
  cause: CaseCause,
  grade: Grade.optional(),
  /** The check that found the house unsafe. */
  checkId: z.string().optional(),
  damage: z
    .object({ disaster: DisasterKind, occurredOn: z.string(), description: z.string(), recordedBy: z.string() })
    .optional(),
  openedAt: z.string(),
  openedMonth: Month,
  openedBy: z.string(),
  stage: CaseStage,
  /** When the person who owns the current stage should have acted (measure, closing). */
  dueOn: z.string().optional(),
  measure: z
    .object({
      kind: Measure,
      note: z.string().optional(),
      chosenBy: z.string(),
      chosenAt: z.string(),
      /** The renovation household the case follows, and its program. */
      renovation: z.object({ householdId: z.string(), programId: z.string(), registered: z.boolean() }).optional(),
    })
    .optional(),
  closing: z
    .object({
      measure: Measure,
      closedAt: z.string(),
      closedMonth: Month,
      closedBy: z.string(),
      /** The person who signs for the closing (谁核查、谁签字、谁负责). */
      signedBy: z.string(),
      signedOn: z.string(),
      arrangement: z.string(),
      photoIds: z.array(z.string()),
    })
    .optional(),
});
export type LedgerCase = z.infer<typeof LedgerCase>;

/** A follow-up visit after a renovation was accepted: is the household living in the house? */
export const FollowUpVisit = z.object({
  ledgerId: z.string(),
  householdId: z.string(),
  county: CountyCode,
  township: TownshipCode,
  villageCode: VillageCode,
  headName: z.string(),
  /** Months after acceptance. */
  months: z.number().int().min(1).max(60),
  acceptedOn: z.string(),
  dueOn: z.string(),
  status: z.enum(['open', 'done']),
  result: z
    .object({
      livedIn: z.boolean(),
      visitedOn: z.string(),
      note: z.string().optional(),
      photoIds: z.array(z.string()),
      by: z.string(),
      at: z.string(),
    })
    .optional(),
});
export type FollowUpVisit = z.infer<typeof FollowUpVisit>;

/** A row error of a roster file, at the line a person sees in Excel. */
export const RosterRowError = z.object({
  line: z.number().int(),
  field: z.string(),
  message: z.object({ zh: z.string(), en: z.string() }),
});
export type RosterRowError = z.infer<typeof RosterRowError>;

/** A household that was on the previous roster and is not on this one. */
export const LeavingHousehold = z.object({
  ledgerId: z.string(),
  township: TownshipCode,
  villageCode: VillageCode,
  headName: z.string(),
  idMasked: z.string(),
  categoryName: z.string(),
});
export type LeavingHousehold = z.infer<typeof LeavingHousehold>;

/** The month's roster as imported (`MON#{county}#{month}` / `ROSTER`). */
export const Roster = z.object({
  rosterId: z.string(),
  county: CountyCode,
  month: Month,
  previousMonth: Month.optional(),
  checksDueOn: z.string(),
  importedBy: z.string(),
  importedAt: z.string(),
  size: z.number().int().nonnegative(),
  counts: z.object({
    new: z.number().int().nonnegative(),
    changed: z.number().int().nonnegative(),
    unchanged: z.number().int().nonnegative(),
    leaving: z.number().int().nonnegative(),
  }),
  leaving: z.array(LeavingHousehold),
  /** The row errors of the latest import of the month. */
  rowErrors: z.array(RosterRowError),
  /** Every import of the month: a county may import its roster in parts (by township), or add corrected rows. */
  imports: z.array(
    z.object({
      at: z.string(),
      by: z.string(),
      fileName: z.string().optional(),
      rowsRead: z.number().int().nonnegative(),
      added: z.number().int().nonnegative(),
      alreadyOnRoster: z.number().int().nonnegative(),
      rowErrors: z.number().int().nonnegative(),
    }),
  ),
});
export type Roster = z.infer<typeof Roster>;

/** The id of the roster of a county and month: `522327-2026-05`. */
export function rosterIdOf(county: string, month: string): string {
  return `${county}-${month}`;
}

export function parseRosterId(rosterId: string): { county: string; month: string } | undefined {
  const match = /^(\d{6})-(\d{4}-(?:0[1-9]|1[0-2]))$/.exec(rosterId);
  return match?.[1] && match[2] ? { county: match[1], month: match[2] } : undefined;
}

/** The id of the month's roster check (`2026-05`) and of the n-th re-appraisal of a month (`2026-05-r2`). */
export function checkIdOf(month: string, kind: CheckKind, seq = 1): string {
  return kind === 'monthly' ? month : `${month}-r${seq}`;
}

export function monthOfCheckId(checkId: string): string {
  return checkId.slice(0, 7);
}
