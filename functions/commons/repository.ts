/**
 * Transitional: the store (functions/store/) built from the environment, under the names the use cases still
 * import. Goes when the handlers build their dependencies themselves.
 */
import { createStore } from '../store';
import { ddb } from './clients';
import { env } from './env';

const store = createStore(ddb, env.tableName);

export type {
  Decision,
  HouseholdChange,
  HouseholdFile,
  HouseholdRecord,
  IdempotencyRecord,
  Page,
  RecordWrite,
  Registration,
  StoredPayment,
  StoredPhoto,
  Task as TaskItem,
  WorkQueue,
} from '../store';
export { Objection, STALE_VERSION } from '../store';
export { eventItem, inspectionItem, keys, objectionItem, paymentItem } from '../store/items';

export const getHouseholdFile = store.households.file;
export const getHouseholdRecord = store.households.record;
export const listHouseholds = store.households.list;
export const commitHouseholdChange = store.households.commit;
export const commitRegistration = store.households.register;
export const countObjections = store.households.countObjections;
export const getTask = store.tasks.get;
export const putOpenTask = store.tasks.putOpen;
export const deleteTaskIfToken = store.tasks.deleteIfToken;
export const deleteStartingTask = store.tasks.deleteStarting;
export const listOutbox = store.tasks.outbox;
export const listOpenTasks = store.tasks.openInQueues;
export const overdueTaskTownships = store.tasks.overdueTownships;
export const getPayment = store.payments.get;
export const listHouseholdPayments = store.payments.ofHousehold;
export const storePaymentApproval = store.payments.approve;
export const listPaymentsDue = store.payments.due;
export const storeBankResult = store.payments.storeBankResult;
export const storePaymentRetry = store.payments.retry;
export const putRequestedPhoto = store.photos.putRequested;
export const getPhoto = store.photos.get;
export const photosWithHash = store.photos.withHash;
export const getProgressCounters = store.progress.counters;
export const rebuildProgressCounters = store.progress.rebuild;
export const getProgram = store.programs.get;
export const putProgram = store.programs.put;
export const latestProgramOfCounty = store.programs.latestOfCounty;
export const getIdempotencyRecord = store.idempotency.get;
export const claimIdempotencyKey = store.idempotency.claim;
export const completeIdempotencyKey = store.idempotency.complete;
export const releaseIdempotencyKey = store.idempotency.release;
