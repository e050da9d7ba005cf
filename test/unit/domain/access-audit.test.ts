import { describe, expect, it } from 'vitest';
import { demoApplication, demoProgram } from '../../../contract/examples';
import { ForbiddenError } from '../../../domain/errors';
import type { Actor, AuditEvent } from '../../../domain/model';
import { canActInJurisdiction, canRead, taskJurisdiction } from '../../../domain/rules/access';
import {
  auditedChange,
  canonicalJson,
  chainEvent,
  GENESIS_HASH,
  sealEvent,
  verifyChain,
} from '../../../domain/rules/audit';
import { newHousehold } from '../../../domain/rules/household';
import { actorOf, demoUser } from '../../../tools/demo/users';

const [zhelou, yata] = demoProgram.townships;
if (!zhelou || !yata) throw new Error('the demo program has at least two townships');
const inZhelou = { county: demoProgram.county.code, township: zhelou.code };
const inYata = { county: demoProgram.county.code, township: yata.code };
const elsewhere = { county: '520402', township: '520402100' };

const townshipConstruction = actorOf(demoUser('he.zhujian'));
const countyConstruction = actorOf(demoUser('li.zhujian'));

describe('acting within a jurisdiction', () => {
  const townshipStep = { role: 'construction', level: 'township' } as const;
  const countyStep = { role: 'construction', level: 'county' } as const;

  it('lets township staff act on their own township only', () => {
    expect(townshipConstruction.township).toBe(zhelou.code);
    expect(canActInJurisdiction(townshipConstruction, townshipStep, inZhelou)).toEqual({ ok: true });
    const other = canActInJurisdiction(townshipConstruction, townshipStep, inYata);
    expect(other.ok).toBe(false);
    if (!other.ok) {
      expect(other.error).toBeInstanceOf(ForbiddenError);
      expect(other.error.messages.en).toContain('township');
    }
  });

  it('lets county staff act on every township of their county, but not on another county', () => {
    expect(canActInJurisdiction(countyConstruction, townshipStep, inZhelou)).toEqual({ ok: true });
    expect(canActInJurisdiction(countyConstruction, townshipStep, inYata)).toEqual({ ok: true });
    expect(canActInJurisdiction(countyConstruction, countyStep, inYata)).toEqual({ ok: true });
    expect(canActInJurisdiction(countyConstruction, townshipStep, elsewhere).ok).toBe(false);
  });

  it('keeps county steps for county staff', () => {
    expect(canActInJurisdiction(townshipConstruction, countyStep, inZhelou).ok).toBe(false);
  });

  it('requires the role itself: admin does not bypass, auditor never acts', () => {
    const admin = actorOf(demoUser('sun.guanli'));
    const auditor = actorOf(demoUser('liu.shenji'));
    expect(canActInJurisdiction(admin, countyStep, inZhelou).ok).toBe(false);
    expect(canActInJurisdiction(auditor, countyStep, inZhelou).ok).toBe(false);
    const civilAffairs = actorOf(demoUser('zhang.minzheng'));
    expect(canActInJurisdiction(civilAffairs, townshipStep, inZhelou).ok).toBe(false);
  });

  it('refuses an actor without a county claim', () => {
    const noCounty: Actor = { username: 'x', roles: ['construction'] };
    expect(canActInJurisdiction(noCounty, townshipStep, inZhelou).ok).toBe(false);
  });

  it('stores the township or the county as the task jurisdiction', () => {
    expect(taskJurisdiction('township', inZhelou)).toBe(zhelou.code);
    expect(taskJurisdiction('county', inZhelou)).toBe(demoProgram.county.code);
  });
});

describe('reading a household file', () => {
  it('township staff read their township, auditors and admins the whole county, nobody another county', () => {
    expect(canRead(townshipConstruction, inZhelou).ok).toBe(true);
    expect(canRead(townshipConstruction, inYata).ok).toBe(false);
    const townshipAuditor: Actor = {
      username: 'a',
      roles: ['auditor'],
      county: inZhelou.county,
      township: zhelou.code,
    };
    expect(canRead(townshipAuditor, inYata).ok).toBe(true);
    expect(canRead(actorOf(demoUser('liu.shenji')), inYata).ok).toBe(true);
    expect(canRead(actorOf(demoUser('liu.shenji')), elsewhere).ok).toBe(false);
    expect(canRead({ username: 'n', roles: [], county: inZhelou.county }, inZhelou).ok).toBe(false);
  });
});

describe('audit hash chain', () => {
  function chain(count: number): AuditEvent[] {
    const events: AuditEvent[] = [];
    for (let seq = 1; seq <= count; seq++) {
      events.push(
        sealEvent(events.at(-1), {
          householdId: 'hh-1',
          seq,
          at: `2025-03-0${seq}T08:00:00.000Z`,
          actor: 'li.zhujian',
          role: 'construction',
          type: `step-${seq}`,
          details: { note: `event ${seq}`, nested: { b: 2, a: 1 } },
        }),
      );
    }
    return events;
  }

  it('sorts keys at every level, so key order does not change the hash', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[3,{"x":2,"y":1}]},"b":1}',
    );
    expect(chainEvent(GENESIS_HASH, { a: 1, b: 2 })).toBe(chainEvent(GENESIS_HASH, { b: 2, a: 1 }));
  });

  it('starts at the genesis hash and verifies an intact chain', () => {
    const events = chain(4);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    expect(events[0]?.prevHash).toBe(GENESIS_HASH);
    expect(verifyChain(events)).toEqual({ ok: true });
    expect(verifyChain(events, 4)).toEqual({ ok: true });
    expect(verifyChain([])).toEqual({ ok: true });
  });

  it('detects a tampered detail at the event that was changed', () => {
    const events = chain(4);
    const third = events[2];
    if (!third) throw new Error('chain has 4 events');
    events[2] = { ...third, details: { ...third.details, note: 'rewritten' } };
    expect(verifyChain(events)).toEqual({ ok: false, brokenAt: 3 });
  });

  it('detects a removed event, reordered events and a dropped tail', () => {
    const events = chain(4);
    expect(verifyChain([events[0], events[2], events[3]] as AuditEvent[])).toEqual({ ok: false, brokenAt: 3 });
    expect(verifyChain([events[1], events[0]] as AuditEvent[])).toEqual({ ok: false, brokenAt: 2 });
    expect(verifyChain(events.slice(0, 3), 4)).toEqual({ ok: false, brokenAt: 4 });
  });

  it('detects a re-hashed event whose successor still points at the old hash', () => {
    const events = chain(3);
    const second = events[1];
    if (!second) throw new Error('chain has 3 events');
    const { hash: _old, ...rest } = { ...second, actor: 'someone-else' };
    events[1] = { ...rest, hash: chainEvent(rest.prevHash, rest) };
    expect(verifyChain(events)).toEqual({ ok: false, brokenAt: 3 });
  });
});

describe('an audited change of a household', () => {
  const household = newHousehold(demoApplication(1), demoProgram, { householdId: 'hh-a', now: '2026-01-01T00:00:00Z' });
  const registered = sealEvent(undefined, {
    householdId: 'hh-a',
    seq: household.version,
    at: household.createdAt,
    actor: 'zhang.minzheng',
    role: 'civil-affairs',
    type: 'register',
    toPhase: household.phase,
    details: {},
  });

  it('moves the household to its next version and seals the event numbered by it onto the chain', () => {
    const { after, event } = auditedChange(
      { household, lastHash: registered.hash },
      {
        at: '2026-01-02T00:00:00.000Z',
        actor: 'he.zhujian',
        role: 'construction',
        type: 'appraise-safety',
        toPhase: 'village-appraisal',
        changes: { grade: 'D' },
        details: { grade: 'D' },
      },
    );

    expect(after).toMatchObject({
      version: 2,
      phase: 'village-appraisal',
      grade: 'D',
      updatedAt: '2026-01-02T00:00:00.000Z',
    });
    expect(event).toMatchObject({ seq: 2, fromPhase: 'safety-appraisal', toPhase: 'village-appraisal' });
    expect(verifyChain([registered, event], after.version)).toEqual({ ok: true });
  });

  it('keeps the phase when the change names none', () => {
    const { after, event } = auditedChange(
      { household, lastHash: registered.hash },
      { at: '2026-01-02T00:00:00.000Z', actor: 'luo.zhijian', role: 'inspector', type: 'confirm-photo', details: {} },
    );

    expect(after.phase).toBe(household.phase);
    expect(event).toMatchObject({ fromPhase: household.phase, toPhase: household.phase });
  });
});
