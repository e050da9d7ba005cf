import { demoApplication, demoProgram } from '../../../../contract/examples';
import type { Household, Phase } from '../../../../domain/model';
import { GENESIS_HASH } from '../../../../domain/rules/audit';
import { newHousehold } from '../../../../domain/rules/household';

export const NOW = new Date('2026-03-02T02:00:00.000Z');
export const HOUSEHOLD_ID = 'hh-0001';
export const TOKEN = 'token-open-1';

/** Demo application 1 lives in township 522327100: he.zhujian (construction), zhang.minzheng, luo.zhijian. */
export function household(overrides: Partial<Household> = {}): Household {
  const base = newHousehold(demoApplication(1), demoProgram, {
    householdId: HOUSEHOLD_ID,
    now: '2026-02-01T00:00:00.000Z',
  });
  return { ...base, ...overrides };
}

export function householdItem(h: Household, lastHash = GENESIS_HASH) {
  return { PK: `HH#${h.householdId}`, SK: 'HH', entity: 'household', ...h, lastHash };
}

export function openTaskItem(step: Phase, overrides: Record<string, unknown> = {}) {
  return {
    PK: `HH#${HOUSEHOLD_ID}`,
    SK: 'TASK',
    entity: 'task',
    householdId: HOUSEHOLD_ID,
    status: 'open',
    step,
    county: '522327',
    township: '522327100',
    role: 'construction',
    jurisdiction: '522327100',
    createdAt: '2026-02-01T00:00:00.000Z',
    dueAt: '2026-02-13T00:00:00.000Z',
    taskToken: TOKEN,
    ...overrides,
  };
}

export function programItem() {
  return { PK: `PROGRAM#${demoProgram.programId}`, SK: 'CONFIG', entity: 'program', config: demoProgram };
}
