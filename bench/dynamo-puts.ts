/** Raw PutItem throughput against one DynamoDB Local endpoint: the engine's ceiling on this machine. */
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { pool } from './common';

export const CEILING_TABLE = 'BenchCeiling';

/** A document client of a DynamoDB Local endpoint (`maxAttempts: 1` where a retry would hide a failed write). */
export function client(endpoint: string, options: { maxAttempts?: number } = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'anjulocal', secretAccessKey: 'anjulocalsecret' },
      ...options,
    }),
  );
}

export async function ensureCeilingTable(endpoint: string): Promise<void> {
  try {
    await client(endpoint).send(
      new CreateTableCommand({
        TableName: CEILING_TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}

/** Puts `count` items of about 200 bytes with `concurrency` requests in flight; returns puts per second. */
export async function measurePuts(
  endpoint: string,
  options: { count: number; concurrency: number; round: string },
): Promise<{ putsPerSecond: number; seconds: number; itemBytes: number }> {
  const documents = client(endpoint);
  const item = (i: number) => ({
    pk: `HH#${options.round}-${String(i).padStart(6, '0')}`,
    sk: 'PROFILE',
    phase: 'safety-appraisal',
    version: 3,
    county: '522727',
    township: '522727101',
    updatedAt: new Date().toISOString(),
    note: 'x'.repeat(60),
  });
  const itemBytes = Buffer.byteLength(JSON.stringify(item(0)));
  const started = performance.now();
  await pool(options.count, options.concurrency, async (i) => {
    await documents.send(new PutCommand({ TableName: CEILING_TABLE, Item: item(i) }));
  });
  const seconds = (performance.now() - started) / 1000;
  documents.destroy();
  return { putsPerSecond: options.count / seconds, seconds, itemBytes };
}
