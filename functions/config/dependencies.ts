/**
 * The composition root: the use cases' dependencies built from the configuration and the SDK clients, once per
 * container (config/handler.ts), never per request.
 */
import { createEvidence } from '../evidence';
import { createOutbox } from '../outbox';
import { createStore } from '../store';
import type { Dependencies } from '../use-cases/dependencies';
import type { Clients } from './clients';
import type { Config } from './config';

export function createDependencies(config: Config, clients: Clients): Dependencies {
  const store = createStore(clients.documents, config.tableName);
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
