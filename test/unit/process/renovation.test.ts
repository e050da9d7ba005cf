import { describe, expect, it } from 'vitest';
import { ACTIONS, PHASES, type Phase, ROLES } from '../../../domain/model';
import {
  ACTIVE_PHASES,
  deadlineDays,
  humanStepOf,
  nextPhaseAfterRelease,
  outcomesOf,
  phaseAfterAgreement,
  RENOVATION,
  stepForAction,
  transition,
  UnknownTransitionError,
} from '../../../process/renovation';

const FOUR_INSTALLMENTS = {
  installments: [
    { milestone: 'agreement' },
    { milestone: 'foundation' },
    { milestone: 'roof' },
    { milestone: 'acceptance' },
  ],
};

describe('the renovation description', () => {
  it('has exactly one step for every non-terminal phase and none for the terminal ones', () => {
    const phases = RENOVATION.steps.map((step) => step.phase);

    expect(new Set(phases).size).toBe(phases.length);
    expect([...phases].sort()).toEqual([...ACTIVE_PHASES].sort());
    expect(Object.keys(RENOVATION.terminals).sort()).toEqual(['archived', 'rejected']);
  });

  it('completes every API action in exactly one step (or as a side action)', () => {
    for (const action of ACTIONS) {
      const step = stepForAction(action);
      expect(PHASES).toContain(step.phase);
      expect(ROLES).toContain(step.role);
    }
    const completing = RENOVATION.steps.flatMap((step) => (step.kind === 'human' ? [step.action] : []));
    expect(new Set(completing).size).toBe(completing.length);
  });

  it('gives each step the role and level domain.md assigns', () => {
    expect(humanStepOf('safety-appraisal')).toMatchObject({ role: 'construction', level: 'township' });
    expect(humanStepOf('village-appraisal')).toMatchObject({ role: 'civil-affairs', level: 'township' });
    expect(humanStepOf('township-review')).toMatchObject({ role: 'construction', level: 'township' });
    expect(humanStepOf('county-approval')).toMatchObject({ role: 'construction', level: 'county' });
    expect(humanStepOf('objection-review')).toMatchObject({ role: 'civil-affairs', level: 'county' });
    expect(humanStepOf('installment-release')).toMatchObject({ role: 'finance', level: 'county' });
    expect(humanStepOf('milestone-inspection')).toMatchObject({ role: 'inspector', level: 'township' });
    expect(humanStepOf('final-acceptance')).toMatchObject({ role: 'inspector', level: 'township' });
    expect(humanStepOf('public-notice')).toBeUndefined();
    expect(humanStepOf('archived')).toBeUndefined();
  });

  it('lets an objection be raised only during the public notice, by township civil-affairs staff', () => {
    expect(stepForAction('object')).toEqual({
      action: 'object',
      phase: 'public-notice',
      role: 'civil-affairs',
      level: 'township',
      side: true,
    });
    expect(stepForAction('township-review')).toMatchObject({ phase: 'township-review', side: false });
  });

  it('asks for photos before, during and after renovation where domain.md takes them', () => {
    expect(humanStepOf('safety-appraisal')?.evidence?.map((e) => e.kind)).toEqual(['before']);
    expect(humanStepOf('milestone-inspection')?.evidence?.map((e) => e.kind)).toEqual(['during']);
    expect(humanStepOf('final-acceptance')?.evidence?.map((e) => e.kind)).toEqual(['after', 'after-with-head']);
  });

  it('only leads to phases that exist', () => {
    for (const phase of ACTIVE_PHASES) {
      for (const targets of Object.values(outcomesOf(phase))) {
        for (const target of targets) expect(PHASES).toContain(target);
      }
    }
  });
});

describe('transition', () => {
  it.each<[Phase, string, Phase]>([
    ['safety-appraisal', 'qualified', 'village-appraisal'],
    ['safety-appraisal', 'not-qualified', 'rejected'],
    ['village-appraisal', 'approved', 'township-review'],
    ['village-appraisal', 'rejected', 'rejected'],
    ['township-review', 'approve', 'county-approval'],
    ['township-review', 'reject', 'rejected'],
    ['township-review', 'send-back', 'village-appraisal'],
    ['county-approval', 'approve', 'public-notice'],
    ['county-approval', 'reject', 'rejected'],
    ['county-approval', 'send-back', 'township-review'],
    ['public-notice', 'no-objection', 'agreement'],
    ['public-notice', 'objections', 'objection-review'],
    ['objection-review', 'upheld', 'township-review'],
    ['objection-review', 'dismissed', 'agreement'],
    ['milestone-inspection', 'pass', 'installment-release'],
    ['milestone-inspection', 'fail', 'milestone-inspection'],
    ['final-acceptance', 'pass', 'installment-release'],
    ['final-acceptance', 'fail', 'final-acceptance'],
    ['archiving', 'archived', 'archived'],
  ])('%s --%s--> %s', (phase, outcome, next) => {
    expect(transition(phase, outcome)).toBe(next);
  });

  it('throws for an outcome the step does not have', () => {
    expect(() => transition('township-review', 'approved')).toThrow(UnknownTransitionError);
    expect(() => transition('township-review', 'toString')).toThrow(UnknownTransitionError);
    expect(() => transition('archived', 'anything')).toThrow(UnknownTransitionError);
  });

  it('needs the installment plan for outcomes that depend on it', () => {
    expect(() => transition('agreement', 'signed')).toThrow(UnknownTransitionError);
    expect(transition('agreement', 'signed', { ...FOUR_INSTALLMENTS, nextInstallment: 0 })).toBe('installment-release');
    expect(transition('installment-release', 'released', { ...FOUR_INSTALLMENTS, nextInstallment: 1 })).toBe(
      'milestone-inspection',
    );
    expect(transition('installment-release', 'released', { ...FOUR_INSTALLMENTS, nextInstallment: 3 })).toBe(
      'final-acceptance',
    );
    expect(transition('installment-release', 'released', { ...FOUR_INSTALLMENTS, nextInstallment: 4 })).toBe(
      'archiving',
    );
  });
});

describe('the installment plan decides construction', () => {
  it('releases an advance at once after the agreement, otherwise inspects the first milestone', () => {
    expect(phaseAfterAgreement(FOUR_INSTALLMENTS)).toBe('installment-release');
    expect(phaseAfterAgreement({ installments: [{ milestone: 'foundation' }, { milestone: 'acceptance' }] })).toBe(
      'milestone-inspection',
    );
    expect(phaseAfterAgreement({ installments: [{ milestone: 'acceptance' }] })).toBe('final-acceptance');
  });

  it('after a release waits for the next installment milestone, and archives after the last one', () => {
    expect(nextPhaseAfterRelease(FOUR_INSTALLMENTS, 1)).toBe('milestone-inspection');
    expect(nextPhaseAfterRelease(FOUR_INSTALLMENTS, 2)).toBe('milestone-inspection');
    expect(nextPhaseAfterRelease(FOUR_INSTALLMENTS, 3)).toBe('final-acceptance');
    expect(nextPhaseAfterRelease(FOUR_INSTALLMENTS, 4)).toBe('archiving');
  });
});

describe('deadlineDays', () => {
  const config = { deadlines: { 'township-review': 5 }, noticeDays: 7 };

  it('uses the program deadline when set and the step default otherwise', () => {
    expect(deadlineDays('township-review', config)).toBe(5);
    expect(deadlineDays('county-approval', config)).toBe(humanStepOf('county-approval')?.defaultDeadlineDays);
  });

  it('is the notice length for the public notice and undefined for system phases', () => {
    expect(deadlineDays('public-notice', config)).toBe(7);
    expect(() => deadlineDays('archiving', config)).toThrow(UnknownTransitionError);
  });
});
