import { describe, expect, it } from 'vitest';
import { demoApplication, demoProgram } from '../../../../contract/examples';
import type { LedgerPayment } from '../../../../domain/funding/bank';
import { LOOKUP_LIMITS, limitKey, limitWindow } from '../../../../domain/monitoring/lookup-limits';
import {
  maskName,
  newStatusCode,
  printedCode,
  publicStatus,
  sameName,
  sameSecret,
} from '../../../../domain/monitoring/public-status';
import { newHousehold } from '../../../../domain/rules/household';

const base = newHousehold(demoApplication(1), demoProgram, { householdId: 'hh-1', now: '2026-02-01T00:00:00.000Z' });
const approved = { ...base, grade: 'D' as const, mode: 'rebuild' as const, approvedSubsidy: 3_000_000 };

function payment(installment: number, overrides: Partial<LedgerPayment> = {}): LedgerPayment {
  return {
    householdId: 'hh-1',
    installment,
    amount: 900_000,
    status: 'released',
    reference: `hh-1-0${installment}`,
    releasedBy: 'chen.caizheng',
    releasedAt: '2026-03-01T02:00:00.000Z',
    ...overrides,
  };
}

describe("the household's own view", () => {
  it('shows the phase, the next step and the office that owns it, in people’s words', () => {
    const status = publicStatus({
      household: { ...approved, phase: 'milestone-inspection', nextInstallment: 1 },
      program: demoProgram,
      payments: [payment(0, { status: 'paid', paidAt: '2026-03-03T02:00:00.000Z', approvedBy: 'qian.caizheng' })],
      taskDueAt: '2026-04-10T16:30:00.000Z',
    });
    expect(status.phase).toEqual({
      code: 'milestone-inspection',
      title: { zh: '节点验收', en: 'Milestone inspection' },
    });
    expect(status.nextStep).toEqual({
      title: { zh: '施工节点验收（地基验收）', en: 'Inspection of the works (地基验收)' },
      owner: { zh: '者楼镇质检验收组', en: 'Inspection team of 者楼镇' },
      yourPart: expect.objectContaining({ zh: expect.stringContaining('告知乡镇验收') }),
      dueOn: '2026-04-11',
    });
    expect(status.place).toEqual({ township: '者楼镇', village: expect.any(String) });
  });

  it('lists every installment of the plan with its amount in 元 and whether it was released or paid', () => {
    const status = publicStatus({
      household: { ...approved, phase: 'milestone-inspection', nextInstallment: 2 },
      program: demoProgram,
      payments: [
        payment(0, { status: 'paid', paidAt: '2026-03-03T02:00:00.000Z', approvedBy: 'qian.caizheng' }),
        payment(1, { amount: 900_000 }),
      ],
    });
    expect(status.installments.map((i) => [i.number, i.label, i.amountText.zh, i.status])).toEqual([
      [1, '开工预拨', '9,000.00 元', 'paid'],
      [2, '地基验收', '9,000.00 元', 'released'],
      [3, '主体验收', '6,000.00 元', 'planned'],
      [4, '竣工验收', '6,000.00 元', 'planned'],
    ]);
    expect(status.installments[0]?.paidOn).toBe('2026-03-03');
    expect(status.totals).toEqual({ approved: 3_000_000, paid: 900_000 });
  });

  it('masks the head’s name and ID number and carries nothing else of the file', () => {
    const status = publicStatus({ household: { ...approved, phase: 'archived' }, program: demoProgram, payments: [] });
    expect(status.head.name).toBe(maskName(approved.head.name));
    expect(status.head.idNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
    expect(status.nextStep).toBeUndefined();
    const text = JSON.stringify(status);
    for (const secret of [
      approved.head.idNumber,
      approved.householdId,
      approved.bankAccount ?? '—',
      approved.head.phone ?? '—',
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('names and codes', () => {
  it('masks names keeping the first and last character', () => {
    expect(maskName('王明光')).toBe('王*光');
    expect(maskName('王明')).toBe('王*');
    expect(maskName('阿不都热合曼')).toBe('阿****曼');
  });

  it('compares names as typed (spaces, middle dots) and codes exactly', () => {
    expect(sameName(' 阿不都·热合曼 ', '阿不都热合曼')).toBe(true);
    expect(sameName('王明', '王明光')).toBe(false);
    expect(sameSecret('12345678', '12345678')).toBe(true);
    expect(sameSecret('12345679', '12345678')).toBe(false);
  });

  it('makes 8-digit codes, printed in two groups', () => {
    const codes = new Set(Array.from({ length: 200 }, () => newStatusCode()));
    for (const code of codes) expect(code).toMatch(/^\d{8}$/);
    expect(codes.size).toBeGreaterThan(195);
    expect(printedCode('04821736')).toBe('0482 1736');
  });
});

describe('lookup limits', () => {
  it('counts in fixed windows and says when to try again', () => {
    const window = limitWindow(LOOKUP_LIMITS['id-number'], new Date('2026-05-10T15:30:00Z'));
    expect(new Date(window.start * 1000).toISOString()).toBe('2026-05-10T00:00:00.000Z');
    expect(window.retryAt).toBe('2026-05-11T00:00:00.000Z');
    expect(window.expiresAt).toBeGreaterThan(window.start + 86_400);
  });

  it('keys counters by a salted hash, never by the address or the number', () => {
    const key = limitKey('id-number', '522327195003150011');
    expect(key).toMatch(/^[0-9a-f]{40}$/);
    expect(key).not.toBe(limitKey('source', '522327195003150011'));
  });
});
