/**
 * What the API answers: the response schemas of the contract. The use cases' return types are
 * inferred from them (`z.infer`), and so are the console's types (console/src/api/types.ts), so a
 * field added on one side and not the other is a type error rather than drift. Task tokens,
 * object keys and the users who requested or confirmed a photo never appear here.
 */
import { z } from 'zod';
import { LedgerPayment } from '../domain/funding/bank';
import { FundingSource } from '../domain/funding/sources';
import { Actor, AuditEvent, Category, Household, Inspection, Mode, Phase, Photo, Role, Site } from '../domain/model';
import { NoticeList } from '../domain/public-notice';
import { FlagKind } from '../domain/rules/flag-kinds';
import { PROGRESS_STATUSES } from '../domain/rules/progress';

export { LedgerPayment, NoticeList };

const Bilingual = z.object({ zh: z.string(), en: z.string() });

/** Every refusal: the error's name, a message for people in Chinese and English, and per-field messages. */
export const ErrorBody = z
  .object({
    error: z.string().meta({ example: 'ValidationError' }),
    message: Bilingual,
    fields: z.array(z.object({ path: z.string(), message: Bilingual })).optional(),
    requestId: z.string().optional(),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBody>;

// ---------------------------------------------------------------- health and the caller

export const Healthy = z.object({ status: z.literal('ok') });
export const Unhealthy = z.object({ status: z.literal('unavailable'), failed: z.array(z.string()) });

/** `GET /me`: the caller as the JWT claims name it. */
export const Me = Actor.extend({
  /** The person's name, where the identity provider knows it. */
  displayName: z.string().optional(),
}).meta({ id: 'Me' });
export type Me = z.infer<typeof Me>;

// ---------------------------------------------------------------- pages

export function Paged<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), cursor: z.string().optional() });
}
export type Page<T> = { items: T[]; cursor?: string | undefined };

// ---------------------------------------------------------------- the household file

/** How a household's flags stand (domain/rules/flags.ts `summarizeFlags`). */
export const FlagSummaryView = z
  .object({
    kinds: z.array(FlagKind),
    blocking: z.number().int(),
    warnings: z.number().int(),
    overridden: z.number().int(),
  })
  .meta({ id: 'FlagSummary' });
export type FlagSummaryView = z.infer<typeof FlagSummaryView>;

export const TaskView = z
  .object({
    householdId: z.string(),
    step: Phase,
    status: z.enum(['starting', 'open', 'decided']),
    role: Role.optional(),
    jurisdiction: z.string().optional(),
    county: z.string(),
    township: z.string(),
    dueAt: z.string().optional(),
    createdAt: z.string(),
    overdue: z.boolean(),
    /** The household as people name it, so a queue never shows an id: its head and village. */
    headName: z.string().optional(),
    villageCode: z.string().optional(),
    programId: z.string().optional(),
    /** The household's flags as they stand: kinds present, how many hold a step, warn, were overridden. */
    flags: FlagSummaryView.optional(),
    /** Where the household's released money stands (a release awaiting its second signature...). */
    money: z
      .object({
        awaitingApproval: z.array(z.number().int()),
        awaitingBank: z.array(z.number().int()),
        failed: z.array(z.number().int()),
        paid: z.array(z.number().int()),
      })
      .optional(),
  })
  .meta({ id: 'Task' });
export type TaskView = z.infer<typeof TaskView>;

export const TaskPage = Paged(TaskView);
export type TaskPage = z.infer<typeof TaskPage>;

export const HouseholdView = Household.meta({ id: 'Household' });
export const HouseholdPage = Paged(HouseholdView);
export type HouseholdPage = z.infer<typeof HouseholdPage>;

/** A stored photo as the API shows it (no object key, no storage version, no user names). */
export const PhotoView = Photo.extend({ confirmedAt: z.string().optional() }).meta({ id: 'Photo' });
export type PhotoView = z.infer<typeof PhotoView>;

export const PhotoLinks = z.object({
  previewUrl: z.string().nullable().meta({
    description:
      'Presigned GET of the downscaled WebP preview (at most 640 px, upright), valid 15 minutes and made afresh on every read; null until the photo is confirmed or when no preview could be made (e.g. HEIC)',
  }),
  originalUrl: z.string().nullable().meta({
    description:
      'Presigned GET of the uploaded original, valid 15 minutes and made afresh on every read; null until the photo is confirmed',
  }),
});
export type PhotoLinks = z.infer<typeof PhotoLinks>;

export const PhotoWithLinks = Photo.extend(PhotoLinks.shape).meta({ id: 'PhotoWithLinks' });
export type PhotoWithLinks = z.infer<typeof PhotoWithLinks>;

export const Objection = z
  .object({
    objectionId: z.string(),
    householdId: z.string(),
    objector: z.string(),
    contact: z.string().optional(),
    reason: z.string(),
    recordedBy: z.string(),
    at: z.string(),
    status: z.enum(['open', 'upheld', 'dismissed']),
    resolution: z.object({ by: z.string(), at: z.string(), explanation: z.string() }).optional(),
  })
  .meta({ id: 'Objection' });
export type Objection = z.infer<typeof Objection>;

/** A flag on a photo or an inspection, listed together so the signer sees every one at a glance. */
export const FlagView = z.object({
  source: z.enum(['photo', 'inspection']),
  /** The photo id, or `{milestone}#{round}` of the inspection. */
  ref: z.string(),
  flag: z.string(),
});
export type FlagView = z.infer<typeof FlagView>;

export const HouseholdFileView = z
  .object({
    householdId: z.string(),
    phase: Phase,
    version: z.number().int(),
    household: HouseholdView,
    /** The open task of the household's step; null while none waits for a person. */
    task: TaskView.nullable(),
    timeline: z.array(AuditEvent),
    photos: z.array(PhotoWithLinks),
    payments: z.array(LedgerPayment),
    inspections: z.array(Inspection),
    objections: z.array(Objection),
    /** Every flag of its photos and inspections. */
    flags: z.array(FlagView),
  })
  .meta({ id: 'HouseholdFile' });
export type HouseholdFileView = z.infer<typeof HouseholdFileView>;

export const Registered = z.object({ householdId: z.string(), phase: Phase, version: z.number().int() });
export type Registered = z.infer<typeof Registered>;

// ---------------------------------------------------------------- photos

export const PhotoUpload = z.object({
  photoId: z.string(),
  upload: z.object({
    url: z.string(),
    method: z.literal('PUT'),
    headers: z.record(z.string(), z.string()),
    expiresAt: z.string(),
  }),
});
export type PhotoUpload = z.infer<typeof PhotoUpload>;

// ---------------------------------------------------------------- programs

export const RebuildAnswer = z.object({
  programId: z.string(),
  /** Households counted per township. */
  townships: z.array(z.object({ township: z.string(), registered: z.number().int() })),
});
export type RebuildAnswer = z.infer<typeof RebuildAnswer>;

// ---------------------------------------------------------------- money

export const ImportedResults = z.object({
  paid: z.number().int(),
  failed: z.number().int(),
  /** Results that changed nothing and need a person to look at them. */
  ignored: z.array(z.object({ reference: z.string(), line: z.number().int(), reason: Bilingual })),
});
export type ImportedResults = z.infer<typeof ImportedResults>;

/** Fen per state of the ledger; `pending` is released and approved, no bank result yet. */
const MoneyLine = z.object({ released: z.number(), paid: z.number(), pending: z.number(), failed: z.number() });
/** A money line with the approved subsidies (资金计划) it is measured against. */
const FundsLine = MoneyLine.extend({ planned: z.number() });

export const FundsReport = z
  .object({
    county: z.string(),
    generatedAt: z.string(),
    /** Households with an approved subsidy (rejected ones excluded). */
    households: z.number().int(),
    total: FundsLine,
    bySource: z.array(FundsLine.extend({ source: FundingSource, label: Bilingual })),
    byTownship: z.array(FundsLine.extend({ township: z.string(), name: z.string(), households: z.number().int() })),
    byInstallment: z.array(MoneyLine.extend({ installment: z.number().int(), label: z.string() })),
    mismatches: z.array(
      z.object({
        kind: z.enum(['no-plan', 'not-in-plan', 'duplicate', 'amount', 'over-subsidy', 'unbalanced']),
        householdId: z.string().optional(),
        installment: z.number().int().optional(),
        source: FundingSource.optional(),
        reference: z.string().optional(),
        message: Bilingual,
      }),
    ),
  })
  .meta({ id: 'FundsReport' });
export type FundsReport = z.infer<typeof FundsReport>;

// ---------------------------------------------------------------- reports

const StatusCounts = z.object({
  inReview: z.number(),
  inNotice: z.number(),
  notStarted: z.number(),
  underConstruction: z.number(),
  /** Under construction by the milestone the works head for. */
  underConstructionByMilestone: z.record(z.string(), z.number()),
  mainStructureFinished: z.number(),
  completed: z.number(),
  archived: z.number(),
  rejected: z.number(),
});
export type StatusCounts = z.infer<typeof StatusCounts>;

const Overdue = z.object({ total: z.number(), byRole: z.partialRecord(Role, z.number()) });

const ProgressLine = z.object({
  registered: z.number(),
  approved: z.number(),
  quota: z.number(),
  /** Quota minus approved; negative when more were approved than the quota. */
  quotaLeft: z.number(),
  byPhase: z.record(Phase, z.number()),
  byMode: z.object({ rebuild: z.number(), repair: z.number() }),
  bySite: z.object({ centralized: z.number(), centralizedPoints: z.number(), dispersed: z.number() }),
  /** Floor area the approved renovations deliver (planned area of rebuilds, house area of repairs). */
  floorAreaM2: z.number(),
  status: StatusCounts,
  spotCheck: z.object({ decidedByCounty: z.number(), visited: z.number() }),
  /** Households with a flag nobody overrode, with an override granted, and per kind of flag. */
  flags: z.object({ flagged: z.number(), overridden: z.number(), byKind: z.record(z.string(), z.number()) }),
  /** Households in the construction phases (installment release, milestone inspection, acceptance). */
  underConstruction: z.number(),
  archived: z.number(),
  rejected: z.number(),
  overdue: Overdue,
});
export type ProgressLine = z.infer<typeof ProgressLine>;

const ProgressRow = ProgressLine.extend({ township: z.string(), name: z.string() });
export type ProgressRow = z.infer<typeof ProgressRow>;

const SpotCheckCoverage = z.object({
  /** The program's required share (seed: at least 50%). */
  requiredRatio: z.number(),
  /** Township-reviewed files the county has decided. */
  decided: z.number(),
  visited: z.number(),
  /** visited / decided; null before the county decided any file. */
  coverage: z.number().nullable(),
  requiredVisits: z.number(),
  /** Home visits missing to reach the required share (0 when met). */
  shortfall: z.number(),
  met: z.boolean(),
});
export type SpotCheckCoverage = z.infer<typeof SpotCheckCoverage>;

export const ProgressReport = z
  .object({
    county: z.string(),
    programId: z.string(),
    programName: z.string(),
    generatedAt: z.string(),
    /** Milestones of the program's plan that `status.underConstructionByMilestone` names, with labels. */
    milestones: z.array(z.object({ milestone: z.string(), label: z.string() })),
    townships: z.array(ProgressRow),
    total: ProgressLine,
    /** The county's home visits (入户抽查) of township-reviewed files against the program's ratio. */
    spotCheck: SpotCheckCoverage,
  })
  .meta({ id: 'ProgressReport' });
export type ProgressReport = z.infer<typeof ProgressReport>;

/** One household as exported: no full ID number, bank account or phone number ever leaves. */
export const HouseholdExportRow = z.object({
  householdId: z.string(),
  township: z.string(),
  villageCode: z.string(),
  village: z.string(),
  headName: z.string(),
  /** Masked. */
  idNumber: z.string(),
  persons: z.number().int(),
  category: Category,
  phase: Phase,
  status: z.enum(PROGRESS_STATUSES),
  mode: Mode.optional(),
  site: Site,
  houseAreaM2: z.number(),
  renovatedAreaM2: z.number().optional(),
  approvedSubsidyYuan: z.string().optional(),
  installmentsReleased: z.number().int(),
  /** Masked. */
  bankAccount: z.string().optional(),
  createdAt: z.string(),
  /** Kinds of flag nobody overrode, and the kinds overridden (with who granted it). */
  openFlags: z.array(FlagKind),
  overrides: z.array(z.object({ flag: FlagKind, by: z.string() })),
});
export type HouseholdExportRow = z.infer<typeof HouseholdExportRow>;

export const HouseholdExportPage = z
  .object({
    county: z.string(),
    township: z.string().optional(),
    items: z.array(HouseholdExportRow),
    cursor: z.string().optional(),
  })
  .meta({ id: 'HouseholdExportPage' });
export type HouseholdExportPage = z.infer<typeof HouseholdExportPage>;

export type Notices = z.infer<typeof NoticeList>;

// ---------------------------------------------------------------- rosters and the auditor's view

const Finding = z.object({ line: z.number().int(), field: z.string(), message: Bilingual });

/** An imported outside roster (its entries are kept only as hashes, masked numbers and names). */
export const RosterView = z
  .object({
    rosterId: z.string(),
    county: z.string(),
    kind: z.enum(['relocation', 'past-beneficiary', 'minimum-living-guarantee', 'extremely-poor']),
    year: z.number().int(),
    title: z.string(),
    importedBy: z.string(),
    importedAt: z.string(),
    entries: z.number().int(),
    repeated: z.number().int(),
    rejectedRows: z.number().int(),
    /** Rows not imported, at their line of the sheet (the first 200). */
    errors: z.array(Finding),
  })
  .meta({ id: 'Roster' });
export type RosterView = z.infer<typeof RosterView>;

export const RosterList = z.object({ items: z.array(RosterView.omit({ errors: true })) });
export type RosterList = z.infer<typeof RosterList>;

export const AuditFindingView = z
  .object({
    kind: z.enum(['flag', 'override', 'reopened-notice', 'floor-area', 'duplicate', 'late-payment']),
    householdId: z.string(),
    township: z.string(),
    townshipName: z.string(),
    headName: z.string(),
    at: z.string(),
    what: z.string(),
    title: Bilingual,
    note: Bilingual.optional(),
    level: z.enum(['warn', 'block']).optional(),
    overriddenBy: z.string().optional(),
    by: z.string().optional(),
    installment: z.number().int().optional(),
    daysLate: z.number().int().optional(),
    /** The household's file in the console. */
    link: z.string(),
  })
  .meta({ id: 'AuditFinding' });
export type AuditFindingView = z.infer<typeof AuditFindingView>;

export const AuditReport = z
  .object({
    county: z.string(),
    from: z.string(),
    to: z.string(),
    generatedAt: z.string(),
    /** Late payments are measured to this day: the period's end, or today when that is earlier. */
    asOf: z.string(),
    households: z.number().int(),
    counts: z.record(z.string(), z.number().int()),
    byTownship: z.array(
      z.object({
        township: z.string(),
        name: z.string(),
        findings: z.number().int(),
        blocking: z.number().int(),
        overridden: z.number().int(),
      }),
    ),
    findings: z.array(AuditFindingView),
  })
  .meta({ id: 'AuditReport' });
export type AuditReport = z.infer<typeof AuditReport>;
