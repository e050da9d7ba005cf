/**
 * Running totals of the progress report: per program and township, counter cells (domain/rules/progress.ts) kept
 * with `ADD` in the same transaction that changes a household, so they never drift from the households. A
 * township's totals are split over a few shard items (chosen by household id) so concurrent transactions on one
 * township rarely touch the same item (on AWS that cancels one with TransactionConflict); the report sums the
 * shards of a program in one Query on `PK = STATS#{programId}`.
 */
import type { Household } from '../../domain/model';
import { addCells, type ProgressCells, progressCells, progressDelta } from '../../domain/rules/progress';
import {
  householdRecordOf,
  householdsOfTownship,
  type Item,
  keys,
  progressCountersItem,
  progressPartition,
  townshipOfProgressItem,
} from './items';
import { type GuardedWrite, STALE_VERSION, type Table } from './table';

export const PROGRESS_SHARDS = 4;

export interface ProgressStore {
  /** The counters of every township of a program, shards summed: one Query, whatever the number of households. */
  counters(programId: string): Promise<Map<string, ProgressCells>>;
  /** Counts a township's households of a program from the households themselves (GSI3 `T#{township}`). */
  recount(programId: string, township: string): Promise<ProgressCells>;
  /**
   * Rebuilds a program's counters from its households (data stored before the counters existed, or after a
   * repair): shard 0 gets the recount, the other shards are emptied. Run it while nobody acts on the program's
   * households: an action between the recount and the write would be lost from them.
   */
  rebuild(programId: string, townships: readonly string[]): Promise<Map<string, ProgressCells>>;
}

function shardOf(householdId: string): number {
  let hash = 0;
  for (const char of householdId) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return hash % PROGRESS_SHARDS;
}

function cellsOfItem(item: Item): ProgressCells {
  const cells: ProgressCells = {};
  for (const [name, value] of Object.entries(item)) if (typeof value === 'number') cells[name] = value;
  return cells;
}

/** The `ADD` of a household's change to its township's counters; undefined when nothing counted changed. */
export function progressCountersUpdate(
  table: Table,
  before: Household | undefined,
  after: Household,
): GuardedWrite | undefined {
  if (before && (before.programId !== after.programId || before.township !== after.township)) {
    throw new Error(`household ${after.householdId} cannot move to another program or township`);
  }
  const delta = Object.entries(progressDelta(before, after));
  if (delta.length === 0) return undefined;
  const names: Record<string, string> = { '#township': 'township', '#program': 'programId' };
  const values: Record<string, unknown> = { ':township': after.township, ':program': after.programId };
  delta.forEach(([name, amount], i) => {
    names[`#c${i}`] = name;
    values[`:c${i}`] = amount;
  });
  return {
    item: {
      Update: {
        TableName: table.name,
        Key: keys.progressCounters(after.programId, after.township, shardOf(after.householdId)),
        UpdateExpression: `SET #township = :township, #program = :program ADD ${delta.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
    onConflict: STALE_VERSION,
  };
}

export function dynamoProgressStore(table: Table): ProgressStore {
  const recount = async (programId: string, township: string): Promise<ProgressCells> => {
    const totals: ProgressCells = {};
    for (const item of await table.queryAll({
      IndexName: 'GSI3',
      KeyConditionExpression: 'GSI3PK = :pk',
      ExpressionAttributeValues: { ':pk': householdsOfTownship(township) },
    })) {
      const { household } = householdRecordOf(item);
      if (household.programId === programId) addCells(totals, progressCells(household));
    }
    return totals;
  };
  return {
    async counters(programId) {
      const byTownship = new Map<string, ProgressCells>();
      for (const item of await table.queryAll({
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': progressPartition(programId) },
      })) {
        const township = townshipOfProgressItem(item);
        byTownship.set(township, addCells(byTownship.get(township) ?? {}, cellsOfItem(item)));
      }
      return byTownship;
    },
    recount,
    async rebuild(programId, townships) {
      const rebuilt = new Map<string, ProgressCells>();
      for (const township of townships) {
        const cells = await recount(programId, township);
        rebuilt.set(township, cells);
        for (let shard = 0; shard < PROGRESS_SHARDS; shard++) {
          await table.put({ Item: progressCountersItem(programId, township, shard, shard === 0 ? cells : {}) });
        }
      }
      return rebuilt;
    },
  };
}
