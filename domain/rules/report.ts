/**
 * The report a county construction bureau signs at year end (seed 004, first paragraph): as of a
 * day, the program's households, rooms and floor area, centralized sites and dispersed households,
 * the money by source in 万元, and where the works stand in the seed's words; and the paragraph
 * itself ("……截至12月30日，集中建房5个点134户主体工程已全部完工，……"), written from the figures.
 *
 * Pure: it reads the program and the counter cells of its townships (rules/progress.ts), summed or
 * taken as of the day.
 */
import { fenToWan, splitProportionally, wanInWords } from '../funding/money';
import {
  FUNDING_SOURCES,
  type FundingSource,
  type ProgramFund,
  type ProgramFundKind,
  sourceWeightsOf,
} from '../funding/sources';
import type { Grade, ProgramConfig, Township } from '../model';
import { gradesInWords } from './grades';
import {
  addCells,
  centralizedSitesIn,
  type GroupFilter,
  isCentralizedSite,
  type ProgressCells,
  type WorksFigures,
  worksFigures,
} from './progress';
import type { WorksStatus } from './works';

/** The sources as county reports name them (seed 004), unless the program names them itself. */
export const REPORT_SOURCE_LABELS: Readonly<Record<FundingSource, string>> = {
  'central-provincial': '中央和省补助',
  prefecture: '州（市）补助',
  county: '县财政补助',
  integrated: '整合资金',
};

/** Money as the report states it: fen for programs, 万元 with two decimals for people. */
export interface Money {
  fen: number;
  /** 万元, two decimals (e.g. `'22.31'`). */
  wan: string;
}

export function money(fen: number): Money {
  return { fen, wan: fenToWan(fen) };
}

export interface ProgramFundLine extends Money {
  source: FundingSource;
  kind: ProgramFundKind;
  purpose: string;
}

export interface SourceLine {
  source: FundingSource;
  label: string;
  /** The source's money for the households' subsidies. */
  households: Money;
  /** Subsidy of the source not tied to one household, counted within it (seed: 含……10万元). */
  notTiedToHouseholds: ProgramFundLine[];
  total: Money;
}

export interface FundsFigures {
  /**
   * `allocated`: the amounts the program states (its allocation); `approved-subsidies`: a program
   * with percentages only, whose sources are its households' approved subsidies split by them.
   */
  basis: 'allocated' | 'approved-subsidies';
  bySource: SourceLine[];
  /** 投入资金: the sources' totals added up (households' part and subsidy not tied to a household). */
  investment: Money;
  /** The households' part of it (到户补助). */
  householdSubsidy: Money;
  /** Money beside the subsidy: working funds (工作经费) and funds integrated from other departments (整合资金). */
  besideSubsidy: ProgramFundLine[];
  /** The subsidies the county approved for the households counted, and how they split by source. */
  approvedToHouseholds: Money & { bySource: Record<FundingSource, Money> };
  /** The households' own funds (自筹) and bank loans. */
  ownFunds: Money;
  bankLoan: Money;
}

function fundLine(fund: ProgramFund): ProgramFundLine {
  return { source: fund.source, kind: fund.kind, purpose: fund.purpose, ...money(fund.amount) };
}

function splitBySource(amount: number, program: ProgramConfig): Record<FundingSource, number> {
  const weights = sourceWeightsOf(program);
  const parts = splitProportionally(
    amount,
    weights.map((w) => w.weight),
  );
  const bySource = Object.fromEntries(FUNDING_SOURCES.map((s) => [s, 0])) as Record<FundingSource, number>;
  weights.forEach((w, i) => {
    bySource[w.source] += parts[i] ?? 0;
  });
  return bySource;
}

/**
 * The program's money by source, in the order of the standard sources, beside the households' own
 * money. `allocated` states the program's amounts, so it is for the whole county; a township's
 * share of them is not stated anywhere, so its figures are its households' approved subsidies.
 */
export function fundsFigures(
  program: ProgramConfig,
  works: WorksFigures,
  basis: 'allocated' | 'approved' = 'allocated',
): FundsFigures {
  const approvedBySource = splitBySource(works.approvedSubsidy, program);
  const approvedToHouseholds = {
    ...money(works.approvedSubsidy),
    bySource: Object.fromEntries(FUNDING_SOURCES.map((s) => [s, money(approvedBySource[s])])) as Record<
      FundingSource,
      Money
    >,
  };
  const common = { approvedToHouseholds, ownFunds: money(works.ownFunds), bankLoan: money(works.bankLoan) };
  const funding = basis === 'allocated' ? program.funding : undefined;
  if (funding === undefined) {
    const bySource = FUNDING_SOURCES.filter((s) => approvedBySource[s] > 0).map((source) => ({
      source,
      label: REPORT_SOURCE_LABELS[source],
      households: money(approvedBySource[source]),
      notTiedToHouseholds: [],
      total: money(approvedBySource[source]),
    }));
    return {
      basis: 'approved-subsidies',
      bySource,
      investment: money(works.approvedSubsidy),
      householdSubsidy: money(works.approvedSubsidy),
      besideSubsidy: [],
      ...common,
    };
  }
  const bySource: SourceLine[] = [];
  for (const source of FUNDING_SOURCES) {
    const stated = funding.sources.find((s) => s.source === source);
    const notTied = funding.notTiedToHouseholds.filter((f) => f.source === source && f.kind === 'subsidy');
    if (stated === undefined && notTied.length === 0) continue;
    const households = stated?.amount ?? 0;
    const total = households + notTied.reduce((sum, f) => sum + f.amount, 0);
    bySource.push({
      source,
      label: stated?.label ?? REPORT_SOURCE_LABELS[source],
      households: money(households),
      notTiedToHouseholds: notTied.map(fundLine),
      total: money(total),
    });
  }
  return {
    basis: 'allocated',
    bySource,
    investment: money(bySource.reduce((sum, line) => sum + line.total.fen, 0)),
    householdSubsidy: money(bySource.reduce((sum, line) => sum + line.households.fen, 0)),
    besideSubsidy: funding.notTiedToHouseholds.filter((f) => f.kind !== 'subsidy').map(fundLine),
    ...common,
  };
}

// ---------------------------------------------------------------- sites

export interface SiteLine {
  /** The site's cell key: `c-{id}` for a named site, `v-{village}` for a village's centralized households. */
  key: string;
  siteId?: string;
  name: string;
  township: string;
  townshipName: string;
  villages: string[];
  works: WorksFigures;
}

/** Every named site of the program (with or without households yet) and every village point with households. */
export function siteLines(program: ProgramConfig, cells: Readonly<ProgressCells>): SiteLine[] {
  const townshipName = (code: string) => program.townships.find((t) => t.code === code)?.name ?? code;
  const villageOf = (code: string) => {
    for (const township of program.townships) {
      const village = township.villages.find((v) => v.code === code);
      if (village) return { village, township };
    }
    return undefined;
  };
  const ofSite =
    (key: string): GroupFilter =>
    (g) =>
      g.site === key;
  const lines: SiteLine[] = program.sites.map((site) => ({
    key: `c-${site.id}`,
    siteId: site.id,
    name: site.name,
    township: site.township,
    townshipName: townshipName(site.township),
    villages: site.villages.map((code) => villageOf(code)?.village.name ?? code),
    works: worksFigures(cells, ofSite(`c-${site.id}`)),
  }));
  for (const key of centralizedSitesIn(cells)) {
    if (!key.startsWith('v-')) continue;
    const place = villageOf(key.slice(2));
    lines.push({
      key,
      name: `${place?.village.name ?? key.slice(2)}集中建房点`,
      township: place?.township.code ?? '',
      townshipName: place?.township.name ?? '',
      villages: [place?.village.name ?? key.slice(2)],
      works: worksFigures(cells, ofSite(key)),
    });
  }
  return lines;
}

// ---------------------------------------------------------------- the year-end figures

export interface YearEndFigures {
  /** The day the figures describe, `YYYY-MM-DD`. */
  asOf: string;
  /** The one township the figures are limited to; absent: the whole program. */
  township?: { code: string; name: string };
  quota: number;
  /** Townships the quota was split over (those with a quota). */
  townships: number;
  all: WorksFigures;
  centralized: WorksFigures & { sites: number };
  dispersed: WorksFigures;
  dispersedRebuild: WorksFigures;
  dispersedRepair: WorksFigures;
  sites: SiteLine[];
  funds: FundsFigures;
}

/** Sums the cells of every township of the program. */
export function countyCells(program: ProgramConfig, byTownship: ReadonlyMap<string, ProgressCells>): ProgressCells {
  const all: ProgressCells = {};
  for (const township of program.townships) addCells(all, byTownship.get(township.code) ?? {});
  return all;
}

/**
 * The year-end figures of the program from its cells (the county's summed, or one township's with
 * `township`), as of `asOf`.
 */
export function yearEndFigures(
  program: ProgramConfig,
  cells: Readonly<ProgressCells>,
  asOf: string,
  township?: Township,
): YearEndFigures {
  const all = worksFigures(cells);
  const dispersed =
    (mode?: string): GroupFilter =>
    (g) =>
      !isCentralizedSite(g.site) && (mode === undefined || g.mode === mode);
  const sites = siteLines(program, cells);
  return {
    asOf,
    ...(township === undefined ? {} : { township: { code: township.code, name: township.name } }),
    quota: township?.quota ?? program.quota,
    townships: township === undefined ? program.townships.filter((t) => t.quota > 0).length : 1,
    all,
    centralized: {
      ...worksFigures(cells, (g) => isCentralizedSite(g.site)),
      sites: centralizedSitesIn(cells).length,
    },
    dispersed: worksFigures(cells, dispersed()),
    dispersedRebuild: worksFigures(cells, dispersed('rebuild')),
    dispersedRepair: worksFigures(cells, dispersed('repair')),
    sites: township === undefined ? sites : sites.filter((s) => s.township === township.code),
    funds: fundsFigures(program, all, township === undefined ? 'allocated' : 'approved'),
  };
}

// ---------------------------------------------------------------- the paragraph

function areaInWords(m2: number): string {
  return String(Math.round(m2 * 100) / 100);
}

function dayInWords(asOf: string, year: number): string {
  const [y, m, d] = asOf.split('-').map(Number);
  return `${y === year ? '' : `${y}年`}${m}月${d}日`;
}

function gradesOfGroup(works: WorksFigures): string | undefined {
  const present = (Object.entries(works.byGrade) as [Grade, number][]).filter(([, n]) => n > 0).map(([g]) => g);
  // Name the grades only when every household of the group has one.
  const graded = present.reduce((sum, g) => sum + (works.byGrade[g] ?? 0), 0);
  return graded === works.households ? gradesInWords(present) : undefined;
}

/** The statuses after the main structure, most advanced first, as the seed lists them. */
const LISTED: readonly { status: WorksStatus; words: string; first?: string }[] = [
  { status: 'moved-in', words: '竣工入住', first: '竣工入住' },
  { status: 'completed', words: '竣工准备入住', first: '竣工准备入住' },
  { status: 'decorating', words: '正在装修', first: '正在装修' },
  { status: 'main-structure-finished', words: '正准备装修', first: '主体工程完工正准备装修' },
  { status: 'building', words: '主体工程正在施工', first: '主体工程正在施工' },
  { status: 'not-started', words: '尚未开工', first: '尚未开工' },
];

/**
 * "26户竣工入住，31户竣工准备入住，54户正在装修，其余的正准备装修": each status with households,
 * the last one as "其余的" when others came before it. With `verbFirst`, the first reads
 * "竣工入住247户" (the seed's dispersed sentence). With `mainStructureStated` false, those
 * preparing to decorate are "主体工程全部完工正准备装修", as the seed writes when it has not
 * said so before.
 */
function statusList(works: WorksFigures, options: { verbFirst: boolean; mainStructureStated: boolean }): string {
  const items = LISTED.filter(({ status }) => works.byStatus[status] > 0);
  return items
    .map(({ status, words }, index) => {
      const n = works.byStatus[status];
      const phrase =
        status === 'main-structure-finished' && !options.mainStructureStated
          ? index > 0 && index === items.length - 1
            ? '主体工程全部完工正准备装修'
            : '主体工程完工正准备装修'
          : words;
      if (index > 0 && index === items.length - 1) return `其余的${phrase}`;
      return index === 0 && options.verbFirst ? `${phrase}${n}户` : `${n}户${phrase}`;
    })
    .join('，');
}

function centralizedSentence(c: YearEndFigures['centralized']): string | undefined {
  if (c.households === 0) return undefined;
  const head = `集中建房${c.sites}个点${c.households}户`;
  if (c.completed === c.households) return `${head}已全部竣工${c.byStatus['moved-in'] === c.households ? '入住' : ''}`;
  const allMain = c.mainStructureFinished === c.households;
  const main = allMain
    ? '主体工程已全部完工'
    : c.mainStructureFinished > 0
      ? `主体工程已完工${c.mainStructureFinished}户`
      : undefined;
  const list = statusList(c, { verbFirst: false, mainStructureStated: main !== undefined });
  return main === undefined ? `${head}中，${list}` : `${head}${main}，${list}`;
}

function rebuildClause(works: WorksFigures): string {
  const grades = gradesOfGroup(works);
  const who = `${works.households}户${grades === undefined ? '拆除重建户' : `${grades}改造户`}`;
  const only = LISTED.find(({ status }) => works.byStatus[status] === works.households);
  if (only !== undefined) return `${who}已全部${only.first ?? only.words}`;
  return `${who}${statusList(works, { verbFirst: true, mainStructureStated: false })}`;
}

function repairClause(works: WorksFigures): string {
  const grades = gradesOfGroup(works);
  const who = `${works.households}户${grades === undefined ? '修缮加固' : `${grades}`}改造`;
  if (works.completed === works.households) return `${who}已全部完工`;
  const rest = works.households - works.completed;
  return works.completed > 0 ? `${who}已完工${works.completed}户，其余${rest}户正在施工` : `${who}正在施工`;
}

function dispersedSentence(f: YearEndFigures): string | undefined {
  const d = f.dispersed;
  if (d.households === 0) return undefined;
  const clauses: string[] = [];
  if (f.dispersedRebuild.households > 0) clauses.push(rebuildClause(f.dispersedRebuild));
  if (f.dispersedRepair.households > 0) clauses.push(repairClause(f.dispersedRepair));
  const undecided = d.households - f.dispersedRebuild.households - f.dispersedRepair.households;
  if (undecided > 0) clauses.push(`${undecided}户改造方式待定`);
  return `${d.households}户分散建房户中，${clauses.join('；')}`;
}

function fundsSentence(funds: FundsFigures): string | undefined {
  if (funds.investment.fen === 0) return undefined;
  const parts = funds.bySource
    .filter((line) => line.total.fen > 0)
    .map((line) => {
      const included = line.notTiedToHouseholds.filter((f) => f.fen > 0);
      const of =
        included.length === 0 ? '' : `（含${included.map((f) => `${f.purpose}${wanInWords(f.fen)}万元`).join('、')}）`;
      return `${line.label}${wanInWords(line.total.fen)}万元${of}`;
    });
  const what = funds.basis === 'allocated' ? '整个农村危房改造投入资金' : '核定补助资金';
  return `${what}${wanInWords(funds.investment.fen)}万元，其中${parts.join('、')}。`;
}

/**
 * The seed's first paragraph written from the figures, in its order and words: the task and its
 * townships; households, rooms and floor area, centralized and dispersed; the money by source; then,
 * as of the day, the centralized sites' works and the dispersed households' by mode.
 */
export function reportParagraph(program: Pick<ProgramConfig, 'name' | 'year'>, f: YearEndFigures): string {
  const all = f.all;
  const built =
    all.byMode.rebuild > 0 && all.byMode.repair > 0
      ? '新建和维修房屋'
      : all.byMode.repair > 0
        ? '维修房屋'
        : '新建房屋';
  const rooms = (w: WorksFigures) =>
    `${w.rooms}间${w.householdsWithoutRooms > 0 ? `（另有${w.householdsWithoutRooms}户间数未登记）` : ''}`;
  const split =
    f.centralized.households > 0 && f.dispersed.households > 0
      ? `，其中集中建房${f.centralized.sites}个点${f.centralized.households}户${rooms(f.centralized)}，分散建房${f.dispersed.households}户${rooms(f.dispersed)}`
      : f.centralized.households > 0
        ? `，均为集中建房（${f.centralized.sites}个点）`
        : '，均为分散建房';
  const task =
    f.township === undefined
      ? `${program.name}任务为${f.quota}户，分解落实到${f.townships}个乡镇实施，`
      : `${program.name}${f.township.name}任务为${f.quota}户，`;
  const sentences = [
    `${task}共计${built}${all.households}户${rooms(all)}，建筑面积${areaInWords(all.floorAreaM2)}平方米${split}。`,
  ];
  const funds = fundsSentence(f.funds);
  if (funds !== undefined) sentences.push(funds);
  const works = [centralizedSentence(f.centralized), dispersedSentence(f)].filter((s): s is string => s !== undefined);
  if (works.length > 0) sentences.push(`截至${dayInWords(f.asOf, program.year)}，${works.join('。')}。`);
  return sentences.join('');
}
