import { describe, expect, it } from 'vitest';
import { addCells, type ProgressCells, progressCells, progressFigures } from '../../../domain/rules/progress';
import { countyCells, reportParagraph, yearEndFigures } from '../../../domain/rules/report';
import { AS_OF, seedHouseholds, seedProgram } from './support/seed-county';

/** The counters of each township, as the store keeps them (or as of a day, as read from the households). */
function cellsByTownship(asOf?: string): Map<string, ProgressCells> {
  const byTownship = new Map<string, ProgressCells>();
  for (const h of seedHouseholds) {
    byTownship.set(h.township, addCells(byTownship.get(h.township) ?? {}, progressCells(h, asOf)));
  }
  return byTownship;
}

const SEED_PARAGRAPH =
  '县农村危房改造试点工作任务为600户，分解落实到16个乡镇实施，共计新建和维修房屋600户2670间，建筑面积39230平方米，' +
  '其中集中建房5个点134户474间，分散建房466户2196间。' +
  '整个农村危房改造投入资金729.31万元，其中中央和省补助595万元、州补助22.31万元、' +
  '县财政补助112万元（含安排岩下危房改造工程民族特色包装补助经费10万元）。' +
  '截至12月30日，集中建房5个点134户主体工程已全部完工，26户竣工入住，31户竣工准备入住，54户正在装修，其余的正准备装修。' +
  '466户分散建房户中，326户一级危房改造户竣工入住247户，57户正在装修，其余的主体工程全部完工正准备装修；' +
  '140户二、三级危房改造已全部完工。';

describe("the year-end report of seed 004's county", () => {
  const current = countyCells(seedProgram, cellsByTownship());
  const figures = yearEndFigures(seedProgram, current, AS_OF);

  it('counts 600 households over 16 townships with their rooms and floor area', () => {
    expect(figures.quota).toBe(600);
    expect(figures.townships).toBe(16);
    expect(figures.all).toMatchObject({ households: 600, rooms: 2670, householdsWithoutRooms: 0, floorAreaM2: 39230 });
    expect(figures.all.byMode).toEqual({ rebuild: 460, repair: 140, undecided: 0 });
  });

  it('splits them into 5 named sites with 134 households and 474 rooms, and 466 dispersed with 2196', () => {
    expect(figures.centralized).toMatchObject({ sites: 5, households: 134, rooms: 474 });
    expect(figures.dispersed).toMatchObject({ households: 466, rooms: 2196 });
    expect(figures.sites.map((s) => s.name)).toEqual([
      '岩下集中建房点',
      '板其集中建房点',
      '纳福集中建房点',
      '秧坝集中建房点',
      '八寨集中建房点',
    ]);
    expect(figures.sites.reduce((sum, s) => sum + s.works.households, 0)).toBe(134);
    expect(figures.sites.reduce((sum, s) => sum + s.works.rooms, 0)).toBe(474);
    expect(figures.sites[0]).toMatchObject({ township: '522327100', townshipName: '者楼镇', villages: ['者楼村'] });
  });

  it("states the works of 30 December in the seed's words", () => {
    expect(figures.centralized.mainStructureFinished).toBe(134);
    expect(figures.centralized.byStatus).toEqual({
      'not-started': 0,
      building: 0,
      'moved-in': 26,
      completed: 31,
      decorating: 54,
      'main-structure-finished': 23,
    });
    expect(figures.dispersedRebuild).toMatchObject({ households: 326, mainStructureFinished: 326 });
    expect(figures.dispersedRebuild.byStatus).toMatchObject({
      'moved-in': 247,
      decorating: 57,
      'main-structure-finished': 22,
    });
    expect(figures.dispersedRepair).toMatchObject({ households: 140, completed: 140 });
    // 竣工入住 counts archived households that moved in, not the archived ones as such.
    expect(figures.all.byStatus['moved-in']).toBe(273);
    expect(figures.all.completed).toBe(444);
  });

  it("states the money by source in 万元, with the money not tied to a household and the households' own", () => {
    const funds = figures.funds;
    expect(funds.basis).toBe('allocated');
    expect(funds.bySource.map((line) => [line.label, line.total.wan])).toEqual([
      ['中央和省补助', '595.00'],
      ['州补助', '22.31'],
      ['县财政补助', '112.00'],
    ]);
    expect(funds.bySource[2]?.notTiedToHouseholds.map((f) => [f.purpose, f.wan])).toEqual([
      ['安排岩下危房改造工程民族特色包装补助经费', '10.00'],
    ]);
    // The seed writes 719.31 万: the households' part; its parts (595 + 22.31 + 112) add up to 729.31.
    expect(funds.householdSubsidy.wan).toBe('719.31');
    expect(funds.investment.wan).toBe('729.31');
    expect(funds.besideSubsidy.map((f) => [f.kind, f.wan])).toEqual([
      ['working-funds', '8.00'],
      ['integrated', '82.00'],
    ]);
    expect(funds.approvedToHouseholds.wan).toBe('719.31');
    expect(funds.ownFunds.wan).toBe('1743.00');
    expect(funds.bankLoan.wan).toBe('150.00');
  });

  it('writes the paragraph from the figures, in the order and words of the seed', () => {
    expect(reportParagraph(seedProgram, figures)).toBe(SEED_PARAGRAPH);
  });

  it('gives the same figures from the households read as of 30 December as from the running counters', () => {
    const asOf = countyCells(seedProgram, cellsByTownship(AS_OF));
    expect(yearEndFigures(seedProgram, asOf, AS_OF)).toEqual(figures);
  });

  it('answers as of an earlier day from the dates of the facts', () => {
    const november = yearEndFigures(seedProgram, countyCells(seedProgram, cellsByTownship('2008-11-20')), '2008-11-20');
    // By 20 November (day 111) every main structure had passed, acceptances had begun, nobody had moved in.
    expect(november.all.households).toBe(600);
    expect(november.all.mainStructureFinished).toBe(460 + november.dispersedRepair.completed);
    expect(november.all.byStatus['moved-in']).toBe(0);
    expect(november.all.completed).toBeGreaterThan(0);
    expect(november.all.completed).toBeLessThan(444);
    expect(reportParagraph(seedProgram, november)).toContain('截至11月20日，');
  });

  it('cuts the same counters by township, and counts the households past their planned finish', () => {
    const byTownship = cellsByTownship();
    const rows = seedProgram.townships.map((t) =>
      progressFigures(byTownship.get(t.code) ?? {}, seedProgram, t.quota, AS_OF),
    );
    expect(rows.reduce((sum, r) => sum + r.approved, 0)).toBe(600);
    expect(rows.reduce((sum, r) => sum + r.works.rooms, 0)).toBe(2670);
    expect(rows.every((r) => r.quotaLeft === 0)).toBe(true);
    const total = progressFigures(current, seedProgram, 600, AS_OF);
    expect(total.bySite).toEqual({ centralized: 134, centralizedPoints: 5, dispersed: 466 });
    expect(total.byMode).toEqual({ rebuild: 460, repair: 140 });
    // Planned to finish by 20 December and not accepted by the 30th: decorating or preparing to.
    expect(total.pastPlannedFinish).toBe(54 + 23 + 57 + 22);
    expect(progressFigures(current, seedProgram, 600, '2008-12-20').pastPlannedFinish).toBe(0);
    // Repairs follow their own two-installment plan: accepted, archived, nothing under construction.
    expect(total.status).toMatchObject({ archived: 444, underConstruction: 0, mainStructureFinished: 156 });
  });
});
