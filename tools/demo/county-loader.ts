/**
 * Loads the demo county (tools/demo/county.ts: 16 townships, 600 households at mixed phases)
 * into the running local stack, for `npm start -- --demo` / `ANJU_DEMO=1`:
 * 1. the program through the API, as an admin would;
 * 2. per household, its history through the functions' own store: events, inspections,
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
import { ConflictError } from '../../domain/errors';
import { hashIdNumber } from '../../domain/rules/idNumber';
import { type Clients, createClients } from '../../functions/config/clients';
import { readConfig } from '../../functions/config/config';
import { createDependencies } from '../../functions/config/dependencies';
import { firstExecutionName } from '../../functions/outbox';
import { eventItem, inspectionItem, keys, objectionItem, paymentItem } from '../../functions/store/items';
import type { Dependencies } from '../../functions/use-cases/dependencies';
import type { LocalAssembly } from '../../twin/assembly/assembly';
import { demoCountyHouseholds, demoCountyProgram, type SeededHousehold } from './county';
import { seedProgram } from './seed-program';

const AT_ONCE = 12;
const BATCH = 25;

type FunctionParts = Pick<Dependencies, 'store' | 'outbox'> & { clients: Clients };

/**
 * The store and outbox as the functions build them, from the configuration of a function that holds all its
 * variables (table, bucket, state machine). The common variables (endpoints, credentials) are already in this
 * process, set when the functions were loaded.
 */
function functionParts(assembly: LocalAssembly): FunctionParts {
  const spec = assembly.functions.find((fn) => fn.logicalId.includes('HouseholdsFn'));
  if (!spec) throw new Error('the assembly has no HouseholdsFn to take the table and state machine names from');
  const clients = createClients();
  const { store, outbox } = createDependencies(readConfig(spec.environment), clients);
  return { store, outbox, clients };
}

async function batchWrite(clients: Clients, table: string, items: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += BATCH) {
    let pending: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
      [table]: items.slice(i, i + BATCH).map((Item) => ({ PutRequest: { Item } })),
    };
    while (pending && Object.keys(pending).length > 0) {
      const answer = await clients.documents.send(new BatchWriteCommand({ RequestItems: pending }));
      pending = answer.UnprocessedItems as typeof pending;
    }
  }
}

async function loadOne(seeded: SeededHousehold, m: FunctionParts, table: string) {
  const { household, events } = seeded;
  const first = events[0];
  const last = events.at(-1);
  if (!first || !last) throw new Error(`demo household ${household.householdId} has no events`);
  // Loaded before (a second start): one read instead of writing its history again.
  if (await m.store.households.record(household.householdId)) return 'existing';
  const executionName = firstExecutionName(household.householdId);
  const history: Record<string, unknown>[] = [
    ...events.slice(1).map((event) => eventItem(event)),
    ...seeded.inspections.map(({ inspection, milestoneIndex }) => inspectionItem(inspection, milestoneIndex)),
    ...seeded.payments.map((payment) => paymentItem(payment)),
    ...seeded.objections.map((objection) => objectionItem(objection)),
  ];
  // History first: the registration is the commit point, so a crash in between only repeats work.
  await batchWrite(m.clients, table, history);
  try {
    await m.store.households.register({
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
    await m.clients.documents.send(
      new DeleteCommand({ TableName: table, Key: keys.idClaim(hashIdNumber(household.head.idNumber)) }),
    );
  }
  if (household.phase !== 'rejected' && household.phase !== 'archived') {
    // A start that fails is left to the outbox sweeper, as for any registration.
    await m.outbox.startFirst(household.householdId, household.phase);
  } else {
    await m.store.tasks.deleteStarting(household.householdId);
  }
  return 'loaded';
}

/** Loads `count` households of the demo county; answers a line for the start-up banner. */
export async function loadDemoCounty(options: {
  url: string;
  /** A token of an admin, who puts the program. */
  adminToken: string;
  assembly: LocalAssembly;
  count: number;
  now?: Date;
}): Promise<string> {
  const started = performance.now();
  await seedProgram(options.url, options.adminToken, demoCountyProgram);
  const modules = functionParts(options.assembly);
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
