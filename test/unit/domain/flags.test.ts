import { describe, expect, it } from 'vitest';
import { demoProgram } from '../../../contract/examples';
import { ConflictError, ForbiddenError, parseOrThrow, ValidationError } from '../../../domain/errors';
import { FLAG_TITLES } from '../../../domain/labels';
import { type Actor, type Override, ProgramConfig, type RaisedFlag } from '../../../domain/model';
import {
  BLOCKED_ACTIONS,
  blockedByFlags,
  blockingFlags,
  DEFAULT_FLAG_LEVELS,
  FLAG_KINDS,
  flagLevel,
  grantOverride,
  HOUSEHOLD_REF,
  isForward,
  mergeFlags,
  OverrideBody,
  subjectOf,
  summarizeFlags,
} from '../../../domain/rules/flags';

const COUNTY = '520123';
const AT = '2026-05-01T02:00:00.000Z';

const photoFlag = (kind: RaisedFlag['kind'], ref: string, raisedBy = 'wu.zhijian'): RaisedFlag => ({
  kind,
  subject: 'photo',
  ref,
  raisedBy,
  raisedAt: AT,
});
const tooSoon: RaisedFlag = {
  kind: 'stage-too-soon',
  subject: 'step',
  ref: 'foundation#1',
  raisedBy: 'wu.zhijian',
  raisedAt: AT,
};
const onRelocationList: RaisedFlag = {
  kind: 'roster-relocation',
  subject: 'household',
  ref: HOUSEHOLD_REF,
  raisedBy: 'zhou.minzheng',
  raisedAt: AT,
};
const noGps = photoFlag('gps-missing', 'ph-2');
const reused = photoFlag('near-duplicate-image', 'ph-1');

const countyConstruction: Actor = { username: 'li.zhujian', roles: ['construction'], county: COUNTY };
const countyCivil: Actor = { username: 'wang.minzheng', roles: ['civil-affairs'], county: COUNTY };
const countyFinance: Actor = { username: 'chen.caizheng', roles: ['finance'], county: COUNTY };
const townshipConstruction: Actor = {
  username: 'xu.zhujian',
  roles: ['construction'],
  county: COUNTY,
  township: `${COUNTY}100`,
};

describe('flag kinds and policy', () => {
  it('gives every kind a subject, a default level and a title in both languages', () => {
    for (const kind of FLAG_KINDS) {
      expect(['photo', 'step', 'household']).toContain(subjectOf(kind));
      expect(['warn', 'block']).toContain(DEFAULT_FLAG_LEVELS[kind]);
      expect(FLAG_TITLES[kind].zh).toMatch(/[\u4e00-\u9fff]/);
      expect(FLAG_TITLES[kind].en.length).toBeGreaterThan(10);
    }
  });

  it('lets a program turn any kind to warn or block; unnamed kinds keep their default', () => {
    expect(flagLevel(undefined, 'near-duplicate-image')).toBe('block');
    expect(flagLevel({ 'near-duplicate-image': 'warn' }, 'near-duplicate-image')).toBe('warn');
    expect(flagLevel({ 'near-duplicate-image': 'warn' }, 'gps-missing')).toBe('warn');
    expect(flagLevel({ 'gps-missing': 'block' }, 'gps-missing')).toBe('block');
  });

  it('is program configuration: a policy naming an unknown kind or level is refused', () => {
    expect(parseOrThrow(ProgramConfig, { ...demoProgram, flagPolicy: { 'gps-missing': 'block' } }).flagPolicy).toEqual({
      'gps-missing': 'block',
    });
    expect(() => parseOrThrow(ProgramConfig, { ...demoProgram, flagPolicy: { 'no-such-flag': 'block' } })).toThrow(
      ValidationError,
    );
    expect(() => parseOrThrow(ProgramConfig, { ...demoProgram, flagPolicy: { 'gps-missing': 'stop' } })).toThrow(
      ValidationError,
    );
  });
});

describe('which steps a flag holds', () => {
  it('holds only the forward outcome of a step: never a rejection, a send-back or a failed check', () => {
    expect(isForward('county-approve', { decision: 'approve' })).toBe(true);
    expect(isForward('county-approve', { decision: 'reject' })).toBe(false);
    expect(isForward('township-review', { decision: 'send-back' })).toBe(false);
    expect(isForward('inspect', { result: 'pass' })).toBe(true);
    expect(isForward('inspect', { result: 'fail' })).toBe(false);
    expect(isForward('appraise-safety', { grade: 'D' })).toBe(true);
    expect(isForward('appraise-safety', { grade: 'B' })).toBe(false);
    expect(isForward('release-installment', {})).toBe(true);
    expect(isForward('supervise', {})).toBe(false);
  });

  it('holds the step citing a flagged photo, and not a step citing other photos', () => {
    const check = { action: 'inspect' as const, body: { result: 'pass' }, overrides: [], actor: 'wu.zhijian' };
    expect(blockingFlags({ ...check, flags: [reused, noGps], citedPhotoIds: ['ph-1', 'ph-2'] })).toEqual([reused]);
    expect(blockingFlags({ ...check, flags: [reused], citedPhotoIds: ['ph-3'] })).toEqual([]);
    expect(blockingFlags({ ...check, body: { result: 'fail' }, flags: [reused], citedPhotoIds: ['ph-1'] })).toEqual([]);
  });

  it("holds approval and every payment on a step's or the household's blocking flag", () => {
    const flags = [tooSoon, onRelocationList];
    const base = { flags, overrides: [], actor: 'qian.caizheng' };
    expect(blockingFlags({ ...base, action: 'release-installment', body: {} })).toEqual(flags);
    expect(blockingFlags({ ...base, action: 'county-approve', body: { decision: 'approve' } })).toEqual(flags);
    expect(blockingFlags({ ...base, action: 'accept', body: { result: 'pass' } })).toEqual([]);
    expect(BLOCKED_ACTIONS.household).not.toContain('township-review');
  });

  it('lets a warning pass, and a program may make any flag a warning', () => {
    const base = { action: 'release-installment' as const, body: {}, overrides: [], actor: 'qian.caizheng' };
    expect(blockingFlags({ ...base, flags: [tooSoon], policy: { 'stage-too-soon': 'warn' } })).toEqual([]);
  });

  it('lets an overridden flag pass, unless the grantor is the one carrying out the step', () => {
    const override: Override = {
      flag: 'stage-too-soon',
      refs: ['foundation#1'],
      reason: '现场核实基础已完工',
      by: 'li.zhujian',
      role: 'construction',
      at: AT,
    };
    const base = { action: 'release-installment' as const, body: {}, flags: [tooSoon], overrides: [override] };
    expect(blockingFlags({ ...base, actor: 'qian.caizheng' })).toEqual([]);
    expect(blockingFlags({ ...base, actor: 'li.zhujian' })).toEqual([tooSoon]);
    const refusal = blockedByFlags([tooSoon], [override], 'li.zhujian');
    expect(refusal).toBeInstanceOf(ConflictError);
    expect(refusal.messages.zh).toContain('放行人不能本人办理');
    expect(blockedByFlags([tooSoon], [], 'qian.caizheng').messages.en).toContain('Inspected sooner');
  });
});

describe('grantOverride', () => {
  const request = {
    county: COUNTY,
    flags: [reused, noGps, tooSoon, onRelocationList],
    overrides: [],
    now: AT,
  };

  it('is granted by county-level staff of a role that answers for the kind, covering the flags present', () => {
    const granted = grantOverride({
      ...request,
      grantor: countyConstruction,
      body: { flag: 'near-duplicate-image', reason: '已到现场核实，为同一房屋不同角度' },
    });
    expect(granted).toEqual({
      ok: true,
      override: {
        flag: 'near-duplicate-image',
        refs: ['ph-1'],
        reason: '已到现场核实，为同一房屋不同角度',
        by: 'li.zhujian',
        role: 'construction',
        at: AT,
      },
    });
    const persons = grantOverride({
      ...request,
      grantor: countyCivil,
      body: { flag: 'roster-relocation', reason: '已核实搬迁安置房已退回' },
    });
    expect(persons.ok).toBe(true);
  });

  it('is refused to township staff, to another county, to roles that do not answer for the kind', () => {
    const body = { flag: 'near-duplicate-image' as const, reason: '已到现场核实' };
    for (const grantor of [
      townshipConstruction,
      { ...countyConstruction, county: '520124' },
      countyFinance,
      { ...countyCivil, username: 'other' },
      { username: 'liu.shenji', roles: ['auditor' as const], county: COUNTY },
    ]) {
      const refused = grantOverride({ ...request, grantor, body });
      expect(refused.ok, grantor.username).toBe(false);
      if (!refused.ok) expect(refused.error).toBeInstanceOf(ForbiddenError);
    }
    // Civil affairs answers for persons, not for photos.
    expect(grantOverride({ ...request, grantor: countyCivil, body }).ok).toBe(false);
  });

  it('needs a second person: never the one who recorded what raised the flag', () => {
    const recorder: Actor = { username: 'wu.zhijian', roles: ['inspector'], county: COUNTY };
    const refused = grantOverride({
      ...request,
      grantor: recorder,
      body: { flag: 'stage-too-soon', reason: '本人核实无误' },
    });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.messages.en).toContain('another county officer');
  });

  it('has nothing to override for an absent flag, a warning, or a flag already overridden', () => {
    const grantor = countyConstruction;
    const absent = grantOverride({ ...request, grantor, body: { flag: 'gps-far', reason: '现场核实' } });
    expect(!absent.ok && absent.error).toBeInstanceOf(ConflictError);
    const warning = grantOverride({ ...request, grantor, body: { flag: 'gps-missing', reason: '现场核实' } });
    expect(!warning.ok && warning.error.messages.en).toContain('warning');
    const once = grantOverride({ ...request, grantor, body: { flag: 'stage-too-soon', reason: '现场核实' } });
    if (!once.ok) throw once.error;
    const twice = grantOverride({
      ...request,
      overrides: [once.override],
      grantor: { ...grantor, username: 'zhao.zhijian', roles: ['inspector'] },
      body: { flag: 'stage-too-soon', reason: '再次核实' },
    });
    expect(!twice.ok && twice.error.messages.zh).toContain('已由 li.zhujian 放行');
  });

  it('covers one flag when a ref is named, and a flag raised later is not covered', () => {
    const second = photoFlag('near-duplicate-image', 'ph-9');
    const one = grantOverride({
      ...request,
      flags: [reused, second],
      grantor: countyConstruction,
      body: { flag: 'near-duplicate-image', ref: 'ph-9', reason: '核实为本户照片' },
    });
    if (!one.ok) throw one.error;
    expect(one.override.refs).toEqual(['ph-9']);
    const later = photoFlag('near-duplicate-image', 'ph-10');
    const held = blockingFlags({
      action: 'accept',
      body: { result: 'pass' },
      flags: [reused, second, later],
      overrides: [one.override],
      actor: 'wu.zhijian',
      citedPhotoIds: ['ph-9', 'ph-10'],
    });
    expect(held).toEqual([later]);
  });

  it('takes a body with a reason worth reading', () => {
    expect(() => parseOrThrow(OverrideBody, { version: 3, flag: 'stage-too-soon', reason: '好' })).toThrow(
      ValidationError,
    );
    expect(() => parseOrThrow(OverrideBody, { version: 3, flag: 'nope', reason: '现场核实无误' })).toThrow(
      ValidationError,
    );
    expect(parseOrThrow(OverrideBody, { version: 3, flag: 'stage-too-soon', reason: '  现场核实无误  ' }).reason).toBe(
      '现场核实无误',
    );
  });
});

describe('summarizeFlags and mergeFlags', () => {
  it('counts blocking, warning and overridden flags, kinds in a stable order', () => {
    const override: Override = {
      flag: 'near-duplicate-image',
      refs: ['ph-1'],
      reason: '核实',
      by: 'li.zhujian',
      role: 'construction',
      at: AT,
    };
    expect(summarizeFlags([onRelocationList, noGps, reused, tooSoon], [override])).toEqual({
      kinds: ['near-duplicate-image', 'gps-missing', 'stage-too-soon', 'roster-relocation'],
      blocking: 2,
      warnings: 1,
      overridden: 1,
    });
  });

  it('keeps the first raising of a flag and adds new ones', () => {
    const again = { ...reused, raisedAt: '2026-06-01T00:00:00.000Z' };
    expect(mergeFlags([reused], [again, noGps])).toEqual([reused, noGps]);
  });
});
