/**
 * The demo is seed 004's county on 30 December: one county (册亨县), 16 townships, 600 households,
 * loaded by `npm start -- --demo` (tools/demo/county-loader.ts writes it), so that the progress
 * report reproduces the seed's first paragraph figure for figure:
 * - 5 named centralized sites with 134 households and 474 rooms, 466 dispersed households with
 *   2,196 rooms; 39,230 m² in all;
 * - 326 dispersed 一级危房 rebuilt and 140 二、三级危房 repaired (the program grades 一 / 二 / 三级危房,
 *   repairs follow their own two-installment plan);
 * - the money as the seed states it: central and provincial 595 万, prefecture 22.31 万, county 102
 *   万 for the households and 10 万 for the ethnic-style facades of 岩下, 8 万 of working funds, 82 万
 *   integrated from other departments; the households' subsidies add up to 719.31 万 (tiered by
 *   category), their own funds to 1,743 万 and their loans to 150 万;
 * - the works: centralized 26 moved in, 31 completed about to move in, 54 decorating, 23 preparing
 *   to decorate; dispersed rebuilds 247 moved in, 57 decorating, 22 preparing; repairs all completed.
 * Its program `ceheng-2026` sits beside the small `ceheng-2025` of contract/examples.ts, which the
 * tests use: the first four townships and their staff are the same, twelve more are added.
 *
 * Each household is built as its history: registration, then every step it passed, with the state
 * the rules of that step produce (grade, subsidy from the tiers, planned area within the size limits,
 * notice end, agreement facts, installments of its mode's plan, the works facts) and a hash-chained
 * audit event per step, so its file reads as if staff had acted on it. Household `n` takes the
 * target `(17 n) mod 600`, so the first forty (what the integration test loads) hold every kind.
 * Pure: no AWS, deterministic from `n` and the instant it is seeded at.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { demoApplication, demoProgram } from '../../contract/examples';
import { buildFundingPlan } from '../../domain/funding/plan';
import {
  type AuditEvent,
  type Category,
  type Grade,
  type Household,
  type Inspection,
  type Mode,
  type Phase,
  ProgramConfig,
  type Role,
  type Township,
} from '../../domain/model';
import { sealEvent } from '../../domain/rules/audit';
import { PRIORITY_CATEGORIES } from '../../domain/rules/eligibility';
import { approveSubsidy, newHousehold } from '../../domain/rules/household';
import { installmentPlanOf } from '../../domain/rules/installments';
import {
  agreementFacts,
  type WorksStatus,
  worksAfterAcceptance,
  worksAfterInspection,
  worksAfterMoveIn,
  worksAfterSupervision,
} from '../../domain/rules/works';
import { demoUsers } from './users';

export const DEMO_COUNTY_HOUSEHOLDS = 600;

const COUNTY = demoProgram.county.code;
const WAN = 1_000_000;

const MORE_TOWNSHIPS: [string, string[]][] = [
  ['冗渡镇', ['冗渡村', '威旁村', '板街村']],
  ['岩架镇', ['岩架村', '八达村']],
  ['百口乡', ['百口村', '弄丁村']],
  ['弼佑镇', ['弼佑村', '秧绕村', '乃言村']],
  ['秧坝镇', ['秧坝村', '大伟村']],
  ['达央乡', ['达央村', '大寨村']],
  ['坡妹镇', ['坡妹村', '冗佐村']],
  ['庆坪乡', ['庆坪村', '平乐村']],
  ['八渡镇', ['八渡村', '纳桑村']],
  ['马黑乡', ['马黑村', '大坪村']],
  ['高洛乡', ['高洛村', '纳腊村']],
  ['板坝乡', ['板坝村', '板陈村']],
];

/** 岩下, the village whose centralized site the county's facade money (民族特色包装) was for. */
const YANXIA = { code: '522327100204', name: '岩下村' };

const townshipsWithoutQuota: z.input<typeof Township>[] = [
  ...demoProgram.townships.map((t, i) => (i === 0 ? { ...t, villages: [...t.villages, YANXIA] } : t)),
  ...MORE_TOWNSHIPS.map(([name, villages], i) => {
    const code = `${COUNTY}${String(104 + i)}`;
    return {
      code,
      name,
      quota: 0,
      villages: villages.map((village, v) => ({ code: `${code}${String(201 + v)}`, name: village })),
    };
  }),
];

/** The five named sites (集中建房点): a village each, in five townships. */
const SITES = [
  { id: 'yanxia', name: '岩下集中建房点', village: YANXIA.code },
  { id: 'banwan', name: '板万集中建房点', village: '522327101202' },
  { id: 'pingan', name: '平安集中建房点', village: '522327102202' },
  { id: 'weipang', name: '威旁集中建房点', village: '522327104202' },
  { id: 'yangrao', name: '秧绕集中建房点', village: '522327107202' },
] as const;

// ---------------------------------------------------------------- what each household is on 30 December

export interface DemoTarget {
  villageCode: string;
  siteId?: string;
  category: Category;
  grade: Grade;
  mode: Mode;
  /** Persons in the household (head included). */
  persons: number;
  /** Rooms (间) and floor area of the renovated house. */
  rooms: number;
  areaM2: number;
  status: WorksStatus;
  ownFunds: number;
  bankLoan: number;
}

function statusOf(index: number, counts: readonly [WorksStatus, number][]): WorksStatus {
  let rest = index;
  for (const [status, n] of counts) {
    if (rest < n) return status;
    rest -= n;
  }
  throw new RangeError(`index ${index} beyond the mix`);
}

/**
 * Categories by position: the poorest (五保户) and the registered poor come in equal numbers within
 * every kind of household, so their tiers (higher and lower by the same amount) leave the seed's
 * total of subsidies as it is.
 */
const CATEGORY_BY_RESIDUE: readonly Category[] = [
  'extremely-poor',
  'registered-poor',
  'minimum-living-guarantee',
  'disabled-poor',
  'disaster-hardship',
];

const dispersedVillages = townshipsWithoutQuota.flatMap((t) => t.villages.map((v) => v.code));

/** Target `t` of the 600: 0..133 centralized, 134..459 dispersed rebuilds, 460..599 repairs (22 二级 first). */
export function demoTarget(t: number): DemoTarget {
  if (!Number.isInteger(t) || t < 0 || t >= DEMO_COUNTY_HOUSEHOLDS) throw new RangeError(`no demo target ${t}`);
  const category = CATEGORY_BY_RESIDUE[t % 5] ?? 'minimum-living-guarantee';
  const persons = 4 + (t % 3);
  // 39,230 m²: 65 m² each, one more for 230 of them.
  const areaM2 = 65 + (t < 230 ? 1 : 0);
  // 150 万 of loans: 1.5 万 to every sixth household.
  const bankLoan = t % 6 === 0 ? 1_500_000 : 0;
  if (t < 134) {
    const site = SITES[t % SITES.length] ?? SITES[0];
    return {
      villageCode: site.village,
      siteId: site.id,
      category,
      grade: 'level-1',
      mode: 'rebuild',
      persons,
      // 474 rooms: 72 houses of four rooms, 62 of three.
      rooms: t < 72 ? 4 : 3,
      areaM2,
      status: statusOf(t, [
        ['moved-in', 26],
        ['completed', 31],
        ['decorating', 54],
        ['main-structure-finished', 23],
      ]),
      ownFunds: 3_500_000,
      bankLoan,
    };
  }
  const villageCode = dispersedVillages[t % dispersedVillages.length] ?? YANXIA.code;
  // 2,196 rooms for the 466 dispersed: 332 houses of five rooms, 134 of four.
  const rooms = t - 134 < 332 ? 5 : 4;
  if (t < 460) {
    return {
      villageCode,
      category,
      grade: 'level-1',
      mode: 'rebuild',
      persons,
      rooms,
      areaM2,
      status: statusOf(t - 134, [
        ['moved-in', 247],
        ['decorating', 57],
        ['main-structure-finished', 22],
      ]),
      ownFunds: 3_500_000,
      bankLoan,
    };
  }
  return {
    villageCode,
    category,
    grade: t - 460 < 22 ? 'level-2' : 'level-3',
    mode: 'repair',
    persons,
    rooms,
    areaM2,
    status: 'completed',
    ownFunds: 950_000,
    bankLoan,
  };
}

/** The target of household `n`: a stride coprime to 600 spreads every kind over the first households. */
export function demoTargetOf(n: number): DemoTarget {
  return demoTarget((n * 17) % DEMO_COUNTY_HOUSEHOLDS);
}

const TARGETS = Array.from({ length: DEMO_COUNTY_HOUSEHOLDS }, (_, t) => demoTarget(t));
const townshipOfVillage = (code: string) => code.slice(0, 9);

// ---------------------------------------------------------------- the program

/** Subsidies in fen: 13,900 yuan a rebuild, 5,750 a 二级 and 5,700 a 三级 repair, ±2,000 / ±500 by category. */
const BASE_TIERS: readonly { mode: Mode; grade: Grade; amount: number; step: number }[] = [
  { mode: 'rebuild', grade: 'level-1', amount: 1_390_000, step: 200_000 },
  { mode: 'repair', grade: 'level-2', amount: 575_000, step: 50_000 },
  { mode: 'repair', grade: 'level-3', amount: 570_000, step: 50_000 },
];

const tierOffset = (category: Category) =>
  category === 'extremely-poor' ? 1 : category === 'registered-poor' ? -1 : 0;

export const demoCountyProgram: ProgramConfig = ProgramConfig.parse({
  ...demoProgram,
  fundingSources: undefined,
  programId: 'ceheng-2026',
  name: '册亨县2026年农村危房改造试点',
  year: 2026,
  quota: DEMO_COUNTY_HOUSEHOLDS,
  townships: townshipsWithoutQuota.map((t) => ({
    ...t,
    quota: TARGETS.filter((target) => townshipOfVillage(target.villageCode) === t.code).length,
  })),
  sites: SITES.map((site) => ({
    id: site.id,
    name: site.name,
    township: townshipOfVillage(site.village),
    villages: [site.village],
  })),
  gradeScheme: 'levels',
  // 兼顾一般农户: the seed county also took general households.
  alsoCovers: ['other'],
  subsidyTiers: [...PRIORITY_CATEGORIES, 'other' as const].flatMap((category) =>
    BASE_TIERS.map((tier) => ({
      category,
      mode: tier.mode,
      grade: tier.grade,
      amount: tier.amount + tierOffset(category) * tier.step,
    })),
  ),
  installmentsByMode: {
    repair: [
      { milestone: 'agreement', label: '开工预拨', percent: 50 },
      { milestone: 'acceptance', label: '竣工验收', percent: 50 },
    ],
  },
  minBuildDays: { rebuild: 74 },
  funding: {
    sources: [
      { source: 'central-provincial', amount: 595 * WAN },
      { source: 'prefecture', amount: 22_310_000, label: '州补助' },
      { source: 'county', amount: 102 * WAN },
    ],
    notTiedToHouseholds: [
      {
        source: 'county',
        kind: 'subsidy',
        purpose: '安排岩下危房改造工程民族特色包装补助经费',
        amount: 10 * WAN,
      },
      { source: 'county', kind: 'working-funds', purpose: '危改工作经费', amount: 8 * WAN },
      {
        source: 'integrated',
        kind: 'integrated',
        purpose: '发改、农业、水利、交通、林业、民宗、残联等部门项目资金整合',
        amount: 82 * WAN,
      },
    ],
  },
});

// ---------------------------------------------------------------- the records of one household

export interface SeededObjection {
  objectionId: string;
  householdId: string;
  objector: string;
  reason: string;
  recordedBy: string;
  at: string;
  status: 'open';
}

export interface SeededPayment {
  householdId: string;
  installment: number;
  amount: number;
  status: 'paid';
  reference: string;
  releasedBy: string;
  releasedAt: string;
  approvedBy: string;
  approvedAt: string;
  paidAt: string;
  attempts: 1;
}

export interface SeededHousehold {
  household: Household;
  /** Audit events 1..version, hash-chained. */
  events: AuditEvent[];
  /** With the index of the milestone in the plan (the `INSP#{nn}` key). */
  inspections: { inspection: Inspection; milestoneIndex: number }[];
  payments: SeededPayment[];
  /** None in the seed's county; kept so a loader of other mixes can write them. */
  objections: SeededObjection[];
}

const DAY_MS = 86_400_000;
/** Application numbers of this demo start here, clear of the numbers tests use with `demoApplication`. */
const FIRST_APPLICATION = 1_000_000;
const COUNTY_STAFF: Record<Role, string> = {
  'civil-affairs': 'wang.minzheng',
  construction: 'li.zhujian',
  inspector: 'zhao.zhijian',
  finance: 'chen.caizheng',
  auditor: 'liu.shenji',
  leader: 'deng.lingdao',
  admin: 'sun.guanli',
};

/** A stable UUID-shaped id per household, so loading twice finds the same households. */
export function demoCountyHouseholdId(n: number): string {
  const hex = createHash('sha256').update(`anju-demo-county-${n}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function staffOf(role: Role, township: string): string {
  const local = demoUsers.find((u) => u.township === township && u.roles.includes(role));
  return local?.username ?? COUNTY_STAFF[role];
}

const day = (iso: string) => iso.slice(0, 10);

/** A step of a household's history: what happens and how many days after the step before it. */
type Step =
  | { kind: 'appraise' | 'village' | 'township' | 'county' | 'close-notice' | 'sign'; gap: number }
  | { kind: 'release'; gap: number }
  | { kind: 'inspect'; gap: number }
  | { kind: 'supervise'; gap: number }
  | { kind: 'accept'; gap: number }
  | { kind: 'archive'; gap: number }
  | { kind: 'move-in'; gap: number };

/**
 * The steps that take a household of `target` to its status, with realistic gaps (seed 004: at
 * least 74 days from the start of the works to moving in): the review and approval, the notice,
 * the agreement, then its mode's plan: a rebuild's advance, foundation, main structure, decoration
 * and acceptance; a repair's advance and acceptance.
 */
function stepsOf(target: DemoTarget, n: number): Step[] {
  const jitter = n % 5;
  const steps: Step[] = [
    { kind: 'appraise', gap: 6 + jitter },
    { kind: 'village', gap: 8 },
    { kind: 'township', gap: 5 },
    { kind: 'county', gap: 6 },
    { kind: 'close-notice', gap: demoCountyProgram.noticeDays + 1 },
    { kind: 'sign', gap: 5 },
    { kind: 'release', gap: 2 },
  ];
  const accepted = target.status === 'completed' || target.status === 'moved-in';
  if (target.mode === 'repair') {
    steps.push({ kind: 'accept', gap: 60 + jitter }, { kind: 'release', gap: 3 }, { kind: 'archive', gap: 0 });
    return steps;
  }
  steps.push(
    { kind: 'inspect', gap: 18 + jitter },
    { kind: 'release', gap: 2 },
    { kind: 'inspect', gap: 30 },
    { kind: 'release', gap: 2 },
  );
  if (target.status === 'main-structure-finished') return steps;
  steps.push({ kind: 'supervise', gap: 8 });
  if (target.status === 'decorating') return steps;
  steps.push({ kind: 'accept', gap: 28 }, { kind: 'release', gap: 3 }, { kind: 'archive', gap: 0 });
  if (accepted && target.status === 'moved-in') steps.push({ kind: 'move-in', gap: 5 + (n % 20) });
  return steps;
}

/**
 * Household `n` (0..599) of the demo county with its whole history up to where it stands on
 * `now`: its last step happened one to three days ago.
 */
export function demoCountyHousehold(n: number, now: Date): SeededHousehold {
  const program = demoCountyProgram;
  const target = demoTargetOf(n);
  const base = demoApplication(FIRST_APPLICATION + n);
  const surname = base.head.name.slice(0, 1);
  const application = {
    ...base,
    programId: program.programId,
    villageCode: target.villageCode,
    category: target.category,
    members: Array.from({ length: target.persons - 1 }, (_, i) => ({
      name: `${surname}${['秀英', '德才', '春梅', '国庆', '金凤'][(n + i) % 5]}`,
      relation: ['配偶', '子', '女', '孙子', '孙女'][i] ?? '其他',
    })),
    // A repair keeps its house (its rooms and area are the report's); a rebuild plans a new one.
    house:
      target.mode === 'repair'
        ? { ...base.house, areaM2: target.areaM2, rooms: target.rooms }
        : { ...base.house, rooms: Math.max(1, target.rooms - 1) },
    ...(target.mode === 'rebuild' ? { plannedRooms: target.rooms } : {}),
    site: target.siteId === undefined ? ('dispersed' as const) : ('centralized' as const),
    ...(target.siteId === undefined ? {} : { siteId: target.siteId }),
  };
  const householdId = demoCountyHouseholdId(n);
  const steps = stepsOf(target, n);
  const total = steps.reduce((sum, step) => sum + step.gap, 0);
  const lastAt = now.getTime() - (1 + (n % 3)) * DAY_MS;
  // Step i happens the sum of the gaps up to it after the registration; the archive a minute after its release.
  const offsets = [0];
  for (const step of steps) offsets.push((offsets.at(-1) ?? 0) + step.gap);
  const timeOf = (i: number) => {
    const step = steps[i - 1];
    const minute = step?.kind === 'archive' ? 60_000 : 0;
    return new Date(lastAt - (total - (offsets[i] ?? 0)) * DAY_MS + minute).toISOString();
  };

  let h = newHousehold(application, program, { householdId, now: timeOf(0) });
  const events: AuditEvent[] = [];
  let lastHash: string | undefined;
  const record = (
    type: string,
    actor: string,
    role: Role | 'system',
    details: Record<string, unknown>,
    to: Partial<Household> & { phase?: Phase },
  ) => {
    const at = timeOf(events.length);
    const from = h.phase;
    h = { ...h, ...to, phase: to.phase ?? h.phase, version: events.length + 1, updatedAt: at };
    const event = sealEvent(lastHash === undefined ? undefined : { hash: lastHash }, {
      householdId,
      seq: h.version,
      at,
      actor,
      role,
      type,
      ...(events.length === 0 ? {} : { fromPhase: from }),
      toPhase: h.phase,
      details,
    });
    lastHash = event.hash;
    events.push(event);
    return at;
  };
  const t = h.township;
  record(
    'register',
    staffOf('civil-affairs', t),
    'civil-affairs',
    { foundBy: h.foundBy, category: h.category, villageCode: h.villageCode },
    { phase: 'safety-appraisal' },
  );

  const inspections: SeededHousehold['inspections'] = [];
  const payments: SeededPayment[] = [];
  const plan = installmentPlanOf(program, target.mode);
  const construction = staffOf('construction', t);
  const inspector = staffOf('inspector', t);

  const take = (step: Step) => {
    const at = timeOf(events.length);
    switch (step.kind) {
      case 'appraise':
        record(
          'appraise-safety',
          construction,
          'construction',
          {
            grade: target.grade,
            technician: '罗建国',
            appraisedOn: day(at),
            findings: target.mode === 'rebuild' ? '承重墙体开裂，屋面构件腐朽，整体危险' : '局部墙体开裂，屋面漏雨',
            photoIds: [],
            outcome: 'qualified',
          },
          { phase: 'village-appraisal', grade: target.grade },
        );
        return;
      case 'village':
        record(
          'village-appraisal',
          staffOf('civil-affairs', t),
          'civil-affairs',
          {
            meetingDate: day(at),
            votesFor: 35 + (n % 10),
            votesAgainst: n % 3,
            abstentions: n % 4,
            minutes: '村民代表会议评议，同意列为改造对象',
            result: 'approved',
            outcome: 'approved',
          },
          { phase: 'township-review' },
        );
        return;
      case 'township':
        record(
          'township-review',
          construction,
          'construction',
          { decision: 'approve', checkedItems: { 身份信息: true, 鉴定报告: true }, outcome: 'approve' },
          { phase: 'county-approval' },
        );
        return;
      case 'county': {
        // Six in ten files visited by the county: above the seed's 50%, unevenly over townships.
        const visited = n % 5 < 3;
        const spotCheck = visited ? { visited, by: '李军', date: day(at) } : { visited };
        const plannedAreaM2 = target.mode === 'rebuild' ? target.areaM2 : undefined;
        const approved = approveSubsidy(h, program, target.mode, { plannedAreaM2 });
        const noticeEndsAt = new Date(Date.parse(at) + program.noticeDays * DAY_MS).toISOString();
        record(
          'county-approve',
          COUNTY_STAFF.construction,
          'construction',
          {
            decision: 'approve',
            mode: target.mode,
            approvedSubsidy: approved.approvedSubsidy,
            ...(plannedAreaM2 === undefined ? {} : { plannedAreaM2, plannedRooms: target.rooms }),
            noticeEndsAt,
            spotCheck,
            outcome: 'approve',
          },
          {
            phase: 'public-notice',
            mode: target.mode,
            approvedSubsidy: approved.approvedSubsidy,
            noticeStartsAt: at,
            noticeEndsAt,
            spotCheck,
            ...(plannedAreaM2 === undefined ? {} : { plannedAreaM2, plannedRooms: target.rooms }),
          },
        );
        return;
      }
      case 'close-notice':
        record(
          'close-notice',
          'system',
          'system',
          { openObjections: 0, outcome: 'no-objection' },
          { phase: 'agreement' },
        );
        return;
      case 'sign': {
        const signedOn = day(at);
        // Most finish well within the planned time; every tenth unfinished one is already past it.
        const unfinished = target.status === 'decorating' || target.status === 'main-structure-finished';
        const plannedDays = unfinished && n % 10 === 0 ? 50 : 150;
        const facts = agreementFacts({
          signedOn,
          plannedStart: signedOn,
          plannedFinish: day(new Date(Date.parse(at) + plannedDays * DAY_MS).toISOString()),
          ownFunds: target.ownFunds,
          bankLoan: target.bankLoan,
        });
        record(
          'sign-agreement',
          construction,
          'construction',
          {
            signedOn,
            plannedStart: facts.plannedStartOn,
            plannedFinish: facts.plannedFinishOn,
            ownFunds: target.ownFunds,
            bankLoan: target.bankLoan,
            outcome: 'signed',
          },
          { phase: 'installment-release', ...facts },
        );
        return;
      }
      case 'release': {
        const k = h.nextInstallment;
        const amount =
          buildFundingPlan(program, { householdId, approvedSubsidy: h.approvedSubsidy ?? 0, mode: target.mode })
            .installments[k]?.amount ?? 0;
        payments.push({
          householdId,
          installment: k,
          amount,
          status: 'paid',
          reference: `${householdId}-${String(k).padStart(2, '0')}`,
          releasedBy: COUNTY_STAFF.finance,
          releasedAt: at,
          approvedBy: 'qian.caizheng',
          approvedAt: at,
          paidAt: at,
          attempts: 1,
        });
        const next = plan[k + 1]?.milestone;
        const phase: Phase =
          next === undefined ? 'archiving' : next === 'acceptance' ? 'final-acceptance' : 'milestone-inspection';
        record(
          'release-installment',
          COUNTY_STAFF.finance,
          'finance',
          { installment: k, label: plan[k]?.label, amount, outcome: 'released' },
          { phase, nextInstallment: k + 1 },
        );
        return;
      }
      case 'inspect': {
        const k = h.nextInstallment;
        const milestone = plan[k]?.milestone ?? 'foundation';
        const inspection: Inspection = {
          householdId,
          milestone,
          round: 1,
          inspector,
          date: day(at),
          checklist: { 施工质量: true, 尺寸规格: true },
          result: 'pass',
          photoIds: [],
        };
        inspections.push({ milestoneIndex: k, inspection });
        const works = worksAfterInspection(h, program, inspection);
        record(
          'inspect',
          inspector,
          'inspector',
          { milestone, round: 1, result: 'pass', photoIds: [], outcome: 'pass' },
          { phase: 'installment-release', ...(works === undefined ? {} : { works }) },
        );
        return;
      }
      case 'supervise': {
        const visit = { stage: 'decoration', date: day(at) };
        record(
          'supervise',
          construction,
          'construction',
          { date: visit.date, stage: visit.stage, progressPercent: 80, notes: '主体完工，正在内外装修', photoIds: [] },
          { works: worksAfterSupervision(h, program, visit) },
        );
        return;
      }
      case 'accept': {
        const k = h.nextInstallment;
        const inspection: Inspection = {
          householdId,
          milestone: 'acceptance',
          round: 1,
          inspector,
          date: day(at),
          checklist: { 结构安全: true, 面积符合: true },
          result: 'pass',
          photoIds: [],
        };
        inspections.push({ milestoneIndex: k, inspection });
        record(
          'accept',
          inspector,
          'inspector',
          {
            milestone: 'acceptance',
            round: 1,
            result: 'pass',
            photoIds: [],
            checkedBy: '赵刚',
            signedBy: '李军',
            outcome: 'pass',
          },
          { phase: 'installment-release', works: worksAfterAcceptance(h, inspection) },
        );
        return;
      }
      case 'archive':
        record('archive', 'system', 'system', { outcome: 'archived' }, { phase: 'archived' });
        return;
      case 'move-in': {
        const movedInOn = day(at);
        record('move-in', construction, 'construction', { movedInOn }, { works: worksAfterMoveIn(h, movedInOn) });
        return;
      }
    }
  };

  for (const step of steps) take(step);
  return { household: h, events, inspections, payments, objections: [] };
}

/** Every household of the demo county, as of `now`. */
export function demoCountyHouseholds(now: Date, count = DEMO_COUNTY_HOUSEHOLDS): SeededHousehold[] {
  return Array.from({ length: count }, (_, n) => demoCountyHousehold(n, now));
}
