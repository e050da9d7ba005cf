import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, vi } from 'vitest';

export const ddbMock = mockClient(DynamoDBDocumentClient);
export const sfnMock = mockClient(SFNClient);
export const s3Mock = mockClient(S3Client);

export function resetMocks(): void {
  ddbMock.reset();
  sfnMock.reset();
  s3Mock.reset();
  // A table holding nothing else: the claims, rosters and near-copy index a use case also asks are empty unless a
  // test says otherwise (a more specific `on(...)` wins).
  ddbMock.on(QueryCommand).resolves({ Items: [] });
  ddbMock.on(BatchGetCommand).resolves({ Responses: {} });
  ddbMock.on(BatchWriteCommand).resolves({});
}

/** Each test of the calling suite starts with fresh mocks and the clock frozen at `now`. */
export function withMocksAtFixedTime(now: Date): void {
  beforeEach(() => {
    resetMocks();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(now);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}

/**
 * BatchGetItem answers with what the test's GetItem mocks answer for each key: a suite that stubs items one by one
 * (and overrides them per test) keeps doing so when the code reads several of them in one request.
 */
export function batchGetsFromGets(): void {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  ddbMock.on(BatchGetCommand).callsFake(async (input: BatchGetCommandInput) => {
    const Responses: Record<string, Record<string, unknown>[]> = {};
    for (const [TableName, { Keys = [] }] of Object.entries(input.RequestItems ?? {})) {
      const items: Record<string, unknown>[] = [];
      for (const Key of Keys) {
        const { Item } = await client.send(new GetCommand({ TableName, Key }));
        if (Item) items.push(Item);
      }
      Responses[TableName] = items;
    }
    return { Responses };
  });
}

/** The partition of the household answers the file Query. */
export function givenFile(items: Record<string, unknown>[]): void {
  ddbMock.on(QueryCommand, { KeyConditionExpression: 'PK = :pk' }).resolves({ Items: items });
}

/** A transaction refused by DynamoDB because the condition of item `index` failed. */
export function transactionCanceled(index: number, total: number, item?: Record<string, unknown>): Error {
  const error = new Error('Transaction cancelled, please refer cancellation reasons for specific reasons');
  error.name = 'TransactionCanceledException';
  Object.assign(error, {
    CancellationReasons: Array.from({ length: total }, (_, i) =>
      i === index
        ? { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: item }
        : { Code: 'None' },
    ),
  });
  return error;
}

export function namedError(name: string, message = name): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}
