/**
 * Example data of the API contract, valid against its schemas: the demo program (one county with
 * four townships, a 600-household quota as in seed 004, tiered subsidies for every priority
 * category, the four-installment plan the seed county used), applications to it and a body for
 * each action. The OpenAPI document shows them; every start of the local twin seeds the program;
 * tests and benchmarks register the applications. Names and codes are realistic but the households
 * are invented. Browser-safe: nothing here imports `node:`.
 */
import type { ActionBody } from '../domain/actions';
import { addCalendarDays, chinaToday } from '../domain/china-time';
import { type Action, type HouseholdApplication, type Phase, ProgramConfig } from '../domain/model';
import { PRIORITY_CATEGORIES, type PriorityCategory } from '../domain/rules/eligibility';
import { idCheckChar } from '../domain/rules/idCheck';

const COUNTY = { code: '522327', name: '册亨县' };

/** Rebuild D, rebuild C, repair D, repair C, in fen: the poorest households get the most. */
const TIER_AMOUNTS: Record<PriorityCategory, [number, number, number, number]> = {
  'extremely-poor': [3_500_000, 3_000_000, 1_500_000, 1_000_000],
  'disabled-poor': [3_200_000, 2_800_000, 1_400_000, 900_000],
  'minimum-living-guarantee': [3_000_000, 2_600_000, 1_300_000, 800_000],
  'registered-poor': [2_800_000, 2_400_000, 1_200_000, 750_000],
  'disaster-hardship': [2_500_000, 2_200_000, 1_100_000, 700_000],
};

/** Working days each human step may take before it shows as overdue. */
const DEADLINES: Partial<Record<Phase, number>> = {
  'safety-appraisal': 10,
  'village-appraisal': 15,
  'township-review': 5,
  'county-approval': 10,
  'objection-review': 5,
  agreement: 10,
  'installment-release': 5,
  // Construction between milestones takes weeks (seed: 74 days start to move-in).
  'milestone-inspection': 30,
  'final-acceptance': 20,
};

export const demoProgram: ProgramConfig = ProgramConfig.parse({
  programId: 'ceheng-2025',
  name: '册亨县2025年农村危房改造',
  year: 2025,
  county: COUNTY,
  quota: 600,
  townships: [
    {
      code: '522327100',
      name: '者楼镇',
      quota: 180,
      villages: [
        { code: '522327100201', name: '者楼村', location: { lat: 24.9836, lon: 105.8121 } },
        { code: '522327100202', name: '纳福村', location: { lat: 24.9712, lon: 105.8344 } },
        { code: '522327100203', name: '板其村', location: { lat: 25.0024, lon: 105.7968 } },
      ],
    },
    {
      code: '522327101',
      name: '丫他镇',
      quota: 150,
      villages: [
        { code: '522327101201', name: '丫他村', location: { lat: 25.0612, lon: 105.6415 } },
        { code: '522327101202', name: '板万村', location: { lat: 25.0833, lon: 105.6207 } },
      ],
    },
    {
      code: '522327102',
      name: '巧马镇',
      quota: 150,
      villages: [
        { code: '522327102201', name: '巧马村', location: { lat: 24.8731, lon: 105.9012 } },
        { code: '522327102202', name: '平安村', location: { lat: 24.8915, lon: 105.9238 } },
        { code: '522327102203', name: '沿江村', location: { lat: 24.8522, lon: 105.8847 } },
      ],
    },
    {
      code: '522327103',
      name: '双江镇',
      quota: 120,
      villages: [
        { code: '522327103201', name: '双江村', location: { lat: 24.7908, lon: 105.7531 } },
        { code: '522327103202', name: '秧佑村', location: { lat: 24.8136, lon: 105.7302 } },
      ],
    },
  ],
  subsidyTiers: PRIORITY_CATEGORIES.flatMap((category) => {
    const [rebuildD, rebuildC, repairD, repairC] = TIER_AMOUNTS[category];
    return [
      { category, mode: 'rebuild', grade: 'D', amount: rebuildD },
      { category, mode: 'rebuild', grade: 'C', amount: rebuildC },
      { category, mode: 'repair', grade: 'D', amount: repairD },
      { category, mode: 'repair', grade: 'C', amount: repairC },
    ];
  }),
  installments: [
    { milestone: 'agreement', label: '开工预拨', percent: 30 },
    { milestone: 'foundation', label: '地基验收', percent: 30 },
    { milestone: 'main-structure', label: '主体验收', percent: 20 },
    { milestone: 'acceptance', label: '竣工验收', percent: 20 },
  ],
  noticeDays: 7,
  deadlines: DEADLINES,
  minDaysBetweenMilestones: 7,
  spotCheckRatio: 0.5,
  // The demo, its tests and benchmarks take a house from application to acceptance in minutes, so the
  // build-time flags only warn here; a real program keeps them blocking (the default).
  flagPolicy: { 'stage-too-soon': 'warn', 'capture-stage-too-soon': 'warn', 'build-period-too-short': 'warn' },
  // Each installment is split over the department funds in these shares (资金来源).
  fundingSources: [
    { source: 'central-provincial', percent: 60 },
    { source: 'prefecture', percent: 10 },
    { source: 'county', percent: 20 },
    { source: 'integrated', percent: 10 },
  ],
});

// ---------------------------------------------------------------- applications

const SURNAMES = ['韦', '王', '罗', '黄', '陆', '岑', '班', '杨', '梁', '吴'];
const GIVEN_NAMES = ['明光', '秀英', '德才', '桂芬', '正学', '玉兰', '文忠', '春梅', '国庆', '金凤', '永福'];
const RELATIONS = ['配偶', '子', '女', '孙子'];
const STRUCTURES = ['earth', 'brick-wood', 'wood', 'stone', 'brick-concrete'] as const;
const BIRTH_BASE_MS = Date.UTC(1940, 0, 1);
const DAY_MS = 86_400_000;

/**
 * A valid ID number for the n-th demo person: region of the county, a birth date between 1940
 * and about 1995, sequence n mod 1000 and the computed check character; distinct for n below 20
 * million.
 */
export function demoIdNumber(n: number): string {
  const sequence = n % 1000;
  const dayOffset = (Math.floor(n / 1000) + 29 * sequence) % 20_000;
  const birth = new Date(BIRTH_BASE_MS + dayOffset * DAY_MS).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `${COUNTY.code}${birth}${String(sequence).padStart(3, '0')}`;
  return `${first17}${idCheckChar(first17)}`;
}

const villages = demoProgram.townships.flatMap((t) => t.villages);

function pick<T>(items: readonly T[], n: number): T {
  const item = items[n % items.length];
  if (item === undefined) throw new RangeError('pick from an empty list');
  return item;
}

/** A valid application to the demo program, varied by n (village, category, household size, house). */
export function demoApplication(n: number): HouseholdApplication {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer: ${n}`);
  const village = pick(villages, n);
  const surname = pick(SURNAMES, n);
  const memberCount = n % 4;
  return {
    programId: demoProgram.programId,
    head: {
      name: `${surname}${pick(GIVEN_NAMES, n)}`,
      idNumber: demoIdNumber(n),
      phone: `138${String(n % 100_000_000).padStart(8, '0')}`,
    },
    members: Array.from({ length: memberCount }, (_, i) => ({
      name: `${surname}${pick(GIVEN_NAMES, n + i + 1)}`,
      relation: pick(RELATIONS, i),
    })),
    category: pick(PRIORITY_CATEGORIES, n),
    villageCode: village.code,
    house: {
      structure: pick(STRUCTURES, n),
      areaM2: 35 + (n % 50),
      builtYear: 1965 + (n % 40),
      ...(village.location
        ? { location: { lat: village.location.lat + (n % 7) * 0.001, lon: village.location.lon - (n % 5) * 0.001 } }
        : {}),
    },
    site: n % 5 === 0 ? 'centralized' : 'dispersed',
    bankAccount: `621799${String(n).padStart(13, '0')}`,
    foundBy: n % 3 === 0 ? 'proactive' : 'application',
  };
}

// ---------------------------------------------------------------- example action bodies

/**
 * A body for each action that is valid for a demo household reaching that step (any household
 * size: the planned area fits 1 to 10 persons), for the OpenAPI examples and tests. Every date
 * it records is `today` (China day, by default the real one): a record is never dated ahead, nor
 * before the steps taken already; plans (start, finish) lie ahead.
 */
export function exampleActionBody<A extends Action>(
  action: A,
  version: number,
  today: string = chinaToday(),
): ActionBody<A> {
  const bodies: { [K in Action]: ActionBody<K> } = {
    'appraise-safety': {
      version,
      grade: 'D',
      technician: '罗建国',
      appraisedOn: today,
      findings: '承重土墙多处开裂，屋面木构件腐朽，整体危险',
      photoIds: ['ph-before-1'],
    },
    'village-appraisal': {
      version,
      meetingDate: today,
      votesFor: 41,
      votesAgainst: 2,
      abstentions: 3,
      minutes: '村民代表会议评议，同意列为改造对象',
      result: 'approved',
    },
    'township-review': { version, decision: 'approve', checkedItems: { 身份信息: true, 鉴定报告: true } },
    'county-approve': {
      version,
      decision: 'approve',
      mode: 'rebuild',
      plannedAreaM2: 60,
      spotCheck: { visited: true, by: '李军', date: today, findings: '入户核实，情况属实' },
    },
    object: { version, objector: '韦某', contact: '13900000000', reason: '该户家庭收入情况与申报不符' },
    'resolve-objection': {
      version,
      objectionId: 'obj-1',
      resolution: 'dismissed',
      explanation: '经入户核查，该户收入情况属实，异议不成立',
    },
    'sign-agreement': {
      version,
      signedOn: today,
      plannedStart: addCalendarDays(today, 3),
      plannedFinish: addCalendarDays(today, 120),
      ownFunds: 800_000,
      bankLoan: 1_500_000,
    },
    inspect: {
      version,
      milestone: 'foundation',
      date: today,
      checklist: { 基础尺寸: true, 钢筋规格: true, 混凝土强度: true },
      result: 'pass',
      photoIds: ['ph-during-1'],
    },
    'release-installment': { version, installment: 0, note: '开工预拨' },
    accept: {
      version,
      date: today,
      checklist: { 结构安全: true, 面积符合: true, 门窗齐全: true },
      result: 'pass',
      checkedBy: '赵刚',
      signedBy: '李军',
      photoIds: ['ph-after-1', 'ph-after-head-1'],
    },
    supervise: {
      version,
      date: today,
      stage: 'walls-to-roof',
      progressPercent: 45,
      notes: '墙体砌筑至圈梁，砂浆饱满，现场安全措施到位',
      photoIds: ['ph-during-2'],
    },
    'move-in': { version, movedInOn: '2025-09-20', notes: '全家已搬入新房居住' },
  };
  return bodies[action];
}
