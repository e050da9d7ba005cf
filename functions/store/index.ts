/**
 * The store: DynamoDB access by aggregate, every module over the one table (table.ts) and the one item encoding
 * (items.ts). Built from an injected document client and table name by each handler's composition root
 * (functions/config/dependencies.ts), or by a test with its own.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoExecutionStore, type ExecutionStore } from './executions';
import { dynamoHouseholdStore, type HouseholdStore } from './households';
import { dynamoIdempotencyStore, type IdempotencyStore } from './idempotency';
import { dynamoMonitoringStore, type MonitoringStore } from './monitoring';
import { dynamoPaymentStore, type PaymentStore } from './payments';
import { dynamoPersonStore, type PersonStore } from './persons';
import { dynamoPhotoStore, type PhotoStore } from './photos';
import { dynamoProgramStore, type ProgramStore } from './programs';
import { dynamoProgressStore, type ProgressStore } from './progress';
import { dynamoRosterStore, type RosterStore } from './rosters';
import { dynamoStatusLookupStore, type StatusLookupStore } from './status-lookups';
import { Table } from './table';
import { dynamoTaskStore, type TaskStore } from './tasks';
import { dynamoUserStore, type UserStore } from './users';

export interface Store {
  readonly households: HouseholdStore;
  readonly tasks: TaskStore;
  readonly executions: ExecutionStore;
  readonly payments: PaymentStore;
  readonly photos: PhotoStore;
  readonly progress: ProgressStore;
  readonly programs: ProgramStore;
  readonly idempotency: IdempotencyStore;
  /** Staff accounts: who a token's subject is in Anju, and their authority. */
  readonly users: UserStore;
  /** The housing-safety ledger (issue 20). */
  readonly monitoring: MonitoringStore;
  /** The household's own view: status codes, lookup limits and the lookup log. */
  readonly statusLookups: StatusLookupStore;
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
    executions: dynamoExecutionStore(table),
    payments: dynamoPaymentStore(table),
    photos: dynamoPhotoStore(table),
    progress: dynamoProgressStore(table),
    programs: dynamoProgramStore(table),
    idempotency: dynamoIdempotencyStore(table),
    users: dynamoUserStore(table),
    monitoring: dynamoMonitoringStore(table),
    statusLookups: dynamoStatusLookupStore(table),
    persons: dynamoPersonStore(table),
    rosters: dynamoRosterStore(table),
    reachable: () => table.describe(),
  };
}

export type { ExecutionStore } from './executions';
export type { HouseholdChange, HouseholdStore, RecordWrite, Registration } from './households';
export { fileAfter } from './households';
export type { IdempotencyStore } from './idempotency';
export type { HouseholdFilter, SearchTarget, WorkQueue } from './items';

export type {
  LedgerChange,
  LedgerFile,
  LedgerQueue,
  LedgerRecord,
  LedgerWrite,
  MonitoringStore,
  QueuedItem,
} from './monitoring';
export type { PaymentState, PaymentStore, PaymentUpdate } from './payments';
export { approvalUpdate, bankResultUpdate, NO_LONGER_DUE, retryUpdate } from './payments';
export type { PersonFindings, PersonStore } from './persons';
export type { PhotoStore } from './photos';
export type { ProgramStore } from './programs';
export { programsRememberedFor } from './programs';
export type { ProgressStore } from './progress';
export * from './records';
export type { Roster, RosterStore } from './rosters';
export type { LookupLogEntry, LookupOutcome, StatusCodeRecord, StatusLookupStore } from './status-lookups';
export { STALE_VERSION } from './table';
export type { TaskStore } from './tasks';
export type { StaffFilter, UserRecord, UserStore } from './users';
