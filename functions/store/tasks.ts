/**
 * The task of a household (`HH#{id}` / `TASK`): the open task of a human step in the work queues, the decided or
 * starting task in the outbox, and the queries over both.
 */
import { z } from 'zod';
import type { Phase } from '../../domain/model';
import {
  type Item,
  keys,
  OUTBOX_PARTITIONS,
  openTaskItem,
  outboxIndexKeys,
  queueIndex,
  taskOf,
  UNSHARDED_OUTBOX_PARTITION,
  type WorkQueue,
} from './items';
import type { Page, Task } from './records';
import {
  type Condition,
  decodeCursor,
  encodeCursor,
  failedConditionOf,
  STALE_VERSION,
  StartKey,
  type Table,
} from './table';

export interface TaskStore {
  get(householdId: string): Promise<Task | undefined>;
  /**
   * Records the open task of a human step; `replacing` is the task read before (undefined: none). It replaces
   * whatever is there (a delivered decision of an earlier step, an open task of a dead execution) except a decision
   * of this very step stored after that read: overwriting it would take it out of the outbox, so the write is
   * refused (false) and the caller reads again and decides again. A decision of this step that was already there at
   * the read (a failed inspection, whose step loops onto itself) is replaced. With `execution`, the write is one
   * transaction with a check that the household's execution pointer names that execution (or that it has none):
   * `replaced` when it names another, so a replaced execution's late write never hides the current one's token.
   */
  putOpen(
    task: Task & { status: 'open'; dueAt: string },
    replacing: Task | undefined,
    execution?: string,
  ): Promise<boolean | 'replaced'>;
  /**
   * Removes the task once Step Functions has the decision for `taskToken`. False means the next step already
   * recorded its own task: nothing to remove.
   */
  deleteIfToken(householdId: string, taskToken: string): Promise<boolean>;
  /** Removes a `starting` task once its execution exists (unless the first step replaced it). */
  deleteStarting(householdId: string): Promise<boolean>;
  /**
   * The outbox entries (decided or starting tasks), read from every shard in parallel, those due first (by
   * `nextTryAt`), at most `perShard` of each shard: the due ones to deliver, the others to report the backlog's age.
   */
  outbox(perShard?: number): Promise<Task[]>;
  /**
   * An entry whose delivery failed: its count of failures, when to try it next and why, unless it changed meanwhile
   * (delivered, or replaced by the next step's task). It moves back in its shard's line instead of blocking it.
   */
  postpone(task: Task, failure: { attempts: number; nextTryAt: string; lastError: string }): Promise<boolean>;
  /**
   * Open tasks of several queues merged earliest due first. The cursor keeps, per queue, the key of the last task
   * returned (or `done`), so paging never skips or repeats a task.
   */
  openInQueues(queues: readonly WorkQueue[], cursor: string | undefined, limit: number): Promise<Page<Task>>;
  /**
   * How many open tasks a queue holds and how many of them are overdue (due before `now`): two `Select: COUNT`
   * queries on the queue's partition (DynamoDB reads the task items to count them, a few KB per queue of a county).
   */
  countInQueue(queue: WorkQueue, now: string): Promise<{ open: number; overdue: number }>;
  /** Townships of the overdue open tasks of a county queue (due before `now`). */
  overdueTownships(county: string, step: Phase, now: string): Promise<string[]>;
}

const QueueCursor = z.record(z.string(), z.union([StartKey, z.literal('done')]));

export function dynamoTaskStore(table: Table): TaskStore {
  return {
    get: (householdId) => table.find(keys.task(householdId), taskOf),

    async putOpen(task, replacing, execution) {
      const seenDecisionOfThisStep =
        replacing?.status === 'decided' && replacing.step === task.step ? replacing.taskToken : undefined;
      const notOverADecision: Condition = {
        ConditionExpression: `attribute_not_exists(PK) OR #status <> :decided OR step <> :step${seenDecisionOfThisStep ? ' OR taskToken = :seen' : ''}`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':decided': 'decided',
          ':step': task.step,
          ...(seenDecisionOfThisStep ? { ':seen': seenDecisionOfThisStep } : {}),
        },
      };
      if (execution === undefined) {
        return table.applied(table.put({ Item: openTaskItem(task), ...notOverADecision }));
      }
      try {
        await table.transact([
          table.putWrite(openTaskItem(task), STALE_VERSION, notOverADecision),
          {
            item: {
              ConditionCheck: {
                TableName: table.name,
                Key: keys.execution(task.householdId),
                ConditionExpression: 'attribute_not_exists(PK) OR executionName = :mine',
                ExpressionAttributeValues: { ':mine': execution },
              },
            },
            onConflict: STALE_VERSION,
          },
        ]);
        return true;
      } catch (error) {
        const failed = failedConditionOf(error);
        if (failed === 0) return false;
        if (failed === 1) return 'replaced';
        throw error;
      }
    },

    deleteIfToken(householdId, taskToken) {
      return table.applied(
        table.delete({
          Key: keys.task(householdId),
          ConditionExpression: 'taskToken = :token',
          ExpressionAttributeValues: { ':token': taskToken },
        }),
      );
    },

    deleteStarting(householdId) {
      return table.applied(
        table.delete({
          Key: keys.task(householdId),
          ConditionExpression: '#status = :starting',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':starting': 'starting' },
        }),
      );
    },

    async outbox(perShard = 100) {
      const shards = await Promise.all(
        [...OUTBOX_PARTITIONS, UNSHARDED_OUTBOX_PARTITION].map((partition) =>
          table.queryPage({
            IndexName: 'GSI2',
            KeyConditionExpression: 'GSI2PK = :outbox',
            ExpressionAttributeValues: { ':outbox': partition },
            Limit: perShard,
          }),
        ),
      );
      return shards
        .flatMap((page) => page.items)
        .sort((a: Item, b: Item) => String(a.GSI2SK).localeCompare(String(b.GSI2SK)))
        .map(taskOf);
    },

    postpone(task, { attempts, nextTryAt, lastError }) {
      const index = outboxIndexKeys(nextTryAt, task.householdId);
      const sameEntry =
        task.status === 'decided' && task.taskToken
          ? { condition: '#status = :status AND taskToken = :token', values: { ':token': task.taskToken } }
          : { condition: '#status = :status', values: {} };
      return table.applied(
        table.update({
          Key: keys.task(task.householdId),
          UpdateExpression: 'SET attempts = :attempts, nextTryAt = :next, lastError = :error, GSI2SK = :sk',
          ConditionExpression: sameEntry.condition,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': task.status,
            ':attempts': attempts,
            ':next': nextTryAt,
            ':error': lastError,
            ':sk': index.GSI2SK,
            ...sameEntry.values,
          },
        }),
      );
    },

    async openInQueues(queues, cursor, limit) {
      const previous = decodeCursor(cursor, QueueCursor) ?? {};
      const fetched = await Promise.all(
        queues.map(async (queue) => {
          const ref = queueIndex(queue);
          const id = `${ref.index}:${ref.partition}`;
          const start = previous[id];
          if (start === 'done') return { id, ref, items: [] as Item[], exhausted: true };
          const page = await table.queryPage({
            IndexName: ref.index,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': `${ref.index}PK` },
            ExpressionAttributeValues: { ':pk': ref.partition },
            ScanIndexForward: true,
            Limit: limit,
            ExclusiveStartKey: start,
          });
          return { id, ref, items: page.items, exhausted: !page.lastKey };
        }),
      );
      const merged = fetched
        .flatMap((queue) => queue.items.map((item) => ({ queue, item })))
        .sort((a, b) =>
          String(a.item[`${a.queue.ref.index}SK`]).localeCompare(String(b.item[`${b.queue.ref.index}SK`])),
        )
        .slice(0, limit);

      const next: Record<string, Record<string, string> | 'done'> = {};
      let more = false;
      for (const queue of fetched) {
        const taken = merged.filter((entry) => entry.queue === queue);
        const lastTaken = taken.at(-1);
        if (taken.length === queue.items.length && queue.exhausted) {
          next[queue.id] = 'done';
          continue;
        }
        more = true;
        if (lastTaken) {
          const { index } = queue.ref;
          const item = lastTaken.item;
          next[queue.id] = {
            PK: String(item.PK),
            SK: String(item.SK),
            [`${index}PK`]: String(item[`${index}PK`]),
            [`${index}SK`]: String(item[`${index}SK`]),
          };
        } else {
          const before = previous[queue.id];
          if (before !== undefined) next[queue.id] = before;
        }
      }
      return {
        items: merged.map((entry) => taskOf(entry.item)),
        cursor: more ? encodeCursor(next) : undefined,
      };
    },

    async countInQueue(queue, now) {
      const ref = queueIndex(queue);
      const count = (overdueOnly: boolean) =>
        table.count({
          IndexName: ref.index,
          KeyConditionExpression: overdueOnly ? '#pk = :pk AND #sk < :now' : '#pk = :pk',
          ExpressionAttributeNames: { '#pk': `${ref.index}PK`, ...(overdueOnly ? { '#sk': `${ref.index}SK` } : {}) },
          ExpressionAttributeValues: { ':pk': ref.partition, ...(overdueOnly ? { ':now': now } : {}) },
        });
      const [open, overdue] = await Promise.all([count(false), count(true)]);
      return { open, overdue };
    },

    async overdueTownships(county, step, now) {
      const items = await table.queryAll({
        IndexName: 'GSI3',
        KeyConditionExpression: 'GSI3PK = :pk AND GSI3SK < :now',
        ExpressionAttributeValues: { ':pk': queueIndex({ county, step }).partition, ':now': now },
        ProjectionExpression: 'township',
      });
      return items.map((item) => String(item.township));
    },
  };
}
