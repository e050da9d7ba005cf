/**
 * The execution pointer of a household (`HH#{id}` / `EXEC`, docs/workflow.md "Healing"): which execution the
 * household believes is current, and when the reconciler looks at it next. Written with the registration; moved
 * from one attempt to the next only under a condition on the attempt read, so two reconcilers never both move it.
 */
import { canonicalJson } from '../../domain/rules/audit';
import { WATCH_SHARDS } from '../../process/healing';
import {
  dueUpTo,
  executionPointerItem,
  executionPointerOf,
  householdRecordOf,
  type Item,
  keys,
  WATCH_PARTITIONS,
  watchIndexKeys,
} from './items';
import type { ExecutionPointer, HouseholdRecord } from './records';
import type { Table } from './table';

export interface ExecutionStore {
  /** The household and its pointer in one request (they share the partition). */
  watched(householdId: string): Promise<{ record?: HouseholdRecord; pointer?: ExecutionPointer }>;
  /** Pointers due for a look (`checkAt <= now`), the most overdue first, at most `limit` over all shards. */
  due(now: string, limit: number): Promise<ExecutionPointer[]>;
  /**
   * Moves the pointer from attempt `fromAttempt` to the next execution. False when the pointer is no longer at
   * `fromAttempt` (another reconciler moved it first): the caller then starts nothing.
   */
  advance(fromAttempt: number, next: ExecutionPointer): Promise<boolean>;
  /** A pointer for a household stored before pointers existed; false when it has one by now. */
  adopt(pointer: ExecutionPointer): Promise<boolean>;
  /** When to look again, unless the pointer moved on meanwhile. */
  reschedule(householdId: string, attempt: number, checkAt: string): Promise<void>;
  /** The household is finished: its pointer leaves the reconciler's index (it stays as the record of the last execution). */
  release(householdId: string, attempt: number): Promise<void>;
}

const SHARD_READ = Math.max(1, Math.ceil(100 / WATCH_SHARDS));

export function dynamoExecutionStore(table: Table): ExecutionStore {
  const atAttempt = (attempt: number) => ({
    ConditionExpression: 'attempt = :attempt',
    ExpressionAttributeValues: { ':attempt': attempt },
  });
  return {
    async watched(householdId) {
      const items = await table.getMany([keys.household(householdId), keys.execution(householdId)]);
      const household = items.find((item) => item.SK === 'HH');
      const pointer = items.find((item) => item.SK === 'EXEC');
      return {
        ...(household ? { record: householdRecordOf(household) } : {}),
        ...(pointer ? { pointer: executionPointerOf(pointer) } : {}),
      };
    },

    async due(now, limit) {
      const perShard = Math.max(SHARD_READ, Math.ceil(limit / WATCH_SHARDS));
      const pages = await Promise.all(
        WATCH_PARTITIONS.map((partition) =>
          table.queryPage({
            IndexName: 'GSI2',
            KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK <= :due',
            ExpressionAttributeValues: { ':pk': partition, ':due': dueUpTo(now) },
            Limit: perShard,
          }),
        ),
      );
      return pages
        .flatMap((page) => page.items)
        .sort((a, b) => String(a.GSI2SK).localeCompare(String(b.GSI2SK)))
        .slice(0, limit)
        .map((item: Item) => executionPointerOf(item));
    },

    async advance(fromAttempt, next) {
      const item = executionPointerItem(next);
      if (await table.applied(table.put({ Item: item, ...atAttempt(fromAttempt) }))) return true;
      // The SDK sent the move again after its answer was lost: the pointer as this move wrote it is its own success.
      const found = await table.get(keys.execution(next.householdId));
      return found !== undefined && canonicalJson(found) === canonicalJson(item);
    },

    adopt(pointer) {
      return table.applied(
        table.put({ Item: executionPointerItem(pointer), ConditionExpression: 'attribute_not_exists(PK)' }),
      );
    },

    async reschedule(householdId, attempt, checkAt) {
      const index = watchIndexKeys(checkAt, householdId);
      await table.applied(
        table.update({
          Key: keys.execution(householdId),
          UpdateExpression: 'SET checkAt = :checkAt, GSI2PK = :pk, GSI2SK = :sk',
          // A pointer let go meanwhile stays out of the index.
          ConditionExpression: 'attempt = :attempt AND watched = :yes',
          ExpressionAttributeValues: {
            ':attempt': attempt,
            ':yes': true,
            ':checkAt': checkAt,
            ':pk': index.GSI2PK,
            ':sk': index.GSI2SK,
          },
        }),
      );
    },

    async release(householdId, attempt) {
      await table.applied(
        table.update({
          Key: keys.execution(householdId),
          UpdateExpression: 'SET watched = :no REMOVE GSI2PK, GSI2SK',
          ...atAttempt(attempt),
          ExpressionAttributeValues: { ':attempt': attempt, ':no': false },
        }),
      );
    },
  };
}
