/**
 * What the API answers: the response schemas of the contract. The use cases' return types are
 * inferred from them (`z.infer`), and so are the console's types (console/src/api/types.ts), so a
 * field added on one side and not the other is a type error rather than drift. Task tokens,
 * object keys and the users who requested or confirmed a photo never appear here.
 */
import { z } from 'zod';
import { LedgerPayment } from '../domain/funding/bank';
import { FundingSource, ProgramFundKind } from '../domain/funding/sources';
import {
  Actor,
  AuditEvent,
  Category,
  Grade,
  Household,
  Inspection,
  Member,
  Mode,
  Objection as ObjectionRecord,
  Phase,
  Photo,
  Role,
  Site,
} from '../domain/model';
import { NoticeList } from '../domain/public-notice';
import { FlagKind } from '../domain/rules/flag-kinds';
import { PROGRESS_STATUSES } from '../domain/rules/progress';
import { WORKS_STATUSES } from '../domain/rules/works';

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

/** `GET /tasks/counts`: the caller's open tasks per step it acts on, for the menu and the queue's filters. */
export const TaskCounts = z
  .object({
    steps: z.array(z.object({ step: Phase, open: z.number().int(), overdue: z.number().int() })),
    total: z.object({ open: z.number().int(), overdue: z.number().int() }),
  })
  .meta({ id: 'TaskCounts' });
export type TaskCounts = z.infer<typeof TaskCounts>;

/** A personal number as every answer shows it: masked, for every role (domain/rules/masks.ts). */
const Masked = z.string().meta({
  description:
    'Masked (e.g. 522327********1234, 138****5678, ****6789); the full value only through POST /households/{id}/reveal, which is recorded',
});

/** A household as the API shows it: the head's and members' ID numbers, the phone and the bank account masked. */
export const HouseholdView = Household.extend({
  head: Household.shape.head.extend({ idNumber: Masked, phone: Masked.optional() }),
  members: z.array(Member.extend({ idNumber: Masked.optional() })),
  bankAccount: Masked.optional(),
}).meta({ id: 'Household' });
export type HouseholdView = z.infer<typeof HouseholdView>;
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

export const Objection = ObjectionRecord.meta({ id: 'Objection' });
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

/** `POST /households/{id}/reveal`: the full number, and the version its audit event moved the file to. */
export const Revealed = z
  .object({
    householdId: z.string(),
    field: z.enum(['idNumber', 'phone', 'bankAccount']),
    value: z.string(),
    /** The reveal is an event of the household's chain: the file's version after it. */
    version: z.number().int(),
  })
  .meta({ id: 'Revealed' });
export type Revealed = z.infer<typeof Revealed>;

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

/** `GET /programs?county=`: the county's programs, newest first (to choose the one a report is about). */
export const ProgramList = z
  .object({
    items: z.array(
      z.object({ programId: z.string(), name: z.string(), year: z.number().int(), quota: z.number().int() }),
    ),
  })
  .meta({ id: 'ProgramList' });
export type ProgramList = z.infer<typeof ProgramList>;

export const RebuildAnswer = z.object({
  programId: z.string(),
  /** Households counted per township. */
  townships: z.array(z.object({ township: z.string(), registered: z.number().int() })),
});
export type RebuildAnswer = z.infer<typeof RebuildAnswer>;

// ---------------------------------------------------------------- money

/** A ledger entry in a county's list of payments in one state, with its household as people name it. */
export const PaymentListItem = LedgerPayment.extend({
  headName: z.string().optional(),
  villageCode: z.string().optional(),
  township: z.string().optional(),
  programId: z.string().optional(),
  /** The installment's label in the program's plan (e.g. 地基验收). */
  label: z.string().optional(),
}).meta({ id: 'PaymentListItem' });
export type PaymentListItem = z.infer<typeof PaymentListItem>;

/** `GET /payments?status=`: a page of every payment of the county in that state, and the totals of all of them. */
export const PaymentPage = z
  .object({
    county: z.string(),
    status: z.enum(['awaiting-approval', 'awaiting-bank']),
    items: z.array(PaymentListItem),
    cursor: z.string().optional(),
    /** Every payment in the state, not only this page: how many, and the amount in fen. */
    totals: z.object({ count: z.number().int(), amount: z.number().int() }),
  })
  .meta({ id: 'PaymentPage' });
export type PaymentPage = z.infer<typeof PaymentPage>;

export const ImportedResults = z.object({
  paid: z.number().int(),
  failed: z.number().int(),
  /** Results that changed nothing and need a person to look at them. */
  ignored: z.array(z.object({ reference: z.string(), line: z.number().int(), reason: Bilingual })),
});
export type ImportedResults = z.infer<typeof ImportedResults>;

/** Money for people in 万元 (two decimals) beside its exact fen. */
const Money = z.object({ fen: z.number().int(), wan: z.string() });
const ProgramFundLine = Money.extend({ source: FundingSource, kind: ProgramFundKind, purpose: z.string() });

/** The program's money by source as a report states it. */
const FundsFigures = z.object({
  /** `allocated`: the program's stated amounts; `approved-subsidies`: its households' subsidies split by source. */
  basis: z.enum(['allocated', 'approved-subsidies']),
  bySource: z.array(
    z.object({
      source: FundingSource,
      label: z.string(),
      households: Money,
      notTiedToHouseholds: z.array(ProgramFundLine),
      total: Money,
    }),
  ),
  /** 投入资金: the sources' totals added up. */
  investment: Money,
  householdSubsidy: Money,
  besideSubsidy: z.array(ProgramFundLine),
  approvedToHouseholds: Money.extend({ bySource: z.record(FundingSource, Money) }),
  ownFunds: Money,
  bankLoan: Money,
});

/** Fen per state of the ledger; `pending` is released and approved, no bank result yet. */
const MoneyLine = z.object({ released: z.number(), paid: z.number(), pending: z.number(), failed: z.number() });
/** A money line with the approved subsidies (资金计划) it is measured against, in fen and in 万元 (two decimals). */
const FundsLine = MoneyLine.extend({
  planned: z.number(),
  wan: z.object({
    planned: z.string(),
    released: z.string(),
    paid: z.string(),
    pending: z.string(),
    failed: z.string(),
  }),
});

export const FundsReport = z
  .object({
    county: z.string(),
    programId: z.string(),
    programName: z.string(),
    generatedAt: z.string(),
    /** Households with an approved subsidy (rejected ones excluded). */
    households: z.number().int(),
    total: FundsLine,
    bySource: z.array(FundsLine.extend({ source: FundingSource, label: Bilingual })),
    byTownship: z.array(FundsLine.extend({ township: z.string(), name: z.string(), households: z.number().int() })),
    byInstallment: z.array(MoneyLine.extend({ installment: z.number().int(), label: z.string() })),
    /** The program's money as it states it (amounts by source, money not tied to a household), in 万元. */
    allocated: FundsFigures,
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

/** Approved households of a cut of the program and their works in the seed's words, as of the report's day. */
const WorksFigures = z.object({
  households: z.number(),
  /** Rooms (间) of the renovated houses whose rooms are known. */
  rooms: z.number(),
  householdsWithoutRooms: z.number(),
  floorAreaM2: z.number(),
  /** Fen. */
  approvedSubsidy: z.number(),
  ownFunds: z.number(),
  bankLoan: z.number(),
  /** Each household in exactly one status: 未开工, 主体施工中, 主体完工准备装修, 正在装修, 竣工准备入住, 竣工入住. */
  byStatus: z.record(z.enum(WORKS_STATUSES), z.number()),
  /** Cumulative 主体完工 (decorating, completed and moved in since included). */
  mainStructureFinished: z.number(),
  /** Cumulative 竣工 (moved in or not). */
  completed: z.number(),
  byGrade: z.partialRecord(Grade, z.number()),
  byMode: z.object({ rebuild: z.number(), repair: z.number(), undecided: z.number() }),
});

const YearEndFigures = z.object({
  asOf: z.string(),
  township: z.object({ code: z.string(), name: z.string() }).optional(),
  quota: z.number(),
  townships: z.number(),
  all: WorksFigures,
  centralized: WorksFigures.extend({ sites: z.number() }),
  dispersed: WorksFigures,
  dispersedRebuild: WorksFigures,
  dispersedRepair: WorksFigures,
  sites: z.array(
    z.object({
      key: z.string(),
      siteId: z.string().optional(),
      name: z.string(),
      township: z.string(),
      townshipName: z.string(),
      villages: z.array(z.string()),
      works: WorksFigures,
    }),
  ),
  funds: FundsFigures,
});

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
  works: WorksFigures,
  centralized: WorksFigures,
  dispersed: WorksFigures,
  /** Approved households not accepted by the agreement's planned finish. */
  pastPlannedFinish: z.number(),
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
    /** The day (China) the figures describe; phases, spot checks and overdue steps are as generated. */
    asOf: z.string(),
    /** Milestones of the program's plans that `status.underConstructionByMilestone` names, with labels. */
    milestones: z.array(z.object({ milestone: z.string(), label: z.string() })),
    townships: z.array(ProgressRow),
    total: ProgressLine,
    /** The county's home visits (入户抽查) of township-reviewed files against the program's ratio. */
    spotCheck: SpotCheckCoverage,
    /** The seed's year-end figures: centralized sites, dispersed households by mode, each site, money by source. */
    yearEnd: YearEndFigures,
    /** The paragraph in the seed's words ("……截至12月30日，……"). */
    text: z.string(),
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
  /** The named centralized site, when the household builds at one. */
  siteName: z.string().optional(),
  grade: Grade.optional(),
  houseAreaM2: z.number(),
  renovatedAreaM2: z.number().optional(),
  renovatedRooms: z.number().int().optional(),
  /** Where the approved household's works stand, in the seed's words. */
  works: z.enum(WORKS_STATUSES).optional(),
  approvedSubsidyYuan: z.string().optional(),
  ownFundsYuan: z.string().optional(),
  bankLoanYuan: z.string().optional(),
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
