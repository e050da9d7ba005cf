/**
 * Request bodies of the monitoring ledger: the roster import, the county's settings, a disaster
 * report, and one strict schema per action on a ledger household
 * (`POST /monitoring/cases/{id}/actions/<action>`). Every action body carries `version`, the
 * ledger household's version the client saw: a stale version is a 409, as for renovation.
 */
import { z } from 'zod';
import { IsoDate, PhotoIds, Version } from '../actions';
import { type Bilingual, bilingualIssue } from '../errors';
import { Category, CountyCode, Grade, HouseStructure, IdNumber, VillageCode } from '../model';
import { DisasterKind, HousingType, Measure, Month, OtherHousingKind } from './model';

const Person = z.string().trim().min(1).max(40);
const ShortText = z.string().trim().min(1).max(500);
const LongText = z.string().trim().min(1).max(4000);

type Ctx = z.core.$RefinementCtx;
function fail(ctx: Ctx, path: PropertyKey[], message: Bilingual): void {
  ctx.addIssue({ code: 'custom', path, ...bilingualIssue(message) });
}

/** The largest roster file accepted (base64 adds a third): a county's roster of several thousand rows fits. */
export const MAX_ROSTER_FILE_BYTES = 3 * 1024 * 1024;
export const MAX_ROSTER_ROWS = 10_000;

/** A roster row sent as data instead of a file: the columns of the template by their meaning. */
export const RosterRowInput = z.strictObject({
  headName: z.string().max(40),
  idNumber: z.string().max(30),
  persons: z.union([z.string().max(10), z.number()]),
  category: z.string().max(30),
  village: z.string().max(60),
  phone: z.string().max(30).optional(),
});
export type RosterRowInput = z.infer<typeof RosterRowInput>;

/**
 * `POST /monitoring/rosters`: the month's roster as the spreadsheet civil affairs hand over (.xlsx or
 * .csv, base64) or as rows; checks are due on `checksDueOn`, or on the county's check day of the month.
 */
export const RosterImportBody = z
  .strictObject({
    county: CountyCode,
    month: Month,
    checksDueOn: IsoDate.optional(),
    file: z
      .strictObject({
        name: z.string().trim().min(1).max(200),
        contentBase64: z
          .string()
          .max(Math.ceil((MAX_ROSTER_FILE_BYTES * 4) / 3) + 4, {
            error: `名单文件不能超过 ${MAX_ROSTER_FILE_BYTES / 1024 / 1024} MB / the file may be at most ${MAX_ROSTER_FILE_BYTES / 1024 / 1024} MB`,
          })
          .regex(/^[A-Za-z0-9+/=\s]*$/, { error: '文件内容须为 base64 / the content must be base64' }),
      })
      .optional(),
    rows: z.array(RosterRowInput).max(MAX_ROSTER_ROWS).optional(),
  })
  .superRefine((body, ctx) => {
    if ((body.file === undefined) === (body.rows === undefined)) {
      fail(ctx, ['file'], {
        zh: '请上传名单文件（file）或提供名单行（rows），二者取其一',
        en: 'Send either the roster file (file) or its rows (rows), not both and not neither',
      });
    }
    if (body.checksDueOn !== undefined && !body.checksDueOn.startsWith(body.month)) {
      fail(ctx, ['checksDueOn'], {
        zh: '核查截止日期须在名单所属月份内',
        en: 'The checks fall due within the roster’s month',
      });
    }
  });
export type RosterImportBody = z.infer<typeof RosterImportBody>;

/** `PUT /monitoring/settings/{county}`: the county is the path's. */
export const SettingsBody = z.strictObject({
  checkDueDay: z.number().int().min(1).max(28).optional(),
  rosterDueDay: z.number().int().min(1).max(28).optional(),
  countyCategories: z
    .array(z.strictObject({ name: z.string().trim().min(1).max(30), renovationCategory: Category }))
    .max(30)
    .optional(),
  measureDays: z.number().int().min(1).max(90).optional(),
  closingDays: z.number().int().min(1).max(365).optional(),
});
export type SettingsBody = z.infer<typeof SettingsBody>;

/**
 * `POST /monitoring/cases`: disaster damage opens a case at once. A household not on the ledger yet
 * is added with it (the ID number finds one that is).
 */
export const DisasterReportBody = z.strictObject({
  villageCode: VillageCode,
  head: z.strictObject({ name: Person, idNumber: IdNumber }),
  persons: z.number().int().min(1).max(30).default(1),
  /** The household's category in the county's words (低保, 特困...); default: 因灾 (county-named). */
  category: z.string().trim().min(1).max(30).optional(),
  phone: z.string().trim().max(20).optional(),
  disaster: DisasterKind,
  occurredOn: IsoDate,
  description: LongText,
  /** The grade, when a technician has appraised the damaged house already. */
  grade: z.enum(['C', 'D']).optional(),
});
export type DisasterReportBody = z.infer<typeof DisasterReportBody>;

/** `.../actions/check`: the house-safety check (monthly, or a re-appraisal) of one open check. */
export const CheckBody = z
  .strictObject({
    version: Version,
    /** Which open check: `2026-05` (the month's roster) or `2026-05-r1` (a re-appraisal). */
    checkId: z.string().regex(/^\d{4}-\d{2}(-r\d{1,3})?$/),
    housingType: HousingType,
    grade: Grade.optional(),
    otherHousing: z.strictObject({ kind: OtherHousingKind, note: ShortText }).optional(),
    technician: Person,
    appraisedOn: IsoDate,
    findings: LongText,
    /** Photos of the house as it is (改造前), confirmed first through the ledger's photo routes. */
    photoIds: PhotoIds.default([]),
  })
  .superRefine((body, ctx) => {
    if (body.housingType === 'own-house' && body.grade === undefined) {
      fail(ctx, ['grade'], { zh: '自有住房须评定安全等级', en: 'An own house needs its safety grade' });
    }
    if (body.housingType === 'other-safe-housing' && body.otherHousing === undefined) {
      fail(ctx, ['otherHousing'], {
        zh: '住在其他安全住房时须说明住房情况',
        en: 'Say where the household lives when it is not its own house',
      });
    }
    if (body.housingType === 'other-safe-housing' && (body.grade === 'C' || body.grade === 'D')) {
      fail(ctx, ['grade'], {
        zh: '其他安全住房不能评为C级或D级；住房不安全时请选“自有住房”或如实登记',
        en: 'Other safe housing cannot be graded C or D; an unsafe dwelling is not safe housing',
      });
    }
  });
export type CheckBody = z.infer<typeof CheckBody>;

/** `.../actions/request-reappraisal`: someone reports a house graded A or B as unsafe. */
export const ReappraisalBody = z.strictObject({
  version: Version,
  reason: LongText,
  /** Who reported it: a villager, a village cadre, an inspector (name or unit). */
  reportedBy: Person,
});
export type ReappraisalBody = z.infer<typeof ReappraisalBody>;

/** What renovation needs beyond the ledger household: the program, the category it pays, the house. */
export const RenovationEnrolment = z.strictObject({
  programId: z.string().regex(/^[a-z0-9-]{3,40}$/),
  category: Category,
  house: z.strictObject({
    structure: HouseStructure,
    areaM2: z.number().positive().max(1000),
    builtYear: z.number().int().min(1900).max(2100).optional(),
  }),
  bankAccount: z
    .string()
    .regex(/^\d{12,30}$/)
    .optional(),
});
export type RenovationEnrolment = z.infer<typeof RenovationEnrolment>;

/** `.../actions/choose-measure`: how the case's house is made safe. */
export const ChooseMeasureBody = z
  .strictObject({
    version: Version,
    measure: Measure,
    note: ShortText.optional(),
    /** For `renovation`: the program the household applies to (unless it is in one already). */
    renovation: RenovationEnrolment.optional(),
  })
  .superRefine((body, ctx) => {
    if (body.measure !== 'renovation' && body.renovation !== undefined) {
      fail(ctx, ['renovation'], {
        zh: '只有选择危房改造时才填写改造信息',
        en: 'Renovation details go with the renovation measure only',
      });
    }
  });
export type ChooseMeasureBody = z.infer<typeof ChooseMeasureBody>;

/** `.../actions/close`: the signed closing (销号) of a case made safe by a measure other than renovation. */
export const CloseCaseBody = z.strictObject({
  version: Version,
  /** Where and how the household now lives (address, landlord, relative, public-housing unit...). */
  arrangement: LongText,
  /** The person who checked and signs for the closing. */
  signedBy: Person,
  signedOn: IsoDate,
  /** Evidence: the household in its safe housing, the rental or housing agreement. */
  photoIds: PhotoIds.min(1, { error: '销号须附佐证照片 / a closing needs evidence photos' }),
});
export type CloseCaseBody = z.infer<typeof CloseCaseBody>;

/** `.../actions/visit`: a follow-up visit of a renovated house. */
export const VisitBody = z.strictObject({
  version: Version,
  /** The renovation household visited (a household may have been renovated more than once). */
  householdId: z.string().min(1).max(80),
  /** Which visit: months after acceptance (6, 12 ...). */
  months: z.number().int().min(1).max(60),
  visitedOn: IsoDate,
  livedIn: z.boolean(),
  note: ShortText.optional(),
  photoIds: PhotoIds.min(1, { error: '回访须附照片 / a visit needs a photo' }),
});
export type VisitBody = z.infer<typeof VisitBody>;

/** The photo steps of the ledger and the kind of evidence each is (the shared photo kinds). */
export const LEDGER_PHOTO_STEPS = ['check', 'disaster', 'closing', 'visit'] as const;
export const LedgerPhotoStep = z.enum(LEDGER_PHOTO_STEPS);
export type LedgerPhotoStep = z.infer<typeof LedgerPhotoStep>;

/** The household's own view: the head's ID number and name, and the code printed on its agreement. */
export const StatusLookupBody = z.strictObject({
  idNumber: z
    .string()
    .trim()
    .transform((id) => id.toUpperCase())
    .pipe(IdNumber),
  name: z.string().trim().min(1).max(40),
  code: z
    .string()
    .transform((code) => code.replace(/[\s-]/g, ''))
    .pipe(z.string().regex(/^\d{8}$/, { error: '查询码为 8 位数字 / the code is 8 digits' })),
});
export type StatusLookupBody = z.infer<typeof StatusLookupBody>;

/** Types of the action bodies, by action. */
export const LEDGER_ACTION_BODIES = {
  check: CheckBody,
  'request-reappraisal': ReappraisalBody,
  'choose-measure': ChooseMeasureBody,
  close: CloseCaseBody,
  visit: VisitBody,
} as const;
export type LedgerAction = keyof typeof LEDGER_ACTION_BODIES;
export const LEDGER_ACTIONS = Object.keys(LEDGER_ACTION_BODIES) as LedgerAction[];

export { Measure };
