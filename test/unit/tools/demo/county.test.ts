import { describe, expect, it } from 'vitest';
import { buildFundingPlan } from '../../../../domain/funding/plan';
import { Household, PHASES } from '../../../../domain/model';
import { verifyChain } from '../../../../domain/rules/audit';
import { isValidIdNumber } from '../../../../domain/rules/idNumber';
import { transition } from '../../../../process/renovation';
import { demoCountyHouseholds, demoCountyProgram } from '../../../../tools/demo/county';

const NOW = new Date('2026-11-30T08:00:00.000Z');
const seeded = demoCountyHouseholds(NOW);

describe('the demo county at the scale of seed 004', () => {
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

  it('spreads the households over every phase but the transient archiving', () => {
    const phases = new Set(seeded.map((s) => s.household.phase));
    expect([...phases].sort()).toEqual(PHASES.filter((p) => p !== 'archiving').sort());
  });

  it('gives every household an unbroken audit chain whose steps follow the workflow, in the past', () => {
    for (const { household, events } of seeded) {
      expect(verifyChain(events, household.version)).toEqual({ ok: true });
      expect(events.at(-1)?.toPhase).toBe(household.phase);
      expect(events.every((e) => Date.parse(e.at) < NOW.getTime())).toBe(true);
      let installments = 0;
      for (const event of events.slice(1)) {
        const outcome = String(event.details.outcome ?? '');
        if (event.type === 'object') continue;
        if (event.type === 'release-installment') installments += 1;
        expect(event.toPhase).toBe(
          transition(event.fromPhase ?? 'safety-appraisal', outcome, {
            installments: demoCountyProgram.installments,
            nextInstallment: installments,
          }),
        );
      }
    }
  });

  it('pays each released installment once, as planned, and keeps notices open past now', () => {
    for (const { household, payments } of seeded) {
      expect(payments.map((p) => p.installment)).toEqual(
        Array.from({ length: household.nextInstallment }, (_, i) => i),
      );
      if (payments.length === 0) continue;
      const plan = buildFundingPlan(demoCountyProgram, {
        householdId: household.householdId,
        approvedSubsidy: household.approvedSubsidy ?? 0,
      });
      expect(payments.map((p) => p.amount)).toEqual(plan.installments.slice(0, payments.length).map((i) => i.amount));
    }
    const inNotice = seeded.filter((s) => s.household.phase === 'public-notice');
    expect(inNotice.length).toBeGreaterThan(0);
    expect(inNotice.every((s) => Date.parse(s.household.noticeEndsAt ?? '') > NOW.getTime())).toBe(true);
    const objected = seeded.filter((s) => s.household.phase === 'objection-review');
    expect(objected.every((s) => s.objections.some((o) => o.status === 'open'))).toBe(true);
  });
});
