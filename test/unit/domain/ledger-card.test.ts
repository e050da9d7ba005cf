import { describe, expect, it } from 'vitest';
import { demoApplication, demoProgram } from '../../../contract/examples';
import { escapeHtml, type LedgerCardInput, renderLedgerCard } from '../../../domain/ledger-card';
import type { AuditEvent, Household } from '../../../domain/model';
import { GENESIS_HASH, sealEvent } from '../../../domain/rules/audit';
import { newHousehold } from '../../../domain/rules/household';

const HEAD_ID = demoApplication(1).head.idNumber;

function archivedHousehold(overrides: Partial<Household> = {}): Household {
  const base = newHousehold(demoApplication(1), demoProgram, { householdId: 'hh-7', now: '2025-03-01T00:00:00.000Z' });
  return {
    ...base,
    phase: 'archived',
    version: 4,
    grade: 'D',
    mode: 'rebuild',
    approvedSubsidy: 3_500_050,
    members: [{ name: '王小明', relation: '子', idNumber: '52232720100101001X' }],
    ...overrides,
  };
}

function chain(steps: { type: string; actor: string; at: string; details?: Record<string, unknown> }[]): AuditEvent[] {
  const events: AuditEvent[] = [];
  let prev = { hash: GENESIS_HASH };
  steps.forEach((step, index) => {
    const event = sealEvent(prev, {
      householdId: 'hh-7',
      seq: index + 1,
      at: step.at,
      actor: step.actor,
      role: 'construction',
      type: step.type,
      details: step.details ?? {},
    });
    events.push(event);
    prev = event;
  });
  return events;
}

function input(overrides: Partial<LedgerCardInput> = {}): LedgerCardInput {
  return {
    household: archivedHousehold(),
    events: chain([
      { type: 'register', actor: 'he.zhujian', at: '2025-03-01T01:00:00.000Z' },
      {
        type: 'sign-agreement',
        actor: 'he.zhujian',
        at: '2025-05-06T02:00:00.000Z',
        details: {
          outcome: 'signed',
          signedOn: '2025-05-06',
          plannedStart: '2025-05-12',
          plannedFinish: '2025-08-30',
          ownFunds: 800_000,
          bankLoan: 1_500_000,
        },
      },
      { type: 'inspect', actor: 'luo.zhijian', at: '2025-06-02T03:00:00.000Z', details: { outcome: 'fail' } },
      { type: 'accept', actor: 'zhao.zhijian', at: '2025-09-05T03:00:00.000Z', details: { outcome: 'pass' } },
    ]),
    inspections: [
      {
        householdId: 'hh-7',
        milestone: 'acceptance',
        round: 1,
        inspector: 'zhao.zhijian',
        date: '2025-09-05',
        checklist: { ok: true },
        result: 'pass',
        photoIds: ['ph-after'],
      },
    ],
    payments: [{ installment: 0, amount: 1_050_015, status: 'paid' }],
    photos: [
      {
        photoId: 'ph-before',
        kind: 'before',
        step: 'safety-appraisal',
        flags: [],
        url: 'https://s3/b?X-Amz-Signature=1&a=2',
      },
      { photoId: 'ph-during', kind: 'during', step: 'milestone-inspection', flags: ['gps-far'], url: 'https://s3/d' },
      { photoId: 'ph-after', kind: 'after', step: 'final-acceptance', flags: [], url: 'https://s3/a' },
      { photoId: 'ph-head', kind: 'after-with-head', step: 'final-acceptance', flags: [], url: 'https://s3/h' },
    ],
    generatedAt: '2025-09-10T00:00:00.000Z',
    programName: demoProgram.name,
    ...overrides,
  };
}

describe('the printable ledger card', () => {
  it('escapes every character that could open markup or break out of an attribute', () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe(
      '&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;',
    );
  });

  it('writes values people typed as text, never as markup', () => {
    const hostile = archivedHousehold({
      head: { name: '<script>alert(1)</script>', idNumber: HEAD_ID },
      members: [{ name: '"><b>x</b>', relation: '子' }],
    });
    const html = renderLedgerCard(
      input({
        household: hostile,
        photos: [{ photoId: 'p"1', kind: 'during', step: 's', flags: [], url: 'https://s3/x"onload="evil()' }],
      }),
    );

    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<b>x</b>');
    expect(html).not.toContain('"onload="evil()');
    expect(html).toContain('src="https://s3/x&quot;onload=&quot;evil()"');
  });

  it('masks every ID number: no full number of the head or a member appears on the page', () => {
    const html = renderLedgerCard(input());

    expect(html).not.toContain(HEAD_ID);
    expect(html).not.toContain('52232720100101001X');
    expect(html).toContain(`${HEAD_ID.slice(0, 6)}********${HEAD_ID.slice(-4)}`);
    expect(html).toContain('522327********001X');
  });

  it('lists every event of the audit trail with who signed and when (China time)', () => {
    const card = input();
    const html = renderLedgerCard(card);

    for (const event of card.events) {
      expect(html).toContain(`data-seq="${event.seq}"`);
      expect(html).toContain(event.hash.slice(0, 12));
    }
    expect(html).toContain('签订改造协议');
    expect(html).toContain('luo.zhijian');
    // 2025-06-02T03:00Z is 11:00 in Beijing.
    expect(html).toContain('2025-06-02 11:00');
  });

  it('shows every photo under before, during and after, with its URL as the image source', () => {
    const card = input();
    const html = renderLedgerCard(card);

    for (const photo of card.photos) {
      expect(html).toContain(`data-photo-id="${photo.photoId}"`);
      expect(html).toContain(`src="${escapeHtml(photo.url)}"`);
    }
    const before = html.indexOf('改造前</h3>');
    const during = html.indexOf('改造中</h3>');
    const after = html.indexOf('改造后</h3>');
    expect(before).toBeGreaterThan(-1);
    expect(html.indexOf('data-photo-id="ph-before"')).toBeGreaterThan(before);
    expect(html.indexOf('data-photo-id="ph-during"')).toBeGreaterThan(during);
    expect(html.indexOf('data-photo-id="ph-head"')).toBeGreaterThan(after);
    expect(html).toContain('拍摄位置距房屋较远');
    expect(html).not.toContain('gps-far');
  });

  it('shows grade, mode, the money in yuan to the fen, and the agreement and acceptance dates', () => {
    const html = renderLedgerCard(input());

    expect(html).toContain('D级（整体危险）');
    expect(html).toContain('拆除重建');
    expect(html).toContain('35,000.50 元');
    expect(html).toContain('8,000.00 元');
    expect(html).toContain('15,000.00 元');
    expect(html).toContain('10,500.15 元');
    expect(html).toContain('2025-05-12 / 2025-08-30');
    expect(html).toContain('2025-09-05');
    expect(html).toContain('家庭人口</th><td>2 人');
    expect(html).toContain('@page { size: A4');
  });

  it('names every code in words: steps, outcomes, roles, milestones, statuses, structure, village', () => {
    const html = renderLedgerCard(input({ program: demoProgram }));
    const body = html.slice(html.indexOf('<body>'));
    const village = demoProgram.townships
      .flatMap((t) => t.villages)
      .find((v) => v.code === archivedHousehold().villageCode);

    expect(body).toContain(village?.name);
    expect(body).toContain('竣工验收');
    expect(body).toContain('第 1 期');
    expect(body).toContain('已到账');
    expect(body).toContain('住建');
    expect(body).toContain('已签订');
    for (const code of [
      'sign-agreement',
      'register',
      '>construction<',
      '>paid<',
      '>acceptance<',
      '>signed<',
      'earth',
    ]) {
      expect(body).not.toContain(code);
    }
    // Times are Beijing time, never the stored UTC instant.
    expect(body).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  });
});
