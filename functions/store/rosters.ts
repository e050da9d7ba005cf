/**
 * Outside rosters a county imports (domain/import/rosters.ts): the roster `ROSTER#{rosterId}` / `ROSTER`, listed under
 * its county in GSI1 (`ROSTERS#{county}`, newest last), and one entry per person in the person's own partition,
 * `IDN#{sha256(id)}` / `R#{rosterId}`, where a file's person claims are: matching a household's persons is one Query
 * per person (persons.ts). Only the hash, the masked number and the name are kept.
 */
import type { Bilingual } from '../../domain/errors';
import type { RosterEntry } from '../../domain/import/rosters';
import type { RosterKind } from '../../domain/rules/persons';
import type { Item } from './items';
import { ROSTER_ENTRY_PREFIX, rostersOfCountyPartition } from './persons';
import { ABSENT, type Table } from './table';

export interface Roster {
  rosterId: string;
  county: string;
  kind: RosterKind;
  year: number;
  title: string;
  importedBy: string;
  importedAt: string;
  /** Persons kept (rows with errors and repeats are not). */
  entries: number;
  repeated: number;
  rejectedRows: number;
  /** The rows not taken, at their line (the first 200). */
  errors: { line: number; field: string; message: Bilingual }[];
}

export interface RosterStore {
  /** The roster, then its entries in batches: a roster with fewer entries than it says was cut off and is redone. */
  importRoster(roster: Roster, entries: readonly RosterEntry[]): Promise<void>;
  get(rosterId: string): Promise<Roster | undefined>;
  /** The county's rosters, newest first. */
  listForCounty(county: string): Promise<Roster[]>;
}

const rosterKey = (rosterId: string) => ({ PK: `ROSTER#${rosterId}`, SK: 'ROSTER' });

function rosterOf(item: Item): Roster {
  return {
    rosterId: String(item.rosterId),
    county: String(item.county),
    kind: item.kind as RosterKind,
    year: Number(item.year),
    title: String(item.title),
    importedBy: String(item.importedBy),
    importedAt: String(item.importedAt),
    entries: Number(item.entries ?? 0),
    repeated: Number(item.repeated ?? 0),
    rejectedRows: Number(item.rejectedRows ?? 0),
    errors: Array.isArray(item.errors) ? (item.errors as Roster['errors']) : [],
  };
}

export function dynamoRosterStore(table: Table): RosterStore {
  return {
    async importRoster(roster, entries) {
      await table.put({
        Item: {
          ...rosterKey(roster.rosterId),
          entity: 'roster',
          ...roster,
          GSI1PK: rostersOfCountyPartition(roster.county),
          GSI1SK: `${roster.importedAt}#${roster.rosterId}`,
        },
        ...ABSENT,
      });
      await table.batchPut(
        entries.map((entry) => ({
          PK: `IDN#${entry.idHash}`,
          SK: `${ROSTER_ENTRY_PREFIX}${roster.rosterId}`,
          entity: 'roster-entry',
          rosterId: roster.rosterId,
          county: roster.county,
          kind: roster.kind,
          year: entry.year ?? roster.year,
          title: roster.title,
          name: entry.name,
          maskedId: entry.maskedId,
          ...(entry.village ? { village: entry.village } : {}),
        })),
      );
    },

    get: (rosterId) => table.find(rosterKey(rosterId), rosterOf, false),

    async listForCounty(county) {
      const items = await table.queryAll({
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': rostersOfCountyPartition(county) },
        ScanIndexForward: false,
      });
      return items.map(rosterOf);
    },
  };
}
