/**
 * The composition root: the use cases' dependencies built from the configuration and the SDK clients, once per
 * container (config/handler.ts), never per request.
 */
import { createEvidence } from '../evidence';
import { createOutbox } from '../outbox';
import { createStore, programsRememberedFor } from '../store';
import type { Dependencies } from '../use-cases/dependencies';
import type { Clients } from './clients';
import type { Config } from './config';

/**
 * How long a container answers a program from memory: the program is read by nearly every action and step and
 * changes a few times a year, so an admin's change reaches the other functions' running containers within a minute.
 */
export const PROGRAMS_FRESH_FOR_MS = 60_000;

export interface CompositionOptions {
  /** 0: read the program on every use (a test that changes it between calls). */
  programsFreshForMs?: number;
}

export function createDependencies(
  config: Config,
  clients: Clients,
  { programsFreshForMs = PROGRAMS_FRESH_FOR_MS }: CompositionOptions = {},
): Dependencies {
  const tables = createStore(clients.documents, config.tableName);
  const store = { ...tables, programs: programsRememberedFor(tables.programs, programsFreshForMs) };
  return {
    store,
    evidence: createEvidence(clients.s3, clients.presigner, config.evidenceBucket),
    outbox: createOutbox({
      sfn: clients.sfn,
      stateMachineArn: config.stateMachineArn,
      tasks: store.tasks,
      households: store.households,
    }),
    photoMaxDistanceM: config.photoMaxDistanceM,
  };
}
