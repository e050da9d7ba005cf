import { describe, expect, it } from 'vitest';
import { buildFundingPlan } from '../../../../domain/funding/plan';
import { Household } from '../../../../domain/model';
import { verifyChain } from '../../../../domain/rules/audit';
import { chinaDay } from '../../../../domain/rules/calendar';
import { isValidIdNumber } from '../../../../domain/rules/idNumber';
import { installmentPlanOf } from '../../../../domain/rules/installments';
import { addCells, type ProgressCells, progressCells } from '../../../../domain/rules/progress';
import { reportParagraph, yearEndFigures } from '../../../../domain/rules/report';
import { transition } from '../../../../process/renovation';
import { demoCountyHouseholds, demoCountyProgram, demoTargetOf } from '../../../../tools/demo/county';

const NOW = new Date('2026-12-30T08:00:00.000Z');
const seeded = demoCountyHouseholds(NOW);

function countyCellsOf(households: readonly Household[]): ProgressCells {
  const cells: ProgressCells = {};
  for (const h of households) addCells(cells, progressCells(h));
  return cells;
}

/** Seed 004's first paragraph, as the report writes it (the room and money totals are the sums of their parts). */
const SEED_PARAGRAPH =
  '册亨县2026年农村危房改造试点任务为600户，分解落实到16个乡镇实施，共计新建和维修房屋600户2670间，建筑面积39230平方米，' +
  '其中集中建房5个点134户474间，分散建房466户2196间。' +
  '整个农村危房改造投入资金729.31万元，其中中央和省补助595万元、州补助22.31万元、' +
  '县财政补助112万元（含安排岩下危房改造工程民族特色包装补助经费10万元）。' +
  '截至12月30日，集中建房5个点134户主体工程已全部完工，26户竣工入住，31户竣工准备入住，54户正在装修，其余的正准备装修。' +
  '466户分散建房户中，326户一级危房改造户竣工入住247户，57户正在装修，其余的主体工程全部完工正准备装修；' +
  '140户二、三级危房改造已全部完工。';

describe("the demo county is seed 004's county on 30 December", () => {
  it('has 16 townships sharing a 600-household quota and 600 distinct valid households', () => {
    expect(demoCountyProgram.townships).toHaveLength(16);
    expect(demoCountyProgram.townships.reduce((sum, t) => sum + t.quota, 0)).toBe(600);
    expect(seeded).toHaveLength(600);
    expect(new Set(seeded.map((s) => s.household.householdId)).size).toBe(600);
    expect(new Set(seeded.map((s) => s.household.head.idNumber)).size).toBe(600);
    expect(seeded.every((s) => isValidIdNumber(s.household.head.idNumber))).toBe(true);
    expect(new Set(seeded.map((s) => s.household.township)).size).toBe(16);
    expect(seeded.every((s) => Household.safeParse(s.household).success)).toBe(true);
  });

  it("reproduces the seed's first paragraph from its 600 households, figure for figure", () => {
    const cells = countyCellsOf(seeded.map((s) => s.household));
    const figures = yearEndFigures(demoCountyProgram, cells, chinaDay(NOW));
    expect(reportParagraph(demoCountyProgram, figures)).toBe(SEED_PARAGRAPH);
    // Beside the paragraph: the households' part of the money is the seed's 719.31 万, and their own money.
    expect(figures.funds.householdSubsidy.wan).toBe('719.31');
    expect(figures.funds.approvedToHouseholds.wan).toBe('719.31');
    expect(figures.funds.ownFunds.wan).toBe('1743.00');
    expect(figures.funds.bankLoan.wan).toBe('150.00');
    expect(figures.funds.besideSubsidy.map((f) => [f.kind, f.wan])).toEqual([
      ['working-funds', '8.00'],
      ['integrated', '82.00'],
    ]);
    expect(figures.sites.map((s) => [s.name, s.works.households])).toEqual([
      ['岩下集中建房点', 27],
      ['板万集中建房点', 27],
      ['平安集中建房点', 27],
      ['威旁集中建房点', 27],
      ['秧绕集中建房点', 26],
    ]);
  });

  it('tiers the subsidies by category (the seed names flat subsidies a failure)', () => {
    const rebuildAmounts = new Set(
      seeded.filter((s) => s.household.mode === 'rebuild').map((s) => s.household.approvedSubsidy),
    );
    expect(rebuildAmounts.size).toBe(3);
  });

  it('holds every kind of household among the first forty, which the integration test loads', () => {
    const kinds = new Set(
      Array.from({ length: 40 }, (_, n) => {
        const target = demoTargetOf(n);
        return `${target.siteId === undefined ? 'dispersed' : 'centralized'}/${target.mode}/${target.status}`;
      }),
    );
    expect([...kinds].sort()).toEqual(
      [
        'centralized/rebuild/completed',
        'centralized/rebuild/decorating',
        'centralized/rebuild/main-structure-finished',
        'centralized/rebuild/moved-in',
        'dispersed/rebuild/decorating',
        'dispersed/rebuild/main-structure-finished',
        'dispersed/rebuild/moved-in',
        'dispersed/repair/completed',
      ].sort(),
    );
  });

  it('gives every household an unbroken audit chain whose steps follow the workflow and its plan, in the past', () => {
    for (const { household, events } of seeded) {
      expect(verifyChain(events, household.version)).toEqual({ ok: true });
      expect(events.at(-1)?.toPhase).toBe(household.phase);
      expect(events.every((e) => Date.parse(e.at) < NOW.getTime())).toBe(true);
      const installments = installmentPlanOf(demoCountyProgram, household.mode);
      let released = 0;
      for (const event of events.slice(1)) {
        const outcome = event.details.outcome;
        // Supervision visits and moving in decide nothing.
        if (outcome === undefined) {
          expect(['supervise', 'move-in']).toContain(event.type);
          expect(event.toPhase).toBe(event.fromPhase);
          continue;
        }
        if (event.type === 'release-installment') released += 1;
        expect(event.toPhase).toBe(
          transition(event.fromPhase ?? 'safety-appraisal', String(outcome), {
            installments,
            nextInstallment: released,
          }),
        );
      }
    }
  });

  it("takes at least the minimum build period from a rebuild's start to its acceptance", () => {
    for (const { household } of seeded) {
      const { acceptedOn } = household.works ?? {};
      if (acceptedOn === undefined || household.plannedStartOn === undefined || household.mode !== 'rebuild') continue;
      const days = (Date.parse(acceptedOn) - Date.parse(household.plannedStartOn)) / 86_400_000;
      expect(days).toBeGreaterThanOrEqual(demoCountyProgram.minBuildDays?.rebuild ?? 0);
    }
  });

  it("pays each released installment once, as its mode's plan says", () => {
    for (const { household, payments } of seeded) {
      expect(payments.map((p) => p.installment)).toEqual(
        Array.from({ length: household.nextInstallment }, (_, i) => i),
      );
      const plan = buildFundingPlan(demoCountyProgram, {
        householdId: household.householdId,
        approvedSubsidy: household.approvedSubsidy ?? 0,
        mode: household.mode,
      });
      expect(payments.map((p) => p.amount)).toEqual(plan.installments.slice(0, payments.length).map((i) => i.amount));
    }
  });
});
