import { describe, expect, it } from 'vitest';
import { restartAtParkedStep } from '../../../twin/recovery';

describe("Anju's recovery of an execution left running", () => {
  it('restarts at the step of the callback task it was parked on', () => {
    const parked = {
      state: 'TownshipReview',
      payload: { householdId: 'hh-1', step: 'township-review', taskToken: '<token>' },
    };
    expect(restartAtParkedStep({ householdId: 'hh-1', phase: 'safety-appraisal' }, parked)).toEqual({
      householdId: 'hh-1',
      phase: 'township-review',
    });
  });

  it('keeps the original input when it was parked on nothing or on a task without a step', () => {
    const original = { householdId: 'hh-1', phase: 'public-notice' };
    expect(restartAtParkedStep(original, undefined)).toEqual(original);
    expect(restartAtParkedStep(original, { state: 'OpenNotice', payload: { householdId: 'hh-1' } })).toEqual(original);
    expect(restartAtParkedStep(['not', 'an', 'object'], { state: 'X', payload: { step: 'agreement' } })).toEqual([
      'not',
      'an',
      'object',
    ]);
  });
});
