import { describe, expect, it } from 'vitest';
import { demoIdNumber } from '../../../contract/examples';
import { hashIdNumber } from '../../../domain/rules/idNumber';
import {
  bankClaimKey,
  normalizeAddress,
  type OtherFile,
  type PersonCheck,
  personFlags,
  personsOf,
} from '../../../domain/rules/persons';

const HEAD = demoIdNumber(1);
const SPOUSE = demoIdNumber(2);
const SON = demoIdNumber(3);
const VILLAGE = '520123100201';

const household: PersonCheck['household'] = {
  householdId: 'hh-new',
  head: { name: '张三', idNumber: HEAD },
  members: [
    { name: '李四', relation: '配偶', idNumber: SPOUSE },
    { name: '张小', relation: '子', idNumber: SON },
    { name: '张幼', relation: '女' },
  ],
  category: 'minimum-living-guarantee',
  villageCode: VILLAGE,
  bankAccount: '6217 0000 1234 5678',
  house: { address: '3组12号' },
};

const check = (overrides: Partial<PersonCheck> = {}): PersonCheck => ({
  household,
  otherFilesOf: new Map(),
  sameAccount: [],
  sameAddress: [],
  rosterMatches: [],
  rostersImported: [],
  raisedBy: 'zhou.minzheng',
  now: '2026-05-01T02:00:00.000Z',
  ...overrides,
});

const file = (householdId: string, as: OtherFile['as'], more: Partial<OtherFile> = {}): OtherFile => ({
  householdId,
  as,
  phase: 'agreement',
  villageCode: '520123100305',
  ...more,
});

describe('personsOf', () => {
  it('lists the head and every member with an ID number, masked, each person once', () => {
    const persons = personsOf({
      ...household,
      members: [...household.members, { name: '重复', relation: '配偶', idNumber: SPOUSE }],
    });
    expect(persons.map((p) => [p.as, p.index, p.name])).toEqual([
      ['head', undefined, '张三'],
      ['member', 0, '李四'],
      ['member', 1, '张小'],
    ]);
    expect(persons[1]?.idHash).toBe(hashIdNumber(SPOUSE));
    expect(persons.every((p) => /^\d{6}\*{8}\d{3}[\dX]$/.test(p.maskedId))).toBe(true);
    expect(JSON.stringify(persons)).not.toContain(SPOUSE);
  });
});

describe('personFlags', () => {
  it('raises nothing for a household nobody else names', () => {
    expect(personFlags(check())).toEqual([]);
  });

  it('flags a member of a subsidized household applying again as a new head', () => {
    // The new head was a member (the son) of an earlier, subsidized file in another village.
    const flags = personFlags(check({ otherFilesOf: new Map([[hashIdNumber(HEAD), [file('hh-old', 'member')]]]) }));
    expect(flags.map((f) => f.kind)).toEqual(['person-already-claimed']);
    expect(flags[0]).toMatchObject({
      subject: 'household',
      ref: 'household',
      related: ['hh-old'],
      raisedBy: 'zhou.minzheng',
    });
    expect(flags[0]?.note?.zh).toContain('户主张三');
    expect(flags[0]?.note?.zh).toContain('hh-old');
    expect(JSON.stringify(flags)).not.toContain(HEAD);
  });

  it('calls a shared person in the same village a split household too', () => {
    const other = file('hh-spouse', 'head', { villageCode: VILLAGE });
    const flags = personFlags(check({ otherFilesOf: new Map([[hashIdNumber(SPOUSE), [other]]]) }));
    expect(flags.map((f) => f.kind)).toEqual(['person-already-claimed', 'split-household']);
    expect(flags[1]?.note?.en).toContain('persons');
  });

  it('calls the same address in the same village a split household', () => {
    const flags = personFlags(
      check({ sameAddress: [file('hh-next', 'head', { villageCode: VILLAGE }), file('hh-elsewhere', 'head')] }),
    );
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ kind: 'split-household', related: ['hh-next'] });
    expect(flags[0]?.note?.en).toContain('address');
  });

  it('counts no rejected file and not the household itself', () => {
    const flags = personFlags(
      check({
        otherFilesOf: new Map([
          [hashIdNumber(HEAD), [file('hh-rejected', 'head', { phase: 'rejected' }), file('hh-new', 'head')]],
        ]),
        sameAccount: [file('hh-rejected', 'account', { phase: 'rejected' })],
      }),
    );
    expect(flags).toEqual([]);
  });

  it('flags one bank account on two households, with the account masked', () => {
    const flags = personFlags(check({ sameAccount: [file('hh-other', 'account')] }));
    expect(flags.map((f) => f.kind)).toEqual(['bank-account-shared']);
    expect(flags[0]?.note?.zh).toContain('****5678');
    expect(JSON.stringify(flags)).not.toContain('62170000');
  });

  it('flags persons on the relocation list and earlier beneficiaries, with the years', () => {
    const flags = personFlags(
      check({
        rosterMatches: [
          { rosterId: 'r1', kind: 'relocation', year: 2019, idHash: hashIdNumber(SON) },
          { rosterId: 'r2', kind: 'past-beneficiary', year: 2017, idHash: hashIdNumber(HEAD) },
          { rosterId: 'r3', kind: 'minimum-living-guarantee', year: 2026, idHash: hashIdNumber(HEAD) },
        ],
        rostersImported: ['relocation', 'past-beneficiary', 'minimum-living-guarantee'],
      }),
    );
    expect(flags.map((f) => f.kind)).toEqual(['roster-relocation', 'roster-past-beneficiary']);
    expect(flags[0]?.note?.zh).toContain('张小');
    expect(flags[0]?.note?.zh).toContain('2019');
  });

  it('flags a 低保 category no person of the file is on, once the 低保 roster was imported', () => {
    expect(personFlags(check({ rostersImported: [] }))).toEqual([]);
    const flags = personFlags(check({ rostersImported: ['minimum-living-guarantee'] }));
    expect(flags.map((f) => f.kind)).toEqual(['category-not-on-roster']);
    const confirmed = personFlags(
      check({
        rostersImported: ['minimum-living-guarantee'],
        rosterMatches: [{ rosterId: 'r3', kind: 'minimum-living-guarantee', idHash: hashIdNumber(SPOUSE) }],
      }),
    );
    expect(confirmed).toEqual([]);
  });
});

describe('keys and addresses', () => {
  it('claims a bank account by the hash of its digits, whatever spacing was typed', () => {
    expect(bankClaimKey('6217 0000-1234 5678')).toBe(bankClaimKey('6217000012345678'));
    expect(bankClaimKey('6217000012345678')).toMatch(/^BANK#[0-9a-f]{64}$/);
  });

  it('reads full-width digits, spaces and punctuation out of an address', () => {
    expect(normalizeAddress('３组 １２号')).toBe(normalizeAddress('3组12号'));
    expect(normalizeAddress('3组，12号。')).toBe('3组12号');
  });
});
