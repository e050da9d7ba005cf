import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoApplication, demoProgram } from '../../../contract/examples';
import { type Household, PHASES } from '../../../domain/model';
import { newHousehold } from '../../../domain/rules/household';
import {
  addCells,
  progressCells,
  progressDelta,
  progressFigures,
  progressStatus,
  spotCheckCoverage,
} from '../../../domain/rules/progress';

const plan = demoProgram; // agreement (advance), foundation, main-structure, acceptance

function household(n: number, overrides: Partial<Household> = {}): Household {
  const base = newHousehold(demoApplication(n), demoProgram, { householdId: `hh-${n}`, now: '2026-01-01T00:00:00Z' });
  return { ...base, ...overrides };
}

describe('progressStatus', () => {
  it('follows a household through the four-installment plan of the seed county', () => {
    const at = (phase: Household['phase'], next: number) => progressStatus(phase, next, plan);
    expect(at('county-approval', 0)).toEqual({ status: 'in-review' });
    expect(at('objection-review', 0)).toEqual({ status: 'in-notice' });
    expect(at('agreement', 0)).toEqual({ status: 'not-started' });
    // Signed: the advance is due; works head for the foundation.
    expect(at('installment-release', 0)).toEqual({ status: 'under-construction', towards: 'foundation' });
    expect(at('milestone-inspection', 1)).toEqual({ status: 'under-construction', towards: 'foundation' });
    // Foundation passed, its installment waits; then the main structure is built.
    expect(at('installment-release', 1)).toEqual({ status: 'under-construction', towards: 'main-structure' });
    expect(at('milestone-inspection', 2)).toEqual({ status: 'under-construction', towards: 'main-structure' });
    // Main structure passed: decorating until the final acceptance.
    expect(at('installment-release', 2)).toEqual({ status: 'main-structure-finished' });
    expect(at('final-acceptance', 3)).toEqual({ status: 'main-structure-finished' });
    expect(at('installment-release', 3)).toEqual({ status: 'completed' });
    expect(at('archiving', 4)).toEqual({ status: 'completed' });
    expect(at('archived', 4)).toEqual({ status: 'archived' });
    expect(at('rejected', 0)).toEqual({ status: 'rejected' });
  });

  it('heads for the acceptance when a plan has no inspected milestone', () => {
    const twoStep = { installments: [{ milestone: 'agreement' }, { milestone: 'acceptance' }] };
    expect(progressStatus('installment-release', 0, twoStep)).toEqual({
      status: 'under-construction',
      towards: 'acceptance',
    });
    expect(progressStatus('installment-release', 1, twoStep)).toEqual({ status: 'completed' });
  });
});

describe('progress counters', () => {
  it('counts mode, site, point and area only for approved households', () => {
    const inReview = progressCells(household(5, { phase: 'township-review' }));
    expect(inReview).toEqual({ n: 1, 'p.township-review': 1 });
    const approved = progressCells(
      household(5, { phase: 'agreement', mode: 'rebuild', plannedAreaM2: 62.5, spotCheck: { visited: true } }),
    );
    // demoApplication(5) is centralized (every fifth) in a village of the program.
    expect(approved).toEqual({
      n: 1,
      'p.agreement': 1,
      'mode.rebuild': 1,
      'site.centralized': 1,
      [`pt.${demoApplication(5).villageCode}`]: 1,
      area: 6250,
      cc: 1,
      cv: 1,
    });
  });

  it('a delta moves a household between cells and leaves nothing else', () => {
    const before = household(1, { phase: 'milestone-inspection', nextInstallment: 1, mode: 'repair' });
    const after = { ...before, phase: 'installment-release' as const };
    expect(progressDelta(before, after)).toEqual({
      'p.milestone-inspection': -1,
      'pi.milestone-inspection.1': -1,
      'p.installment-release': 1,
      'pi.installment-release.1': 1,
    });
    expect(progressDelta(after, after)).toEqual({});
  });

  it('summed deltas of any run of changes equal the cells of where the households ended', () => {
    const change = fc.record({
      who: fc.integer({ min: 0, max: 4 }),
      phase: fc.constantFrom(...PHASES),
      next: fc.integer({ min: 0, max: 4 }),
      mode: fc.constantFrom('rebuild', 'repair', undefined),
      visited: fc.constantFrom(true, false, undefined),
    });
    fc.assert(
      fc.property(fc.array(change, { maxLength: 40 }), (changes) => {
        const current = [0, 1, 2, 3, 4].map((n) => household(n));
        const counters = {};
        for (const h of current) addCells(counters, progressDelta(undefined, h));
        for (const c of changes) {
          const before = current[c.who] as Household;
          const after: Household = {
            ...before,
            phase: c.phase,
            nextInstallment: c.next,
            mode: c.mode,
            spotCheck: c.visited === undefined ? undefined : { visited: c.visited },
          };
          addCells(counters, progressDelta(before, after));
          current[c.who] = after;
        }
        const recount = {};
        for (const h of current) addCells(recount, progressCells(h));
        const nonZero = (cells: Record<string, number>) =>
          Object.fromEntries(Object.entries(cells).filter(([, v]) => v));
        expect(nonZero(counters)).toEqual(nonZero(recount));
      }),
    );
  });

  it('derives the report figures of a township from its cells', () => {
    const households = [
      household(1, { phase: 'safety-appraisal' }),
      household(2, { phase: 'agreement', mode: 'repair', spotCheck: { visited: false } }),
      household(3, { phase: 'milestone-inspection', nextInstallment: 1, mode: 'rebuild', plannedAreaM2: 60 }),
      household(4, { phase: 'final-acceptance', nextInstallment: 3, mode: 'rebuild', plannedAreaM2: 40 }),
      household(5, { phase: 'archived', nextInstallment: 4, mode: 'rebuild', plannedAreaM2: 55 }),
      household(6, { phase: 'rejected', spotCheck: { visited: true } }),
    ];
    const cells = {};
    for (const h of households) addCells(cells, progressCells(h));
    const figures = progressFigures(cells, plan, 10);
    expect(figures).toMatchObject({
      registered: 6,
      approved: 4,
      quotaLeft: 6,
      byMode: { rebuild: 3, repair: 1 },
      // Only household 5 (archived) is centralized.
      bySite: { centralized: 1, centralizedPoints: 1, dispersed: 3 },
      floorAreaM2: demoApplication(2).house.areaM2 + 60 + 40 + 55,
      status: {
        inReview: 1,
        notStarted: 1,
        underConstruction: 1,
        underConstructionByMilestone: { foundation: 1, 'main-structure': 0, acceptance: 0 },
        mainStructureFinished: 1,
        completed: 0,
        archived: 1,
        rejected: 1,
      },
      spotCheck: { decidedByCounty: 2, visited: 1 },
    });
  });
});

describe('spotCheckCoverage', () => {
  it('flags a shortfall below the required ratio and is met at exactly the ratio', () => {
    expect(spotCheckCoverage(10, 4, 0.5)).toMatchObject({ requiredVisits: 5, shortfall: 1, met: false, coverage: 0.4 });
    expect(spotCheckCoverage(10, 5, 0.5)).toMatchObject({ requiredVisits: 5, shortfall: 0, met: true });
    expect(spotCheckCoverage(7, 4, 0.5)).toMatchObject({ requiredVisits: 4, met: true });
    expect(spotCheckCoverage(0, 0, 0.5)).toMatchObject({ coverage: null, met: true });
  });
});
