/**
 * Loads the demo county (domain/demo-county.ts: 16 townships, 600 households at mixed phases)
 * into the running local stack, for `npm start -- --demo` / `ANJU_DEMO=1`:
 * 1. the program through the API, as an admin would;
 * 2. per household, its history through the functions' own repository: events, inspections,
 *    payments and objections first, then the registration transaction with the household as it
 *    stands (its progress counters are ADDed there, as for any registration); a household already
 *    there is left alone, so a second start loads nothing;
 * 3. an execution per household still in progress, started at its phase (the state machine routes
 *    on the phase first, docs/design.md "resync"), so its open task is recorded with a due date and
 *    a newcomer can act on it; a rejected household's ID claim is released as a rejection would.
 * Shortcuts against the real process, said plainly: inspections carry no photos (the photos of the
 * small demo flow are uploaded through the API), and no objection is ever resolved.
 */
import { BatchWriteCommand, DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { demoCountyHouseholds, demoCountyProgram, type SeededHousehold } from '../domain/demo-county';
import { ConflictError } from '../domain/errors';
import { hashIdNumber } from '../domain/rules/idNumber';
import type { LocalAssembly } from './assembly';
import type { DevUser, IdentityProvider } from './identity';

const AT_ONCE = 12;
const BATCH = 25;

type Repository = typeof import('../functions/commons/repository');
type Clients = typeof import('../functions/commons/clients');
type Workflow = typeof import('../functions/commons/step-functions');

/**
 * The repository as the functions use it, loaded with the environment of a function that holds all
 * its variables (table, bucket, state machine). The common variables (endpoints, credentials) are
 * already in this process, set when the functions were loaded.
 */
async function functionModules(assembly: LocalAssembly): Promise<{ repo: Repository; clients: Clients; wf: Workflow }> {
  const spec = assembly.functions.find((fn) => fn.logicalId.includes('HouseholdsFn'));
  if (!spec) throw new Error('the assembly has no HouseholdsFn to take the table and state machine names from');
  const previous = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries(spec.environment)) {
    previous.set(key, process.env[key]);
    process.env[key] = value;
  }
  try {
    const [repo, clients, wf] = await Promise.all([
      import('../functions/commons/repository'),
      import('../functions/commons/clients'),
      import('../functions/commons/step-functions'),
    ]);
    return { repo, clients, wf };
  } finally {
    for (const [key, value] of previous) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

async function putProgram(url: string, token: string): Promise<void> {
  const programUrl = `${url}/programs/${demoCountyProgram.programId}`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const existing = await fetch(programUrl, { headers });
  if (existing.status === 200) return;
  const created = await fetch(programUrl, { method: 'PUT', headers, body: JSON.stringify(demoCountyProgram) });
  if (!created.ok) throw new Error(`the demo county program answered ${created.status}: ${await created.text()}`);
}

async function batchWrite(clients: Clients, table: string, items: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += BATCH) {
    let pending: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
      [table]: items.slice(i, i + BATCH).map((Item) => ({ PutRequest: { Item } })),
    };
    while (pending && Object.keys(pending).length > 0) {
      const answer = await clients.ddb.send(new BatchWriteCommand({ RequestItems: pending }));
      pending = answer.UnprocessedItems as typeof pending;
    }
  }
}

async function loadOne(seeded: SeededHousehold, m: Awaited<ReturnType<typeof functionModules>>, table: string) {
  const { household, events } = seeded;
  const first = events[0];
  const last = events.at(-1);
  if (!first || !last) throw new Error(`demo household ${household.householdId} has no events`);
  // Loaded before (a second start): one read instead of writing its history again.
  if (await m.repo.getHouseholdRecord(household.householdId)) return 'existing';
  const executionName = m.wf.firstExecutionName(household.householdId);
  const history: Record<string, unknown>[] = [
    ...events.slice(1).map((event) => m.repo.eventItem(event)),
    ...seeded.inspections.map(({ inspection, milestoneIndex }) => m.repo.inspectionItem(inspection, milestoneIndex)),
    ...seeded.payments.map((payment) => m.repo.paymentItem(payment)),
    ...seeded.objections.map((objection) => m.repo.objectionItem(objection)),
  ];
  // History first: the registration is the commit point, so a crash in between only repeats work.
  await batchWrite(m.clients, table, history);
  try {
    await m.repo.commitRegistration({
      record: { household, lastHash: last.hash },
      idHash: hashIdNumber(household.head.idNumber),
      event: first,
      executionName,
    });
  } catch (error) {
    if (error instanceof ConflictError) return 'existing';
    throw error;
  }
  if (household.phase === 'rejected') {
    await m.clients.ddb.send(
      new DeleteCommand({ TableName: table, Key: m.repo.keys.idClaim(hashIdNumber(household.head.idNumber)) }),
    );
  }
  if (household.phase !== 'rejected' && household.phase !== 'archived') {
    await m.wf.startExecution(executionName, { householdId: household.householdId, phase: household.phase });
  }
  await m.repo.deleteStartingTask(household.householdId);
  return 'loaded';
}

/** Loads `count` households of the demo county; answers a line for the start-up banner. */
export async function loadDemoCounty(options: {
  url: string;
  identity: IdentityProvider;
  users: readonly DevUser[];
  assembly: LocalAssembly;
  count: number;
  now?: Date;
}): Promise<string> {
  const started = performance.now();
  const admin = options.users.find((user) => user.roles.includes('admin'));
  if (!admin) return 'no admin demo user: the demo county was not loaded';
  await putProgram(options.url, await options.identity.issue(admin));
  const modules = await functionModules(options.assembly);
  const table = tableName(options.assembly);
  const households = demoCountyHouseholds(options.now ?? new Date(), options.count);
  let loaded = 0;
  let existing = 0;
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < households.length; i = next++) {
      const seeded = households[i];
      if (!seeded) continue;
      if ((await loadOne(seeded, modules, table)) === 'loaded') loaded += 1;
      else existing += 1;
    }
  };
  await Promise.all(Array.from({ length: AT_ONCE }, worker));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  return `demo county ${demoCountyProgram.programId}: ${loaded} households loaded, ${existing} already there (${seconds} s)`;
}

function tableName(assembly: LocalAssembly): string {
  const spec = assembly.functions.find((fn) => fn.logicalId.includes('HouseholdsFn'));
  const name = spec?.environment.TABLE_NAME;
  if (!name) throw new Error('HouseholdsFn has no TABLE_NAME');
  return name;
}
