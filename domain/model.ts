/**
 * The vocabulary of a renovation program: roles, phases, actions, and the records they act on.
 * Every type is inferred from a zod schema so the same definitions validate API bodies,
 * produce the OpenAPI document and type the code. No AWS imports here.
 */
import { z } from 'zod';
import { bilingualIssue } from './errors';
import { FundingSourceShares, ProgramFunding } from './funding/sources';
import { FlagKind, FlagPolicy, FlagSubject } from './rules/flag-kinds';

/** Money is always integer fen (分): 1 yuan = 100 fen. Never floating point. */
export const Fen = z.number().int().nonnegative().max(10_000_000_00);
export type Fen = z.infer<typeof Fen>;

/**
 * `leader` (领导): the county's or township's leaders read the dashboard, the reports and the households of their
 * jurisdiction and act on nothing. `admin` configures programs and manages staff accounts.
 */
export const ROLES = ['civil-affairs', 'construction', 'inspector', 'finance', 'auditor', 'leader', 'admin'] as const;
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
  'move-in',
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

/**
 * The grade of a house's safety appraisal, in one of two schemes a program uses: A (safe) to D
 * (entirely dangerous) of today's appraisal standard, or 一级 / 二级 / 三级危房 (`level-1`, most
 * dangerous, to `level-3`) of the seed's time. Which grades qualify and which mode each usually
 * takes is the program's (`gradeScheme`, `gradeRules`; rules/grades.ts).
 */
export const GRADES = ['A', 'B', 'C', 'D', 'level-1', 'level-2', 'level-3'] as const;
export const Grade = z.enum(GRADES);
export type Grade = z.infer<typeof Grade>;

export const GRADE_SCHEMES = ['abcd', 'levels'] as const;
export const GradeScheme = z.enum(GRADE_SCHEMES);
export type GradeScheme = z.infer<typeof GradeScheme>;

/** rebuild = 拆除重建 (new build); repair = 修缮加固 (repair and reinforcement). */
export const Mode = z.enum(['rebuild', 'repair']);
export type Mode = z.infer<typeof Mode>;

/** dispersed = 分散建房; centralized = 集中建房点. */
export const Site = z.enum(['dispersed', 'centralized']);
export type Site = z.infer<typeof Site>;

/** The grades of each scheme, in order from the safest to the most dangerous. */
export const SCHEME_GRADES: Readonly<Record<GradeScheme, readonly Grade[]>> = {
  abcd: ['A', 'B', 'C', 'D'],
  levels: ['level-3', 'level-2', 'level-1'],
};

/** Whether a grade qualifies for the program and the mode it usually takes. */
export const GradeRule = z.strictObject({
  grade: Grade,
  eligible: z.boolean(),
  /** The usual mode of the grade; the county approval may still decide otherwise. */
  mode: Mode.optional(),
});
export type GradeRule = z.infer<typeof GradeRule>;

/**
 * The rules of each scheme when the program states none: C and D qualify (C repaired, D rebuilt);
 * every 一 / 二 / 三级危房 qualifies (一级 rebuilt, 二级 and 三级 repaired, as in seed 004).
 */
export const DEFAULT_GRADE_RULES: Readonly<Record<GradeScheme, readonly GradeRule[]>> = {
  abcd: [
    { grade: 'A', eligible: false },
    { grade: 'B', eligible: false },
    { grade: 'C', eligible: true, mode: 'repair' },
    { grade: 'D', eligible: true, mode: 'rebuild' },
  ],
  levels: [
    { grade: 'level-3', eligible: true, mode: 'repair' },
    { grade: 'level-2', eligible: true, mode: 'repair' },
    { grade: 'level-1', eligible: true, mode: 'rebuild' },
  ],
};

export const HouseStructure = z.enum(['earth', 'brick-wood', 'brick-concrete', 'stone', 'wood', 'other']);

/** Administrative codes: county 6 digits, township 9, village 12 (统计用区划代码 style). */
export const ProvinceCode = z.string().regex(/^\d{2}$/, 'province code is 2 digits');
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
// A county writes all of it (`PUT /programs/{id}`): every object is strict, so a misspelt or
// unknown field is a 400 naming it instead of a setting silently dropped.

/** A map point as a county types it into its configuration. */
const ConfigGeoPoint = GeoPoint.strict();

export const SubsidyTier = z.strictObject({
  category: Category,
  mode: Mode,
  /** An eligible grade of the program's scheme. */
  grade: Grade,
  amount: Fen,
});

export const Installment = z.strictObject({
  /** Milestone that gates the release: `agreement` (advance), an inspected milestone, or `acceptance`. */
  milestone: z.string().min(1).max(40),
  label: z.string().min(1).max(40),
  percent: z.number().int().min(1).max(100),
});
export type Installment = z.infer<typeof Installment>;

/** An installment plan (分期拨付): percentages adding up to 100, milestones in the order the works pass them. */
export const InstallmentPlan = z
  .array(Installment)
  .min(1)
  .max(10)
  .superRefine((plan, ctx) => {
    const total = plan.reduce((s, i) => s + i.percent, 0);
    if (total !== 100) {
      ctx.addIssue({
        code: 'custom',
        ...bilingualIssue({
          zh: `各期拨付比例合计为${total}%，应为100%`,
          en: `installment percentages sum to ${total}, not 100`,
        }),
      });
    }
    const seen = new Set<string>();
    plan.forEach((installment, index) => {
      if (seen.has(installment.milestone)) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'milestone'],
          ...bilingualIssue({
            zh: `节点 ${installment.milestone} 重复`,
            en: `Milestone ${installment.milestone} appears twice`,
          }),
        });
      }
      seen.add(installment.milestone);
    });
  });

export const Village = z.strictObject({
  code: VillageCode,
  name: z.string().min(1).max(60),
  location: ConfigGeoPoint.optional(),
});
export const Township = z.strictObject({
  code: TownshipCode,
  name: z.string().min(1).max(60),
  quota: z.number().int().nonnegative(),
  villages: z.array(Village).min(1),
});
export type Township = z.infer<typeof Township>;

/** A site id: lower-case letters, digits and dashes (it names counter cells, so no dots). */
export const SiteId = z.string().regex(/^[a-z0-9-]{1,40}$/, 'site id: lower-case letters, digits and dashes');

/**
 * Who issues the printed public notice (公示) and whom the village calls about it; absent, the sheet
 * prints a line to fill in by hand. Shown as written: the office's phone, not a person's.
 */
export const NoticeIssuer = z.strictObject({
  issuingOffice: z.string().trim().min(1).max(60).optional(),
  contactPhone: z
    .string()
    .trim()
    .regex(
      /^[\d\s()+-]{5,30}$/,
      '联系电话只能包含数字、空格、括号和连字符 / a phone number has digits, spaces, brackets and hyphens',
    )
    .optional(),
});
export type NoticeIssuer = z.infer<typeof NoticeIssuer>;

/** A named centralized building site (集中建房点) and the villages whose households build there. */
export const CentralizedSite = z.strictObject({
  id: SiteId,
  name: z.string().min(1).max(60),
  township: TownshipCode,
  villages: z.array(VillageCode).min(1),
});
export type CentralizedSite = z.infer<typeof CentralizedSite>;

/** Business deadlines per human step (keyed by its phase), in working days; a misspelt step is refused. */
export const StepDeadlines = z.partialRecord(Phase, z.number().int().min(1).max(365));

const PROGRAM_FIELDS = {
  programId: z.string().regex(/^[a-z0-9-]{3,40}$/),
  name: z.string().min(1).max(100),
  year: z.number().int().min(2000).max(2100),
  county: z.strictObject({ code: CountyCode, name: z.string().min(1).max(60) }),
  quota: z.number().int().positive(),
  townships: z.array(Township).min(1),
  /** Named centralized sites; absent or empty: a centralized household's site is its village. */
  sites: z.array(CentralizedSite).max(500).default([]),
  /** Grades a technician gives: A–D, or 一 / 二 / 三级危房. */
  gradeScheme: GradeScheme.default('abcd'),
  /** Which grades qualify and their usual mode, when they differ from the scheme's `DEFAULT_GRADE_RULES`. */
  gradeRules: z.array(GradeRule).max(7).optional(),
  /** Categories covered beside the priority ones (seed: 兼顾一般农户, `other`). */
  alsoCovers: z.array(Category).max(6).default([]),
  subsidyTiers: z.array(SubsidyTier).min(1),
  /** The installment plan of every mode that has none of its own in `installmentsByMode`. */
  installments: InstallmentPlan,
  /** A plan per mode: a repair need not pass the rebuild's foundation and main-structure inspections. */
  installmentsByMode: z
    .strictObject({ rebuild: InstallmentPlan.optional(), repair: InstallmentPlan.optional() })
    .optional(),
  /**
   * The inspected milestone of the rebuild plan whose pass means 主体完工 (main structure
   * finished); absent: the last inspected milestone before the final acceptance.
   */
  mainStructureMilestone: z.string().min(1).max(40).optional(),
  noticeDays: z.number().int().min(7).max(30),
  deadlines: StepDeadlines,
  /** Minimum calendar days between consecutive inspected milestones (seed: >= 74 days start to move-in). */
  minDaysBetweenMilestones: z.number().int().min(0).max(365).default(7),
  /**
   * Fewest calendar days from the start of works to the acceptance, per mode; absent: 74 for a
   * rebuild (the seed county's measured minimum) and no minimum for a repair (the seed measured none).
   */
  minBuildDays: z
    .strictObject({ rebuild: z.number().int().min(0).max(730), repair: z.number().int().min(0).max(730) })
    .partial()
    .optional(),
  /** `warn` or `block` per flag kind; kinds not named keep their default (domain/rules/flag-kinds.ts). */
  flagPolicy: FlagPolicy.optional(),
  /**
   * Days a typed date (an inspection's, the acceptance's) may lie from the capture days of the
   * photos it cites before it is flagged; absent: 3 (an inspector may enter the visit a day or two late).
   */
  captureToleranceDays: z.number().int().min(0).max(60).optional(),
  /** Share of township-reviewed files the county must spot-check by home visit (seed: 50%). */
  spotCheckRatio: z.number().min(0).max(1).default(0.5),
  /**
   * Legacy: whole percentages of every installment per source (资金来源). Programs configured
   * before `funding` keep them; a program gives one or the other.
   */
  fundingSources: FundingSourceShares.optional(),
  /** The program's money by source as amounts (fen), and money not tied to one household. */
  funding: ProgramFunding.optional(),
  /** The printed notice's issuing office and contact phone. */
  notice: NoticeIssuer.optional(),
  /** Months after acceptance of the follow-up visits (lived in or not); absent: 6 and 12. */
  followUpMonths: z.array(z.number().int().min(1).max(60)).min(1).max(6).optional(),
};

/** The fields a program configuration may hold; anything else is refused by name. */
export const PROGRAM_CONFIG_FIELDS = Object.keys(PROGRAM_FIELDS) as (keyof typeof PROGRAM_FIELDS)[];

export const ProgramConfig = z.strictObject(PROGRAM_FIELDS).superRefine((p, ctx) => {
  const issue = (path: PropertyKey[], message: { zh: string; en: string }) =>
    ctx.addIssue({ code: 'custom', path, ...bilingualIssue(message) });
  if (p.fundingSources !== undefined && p.funding !== undefined) {
    issue(['fundingSources'], {
      zh: '资金来源比例（fundingSources）已由资金金额（funding）取代，二者只能填写其一',
      en: 'fundingSources (percentages) is replaced by funding (amounts); give one, not both',
    });
  }
  const townships = new Map(p.townships.map((t) => [t.code, t]));
  const siteIds = new Set<string>();
  p.sites.forEach((site, index) => {
    if (siteIds.has(site.id))
      issue(['sites', index, 'id'], { zh: `建房点 ${site.id} 重复`, en: `Site ${site.id} appears twice` });
    siteIds.add(site.id);
    const township = townships.get(site.township);
    if (township === undefined) {
      issue(['sites', index, 'township'], {
        zh: `建房点“${site.name}”的乡镇 ${site.township} 不在本项目中`,
        en: `The township ${site.township} of site ${site.name} is not in the program`,
      });
      return;
    }
    site.villages.forEach((village, v) => {
      if (!township.villages.some((candidate) => candidate.code === village)) {
        issue(['sites', index, 'villages', v], {
          zh: `村 ${village} 不属于建房点“${site.name}”所在的${township.name}`,
          en: `Village ${village} is not in ${township.name}, the township of site ${site.name}`,
        });
      }
    });
  });
  const schemeGrades = SCHEME_GRADES[p.gradeScheme];
  const ruled = new Set<Grade>();
  p.gradeRules?.forEach((rule, index) => {
    if (!schemeGrades.includes(rule.grade)) {
      issue(['gradeRules', index, 'grade'], {
        zh: `等级 ${rule.grade} 不属于本项目的鉴定等级（${schemeGrades.join('、')}）`,
        en: `Grade ${rule.grade} is not a grade of the program's scheme (${schemeGrades.join(', ')})`,
      });
    }
    if (ruled.has(rule.grade)) {
      issue(['gradeRules', index, 'grade'], { zh: `等级 ${rule.grade} 重复`, en: `Grade ${rule.grade} appears twice` });
    }
    ruled.add(rule.grade);
  });
  const rules = p.gradeRules ?? DEFAULT_GRADE_RULES[p.gradeScheme];
  const eligible = new Set(
    schemeGrades.filter(
      (grade) => (rules.find((r) => r.grade === grade) ?? defaultRuleOf(p.gradeScheme, grade)).eligible,
    ),
  );
  p.subsidyTiers.forEach((tier, index) => {
    if (!eligible.has(tier.grade)) {
      issue(['subsidyTiers', index, 'grade'], {
        zh: `补助档次的等级 ${tier.grade} 不是本项目可改造的等级（${[...eligible].join('、')}）`,
        en: `Tier grade ${tier.grade} is not an eligible grade of the program (${[...eligible].join(', ')})`,
      });
    }
  });
  if (p.mainStructureMilestone !== undefined) {
    const rebuildPlan = p.installmentsByMode?.rebuild ?? p.installments;
    if (!rebuildPlan.some((i) => i.milestone === p.mainStructureMilestone)) {
      issue(['mainStructureMilestone'], {
        zh: `主体完工节点 ${p.mainStructureMilestone} 不在拆除重建的拨付计划中`,
        en: `The main-structure milestone ${p.mainStructureMilestone} is not in the rebuild plan`,
      });
    }
  }
});
export type ProgramConfig = z.infer<typeof ProgramConfig>;

function defaultRuleOf(scheme: GradeScheme, grade: Grade): GradeRule {
  return DEFAULT_GRADE_RULES[scheme].find((r) => r.grade === grade) ?? { grade, eligible: false };
}

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

/** Rooms (间) of a house. */
export const Rooms = z.number().int().min(1).max(50);

export const HouseholdApplication = z.object({
  programId: z.string().min(3).max(40),
  head: z.object({ name: z.string().min(1).max(40), idNumber: IdNumber, phone: z.string().max(20).optional() }),
  members: z.array(Member).max(20).default([]),
  category: Category,
  villageCode: VillageCode,
  house: z.object({
    structure: HouseStructure,
    areaM2: z.number().positive().max(1000),
    /** Rooms of the house as it stands (改造前). */
    rooms: Rooms.optional(),
    builtYear: z.number().int().min(1900).max(2100).optional(),
    location: GeoPoint.optional(),
    /** Group and door number within the village (组、门牌号): two files at one address may be one household split in two. */
    address: z.string().trim().min(1).max(100).optional(),
  }),
  site: Site.default('dispersed'),
  /** The named centralized site (集中建房点) of a centralized household: an `id` of the program's `sites`. */
  siteId: SiteId.optional(),
  /** Rooms the renovated house will have (改造后); a repair keeps the house's rooms when absent. */
  plannedRooms: Rooms.optional(),
  /** Floor area the renovated house will have (m²); the county approval fixes a rebuild's. */
  plannedAreaM2: z.number().positive().max(1000).optional(),
  /** Grade and mode as a county's ledger lists them before the appraisal; the appraisal and the approval decide. */
  proposedGrade: Grade.optional(),
  proposedMode: Mode.optional(),
  /** The household's own funds (自筹) and bank loan, fen; the agreement records what was finally agreed. */
  ownFunds: Fen.optional(),
  bankLoan: Fen.optional(),
  /** Bank account of the social-assistance card (一卡通) the subsidy is paid to. */
  bankAccount: z
    .string()
    .regex(/^\d{12,30}$/)
    .optional(),
  foundBy: z.enum(['application', 'proactive']).default('application'),
});
export type HouseholdApplication = z.infer<typeof HouseholdApplication>;

/** A calendar day `YYYY-MM-DD` (China Standard Time when it comes from an instant). */
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/**
 * The dated facts of the works that the year-end report counts (rules/works.ts), each recorded by
 * the action that establishes it: the passed inspection of the main-structure milestone (主体完工),
 * a supervision visit at the decoration stage (正在装修), the passed final acceptance (竣工), the
 * household moving in (入住). Dates make the report answerable "as of" a day.
 */
export const WorksFacts = z.object({
  mainStructureOn: Day.optional(),
  decorationStartedOn: Day.optional(),
  acceptedOn: Day.optional(),
  movedInOn: Day.optional(),
});
export type WorksFacts = z.infer<typeof WorksFacts>;

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
  /** Index into the household's installment plan (its mode's) of the next installment to release. */
  nextInstallment: z.number().int().nonnegative().default(0),
  /** When the county approved the household and its public notice (公示) began. */
  noticeStartsAt: z.string().optional(),
  noticeEndsAt: z.string().optional(),
  /** `YYYY-MM-DD` the renovation agreement was signed: photos of the works cannot predate it. */
  agreementSignedOn: z.string().optional(),
  /** The agreement's planned start and finish: a household not accepted by its planned finish is overdue. */
  plannedStartOn: Day.optional(),
  plannedFinishOn: Day.optional(),
  works: WorksFacts.optional(),
  /** Why and by whom; `reason` in Chinese, `reasonEn` the English of a reason the system wrote itself. */
  rejection: z
    .object({ reason: z.string(), reasonEn: z.string().optional(), by: z.string(), at: z.string() })
    .optional(),
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

/** An objection raised during the public notice (公示异议), and how the county resolved it. */
export const Objection = z.object({
  objectionId: z.string(),
  householdId: z.string(),
  objector: z.string(),
  contact: z.string().optional(),
  reason: z.string(),
  recordedBy: z.string(),
  at: z.string(),
  status: z.enum(['open', 'upheld', 'dismissed']),
  resolution: z.object({ by: z.string(), at: z.string(), explanation: z.string() }).optional(),
});
export type Objection = z.infer<typeof Objection>;

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
/**
 * Who calls, as Anju's own users table says (functions/store/users.ts), never as token claims say. A county-level
 * user has no township; a province-level administrator has neither county nor township, only `province`.
 */
export const Actor = z.object({
  username: z.string(),
  roles: z.array(Role),
  county: CountyCode.optional(),
  township: TownshipCode.optional(),
  /** The first two digits of the county code; set on every user, the only place of a province-level user. */
  province: ProvinceCode.optional(),
});
export type Actor = z.infer<typeof Actor>;
