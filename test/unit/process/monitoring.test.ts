import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../../contract/routes';
import { LEDGER_ACTIONS } from '../../../domain/monitoring/actions';
import { MEASURES } from '../../../domain/monitoring/model';
import {
  isLedgerTerminal,
  LEDGER_STAGES,
  ledgerTransition,
  MONITORING,
  ownerOf,
  UnknownLedgerTransitionError,
} from '../../../process/monitoring';

describe('the monitoring process description', () => {
  it('leads every outcome to a stage with a step or to an end', () => {
    for (const step of MONITORING.steps) {
      for (const next of Object.values(step.outcomes)) {
        expect(
          isLedgerTerminal(next) || MONITORING.steps.some((s) => s.stage === next),
          `${step.stage} -> ${next}`,
        ).toBe(true);
      }
    }
  });

  it('reaches every stage from the check or a side action', () => {
    const reached = new Set<string>(['check']);
    for (const side of MONITORING.sideActions) if (side.starts) reached.add(side.starts);
    for (let round = 0; round < LEDGER_STAGES.length; round++) {
      for (const step of MONITORING.steps) {
        if (reached.has(step.stage)) for (const next of Object.values(step.outcomes)) reached.add(next);
      }
    }
    expect([...reached].sort()).toEqual([...LEDGER_STAGES].sort());
  });

  it('closes an unsafe house by every measure: renovation by following it, the others by a signed closing', () => {
    expect(ledgerTransition('check', 'unsafe')).toBe('measure');
    expect(ledgerTransition('check', 'safe')).toBe('safe');
    for (const measure of MEASURES) {
      expect(ledgerTransition('measure', measure)).toBe(measure === 'renovation' ? 'renovation' : 'closing');
    }
    expect(ledgerTransition('renovation', 'accepted')).toBe('closed');
    expect(ledgerTransition('renovation', 'rejected')).toBe('measure');
    expect(ledgerTransition('closing', 'closed')).toBe('closed');
    expect(() => ledgerTransition('closing', 'renovation')).toThrow(UnknownLedgerTransitionError);
  });

  it('gives the check, the measure and the closing to the township’s construction staff', () => {
    expect(ownerOf('check')).toMatchObject({ roles: ['construction'], level: 'township', completes: 'check' });
    expect(ownerOf('choose-measure')).toMatchObject({ roles: ['construction'], level: 'township' });
    expect(ownerOf('close')).toMatchObject({ roles: ['construction'], level: 'township' });
    expect(ownerOf('visit').roles).toEqual(['inspector', 'construction']);
    expect(ownerOf('report-disaster').roles).toEqual(['construction', 'civil-affairs']);
  });

  it.each(LEDGER_ACTIONS)('lets the contract call %s exactly as the description says', (action) => {
    const route = ROUTES[`POST /monitoring/cases/{id}/actions/${action}` as keyof typeof ROUTES];
    const owner = ownerOf(action);
    expect('access' in route ? route.access : undefined).toEqual({
      roles: owner.roles,
      within: owner.level === 'county' ? 'county-level' : 'township',
    });
  });
});
