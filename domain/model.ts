/**
 * The vocabulary of a renovation program: roles, phases, actions, and the records they act on.
 * Every type is inferred from a zod schema so the same definitions validate API bodies,
 * produce the OpenAPI document and type the code. No AWS imports here.
 */
import { z } from 'zod';
import { FundingSourceShares } from './funding/sources';
import { FlagKind, FlagPolicy, FlagSubject } from './rules/flag-kinds';

/** Money is always integer fen (分): 1 yuan = 100 fen. Never floating point. */
export const Fen = z.number().int().nonnegative().max(10_000_000_00);
export type Fen = z.infer<typeof Fen>;

export const ROLES = ['civil-affairs', 'construction', 'inspector', 'finance', 'auditor', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/**
 * A household's phase names the step it is waiting for (or its end state).
 * The order is the business order of domain.md.
 */
export const PHASES = [
  'safety-appraisal',
  'village-appraisal',
  'township-review',
  'county-approval',
  'public-notice',
  'objection-review',
  'agreement',
  'installment-release',
  'milestone-inspection',
  'final-acceptance',
  'archiving',
  'archived',
  'rejected',
] as const;
export const Phase = z.enum(PHASES);
export type Phase = z.infer<typeof Phase>;

export const TERMINAL_PHASES: readonly Phase[] = ['archived', 'rejected'];

/** The `{action}` segment of `POST /households/{id}/actions/{action}`. */
export const ACTIONS = [
  'appraise-safety',
  'village-appraisal',
  'township-review',
  'county-approve',
  'object',
  'resolve-objection',
  'sign-agreement',
  'inspect',
  'release-installment',
  'accept',
  'supervise',
] as const;
export const Action = z.enum(ACTIONS);
export type Action = z.infer<typeof Action>;

/** Priority categories (重点对象) of domain.md; `other` is not eligible on its own. */
export const CATEGORIES = [
  'minimum-living-guarantee', // 低保户
  'extremely-poor', // 分散供养特困人员 / 五保户
  'registered-poor', // 建档立卡贫困户 / 易返贫致贫户
  'disabled-poor', // 贫困残疾人家庭
  'disaster-hardship', // 因灾因病因残失能
  'other',
] as const;
export const Category = z.enum(CATEGORIES);
export type Category = z.infer<typeof Category>;

export const Grade = z.enum(['A', 'B', 'C', 'D']);
export type Grade = z.infer<typeof Grade>;

/** rebuild = 拆除重建 (new build); repair = 修缮加固 (repair and reinforcement). */
export const Mode = z.enum(['rebuild', 'repair']);
export type Mode = z.infer<typeof Mode>;

/** dispersed = 分散建房; centralized = 集中建房点. */
export const Site = z.enum(['dispersed', 'centralized']);
export type Site = z.infer<typeof Site>;

export const HouseStructure = z.enum(['earth', 'brick-wood', 'brick-concrete', 'stone', 'wood', 'other']);

/** Administrative codes: county 6 digits, township 9, village 12 (统计用区划代码 style). */
export const CountyCode = z.string().regex(/^\d{6}$/, 'county code is 6 digits');
export const TownshipCode = z.string().regex(/^\d{9}$/, 'township code is 9 digits');
export const VillageCode = z.string().regex(/^\d{12}$/, 'village code is 12 digits');

export const IdNumber = z
  .string()
  .regex(/^\d{17}[\dX]$/, 'ID number is 17 digits and a digit or X (居民身份证号为18位)');

export const GeoPoint = z.object({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});

// ---------------------------------------------------------------- program configuration

export const SubsidyTier = z.object({
  category: Category,
  mode: Mode,
  grade: z.enum(['C', 'D']),
  amount: Fen,
});

export const Installment = z.object({
  /** Milestone that gates the release: `agreement` (advance), an inspected milestone, or `acceptance`. */
  milestone: z.string().min(1).max(40),
  label: z.string().min(1).max(40),
  percent: z.number().int().min(1).max(100),
});

export const Village = z.object({ code: VillageCode, name: z.string().min(1).max(60), location: GeoPoint.optional() });
export const Township = z.object({
  code: TownshipCode,
  name: z.string().min(1).max(60),
  quota: z.number().int().nonnegative(),
  villages: z.array(Village).min(1),
});

/** Business deadlines per human step, in working days. */
export const StepDeadlines = z.record(z.string(), z.number().int().min(1).max(365));

export const ProgramConfig = z
  .object({
    programId: z.string().regex(/^[a-z0-9-]{3,40}$/),
    name: z.string().min(1).max(100),
    year: z.number().int().min(2000).max(2100),
    county: z.object({ code: CountyCode, name: z.string().min(1).max(60) }),
    quota: z.number().int().positive(),
    townships: z.array(Township).min(1),
    subsidyTiers: z.array(SubsidyTier).min(1),
    installments: z.array(Installment).min(1).max(10),
    noticeDays: z.number().int().min(7).max(30),
    deadlines: StepDeadlines,
    /** Minimum calendar days between consecutive inspected milestones (seed: >= 74 days start to move-in). */
    minDaysBetweenMilestones: z.number().int().min(0).max(365).default(7),
    /** Share of township-reviewed files the county must spot-check by home visit (seed: 50%). */
    spotCheckRatio: z.number().min(0).max(1).default(0.5),
    /** How each installment is split over department funds (资金来源); absent: all central and provincial. */
    fundingSources: FundingSourceShares.optional(),
    /** `warn` or `block` per flag kind; kinds not named keep their default (domain/rules/flag-kinds.ts). */
    flagPolicy: FlagPolicy.optional(),
    /**
     * Days a typed date (an inspection's, the acceptance's) may lie from the capture days of the
     * photos it cites before it is flagged; absent: 3 (an inspector may enter the visit a day or two late).
     */
    captureToleranceDays: z.number().int().min(0).max(60).optional(),
    /**
     * Fewest calendar days from the start of works to the acceptance, per mode; absent: 74 for a
     * rebuild (the seed county's measured minimum) and no minimum for a repair (the seed measured none).
     */
    minBuildDays: z
      .object({ rebuild: z.number().int().min(0).max(730), repair: z.number().int().min(0).max(730) })
      .partial()
      .optional(),
  })
  .superRefine((p, ctx) => {
    const total = p.installments.reduce((s, i) => s + i.percent, 0);
    if (total !== 100) {
      ctx.addIssue({
        code: 'custom',
        path: ['installments'],
        message: `installment percentages sum to ${total}, not 100`,
      });
    }
  });
export type ProgramConfig = z.infer<typeof ProgramConfig>;

// ---------------------------------------------------------------- flags and overrides

/** A flag as the household file keeps it (domain/rules/flags.ts decides what it holds). */
export const RaisedFlag = z.object({
  kind: FlagKind,
  subject: FlagSubject,
  /** The photo id; `{milestone}#{round}` of an inspection; `{action}#{seq}` of another step; `household`. */
  ref: z.string(),
  /** Who recorded what raised it (the photo's confirmer, the inspector, the registering clerk). */
  raisedBy: z.string().optional(),
  raisedAt: z.string(),
  /** Other households the finding points to (the other file of a person, of an account, of an image). */
  related: z.array(z.string()).optional(),
  /** What was found, for people (the distance, the days, the roster). */
  note: z.object({ zh: z.string(), en: z.string() }).optional(),
});
export type RaisedFlag = z.infer<typeof RaisedFlag>;

/** A granted override, kept on the household and as the `override` event of its chain. */
export const Override = z.object({
  flag: FlagKind,
  /** The flags of that kind it covers, by `ref`, as they were when it was granted. */
  refs: z.array(z.string()).min(1),
  reason: z.string(),
  by: z.string(),
  role: Role,
  at: z.string(),
});
export type Override = z.infer<typeof Override>;

// ---------------------------------------------------------------- household

export const Member = z.object({
  name: z.string().min(1).max(40),
  relation: z.string().min(1).max(20),
  idNumber: IdNumber.optional(),
});

export const HouseholdApplication = z.object({
  programId: z.string().min(3).max(40),
  head: z.object({ name: z.string().min(1).max(40), idNumber: IdNumber, phone: z.string().max(20).optional() }),
  members: z.array(Member).max(20).default([]),
  category: Category,
  villageCode: VillageCode,
  house: z.object({
    structure: HouseStructure,
    areaM2: z.number().positive().max(1000),
    builtYear: z.number().int().min(1900).max(2100).optional(),
    location: GeoPoint.optional(),
    /** Group and door number within the village (组、门牌号): two files at one address may be one household split in two. */
    address: z.string().trim().min(1).max(100).optional(),
  }),
  site: Site.default('dispersed'),
  /** Bank account of the social-assistance card (一卡通) the subsidy is paid to. */
  bankAccount: z
    .string()
    .regex(/^\d{12,30}$/)
    .optional(),
  foundBy: z.enum(['application', 'proactive']).default('application'),
});
export type HouseholdApplication = z.infer<typeof HouseholdApplication>;

export const Household = HouseholdApplication.extend({
  householdId: z.string(),
  county: CountyCode,
  township: TownshipCode,
  phase: Phase,
  version: z.number().int().nonnegative(),
  createdAt: z.string(),
  updatedAt: z.string(),
  grade: Grade.optional(),
  mode: Mode.optional(),
  approvedSubsidy: Fen.optional(),
  /** Index into the program's installment plan of the next installment to release. */
  nextInstallment: z.number().int().nonnegative().default(0),
  /** When the county approved the household and its public notice (公示) began. */
  noticeStartsAt: z.string().optional(),
  noticeEndsAt: z.string().optional(),
  /** `YYYY-MM-DD` the renovation agreement was signed: photos of the works cannot predate it. */
  agreementSignedOn: z.string().optional(),
  rejection: z.object({ reason: z.string(), by: z.string(), at: z.string() }).optional(),
  /** Planned floor area of an approved rebuild (m²), fixed by the county approval. */
  plannedAreaM2: z.number().positive().max(1000).optional(),
  /** The county's spot check (入户抽查) recorded with its decision on the township-reviewed file. */
  spotCheck: z.object({ visited: z.boolean(), by: z.string().optional(), date: z.string().optional() }).optional(),
  /** Every flag raised on the file (its photos', its steps', its own), kept so lists and queues show them. */
  flags: z.array(RaisedFlag).optional(),
  /** Overrides granted on the file (each also an `override` audit event). */
  overrides: z.array(Override).optional(),
  /**
   * Where the released money stands, by installment: a release waits for its second signature (复核), then for the
   * bank, then is paid or failed (domain/funding/payment-events.ts); kept with every payment event of the chain.
   */
  money: z
    .object({
      awaitingApproval: z.array(z.number().int()),
      awaitingBank: z.array(z.number().int()),
      failed: z.array(z.number().int()),
      paid: z.array(z.number().int()),
    })
    .optional(),
});
export type Household = z.infer<typeof Household>;

// ---------------------------------------------------------------- tasks, audit, evidence, money

export const PendingTask = z.object({
  householdId: z.string(),
  step: Phase,
  role: Role,
  /** The township or county code the owning role must hold. */
  jurisdiction: z.string(),
  dueAt: z.string(),
  createdAt: z.string(),
  overdue: z.boolean(),
});
export type PendingTask = z.infer<typeof PendingTask>;

export const AuditEvent = z.object({
  householdId: z.string(),
  seq: z.number().int().positive(),
  at: z.string(),
  actor: z.string(),
  role: Role.or(z.literal('system')),
  type: z.string(),
  fromPhase: Phase.optional(),
  toPhase: Phase.optional(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

export const PhotoKind = z.enum(['before', 'during', 'after', 'after-with-head']);
export const Photo = z.object({
  householdId: z.string(),
  photoId: z.string(),
  step: z.string(),
  kind: PhotoKind,
  contentType: z.enum(['image/jpeg', 'image/png', 'image/heic', 'image/webp']),
  size: z
    .number()
    .int()
    .positive()
    .max(15 * 1024 * 1024),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  status: z.enum(['requested', 'confirmed']),
  capturedAt: z.string().optional(),
  location: GeoPoint.optional(),
  flags: z.array(z.string()).default([]),
  /** The downscaled copy shown in the console (made at confirmation), absent when none could be made. */
  preview: z
    .object({ contentType: z.string(), width: z.number().int(), height: z.number().int(), size: z.number().int() })
    .optional(),
  /**
   * Perceptual hashes (64-bit pHash, 16 hex digits) of the whole frame and its central 90% and 80%, made at
   * confirmation; absent for a picture without structure or one that could not be decoded (domain/rules/near-copy.ts).
   */
  phash: z
    .object({ full: z.string().regex(/^[0-9a-f]{16}$/), crops: z.array(z.string().regex(/^[0-9a-f]{16}$/)) })
    .optional(),
});
export type Photo = z.infer<typeof Photo>;

export const Inspection = z.object({
  householdId: z.string(),
  milestone: z.string(),
  round: z.number().int().positive(),
  inspector: z.string(),
  date: z.string(),
  checklist: z.record(z.string(), z.boolean()),
  result: z.enum(['pass', 'fail']),
  photoIds: z.array(z.string()),
  rectification: z.object({ what: z.string(), by: z.string() }).optional(),
  /** What deserves a second look (e.g. `stage-too-soon`); recorded, never a refusal. */
  flags: z.array(z.string()).optional(),
});
export type Inspection = z.infer<typeof Inspection>;

export const Payment = z.object({
  householdId: z.string(),
  installment: z.number().int().nonnegative(),
  amount: Fen,
  status: z.enum(['released', 'paid', 'failed']),
  reference: z.string(),
  releasedBy: z.string(),
  releasedAt: z.string(),
});
export type Payment = z.infer<typeof Payment>;

/** Who is acting: from the JWT claims. */
export const Actor = z.object({
  username: z.string(),
  roles: z.array(Role),
  county: CountyCode.optional(),
  township: TownshipCode.optional(),
});
export type Actor = z.infer<typeof Actor>;
