/**
 * Every person, every roster (domain/rules/persons.ts): the claims a file makes on its persons, its bank account and
 * its address, and what other files and the imported rosters say about them.
 *
 * - a person: `IDN#{sha256(id)}` / `HH#{householdId}` for every person with an ID number (the head's exclusive claim
 *   `IDN` stays as it was); a roster's entry of the person is `IDN#{sha256(id)}` / `R#{rosterId}`, so one Query of the
 *   person's partition answers every file and roster naming them;
 * - an account: `BANK#{sha256(account)}` / `HH#{householdId}`;
 * - an address: `ADDR#{villageCode}#{sha256(normalized address)}` / `HH#{householdId}`.
 *
 * A claim does not move when its file does: whether the other file still counts (a rejected one does not) is read
 * from that household when a match is found, which is rare.
 */
import { createHash } from 'node:crypto';
import type { Household } from '../../domain/model';
import {
  hashBankAccount,
  normalizeAddress,
  type OtherFile,
  personsOf,
  ROSTER_KINDS,
  type RosterKind,
  type RosterMatch,
} from '../../domain/rules/persons';
import { householdPartition, householdRecordOf, type Item, keys } from './items';
import type { Table } from './table';

const claimSortKey = (householdId: string) => householdPartition(householdId);
const personPartition = (idHash: string) => `IDN#${idHash}`;
const bankPartition = (accountHash: string) => `BANK#${accountHash}`;
const addressPartition = (villageCode: string, address: string) =>
  `ADDR#${villageCode}#${createHash('sha256').update(normalizeAddress(address), 'utf8').digest('hex')}`;
export const ROSTER_ENTRY_PREFIX = 'R#';
export const rostersOfCountyPartition = (county: string) => `ROSTERS#${county}`;

/** What the other files and the rosters say about a household's persons, account and address. */
export interface PersonFindings {
  otherFilesOf: Map<string, OtherFile[]>;
  sameAccount: OtherFile[];
  sameAddress: OtherFile[];
  rosterMatches: RosterMatch[];
  rostersImported: RosterKind[];
}

export interface PersonStore {
  /** The claim items a new file puts with its registration: its persons, its account, its address. */
  claimItems(household: Household): Item[];
  /** One Query per person, one for the account and one for the address, one for the county's rosters. */
  findings(household: Household): Promise<PersonFindings>;
}

function otherFileOf(item: Item): OtherFile | undefined {
  if (typeof item.householdId !== 'string') return undefined;
  const as = item.as === 'head' || item.as === 'member' || item.as === 'account' ? item.as : 'head';
  return {
    householdId: item.householdId,
    as,
    villageCode: typeof item.villageCode === 'string' ? item.villageCode : undefined,
  };
}

export function dynamoPersonStore(table: Table): PersonStore {
  const partition = (pk: string) =>
    table.queryAll({ KeyConditionExpression: 'PK = :claimed', ExpressionAttributeValues: { ':claimed': pk } });

  return {
    claimItems(household) {
      const base = {
        householdId: household.householdId,
        villageCode: household.villageCode,
        county: household.county,
        claimedAt: household.createdAt,
      };
      const items: Item[] = personsOf(household).map((person) => ({
        PK: personPartition(person.idHash),
        SK: claimSortKey(household.householdId),
        entity: 'person-claim',
        as: person.as,
        ...base,
      }));
      if (household.bankAccount !== undefined) {
        items.push({
          PK: bankPartition(hashBankAccount(household.bankAccount)),
          SK: claimSortKey(household.householdId),
          entity: 'account-claim',
          as: 'account',
          ...base,
        });
      }
      if (household.house.address !== undefined) {
        items.push({
          PK: addressPartition(household.villageCode, household.house.address),
          SK: claimSortKey(household.householdId),
          entity: 'address-claim',
          ...base,
        });
      }
      return items;
    },

    async findings(household) {
      const persons = personsOf(household);
      const [personItems, accountItems, addressItems, rosters] = await Promise.all([
        Promise.all(
          persons.map(async (person) => ({ person, items: await partition(personPartition(person.idHash)) })),
        ),
        household.bankAccount === undefined ? [] : partition(bankPartition(hashBankAccount(household.bankAccount))),
        household.house.address === undefined
          ? []
          : partition(addressPartition(household.villageCode, household.house.address)),
        table.queryAll({
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': rostersOfCountyPartition(household.county) },
        }),
      ]);

      const otherFilesOf = new Map<string, OtherFile[]>();
      const rosterMatches: RosterMatch[] = [];
      for (const { person, items } of personItems) {
        const others: OtherFile[] = [];
        for (const item of items) {
          const sk = String(item.SK);
          if (sk.startsWith(ROSTER_ENTRY_PREFIX)) {
            if (item.county !== household.county || !ROSTER_KINDS.includes(item.kind as RosterKind)) continue;
            rosterMatches.push({
              rosterId: String(item.rosterId),
              kind: item.kind as RosterKind,
              year: typeof item.year === 'number' ? item.year : undefined,
              title: typeof item.title === 'string' ? item.title : undefined,
              idHash: person.idHash,
            });
          } else if (sk !== 'IDN' || item.householdId !== household.householdId) {
            // The head's exclusive claim (`IDN`) names the head of another file; a person claim names its role.
            const other = otherFileOf(sk === 'IDN' ? { ...item, as: 'head' } : item);
            if (other && other.householdId !== household.householdId) others.push(other);
          }
        }
        if (others.length > 0) otherFilesOf.set(person.idHash, dedupe(others));
      }
      const sameAccount = dedupe(accountItems.flatMap((item) => otherFileOf(item) ?? []));
      const sameAddress = dedupe(addressItems.flatMap((item) => otherFileOf(item) ?? []));

      // Whether each matched file still counts: read its phase (a rejected file received nothing).
      const matched = new Set(
        [...[...otherFilesOf.values()].flat(), ...sameAccount, ...sameAddress].map((o) => o.householdId),
      );
      const phases = new Map<string, Household['phase']>();
      const found = await table.getMany([...matched].map((id) => keys.household(id)));
      for (const item of found) {
        const { household: other } = householdRecordOf(item);
        phases.set(other.householdId, other.phase);
      }
      const withPhase = (files: readonly OtherFile[]) =>
        files.map((file) => ({ ...file, phase: phases.get(file.householdId) }));
      for (const [idHash, files] of otherFilesOf) otherFilesOf.set(idHash, withPhase(files));

      const rostersImported = [
        ...new Set(
          rosters.flatMap((item) => (ROSTER_KINDS.includes(item.kind as RosterKind) ? [item.kind as RosterKind] : [])),
        ),
      ];
      return {
        otherFilesOf,
        sameAccount: withPhase(sameAccount),
        sameAddress: withPhase(sameAddress),
        rosterMatches,
        rostersImported,
      };
    },
  };
}

function dedupe(files: readonly OtherFile[]): OtherFile[] {
  const seen = new Map<string, OtherFile>();
  for (const file of files) if (!seen.has(file.householdId)) seen.set(file.householdId, file);
  return [...seen.values()];
}
