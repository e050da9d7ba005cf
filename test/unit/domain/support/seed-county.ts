/**
 * A county shaped as seed 004's on 30 December: 600 households over 16 townships; 5 named
 * centralized sites with 134 households and 474 rooms; 466 dispersed households with 2,196 rooms,
 * 326 一级危房 rebuilt and 140 二、三级危房 repaired; 39,230 m²; money by source as the seed states
 * it (central and provincial 595 万, prefecture 22.31 万, county 102 万 for the households and 10 万
 * for ethnic-style facades, 8 万 working funds, 82 万 integrated). The works stand as the seed
 * reports them: centralized 26 moved in, 31 completed about to move in, 54 decorating, 23 preparing
 * to decorate; dispersed rebuilds 247 moved in, 57 decorating, 22 preparing; repairs all completed.
 *
 * Households are plain records with the facts the actions would have recorded (no history): the
 * report reads nothing else.
 */
import { type Household, ProgramConfig } from '../../../../domain/model';
import { idCheckChar } from '../../../../domain/rules/idCheck';
import type { WorksStatus } from '../../../../domain/rules/works';

export const AS_OF = '2008-12-30';
const WAN = 1_000_000;

const TOWNSHIP_NAMES = [
  '者楼镇',
  '丫他镇',
  '巧马镇',
  '双江镇',
  '冗渡镇',
  '岩架镇',
  '百口乡',
  '弼佑镇',
  '秧坝镇',
  '达央乡',
  '坡妹镇',
  '庆坪乡',
  '八渡镇',
  '马黑乡',
  '高洛乡',
  '板坝乡',
];
const townshipCode = (t: number) => `522327${String(100 + t)}`;
const villageCode = (t: number, v: number) => `${townshipCode(t)}${String(201 + v)}`;

/** Five sites in five townships, each taking the households of the township's first village. */
const SITES = [
  { id: 'yanxia', name: '岩下集中建房点', township: 0 },
  { id: 'banqi', name: '板其集中建房点', township: 2 },
  { id: 'nafu', name: '纳福集中建房点', township: 5 },
  { id: 'yangba', name: '秧坝集中建房点', township: 8 },
  { id: 'bazhai', name: '八寨集中建房点', township: 12 },
];

interface Target {
  township: number;
  village: number;
  siteId?: string;
  mode: 'rebuild' | 'repair';
  grade: 'level-1' | 'level-2' | 'level-3';
  rooms: number;
  areaM2: number;
  status: WorksStatus;
  subsidy: number;
  ownFunds: number;
  bankLoan: number;
}

function statusOf(index: number, counts: [WorksStatus, number][]): WorksStatus {
  let rest = index;
  for (const [status, n] of counts) {
    if (rest < n) return status;
    rest -= n;
  }
  throw new RangeError(`index ${index} beyond the mix`);
}

/** What each of the 600 households is, in the seed's proportions. */
export const TARGETS: readonly Target[] = Array.from({ length: 600 }, (_, n): Target => {
  // 39,230 m²: 65 m² each, and one more for 230 of them.
  const areaM2 = 65 + (n % 600 < 230 ? 1 : 0);
  // 150 万 of loans: 100 households at 1.5 万.
  const bankLoan = n % 6 === 0 ? 1_500_000 : 0;
  if (n < 134) {
    const site = SITES[n % SITES.length] as (typeof SITES)[number];
    return {
      township: site.township,
      village: 0,
      siteId: site.id,
      mode: 'rebuild',
      grade: 'level-1',
      rooms: n < 72 ? 4 : 3,
      areaM2,
      status: statusOf(n, [
        ['moved-in', 26],
        ['completed', 31],
        ['decorating', 54],
        ['main-structure-finished', 23],
      ]),
      subsidy: 1_390_000,
      ownFunds: 3_500_000,
      bankLoan,
    };
  }
  const township = n % 16;
  const village = 1;
  const dispersed = n - 134;
  const rooms = dispersed < 332 ? 5 : 4;
  if (n < 460) {
    return {
      township,
      village,
      mode: 'rebuild',
      grade: 'level-1',
      rooms,
      areaM2,
      status: statusOf(n - 134, [
        ['moved-in', 247],
        ['decorating', 57],
        ['main-structure-finished', 22],
      ]),
      subsidy: 1_390_000,
      ownFunds: 3_500_000,
      bankLoan,
    };
  }
  const secondGrade = n - 460 < 22;
  return {
    township,
    village,
    mode: 'repair',
    grade: secondGrade ? 'level-2' : 'level-3',
    rooms,
    areaM2,
    status: 'completed',
    subsidy: secondGrade ? 575_000 : 570_000,
    ownFunds: 950_000,
    bankLoan,
  };
});

const quotaOf = (t: number) => TARGETS.filter((target) => target.township === t).length;

export const seedProgram: ProgramConfig = ProgramConfig.parse({
  programId: 'seed-2008',
  name: '县农村危房改造试点工作',
  year: 2008,
  county: { code: '522327', name: '册亨县' },
  quota: 600,
  townships: TOWNSHIP_NAMES.map((name, t) => ({
    code: townshipCode(t),
    name,
    quota: quotaOf(t),
    villages: [
      { code: villageCode(t, 0), name: `${name.slice(0, -1)}村` },
      { code: villageCode(t, 1), name: `${name.slice(0, -1)}新村` },
    ],
  })),
  sites: SITES.map((site) => ({
    id: site.id,
    name: site.name,
    township: townshipCode(site.township),
    villages: [villageCode(site.township, 0)],
  })),
  gradeScheme: 'levels',
  alsoCovers: ['other'],
  subsidyTiers: ['minimum-living-guarantee', 'extremely-poor', 'other'].flatMap((category) => [
    { category, mode: 'rebuild', grade: 'level-1', amount: 1_390_000 },
    { category, mode: 'repair', grade: 'level-2', amount: 575_000 },
    { category, mode: 'repair', grade: 'level-3', amount: 570_000 },
  ]),
  installments: [
    { milestone: 'agreement', label: '开工预拨', percent: 30 },
    { milestone: 'foundation', label: '地基验收', percent: 30 },
    { milestone: 'main-structure', label: '主体验收', percent: 20 },
    { milestone: 'acceptance', label: '竣工验收', percent: 20 },
  ],
  installmentsByMode: {
    repair: [
      { milestone: 'agreement', label: '开工预拨', percent: 50 },
      { milestone: 'acceptance', label: '竣工验收', percent: 50 },
    ],
  },
  noticeDays: 7,
  deadlines: {},
  minBuildDays: { rebuild: 74 },
  funding: {
    sources: [
      { source: 'central-provincial', amount: 595 * WAN },
      { source: 'prefecture', amount: 22_310_000, label: '州补助' },
      { source: 'county', amount: 102 * WAN },
    ],
    notTiedToHouseholds: [
      { source: 'county', kind: 'subsidy', purpose: '安排岩下危房改造工程民族特色包装补助经费', amount: 10 * WAN },
      { source: 'county', kind: 'working-funds', purpose: '危改工作经费', amount: 8 * WAN },
      {
        source: 'integrated',
        kind: 'integrated',
        purpose: '发改、农业、水利、交通等部门项目资金整合',
        amount: 82 * WAN,
      },
    ],
  },
});

function idNumberOf(n: number): string {
  const first17 = `522327${1950 + (n % 40)}0${1 + (n % 9)}1${n % 10}${String(n % 1000).padStart(3, '0')}`;
  return `${first17}${idCheckChar(first17)}`;
}

const DAY_MS = 86_400_000;
const day = (offset: number) =>
  new Date(Date.parse('2008-08-01T00:00:00Z') + offset * DAY_MS).toISOString().slice(0, 10);

/** Household `n` with the facts its works status stands on, all dated on or before 30 December. */
export function seedHousehold(n: number): Household {
  const target = TARGETS[n] as Target;
  const { status } = target;
  const accepted = status === 'completed' || status === 'moved-in';
  // Statuses further along happened earlier; the last facts fall in December.
  const works = {
    // A repair plan inspects no main structure.
    ...(target.mode === 'rebuild' ? { mainStructureOn: day(70 + (n % 20)) } : {}),
    ...(status === 'decorating' || accepted ? { decorationStartedOn: day(95 + (n % 10)) } : {}),
    ...(accepted ? { acceptedOn: day(108 + (n % 5)) } : {}),
    ...(status === 'moved-in' ? { movedInOn: day(115 + (n % 35)) } : {}),
  };
  const plan = target.mode === 'repair' ? 2 : 4;
  return {
    householdId: `seed-${n}`,
    programId: seedProgram.programId,
    county: '522327',
    township: townshipCode(target.township),
    villageCode: villageCode(target.township, target.village),
    head: { name: `户主${n}`, idNumber: idNumberOf(n) },
    members: [
      { name: `成员${n}甲`, relation: '配偶' },
      { name: `成员${n}乙`, relation: '子' },
      { name: `成员${n}丙`, relation: '女' },
    ],
    category: n % 7 === 0 ? 'other' : n % 2 === 0 ? 'minimum-living-guarantee' : 'extremely-poor',
    house: { structure: 'earth', areaM2: target.mode === 'repair' ? target.areaM2 : 48, rooms: target.rooms },
    site: target.siteId === undefined ? 'dispersed' : 'centralized',
    ...(target.siteId === undefined ? {} : { siteId: target.siteId }),
    ...(target.mode === 'rebuild' ? { plannedAreaM2: target.areaM2, plannedRooms: target.rooms } : {}),
    foundBy: 'application',
    phase: accepted ? 'archived' : 'final-acceptance',
    version: 20,
    createdAt: '2008-07-20T02:00:00.000Z',
    updatedAt: `${day(120)}T02:00:00.000Z`,
    grade: target.grade,
    mode: target.mode,
    approvedSubsidy: target.subsidy,
    nextInstallment: accepted ? plan : plan - 1,
    noticeStartsAt: '2008-07-27T02:00:00.000Z',
    agreementSignedOn: '2008-08-01',
    plannedStartOn: '2008-08-01',
    plannedFinishOn: '2008-12-20',
    ownFunds: target.ownFunds,
    bankLoan: target.bankLoan,
    works,
  };
}

export const seedHouseholds: readonly Household[] = Array.from({ length: 600 }, (_, n) => seedHousehold(n));
