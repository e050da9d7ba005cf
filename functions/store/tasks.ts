/**
 * The task of a household (`HH#{id}` / `TASK`): the open task of a human step in the work queues, the decided or
 * starting task in the outbox, and the queries over both.
 */
import { z } from 'zod';
import type { Phase } from '../../domain/model';
import { type Item, keys, OUTBOX_PARTITION, openTaskItem, queueIndex, taskOf, type WorkQueue } from './items';
import type { Page, Task } from './records';
import { decodeCursor, encodeCursor, StartKey, type Table } from './table';

export interface TaskStore {
  get(householdId: string): Promise<Task | undefined>;
  /**
   * Records the open task of a human step; `replacing` is the task read before (undefined: none). It replaces
   * whatever is there (a delivered decision of an earlier step, an open task of a dead execution) except a decision
   * of this very step stored after that read: overwriting it would take it out of the outbox, so the write is
   * refused (false) and the caller reads again and decides again. A decision of this step that was already there at
   * the read (a failed inspection, whose step loops onto itself) is replaced.
   */
  putOpen(task: Task & { status: 'open'; dueAt: string }, replacing: Task | undefined): Promise<boolean>;
  /**
   * Removes the task once Step Functions has the decision for `taskToken`. False means the next step already
   * recorded its own task: nothing to remove.
   */
  deleteIfToken(householdId: string, taskToken: string): Promise<boolean>;
  /** Removes a `starting` task once its execution exists (unless the first step replaced it). */
  deleteStarting(householdId: string): Promise<boolean>;
  /** Outbox entries (decided or starting tasks) that entered the outbox before `before` (ISO time), oldest first. */
  outbox(before: string, limit?: number): Promise<Task[]>;
  /**
   * Open tasks of several queues merged earliest due first. The cursor keeps, per queue, the key of the last task
   * returned (or `done`), so paging never skips or repeats a task.
   */
  openInQueues(queues: readonly WorkQueue[], cursor: string | undefined, limit: number): Promise<Page<Task>>;
  /** Townships of the overdue open tasks of a county queue (due before `now`). */
  overdueTownships(county: string, step: Phase, now: string): Promise<string[]>;
}

const QueueCursor = z.record(z.string(), z.union([StartKey, z.literal('done')]));

export function dynamoTaskStore(table: Table): TaskStore {
  return {
    get: (householdId) => table.find(keys.task(householdId), taskOf),

    putOpen(task, replacing) {
      const seenDecisionOfThisStep =
        replacing?.status === 'decided' && replacing.step === task.step ? replacing.taskToken : undefined;
      return table.applied(
        table.put({
          Item: openTaskItem(task),
          ConditionExpression: `attribute_not_exists(PK) OR #status <> :decided OR step <> :step${seenDecisionOfThisStep ? ' OR taskToken = :seen' : ''}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':decided': 'decided',
            ':step': task.step,
            ...(seenDecisionOfThisStep ? { ':seen': seenDecisionOfThisStep } : {}),
          },
        }),
      );
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

    async outbox(before, limit = 100) {
      const tasks: Task[] = [];
      let startKey: Item | undefined;
      do {
        const page = await table.queryPage({
          IndexName: 'GSI2',
          KeyConditionExpression: 'GSI2PK = :outbox AND GSI2SK < :before',
          ExpressionAttributeValues: { ':outbox': OUTBOX_PARTITION, ':before': before },
          ExclusiveStartKey: startKey,
          Limit: limit,
        });
        tasks.push(...page.items.map(taskOf));
        startKey = page.lastKey;
      } while (startKey && tasks.length < limit);
      return tasks;
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
