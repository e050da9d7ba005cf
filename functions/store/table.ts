/**
 * The one table every store module shares: the document client and the table's name, injected, and the few
 * ways the modules talk to it (a read, a paged Query, a conditional write, a transaction whose failed
 * condition becomes a ConflictError with a sentence a person can act on).
 */
import { createHash } from 'node:crypto';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { type Bilingual, ConflictError, ValidationError } from '../../domain/errors';
import { canonicalJson } from '../../domain/rules/audit';
import type { Item } from './items';

type Key = Record<string, string>;
type WithoutTable<T> = Omit<T, 'TableName'>;

/** One write of a transaction with the sentence to show when its condition fails. */
export interface GuardedWrite {
  item: NonNullable<TransactWriteCommandInput['TransactItems']>[number];
  onConflict: Bilingual | ((existing: Item | undefined) => Bilingual);
}

export const STALE_VERSION: Bilingual = {
  zh: '该户档案已被他人修改，请刷新后重试',
  en: 'The household file was changed by someone else (stale version); reload and retry',
};

/** Attempts of a transaction that DynamoDB cancelled only for a TransactionConflict (nothing was written). */
const TRANSACTION_ATTEMPTS = 4;

/** BatchWriteItem takes 25 items a request; a few requests at once keep a large import from flooding the table. */
const BATCH_SIZE = 25;
const BATCHES_AT_ONCE = 4;
const BATCH_ATTEMPTS = 8;

export function isNamed(error: unknown, name: string): error is Error & Record<string, unknown> {
  return error instanceof Error && error.name === name;
}

const codeOf = (reason: unknown): string | undefined =>
  typeof reason === 'object' && reason !== null ? (reason as { Code?: string }).Code : undefined;

/**
 * The `ClientRequestToken` of one attempt of a transaction: a hash of its items (the new version and the event's
 * hash make every change's items unique) and the attempt. The SDK's own retries of the call (after a timeout, a
 * 5xx, a throttle) send the same input, so a transaction that committed but whose answer was lost is answered as a
 * success within DynamoDB's 10-minute window instead of failing its version condition ("someone else changed the
 * file"). A retry after a TransactionConflict, which wrote nothing, is a new attempt with a new token.
 */
export function clientRequestToken(transactItems: readonly unknown[], attempt: number): string {
  return createHash('sha256').update(JSON.stringify(transactItems)).update(`#${attempt}`).digest('hex').slice(0, 36);
}

export class Table {
  constructor(
    readonly client: DynamoDBDocumentClient,
    readonly name: string,
  ) {}

  /** The table answers (the health check). */
  async describe(): Promise<void> {
    await this.client.send(new DescribeTableCommand({ TableName: this.name }));
  }

  /** One item, strongly consistent unless said otherwise: decisions are taken on what it holds. */
  async get(key: Key, consistent = true): Promise<Item | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.name, Key: key, ...(consistent ? { ConsistentRead: true } : {}) }),
    );
    return Item;
  }

  /** One item read as its record, or undefined. */
  async find<T>(key: Key, recordOf: (item: Item) => T, consistent = true): Promise<T | undefined> {
    const item = await this.get(key, consistent);
    return item ? recordOf(item) : undefined;
  }

  /** Several items in one BatchGetItem (strongly consistent), in no particular order; keys DynamoDB left unprocessed are asked again. */
  async getMany(wanted: readonly Key[]): Promise<Item[]> {
    const found: Item[] = [];
    let pending: Key[] = [...wanted];
    while (pending.length > 0) {
      const answer = await this.client.send(
        new BatchGetCommand({ RequestItems: { [this.name]: { Keys: pending, ConsistentRead: true } } }),
      );
      found.push(...(answer.Responses?.[this.name] ?? []));
      pending = (answer.UnprocessedKeys?.[this.name]?.Keys ?? []) as Key[];
    }
    return found;
  }

  /** One page of a Query. */
  async queryPage(input: WithoutTable<QueryCommandInput>): Promise<{ items: Item[]; lastKey?: Item }> {
    const page = await this.client.send(new QueryCommand({ ...input, TableName: this.name }));
    return { items: page.Items ?? [], ...(page.LastEvaluatedKey ? { lastKey: page.LastEvaluatedKey } : {}) };
  }

  /** Every item of a Query, following `LastEvaluatedKey` page by page. */
  async queryAll(input: WithoutTable<QueryCommandInput>): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.queryPage({ ...input, ExclusiveStartKey: startKey });
      items.push(...page.items);
      startKey = page.lastKey;
    } while (startKey);
    return items;
  }

  /** Counts the items of a Query without reading them; DynamoDB counts at most 1 MB per page. */
  async count(input: WithoutTable<QueryCommandInput>): Promise<number> {
    let count = 0;
    let startKey: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({ ...input, TableName: this.name, Select: 'COUNT', ExclusiveStartKey: startKey }),
      );
      count += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return count;
  }

  async put(input: WithoutTable<PutCommandInput>): Promise<void> {
    await this.client.send(new PutCommand({ ...input, TableName: this.name }));
  }

  async update(input: WithoutTable<UpdateCommandInput>): Promise<void> {
    await this.client.send(new UpdateCommand({ ...input, TableName: this.name }));
  }

  async delete(input: WithoutTable<DeleteCommandInput>): Promise<void> {
    await this.client.send(new DeleteCommand({ ...input, TableName: this.name }));
  }

  /**
   * Puts an item that must not exist yet. When the SDK sent the put again because its answer was lost (a timeout,
   * a 500 after the write applied), the second try meets the first one's item: the same item is this write's own
   * success, not a conflict. False when another item is there.
   */
  async putNew(item: Item): Promise<boolean> {
    const written = await this.applied(this.put({ Item: item, ...ABSENT }));
    if (written) return true;
    const found = await this.get({ PK: String(item.PK), SK: String(item.SK) });
    return found !== undefined && canonicalJson(found) === canonicalJson(item);
  }

  /** A conditional write: true when it was applied, false when its condition did not hold. */
  async applied(write: Promise<void>): Promise<boolean> {
    try {
      await write;
      return true;
    } catch (error) {
      if (isNamed(error, 'ConditionalCheckFailedException')) return false;
      throw error;
    }
  }

  /** A conditional write whose failed condition is the caller's conflict (409). */
  async orConflict(write: Promise<void>, conflict: Bilingual): Promise<void> {
    try {
      await write;
    } catch (error) {
      if (isNamed(error, 'ConditionalCheckFailedException')) throw new ConflictError(conflict, { cause: error });
      throw error;
    }
  }

  /**
   * Writes the items in one transaction. On AWS a transaction that touches an item another transaction is writing
   * at that moment is cancelled with TransactionConflict (DynamoDB Local never does): the household's progress
   * counters are shared by every household of a township shard, so two unrelated actions can meet there. Such a
   * cancellation wrote nothing and every condition is checked again, so it is retried as is after a short random
   * pause; a conflict on the household itself then fails its version condition and answers 409 like any stale write.
   */
  async transact(items: readonly GuardedWrite[]): Promise<void> {
    const transactItems = items.map((guarded) => guarded.item);
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: transactItems,
            ClientRequestToken: clientRequestToken(transactItems, attempt),
          }),
        );
        return;
      } catch (error) {
        if (!isNamed(error, 'TransactionCanceledException')) throw error;
        const reasons = Array.isArray(error.CancellationReasons) ? (error.CancellationReasons as unknown[]) : [];
        const failed = reasons.findIndex((reason) => codeOf(reason) === 'ConditionalCheckFailed');
        const guarded = items[failed];
        if (failed < 0 || !guarded) {
          if (!reasons.some((reason) => codeOf(reason) === 'TransactionConflict')) throw error;
          if (attempt < TRANSACTION_ATTEMPTS) {
            await new Promise((resolve) => setTimeout(resolve, attempt * (10 + Math.random() * 40)));
            continue;
          }
          // Still busy after the retries: the caller lost a race, which is a 409, never a 500.
          throw new ConflictError(STALE_VERSION, { cause: error });
        }
        const reason = reasons[failed] as { Item?: Item };
        const message = typeof guarded.onConflict === 'function' ? guarded.onConflict(reason.Item) : guarded.onConflict;
        throw new ConflictError(message, { cause: error });
      }
    }
  }

  /**
   * Puts many independent items (a roster's entries), 25 a request and a few requests at once; items DynamoDB leaves
   * unprocessed under load are sent again. Not a transaction: each item stands on its own.
   */
  async batchPut(items: readonly Item[]): Promise<void> {
    const chunks: Item[][] = [];
    for (let i = 0; i < items.length; i += BATCH_SIZE) chunks.push(items.slice(i, i + BATCH_SIZE));
    const send = async (chunk: Item[]) => {
      let requests = chunk.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 1; requests.length > 0; attempt += 1) {
        const answer = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.name]: requests } }));
        requests = (answer.UnprocessedItems?.[this.name] ?? []) as typeof requests;
        if (requests.length > 0) {
          if (attempt >= BATCH_ATTEMPTS) throw new Error(`${requests.length} items stayed unprocessed`);
          await new Promise((resolve) => setTimeout(resolve, attempt * 50));
        }
      }
    };
    for (let i = 0; i < chunks.length; i += BATCHES_AT_ONCE) {
      await Promise.all(chunks.slice(i, i + BATCHES_AT_ONCE).map(send));
    }
  }

  /** A transaction Put of `item`, under `condition` when given. */
  putWrite(item: Item, onConflict: GuardedWrite['onConflict'], condition?: Condition): GuardedWrite {
    return { item: { Put: { TableName: this.name, Item: item, ...condition } }, onConflict };
  }
}

/** A condition expression with its names and values. */
export interface Condition {
  ConditionExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
  ReturnValuesOnConditionCheckFailure?: 'ALL_OLD';
}

export const ABSENT: Condition = { ConditionExpression: 'attribute_not_exists(PK)' };

/** Which write of a transaction failed its condition (`transact` keeps DynamoDB's cancellation as the cause). */
export function failedConditionOf(error: unknown): number | undefined {
  const cause = error instanceof ConflictError ? error.cause : error;
  if (!isNamed(cause, 'TransactionCanceledException') || !Array.isArray(cause.CancellationReasons)) return undefined;
  const index = (cause.CancellationReasons as unknown[]).findIndex(
    (reason) => codeOf(reason) === 'ConditionalCheckFailed',
  );
  return index < 0 ? undefined : index;
}

// ---------------------------------------------------------------- cursors

/** Opaque base64url page cursor wrapping DynamoDB's LastEvaluatedKey. */
export function encodeCursor(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

const INVALID_CURSOR: Bilingual = { zh: '分页游标无效', en: 'The page cursor is invalid' };

export function decodeCursor<T>(cursor: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch (error) {
    throw ValidationError.field('cursor', INVALID_CURSOR, { cause: error });
  }
}

export const StartKey = z.record(z.string(), z.string());
