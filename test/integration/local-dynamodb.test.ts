import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConditionalCheckFailedException, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CfnTemplate } from '../../twin/assembly/cfn-types';
import {
  ensureTables,
  JAVA_MISSING_MESSAGE,
  type LocalDynamo,
  startDynamo,
  tablesFromTemplate,
} from '../../twin/services/dynamodb';

// A template shaped like what CDK synthesizes for the data table (PK/SK, GSIs, TTL), trimmed to the read properties.
const template: CfnTemplate = {
  Resources: {
    Table: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK'].map((name) => ({
          AttributeName: name,
          AttributeType: 'S',
        })),
        BillingMode: 'PAY_PER_REQUEST',
        GlobalSecondaryIndexes: [1, 2].map((n) => ({
          IndexName: `GSI${n}`,
          KeySchema: [
            { AttributeName: `GSI${n}PK`, KeyType: 'HASH' },
            { AttributeName: `GSI${n}SK`, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        TableName: { Ref: 'AWS::NoValue' },
      },
    },
    Bucket: { Type: 'AWS::S3::Bucket', Properties: {} },
  },
};

const household = {
  PK: 'HH#h-1',
  SK: 'HH',
  GSI1PK: 'C#county-1',
  GSI1SK: '2026-11-01T00:00:00Z#h-1',
  GSI2PK: 'C#county-1#P#application',
  GSI2SK: '2026-11-01T00:00:00Z#h-1',
  name: '王大山',
};

function documentClient(endpoint: string): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'anjulocal', secretAccessKey: 'anjulocalsecret' },
    }),
  );
}

/** Java processes running DynamoDB Local on this port (other helpers may run their own on other ports). */
function dynamoLocalProcesses(port: number | string): string[] {
  try {
    return execFileSync('pgrep', ['-f', `DynamoDBLocal.jar.* -port ${port}( |$)`], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

const portOf = (endpoint: string) => new URL(endpoint).port;

describe('local DynamoDB', () => {
  let dataDir: string;
  const running: LocalDynamo[] = [];

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'anju-dynamo-'));
  });
  afterAll(async () => {
    await Promise.all(running.map((dynamo) => dynamo.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads table specs from the template', () => {
    const [table, ...others] = tablesFromTemplate(template, (logicalId) => `anju-${logicalId}`);
    expect(others).toEqual([]);
    expect(table).toMatchObject({
      logicalId: 'Table',
      name: 'anju-Table',
      timeToLiveAttribute: 'expiresAt',
      keySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
    });
    expect(table?.globalSecondaryIndexes.map((index) => index.indexName)).toEqual(['GSI1', 'GSI2']);
  });

  it('keeps items across a restart on the same folder, queries a GSI and refuses a duplicate conditional put', async () => {
    // Prepare
    const tables = tablesFromTemplate(template, () => 'anju-test-table');
    const first = await startDynamo({ dataDir });
    running.push(first);
    expect(dynamoLocalProcesses(portOf(first.endpoint))).toHaveLength(1);
    await ensureTables(first.endpoint, tables);
    const client = documentClient(first.endpoint);

    // Act
    await client.send(
      new PutCommand({
        TableName: 'anju-test-table',
        Item: household,
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    const byCountyAndPhase = await client.send(
      new QueryCommand({
        TableName: 'anju-test-table',
        IndexName: 'GSI2',
        KeyConditionExpression: 'GSI2PK = :pk',
        ExpressionAttributeValues: { ':pk': 'C#county-1#P#application' },
      }),
    );
    const duplicate = client.send(
      new PutCommand({
        TableName: 'anju-test-table',
        Item: { ...household, name: 'someone else' },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );

    // Assess
    expect(byCountyAndPhase.Items).toEqual([household]);
    await expect(duplicate).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    client.destroy();
    await first.stop();
    expect(dynamoLocalProcesses(portOf(first.endpoint))).toEqual([]);

    const second = await startDynamo({ dataDir });
    running.push(second);
    await ensureTables(second.endpoint, tables); // a no-op: the table exists with its data
    const again = documentClient(second.endpoint);
    const stored = await again.send(new GetCommand({ TableName: 'anju-test-table', Key: { PK: 'HH#h-1', SK: 'HH' } }));
    expect(stored.Item).toEqual(household);
    again.destroy();
  });

  it('adds an index the template gained to an existing table', async () => {
    const dynamo = await startDynamo({ dataDir: null });
    running.push(dynamo);
    const [table] = tablesFromTemplate(template, () => 'anju-evolving');
    if (table === undefined) throw new Error('the template has a table');
    const withoutGsi2 = {
      ...table,
      attributeDefinitions: table.attributeDefinitions.filter(
        (definition) => !definition.AttributeName?.startsWith('GSI2'),
      ),
      globalSecondaryIndexes: table.globalSecondaryIndexes.slice(0, 1),
    };
    await ensureTables(dynamo.endpoint, [withoutGsi2]);

    await ensureTables(dynamo.endpoint, [table]);

    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'anjulocal', secretAccessKey: 'anjulocalsecret' },
    });
    const described = await client.send(new DescribeTableCommand({ TableName: 'anju-evolving' }));
    expect(described.Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual(['GSI1', 'GSI2']);
    client.destroy();
    await dynamo.stop();
  });

  it('fails with one clear sentence when the port is taken, leaving no Java process behind', async () => {
    const holder: Server = createServer();
    await new Promise<void>((listening) => holder.listen(0, '127.0.0.1', () => listening()));
    const address = holder.address();
    if (address === null || typeof address === 'string') throw new Error('the holder listens on a TCP port');

    await expect(startDynamo({ dataDir: null, port: address.port })).rejects.toThrow(
      `Port ${address.port} is already in use: stop the program that holds it or start DynamoDB Local on another port.`,
    );

    expect(dynamoLocalProcesses(address.port)).toEqual([]);
    await new Promise((closed) => holder.close(closed));
  });

  it('says how to install Java when there is none on the PATH', async () => {
    const path = process.env.PATH;
    process.env.PATH = dataDir; // a folder with no java in it
    try {
      await expect(startDynamo({ dataDir: null })).rejects.toThrow(JAVA_MISSING_MESSAGE);
    } finally {
      process.env.PATH = path;
    }
  });

  it('says the data folder is not writable when it cannot be created', async () => {
    const underAFile = join(dataDir, 'not-a-folder');
    writeFileSync(underAFile, '');

    await expect(startDynamo({ dataDir: join(underAFile, 'data') })).rejects.toThrow(
      /is not writable: fix its permissions/,
    );
  });
});
