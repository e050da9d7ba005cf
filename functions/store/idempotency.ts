/**
 * Idempotency records (`IDEM#{username}#{key}`): claimed before a request acts, completed with its answer, released
 * when it failed. DynamoDB deletes them by TTL (`expiresAt`), with a lag: an expired record counts as none.
 */
import { idempotencyItem, idempotencyRecordOf, keys } from './items';
import type { IdempotencyRecord } from './records';
import type { Table } from './table';

export interface IdempotencyStore {
  get(username: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** Claims the key; false when a record already exists (and has not expired). */
  claim(username: string, key: string, record: IdempotencyRecord, nowSeconds: number): Promise<boolean>;
  complete(
    username: string,
    key: string,
    response: { status: number; body: unknown },
    expiresAt: number,
  ): Promise<void>;
  release(username: string, key: string): Promise<void>;
}

export function dynamoIdempotencyStore(table: Table): IdempotencyStore {
  return {
    get: (username, key) => table.find(keys.idempotency(username, key), idempotencyRecordOf),

    claim(username, key, record, nowSeconds) {
      return table.applied(
        table.put({
          Item: idempotencyItem(username, key, record),
          // TTL deletion lags: an expired record is as good as none.
          ConditionExpression: 'attribute_not_exists(PK) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      );
    },

    complete(username, key, response, expiresAt) {
      return table.update({
        Key: keys.idempotency(username, key),
        UpdateExpression: 'SET #status = :completed, #response = :response, expiresAt = :expiresAt',
        ExpressionAttributeNames: { '#status': 'status', '#response': 'response' },
        ExpressionAttributeValues: { ':completed': 'completed', ':response': response, ':expiresAt': expiresAt },
      });
    },

    release(username, key) {
      return table.delete({ Key: keys.idempotency(username, key) });
    },
  };
}
