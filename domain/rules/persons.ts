/**
 * Every person, every roster. A subsidy is received once per person, not once per head: the
 * auditors' cases are a member of a subsidized household applying again as a new head, a family
 * split under a spouse's or child's name (分户), a household paid both the renovation and the
 * relocation subsidy (易地扶贫搬迁), one bank account collecting for several households. So each
 * person with an ID number on a file is claimed (the head exclusively, as before; every person,
 * head included, by a claim the other files can find), the bank account is claimed, and the
 * persons are matched against the rosters the county imports. What is found becomes flags on the
 * file (domain/rules/flags.ts), blocking or warning as the program's policy says.
 *
 * Only hashes are keys: `IDN#{sha256(id)}` for a person, `BANK#{sha256(account)}` for an account.
 */
import { createHash } from 'node:crypto';
import type { Bilingual } from '../errors';
import type { Category, Household, Phase, RaisedFlag } from '../model';
import { HOUSEHOLD_REF } from './flags';
import { hashIdNumber, maskBankAccount, maskIdNumber } from './idNumber';

/** A person of a file with an ID number: the head, or the member at `index`. */
export interface FilePerson {
  idHash: string;
  as: 'head' | 'member';
  /** Index into `members` for a member. */
  index?: number | undefined;
  name: string;
  /** Shown to staff, never the full number. */
  maskedId: string;
}

/** The head and every member who has an ID number, each person once. */
export function personsOf(household: Pick<Household, 'head' | 'members'>): FilePerson[] {
  const persons: FilePerson[] = [
    {
      idHash: hashIdNumber(household.head.idNumber),
      as: 'head',
      name: household.head.name,
      maskedId: maskIdNumber(household.head.idNumber),
    },
  ];
  household.members.forEach((member, index) => {
    if (member.idNumber === undefined) return;
    const idHash = hashIdNumber(member.idNumber);
    if (persons.some((person) => person.idHash === idHash)) return;
    persons.push({ idHash, as: 'member', index, name: member.name, maskedId: maskIdNumber(member.idNumber) });
  });
  return persons;
}

/** Spaces and dashes people type in account numbers are not part of them. */
export function normalizeBankAccount(account: string): string {
  return account.replace(/[\s-]/g, '');
}

export function hashBankAccount(account: string): string {
  return createHash('sha256').update(normalizeBankAccount(account), 'utf8').digest('hex');
}

export const BANK_CLAIM_PREFIX = 'BANK#';

export function bankClaimKey(account: string): string {
  return `${BANK_CLAIM_PREFIX}${hashBankAccount(account)}`;
}

/**
 * An address as people write it: full-width digits and letters folded (NFKC), spaces and
 * punctuation dropped, so "3组 12号" and "３组１２号" are the same place.
 */
export function normalizeAddress(address: string): string {
  return address
    .normalize('NFKC')
    .replace(/[\s\p{P}]/gu, '')
    .toLowerCase();
}

// ---------------------------------------------------------------- what other files and rosters say

/** Another file that names one of this file's persons, or its account. */
export interface OtherFile {
  householdId: string;
  /** The person is that file's head or one of its members. */
  as: 'head' | 'member' | 'account';
  phase?: Phase | undefined;
  villageCode?: string | undefined;
}

export const ROSTER_KINDS = ['relocation', 'past-beneficiary', 'minimum-living-guarantee', 'extremely-poor'] as const;
export type RosterKind = (typeof ROSTER_KINDS)[number];

export const ROSTER_TITLES: Readonly<Record<RosterKind, Bilingual>> = {
  relocation: { zh: '易地扶贫搬迁名单', en: 'Poverty relocation roster (易地扶贫搬迁)' },
  'past-beneficiary': { zh: '往年危房改造补助名单', en: "Earlier years' renovation beneficiaries" },
  'minimum-living-guarantee': { zh: '低保名单', en: 'Minimum living guarantee roster (低保)' },
  'extremely-poor': { zh: '特困人员名单', en: 'Extremely poor persons roster (特困)' },
};

/** A roster entry matched on a person's ID hash. */
export interface RosterMatch {
  rosterId: string;
  kind: RosterKind;
  year?: number | undefined;
  title?: string | undefined;
  idHash: string;
}

/** The roster a priority category is confirmed by. */
const CONFIRMING_ROSTER: Partial<Record<Category, RosterKind>> = {
  'minimum-living-guarantee': 'minimum-living-guarantee',
  'extremely-poor': 'extremely-poor',
};

/** Files no longer in the way of a new claim: a rejected household received nothing. */
function counts(other: OtherFile): boolean {
  return other.phase !== 'rejected';
}

export interface PersonCheck {
  household: Pick<Household, 'householdId' | 'head' | 'members' | 'category' | 'villageCode' | 'bankAccount'> & {
    house: { address?: string | undefined };
  };
  /** Per person (by ID hash), the other files that claim the same person. */
  otherFilesOf: ReadonlyMap<string, readonly OtherFile[]>;
  /** Other files that claim the same bank account. */
  sameAccount: readonly OtherFile[];
  /** Other files of the same village at the same normalized address. */
  sameAddress: readonly OtherFile[];
  /** Roster entries matching any person of the file. */
  rosterMatches: readonly RosterMatch[];
  /** Roster kinds imported for the household's county (a category cannot be unconfirmed by a roster never imported). */
  rostersImported: readonly RosterKind[];
  /** Who registered (or changed) the file, and when. */
  raisedBy: string;
  now: string;
}

function personLabel(person: FilePerson): Bilingual {
  return person.as === 'head'
    ? { zh: `户主${person.name}（${person.maskedId}）`, en: `the head ${person.name} (${person.maskedId})` }
    : {
        zh: `家庭成员${person.name}（${person.maskedId}）`,
        en: `the member ${person.name} (${person.maskedId})`,
      };
}

function joined(parts: readonly Bilingual[]): Bilingual {
  return { zh: parts.map((p) => p.zh).join('；'), en: parts.map((p) => p.en).join('; ') };
}

/**
 * The household-level flags of a file from what the other files and the rosters say: a person
 * already on another file (`person-already-claimed`), on the relocation list or an earlier year's
 * beneficiaries (`roster-relocation`, `roster-past-beneficiary`), a 低保 / 特困 category no person
 * of the file is on the imported roster for (`category-not-on-roster`), the account on another
 * file (`bank-account-shared`), and the same village with the same address or a shared person
 * (`split-household`). Rejected files are not counted against anyone.
 */
export function personFlags(check: PersonCheck): RaisedFlag[] {
  const persons = personsOf(check.household);
  const base = { subject: 'household' as const, ref: HOUSEHOLD_REF, raisedBy: check.raisedBy, raisedAt: check.now };
  const flags: RaisedFlag[] = [];

  const claimed: Bilingual[] = [];
  const claimedFiles = new Set<string>();
  const sharingPersonsInVillage = new Set<string>();
  for (const person of persons) {
    const others = (check.otherFilesOf.get(person.idHash) ?? []).filter(
      (other) => other.householdId !== check.household.householdId && counts(other),
    );
    if (others.length === 0) continue;
    const label = personLabel(person);
    const ids = others.map((o) => o.householdId);
    claimed.push({
      zh: `${label.zh}已在农户 ${ids.join('、')} 档案中`,
      en: `${label.en} is on file ${ids.join(', ')}`,
    });
    for (const other of others) {
      claimedFiles.add(other.householdId);
      if (other.villageCode === check.household.villageCode) sharingPersonsInVillage.add(other.householdId);
    }
  }
  if (claimed.length > 0) {
    flags.push({ kind: 'person-already-claimed', ...base, related: [...claimedFiles], note: joined(claimed) });
  }

  for (const [kind, flag] of [
    ['relocation', 'roster-relocation'],
    ['past-beneficiary', 'roster-past-beneficiary'],
  ] as const) {
    const matches = check.rosterMatches.filter((match) => match.kind === kind);
    if (matches.length === 0) continue;
    const named = persons.filter((person) => matches.some((match) => match.idHash === person.idHash)).map(personLabel);
    const years = [...new Set(matches.flatMap((m) => (m.year === undefined ? [] : [m.year])))].sort();
    const when =
      years.length > 0 ? { zh: `（${years.join('、')}年）`, en: ` (${years.join(', ')})` } : { zh: '', en: '' };
    flags.push({
      kind: flag,
      ...base,
      note: {
        zh: `${named.map((n) => n.zh).join('、')}在${ROSTER_TITLES[kind].zh}中${when.zh}`,
        en: `${named.map((n) => n.en).join(', ')} on the ${ROSTER_TITLES[kind].en}${when.en}`,
      },
    });
  }

  const confirming = CONFIRMING_ROSTER[check.household.category];
  if (
    confirming !== undefined &&
    check.rostersImported.includes(confirming) &&
    !check.rosterMatches.some((match) => match.kind === confirming)
  ) {
    flags.push({
      kind: 'category-not-on-roster',
      ...base,
      note: {
        zh: `本户成员均不在已导入的${ROSTER_TITLES[confirming].zh}中`,
        en: `No person of the household is on the imported ${ROSTER_TITLES[confirming].en}`,
      },
    });
  }

  const sharing = check.sameAccount.filter((o) => o.householdId !== check.household.householdId && counts(o));
  if (sharing.length > 0 && check.household.bankAccount !== undefined) {
    const ids = sharing.map((o) => o.householdId);
    const masked = maskBankAccount(normalizeBankAccount(check.household.bankAccount));
    flags.push({
      kind: 'bank-account-shared',
      ...base,
      related: ids,
      note: {
        zh: `账户 ${masked} 同时登记在农户 ${ids.join('、')} 名下`,
        en: `Account ${masked} is also registered for ${ids.join(', ')}`,
      },
    });
  }

  const sameAddress = check.sameAddress.filter(
    (o) => o.householdId !== check.household.householdId && counts(o) && o.villageCode === check.household.villageCode,
  );
  const ids = [...new Set([...sameAddress.map((o) => o.householdId), ...sharingPersonsInVillage])];
  if (ids.length > 0) {
    const why: Bilingual[] = [];
    if (sameAddress.length > 0) why.push({ zh: '住址相同', en: 'the address' });
    if (sharingPersonsInVillage.size > 0) why.push({ zh: '成员重叠', en: 'persons' });
    flags.push({
      kind: 'split-household',
      ...base,
      related: ids,
      note: {
        zh: `同村农户 ${ids.join('、')} 与本户${why.map((w) => w.zh).join('或')}`,
        en: `Household(s) ${ids.join(', ')} of the same village share ${why.map((w) => w.en).join(' or ')}`,
      },
    });
  }
  return flags;
}
