import { describe, expect, it } from 'vitest';
import { demoProgram } from '../../../contract/examples';
import type { LedgerPayment } from '../../../domain/funding/bank';
import type { Household, RaisedFlag } from '../../../domain/model';
import { type AuditedHousehold, auditFindings, summarizeFindings } from '../../../domain/rules/audit-report';
import { household } from '../functions/support/fixtures';

const PERIOD = { from: '2026-04-01', to: '2026-06-30' };
const raised = (kind: RaisedFlag['kind'], raisedAt: string, more: Partial<RaisedFlag> = {}): RaisedFlag => ({
  kind,
  subject: kind === 'stage-too-soon' ? 'step' : kind === 'gps-missing' ? 'photo' : 'household',
  ref: kind === 'stage-too-soon' ? 'foundation#1' : kind === 'gps-missing' ? 'ph-1' : 'household',
  raisedBy: 'luo.zhijian',
  raisedAt,
  ...more,
});

function entry(h: Partial<Household>, more: Partial<AuditedHousehold> = {}): AuditedHousehold {
  return { household: household(h), events: [], inspections: [], payments: [], ...more };
}

const report = (households: AuditedHousehold[], asOf = '2026-06-30') =>
  // The default policy: the demo program makes build-time flags warnings.
  auditFindings({
    county: '522327',
    period: PERIOD,
    programOf: () => ({ ...demoProgram, flagPolicy: undefined }),
    households,
    asOf,
  });

describe('auditFindings', () => {
  it('lists every flag raised in the period with its level and override, and duplicates again as matches', () => {
    const findings = report([
      entry({
        flags: [
          raised('stage-too-soon', '2026-05-01T02:00:00.000Z'),
          raised('person-already-claimed', '2026-04-02T02:00:00.000Z', { related: ['hh-old'] }),
          raised('gps-missing', '2026-03-01T02:00:00.000Z'),
        ],
        overrides: [
          {
            flag: 'stage-too-soon',
            refs: ['foundation#1'],
            reason: '现场核实',
            by: 'li.zhujian',
            role: 'construction',
            at: '2026-05-02T02:00:00.000Z',
          },
        ],
      }),
    ]);
    expect(findings.map((f) => [f.kind, f.what, f.level, f.overriddenBy])).toEqual([
      ['flag', 'person-already-claimed', 'block', undefined],
      ['duplicate', 'person-already-claimed', 'block', undefined],
      ['flag', 'stage-too-soon', 'block', 'li.zhujian'],
      ['override', 'stage-too-soon', undefined, undefined],
    ]);
    expect(findings[3]).toMatchObject({ by: 'li.zhujian', note: { zh: '现场核实' }, householdId: 'hh-0001' });
    expect(JSON.stringify(findings)).not.toContain(household().head.idNumber);
  });

  it('lists a notice reopened by an upheld objection, and not a dismissed one', () => {
    const findings = report([
      entry(
        {},
        {
          events: [
            {
              type: 'resolve-objection',
              at: '2026-04-10T02:00:00.000Z',
              actor: 'wang.minzheng',
              details: { resolution: 'upheld', explanation: '收入不符' },
            },
            {
              type: 'resolve-objection',
              at: '2026-04-11T02:00:00.000Z',
              actor: 'wang.minzheng',
              details: { resolution: 'dismissed' },
            },
          ],
        },
      ),
    ]);
    expect(findings.map((f) => [f.kind, f.by])).toEqual([['reopened-notice', 'wang.minzheng']]);
  });

  it('lists an approved rebuild whose planned area is over the limit for its household size', () => {
    const onePerson = { members: [], mode: 'rebuild' as const, approvedSubsidy: 3_500_000 };
    const findings = report([entry({ ...onePerson, plannedAreaM2: 75 }), entry({ ...onePerson, plannedAreaM2: 50 })]);
    expect(findings.map((f) => [f.kind, f.what])).toEqual([['floor-area', 'over-limit']]);
    expect(findings[0]?.note?.zh).toContain('60');
  });

  it('lists late payments as of the period end: not released, not approved, not answered, not retried', () => {
    const released: LedgerPayment = {
      householdId: 'hh-0001',
      installment: 0,
      amount: 1_050_000,
      status: 'released',
      reference: 'hh-0001-00',
      releasedBy: 'chen.caizheng',
      releasedAt: '2026-06-01T02:00:00.000Z',
    };
    const funded = { approvedSubsidy: 3_500_000, phase: 'milestone-inspection' as const };
    const findings = report([
      // Advance released a month ago and never approved: the second signature is 24 days late.
      entry(funded, { payments: [released] }),
      // The foundation passed on 2026-05-01; its installment (index 1) was never released.
      entry(
        { ...funded, householdId: 'hh-2' },
        {
          payments: [
            { ...released, householdId: 'hh-2', approvedBy: 'qian.caizheng', approvedAt: '2026-06-25T02:00:00.000Z' },
          ],
          inspections: [{ milestone: 'foundation', round: 1, date: '2026-05-01', result: 'pass' }],
        },
      ),
      entry(
        { ...funded, householdId: 'hh-3' },
        {
          payments: [
            {
              ...released,
              householdId: 'hh-3',
              status: 'failed',
              approvedBy: 'qian.caizheng',
              approvedAt: '2026-06-02T02:00:00.000Z',
              failureReason: '账户冻结',
            },
          ],
        },
      ),
    ]);
    expect(findings.map((f) => [f.householdId, f.what, f.installment, f.daysLate])).toEqual([
      ['hh-2', 'not-released', 1, 45],
      ['hh-0001', 'awaiting-approval', 0, 24],
      ['hh-3', 'failed-not-retried', 0, 18],
    ]);
    expect(demoProgram.installments[1]?.milestone).toBe('foundation');
  });

  it('leaves out other counties and the period’s outside; counts per kind and township', () => {
    const findings = report([
      entry({ flags: [raised('roster-relocation', '2026-04-05T02:00:00.000Z')] }),
      entry({ county: '520123', flags: [raised('roster-relocation', '2026-04-05T02:00:00.000Z')] }),
      entry({ flags: [raised('roster-relocation', '2026-07-05T02:00:00.000Z')] }),
    ]);
    const summary = summarizeFindings(findings);
    expect(summary.byKind).toMatchObject({ flag: 1, duplicate: 1, override: 0, 'late-payment': 0 });
    expect(summary.byTownship).toEqual([{ township: '522327100', findings: 2, blocking: 1, overridden: 0 }]);
  });
});
