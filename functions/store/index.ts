/**
 * The store: DynamoDB access by aggregate, every module over the one table (table.ts) and the one item encoding
 * (items.ts). Built from an injected document client and table name by each handler's composition root
 * (functions/config/dependencies.ts), or by a test with its own.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoHouseholdStore, type HouseholdStore } from './households';
import { dynamoIdempotencyStore, type IdempotencyStore } from './idempotency';
import { dynamoPaymentStore, type PaymentStore } from './payments';
import { dynamoPersonStore, type PersonStore } from './persons';
import { dynamoPhotoStore, type PhotoStore } from './photos';
import { dynamoProgramStore, type ProgramStore } from './programs';
import { dynamoProgressStore, type ProgressStore } from './progress';
import { dynamoRosterStore, type RosterStore } from './rosters';
import { Table } from './table';
import { dynamoTaskStore, type TaskStore } from './tasks';

export interface Store {
  readonly households: HouseholdStore;
  readonly tasks: TaskStore;
  readonly payments: PaymentStore;
  readonly photos: PhotoStore;
  readonly progress: ProgressStore;
  readonly programs: ProgramStore;
  readonly idempotency: IdempotencyStore;
  /** Claims on persons, accounts and addresses, and what other files and rosters say about them. */
  readonly persons: PersonStore;
  readonly rosters: RosterStore;
  /** The table answers (the health check). */
  reachable(): Promise<void>;
}

export function createStore(client: DynamoDBDocumentClient, tableName: string): Store {
  const table = new Table(client, tableName);
  return {
    households: dynamoHouseholdStore(table),
    tasks: dynamoTaskStore(table),
    payments: dynamoPaymentStore(table),
    photos: dynamoPhotoStore(table),
    progress: dynamoProgressStore(table),
    programs: dynamoProgramStore(table),
    idempotency: dynamoIdempotencyStore(table),
    persons: dynamoPersonStore(table),
    rosters: dynamoRosterStore(table),
    reachable: () => table.describe(),
  };
}

export type { HouseholdChange, HouseholdStore, RecordWrite, Registration } from './households';
export { fileAfter } from './households';
export type { IdempotencyStore } from './idempotency';
export type { HouseholdFilter, WorkQueue } from './items';
export type { PaymentStore, PaymentUpdate } from './payments';
export { approvalUpdate, bankResultUpdate, NO_LONGER_DUE, retryUpdate } from './payments';
export type { PersonFindings, PersonStore } from './persons';
export type { PhotoStore } from './photos';
export type { ProgramStore } from './programs';
export { programsRememberedFor } from './programs';
export type { ProgressStore } from './progress';
export * from './records';
export type { Roster, RosterStore } from './rosters';
export { STALE_VERSION } from './table';
export type { TaskStore } from './tasks';
