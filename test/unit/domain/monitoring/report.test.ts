import { describe, expect, it } from 'vitest';
import type { FollowUpVisit, LedgerCase, LedgerCheck } from '../../../../domain/monitoring/model';
import { monitoringReport } from '../../../../domain/monitoring/report';

const T1 = '522327100';
const T2 = '522327101';

function check(overrides: Partial<LedgerCheck>): LedgerCheck {
  return {
    checkId: '2026-05',
    county: '522327',
    month: '2026-05',
    kind: 'monthly',
    ledgerId: 'mh-1',
    township: T1,
    villageCode: `${T1}201`,
    headName: '韦明光',
    idMasked: '522327********0011',
    persons: 3,
    categoryName: '低保户',
    change: 'unchanged',
    changedFields: [],
    status: 'open',
    dueOn: '2026-05-20',
    ...overrides,
  };
}

function result(unsafe: boolean, onTime: boolean, extra: Partial<NonNullable<LedgerCheck['result']>> = {}) {
  return {
    housingType: 'own-house' as const,
    grade: unsafe ? ('D' as const) : ('B' as const),
    appraisedOn: '2026-05-10',
    technician: '罗建国',
    findings: '—',
    photoIds: ['p'],
    recordedBy: 'he.zhujian',
    recordedAt: '2026-05-10T02:00:00Z',
    unsafe,
    onTime,
    flags: [],
    ...extra,
  };
}

function aCase(overrides: Partial<LedgerCase>): LedgerCase {
  return {
    caseId: 'mc-1',
    ledgerId: 'mh-1',
    county: '522327',
    township: T1,
    villageCode: `${T1}201`,
    headName: '韦明光',
    cause: 'monthly-check',
    openedAt: '2026-05-10T02:00:00Z',
    openedMonth: '2026-05',
    openedBy: 'he.zhujian',
    stage: 'measure',
    dueOn: '2026-05-24',
    ...overrides,
  };
}

const closing = (measure: 'renovation' | 'rental', month: string) => ({
  measure,
  closedAt: `${month}-15T02:00:00Z`,
  closedMonth: month,
  closedBy: 'he.zhujian',
  signedBy: '何勇',
  signedOn: `${month}-15`,
  arrangement: '—',
  photoIds: [],
});

function visit(overrides: Partial<FollowUpVisit>): FollowUpVisit {
  return {
    ledgerId: 'mh-9',
    householdId: 'hh-9',
    county: '522327',
    township: T2,
    villageCode: `${T2}201`,
    headName: '王秀英',
    months: 6,
    acceptedOn: '2025-11-20',
    dueOn: '2026-05-20',
    status: 'open',
    ...overrides,
  };
}

describe('the monthly monitoring report', () => {
  const report = monitoringReport({
    county: '522327',
    countyName: '册亨县',
    month: '2026-05',
    today: '2026-06-10',
    generatedAt: '2026-06-10T02:00:00Z',
    townships: [
      { code: T1, name: '者楼镇' },
      { code: T2, name: '丫他镇' },
    ],
    checks: [
      check({ ledgerId: 'a', change: 'new', status: 'done', result: result(true, true) }),
      check({ ledgerId: 'b', status: 'done', result: result(false, false, { flags: ['housing-type-changed'] }) }),
      check({ ledgerId: 'c', change: 'changed' }),
      check({
        ledgerId: 'd',
        township: T2,
        status: 'done',
        result: result(false, true, { housingType: 'other-safe-housing' }),
      }),
      check({
        ledgerId: 'a',
        checkId: '2026-05-r1',
        kind: 'reappraisal',
        change: undefined,
        status: 'done',
        result: result(true, true),
      }),
    ],
    cases: [
      aCase({ caseId: 'open-overdue' }),
      aCase({ caseId: 'renovating', stage: 'renovation', dueOn: undefined }),
      aCase({ caseId: 'closed-rental', stage: 'closed', closing: closing('rental', '2026-05') }),
      aCase({ caseId: 'closed-later', stage: 'closed', closing: closing('renovation', '2026-06') }),
      aCase({
        caseId: 'old-closed',
        openedMonth: '2026-03',
        stage: 'closed',
        closing: closing('renovation', '2026-04'),
      }),
      aCase({ caseId: 'disaster', cause: 'disaster', township: T2, dueOn: '2026-06-30' }),
      aCase({ caseId: 'next-month', openedMonth: '2026-06' }),
    ],
    visits: [
      visit({ status: 'done', result: { livedIn: false, visitedOn: '2026-05-21', photoIds: ['p'], by: 'x', at: 'x' } }),
      visit({ householdId: 'hh-8', dueOn: '2026-05-02' }),
      visit({
        householdId: 'hh-7',
        dueOn: '2026-04-02',
        status: 'done',
        result: { livedIn: true, visitedOn: '2026-04-03', photoIds: ['p'], by: 'x', at: 'x' },
      }),
      // Made this month, a month before it falls due; and one due next month, not made yet.
      visit({
        householdId: 'hh-6',
        dueOn: '2026-06-12',
        status: 'done',
        result: { livedIn: true, visitedOn: '2026-05-20', photoIds: ['p'], by: 'x', at: 'x' },
      }),
      visit({ householdId: 'hh-5', dueOn: '2026-06-25' }),
    ],
  });

  it('counts the roster, the checks on time, late and open, and the unsafe houses found', () => {
    expect(report.asOf).toBe('2026-05-31');
    expect(report.total.roster).toEqual({ size: 4, new: 1, changed: 1, left: 0 });
    expect(report.total.checks).toEqual({
      onTime: 2,
      late: 1,
      open: 1,
      overdue: 1,
      reappraisals: 1,
      unsafe: 2,
      otherSafeHousing: 1,
      flagged: 1,
    });
  });

  it('counts cases opened, open at the month’s end, overdue and closed by measure', () => {
    expect(report.total.cases).toMatchObject({
      opened: 5,
      openedByCause: { 'monthly-check': 4, reappraisal: 0, disaster: 1 },
      openAtEnd: 4,
      inRenovation: 1,
      overdue: 1,
      closed: 1,
      closedByMeasure: { renovation: 0, rental: 1, replacement: 0, 'public-housing': 0, relatives: 0 },
    });
  });

  it('counts the visits due and done, and the houses found not lived in', () => {
    expect(report.total.visits).toEqual({ due: 2, done: 2, overdue: 1, notLivedIn: 1 });
  });

  it('splits every count by township, with its name, and the total is their sum', () => {
    expect(report.townships.map((t) => [t.name, t.roster.size, t.cases.opened, t.visits.notLivedIn])).toEqual([
      ['者楼镇', 3, 4, 0],
      ['丫他镇', 1, 1, 1],
    ]);
  });
});
