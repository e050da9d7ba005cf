import { describe, expect, it } from 'vitest';
import { demoProgram } from '../../../contract/examples';
import { parseOrThrow, ValidationError } from '../../../domain/errors';
import { buildFundingPlan } from '../../../domain/funding/plan';
import { ProgramConfig } from '../../../domain/model';
import { checkEligibility, coveredCategoriesOf } from '../../../domain/rules/eligibility';
import { eligibleGradesOf, gradeOutsideScheme, gradesInWords, usualModeOf } from '../../../domain/rules/grades';
import { newHousehold } from '../../../domain/rules/household';
import { installmentPlanOf, mainStructureMilestoneOf } from '../../../domain/rules/installments';
import { missingTiers } from '../../../domain/rules/subsidy';
import { seedHousehold, seedProgram } from './support/seed-county';

/** The demo program as it would be sent: its parsed form, with changes. */
const withChanges = (changes: Record<string, unknown>) => ({ ...demoProgram, ...changes });

function fieldsOf(body: unknown): string[] {
  try {
    parseOrThrow(ProgramConfig, body);
  } catch (error) {
    if (error instanceof ValidationError) return error.fields.map((f) => f.path);
    throw error;
  }
  return [];
}

describe('a program configuration refuses what it does not know', () => {
  it('accepts the seeded example program and its own parsed form', () => {
    expect(ProgramConfig.safeParse(demoProgram).success).toBe(true);
    expect(ProgramConfig.safeParse(seedProgram).success).toBe(true);
  });

  it('names every unknown field, at every level a county writes', () => {
    const [first, ...rest] = demoProgram.townships;
    if (!first) throw new Error('the demo program has townships');
    const body = withChanges({
      quotaTotal: 600,
      county: { ...demoProgram.county, province: '贵州省' },
      townships: [
        { ...first, head: '某某', villages: [{ ...first.villages[0], population: 800 }, ...first.villages.slice(1)] },
        ...rest,
      ],
      installments: [{ ...demoProgram.installments[0], amount: 1 }, ...demoProgram.installments.slice(1)],
      subsidyTiers: [{ ...demoProgram.subsidyTiers[0], note: 'x' }, ...demoProgram.subsidyTiers.slice(1)],
      deadlines: { ...demoProgram.deadlines, 'townshp-review': 5 },
    });
    expect(fieldsOf(body).sort()).toEqual(
      [
        'quotaTotal',
        'county.province',
        'townships.0.head',
        'townships.0.villages.0.population',
        'installments.0.amount',
        'subsidyTiers.0.note',
        'deadlines.townshp-review',
      ].sort(),
    );
  });

  it('explains an unknown field in both languages', () => {
    const error = (() => {
      try {
        parseOrThrow(ProgramConfig, withChanges({ fundingShares: [] }));
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect(error?.fields).toEqual([
      { path: 'fundingShares', message: { zh: '不允许的字段：fundingShares', en: 'Unknown field: fundingShares' } },
    ]);
  });
});

describe('funding by source as amounts', () => {
  it('keeps programs with percentages working, and refuses percentages and amounts together', () => {
    expect(demoProgram.fundingSources).toHaveLength(4);
    const both = withChanges({ funding: { sources: [{ source: 'county', amount: 100 }] } });
    expect(fieldsOf(both)).toEqual(['fundingSources']);
    const migrated = withChanges({
      fundingSources: undefined,
      funding: { sources: [{ source: 'county', amount: 100 }] },
    });
    expect(fieldsOf(migrated)).toEqual([]);
  });

  it('refuses a source stated twice and a kind of money it does not know', () => {
    const twice = withChanges({
      fundingSources: undefined,
      funding: {
        sources: [
          { source: 'county', amount: 100 },
          { source: 'county', amount: 200 },
        ],
      },
    });
    expect(fieldsOf(twice)).toEqual(['funding.sources.1.source']);
    const unknownKind = withChanges({
      fundingSources: undefined,
      funding: {
        sources: [{ source: 'county', amount: 100 }],
        notTiedToHouseholds: [{ source: 'county', kind: 'bonus', purpose: 'x', amount: 1 }],
      },
    });
    expect(fieldsOf(unknownKind)).toEqual(['funding.notTiedToHouseholds.0.kind']);
  });

  it("splits each household's subsidy in proportion to the sources' household amounts, to the fen", () => {
    const subsidy = 1_390_000;
    const plan = buildFundingPlan(seedProgram, { householdId: 'h', approvedSubsidy: subsidy, mode: 'rebuild' });
    // 595 : 22.31 : 102 万, each installment's parts rounded down but the last source's: within a fen per installment and source.
    const households = 719_310_000;
    const exact = { 'central-provincial': 595_000_000, prefecture: 22_310_000, county: 102_000_000 };
    for (const [source, amount] of Object.entries(exact)) {
      const share = plan.sourceTotals[source as keyof typeof exact];
      expect(Math.abs(share - (subsidy * amount) / households)).toBeLessThanOrEqual(
        plan.installments.length * plan.sourceWeights.length,
      );
    }
    expect(plan.sourceTotals.integrated).toBe(0);
    expect(Object.values(plan.sourceTotals).reduce((a, b) => a + b, 0)).toBe(subsidy);
    expect(plan.installments.map((i) => i.amount)).toEqual([417_000, 417_000, 278_000, 278_000]);
    for (const row of plan.installments) {
      expect(Object.values(row.bySource).reduce((a, b) => a + b, 0)).toBe(row.amount);
    }
  });

  it("pays a repair by the repair's own plan", () => {
    const plan = buildFundingPlan(seedProgram, { householdId: 'h', approvedSubsidy: 570_000, mode: 'repair' });
    expect(plan.installments.map((i) => [i.milestone, i.amount])).toEqual([
      ['agreement', 285_000],
      ['acceptance', 285_000],
    ]);
  });
});

describe('installment plans per mode', () => {
  it('gives a repair its own plan without the foundation and main-structure inspections', () => {
    expect(installmentPlanOf(seedProgram, 'repair').map((i) => i.milestone)).toEqual(['agreement', 'acceptance']);
    expect(installmentPlanOf(seedProgram, 'rebuild').map((i) => i.milestone)).toEqual([
      'agreement',
      'foundation',
      'main-structure',
      'acceptance',
    ]);
    expect(installmentPlanOf(demoProgram, 'repair')).toBe(demoProgram.installments);
  });

  it('names the main-structure milestone of a rebuild (configured, else the last inspected) and none for a repair', () => {
    expect(mainStructureMilestoneOf(seedProgram, 'rebuild')).toBe('main-structure');
    expect(mainStructureMilestoneOf(seedProgram, 'repair')).toBeUndefined();
    const roofed = ProgramConfig.parse(
      withChanges({
        installments: [
          { milestone: 'agreement', label: '开工预拨', percent: 30 },
          { milestone: 'main-structure', label: '主体验收', percent: 30 },
          { milestone: 'roof', label: '封顶验收', percent: 20 },
          { milestone: 'acceptance', label: '竣工验收', percent: 20 },
        ],
        mainStructureMilestone: 'main-structure',
      }),
    );
    expect(mainStructureMilestoneOf(roofed, 'rebuild')).toBe('main-structure');
    expect(fieldsOf(withChanges({ mainStructureMilestone: 'roof' }))).toEqual(['mainStructureMilestone']);
  });

  it('refuses a plan whose percentages do not add up to 100 or that names a milestone twice', () => {
    const plan = [
      { milestone: 'agreement', label: '开工预拨', percent: 50 },
      { milestone: 'agreement', label: '竣工验收', percent: 40 },
    ];
    expect(fieldsOf(withChanges({ installmentsByMode: { repair: plan } })).sort()).toEqual([
      'installmentsByMode.repair',
      'installmentsByMode.repair.1.milestone',
    ]);
  });
});

describe('named centralized sites', () => {
  const [first, second] = demoProgram.townships;
  if (!first || !second) throw new Error('the demo program has townships');
  const site = { id: 'zhelou', name: '者楼集中建房点', township: first.code, villages: [first.villages[0]?.code] };

  it('refuses a site in an unknown township, with a village of another township, or twice', () => {
    const body = withChanges({
      sites: [
        site,
        site,
        { ...site, id: 'elsewhere', township: '522327199' },
        { ...site, id: 'mixed', villages: [second.villages[0]?.code] },
      ],
    });
    expect(fieldsOf(body).sort()).toEqual(['sites.1.id', 'sites.2.township', 'sites.3.villages.0']);
  });

  it('asks a centralized household for its site, and the site must take its village', () => {
    const program = ProgramConfig.parse(withChanges({ sites: [site] }));
    const base = seedHousehold(0);
    const application = {
      programId: program.programId,
      head: base.head,
      members: [],
      category: 'extremely-poor' as const,
      villageCode: first.villages[0]?.code ?? '',
      house: { structure: 'earth' as const, areaM2: 40 },
      site: 'centralized' as const,
    };
    const ids = { householdId: 'h', now: '2026-01-01T00:00:00Z' };
    const pathsOf = (app: Parameters<typeof newHousehold>[0]) => {
      try {
        newHousehold(app, program, ids);
        return [];
      } catch (error) {
        return (error as ValidationError).fields.map((f) => f.path);
      }
    };
    expect(pathsOf(application)).toEqual(['siteId']);
    expect(pathsOf({ ...application, siteId: 'zhelou' })).toEqual([]);
    expect(pathsOf({ ...application, siteId: 'nowhere' })).toEqual(['siteId']);
    expect(pathsOf({ ...application, siteId: 'zhelou', villageCode: first.villages[1]?.code ?? '' })).toEqual([
      'siteId',
    ]);
    expect(pathsOf({ ...application, site: 'dispersed', siteId: 'zhelou' })).toEqual(['siteId']);
  });
});

describe('grade schemes and the categories a program covers', () => {
  it('qualifies C and D by default, and every 一 / 二 / 三级危房 in the seed scheme', () => {
    expect(eligibleGradesOf(demoProgram)).toEqual(['C', 'D']);
    expect(eligibleGradesOf(seedProgram)).toEqual(['level-3', 'level-2', 'level-1']);
    expect(usualModeOf(seedProgram, 'level-1')).toBe('rebuild');
    expect(usualModeOf(seedProgram, 'level-2')).toBe('repair');
    expect(checkEligibility({ grade: 'level-2', category: 'extremely-poor' }, seedProgram).eligible).toBe(true);
    // A grade of the other scheme never qualifies.
    const d = checkEligibility({ grade: 'D', category: 'extremely-poor' }, seedProgram);
    expect(d.eligible).toBe(false);
    expect(d.reasons[0]?.zh).toContain('一级危房');
    expect(gradeOutsideScheme(seedProgram, 'D')?.zh).toContain('不能评定为D级');
    expect(gradeOutsideScheme(seedProgram, 'level-3')).toBeUndefined();
  });

  it('lets a county override which grades qualify', () => {
    const strict = ProgramConfig.parse({
      ...seedProgram,
      gradeRules: [{ grade: 'level-3', eligible: false }],
      subsidyTiers: seedProgram.subsidyTiers.filter((t) => t.grade !== 'level-3'),
    });
    expect(eligibleGradesOf(strict)).toEqual(['level-2', 'level-1']);
    // A tier for a grade that does not qualify, and a rule for a grade of the other scheme, are refused.
    expect(fieldsOf({ ...strict, subsidyTiers: seedProgram.subsidyTiers }).length).toBeGreaterThan(0);
    expect(fieldsOf({ ...seedProgram, gradeRules: [{ grade: 'C', eligible: true }] })).toEqual(['gradeRules.0.grade']);
    expect(fieldsOf(withChanges({ subsidyTiers: [{ ...demoProgram.subsidyTiers[0], grade: 'B' }] }))).toEqual([
      'subsidyTiers.0.grade',
    ]);
  });

  it('covers general households (兼顾一般农户) only when the program says so', () => {
    expect(checkEligibility({ grade: 'D', category: 'other' }, demoProgram).eligible).toBe(false);
    expect(checkEligibility({ grade: 'level-1', category: 'other' }, seedProgram).eligible).toBe(true);
    expect(coveredCategoriesOf(seedProgram)).toContain('other');
  });

  it('asks for a tier for every covered category, mode and eligible grade', () => {
    const missing = missingTiers(seedProgram);
    expect(missing).toContainEqual({ category: 'registered-poor', mode: 'rebuild', grade: 'level-1' });
    expect(missing).not.toContainEqual({ category: 'other', mode: 'repair', grade: 'level-3' });
    expect(missing.every((m) => m.grade.startsWith('level-'))).toBe(true);
  });

  it('names grades together the way a report does', () => {
    expect(gradesInWords(['level-1'])).toBe('一级危房');
    expect(gradesInWords(['level-3', 'level-2'])).toBe('二、三级危房');
    expect(gradesInWords(['D', 'C'])).toBe('C、D级危房');
    expect(gradesInWords([])).toBeUndefined();
  });
});
