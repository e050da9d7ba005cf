/**
 * The household's own view (`POST /public/status`, no staff login):
 * 1. count the lookup against its source address and against the ID number, each in its window; over either limit
 *    the answer is 429 and nothing is read;
 * 2. find the household by the head's ID number (the renovation's one-subsidy claim), and compare the head's name
 *    and the code printed on its agreement in constant time; any mismatch, an unknown number or a household without
 *    a code gets the same 404, so an answer never tells which part was wrong;
 * 3. log the lookup (outcome, ID number masked, a salted hash of the source, the household when found);
 * 4. answer where the file stands, the next step and who owns it, and the installments: nothing else.
 */
import { randomUUID } from 'node:crypto';
import { chinaDateTime } from '../../../domain/china-time';
import { NotFoundError, TooManyRequestsError } from '../../../domain/errors';
import type { StatusLookupBody } from '../../../domain/monitoring/actions';
import { LOOKUP_LIMITS, limitKey, limitWindow } from '../../../domain/monitoring/lookup-limits';
import { type PublicStatus, publicStatus, sameName, sameSecret } from '../../../domain/monitoring/public-status';
import { hashIdNumber, maskIdNumber } from '../../../domain/rules/idNumber';
import { logger } from '../../config/logger';
import type { LookupOutcome, Store } from '../../store';
import type { Dependencies } from '../dependencies';

export interface LookupRequest {
  /** The caller's address as API Gateway saw it. */
  sourceIp: string;
  requestId: string;
}

const NO_MATCH = new NotFoundError({
  zh: '身份证号、姓名或查询码不符，或该户尚未签订改造协议。请核对协议上的查询码；如有疑问请到乡镇咨询。',
  en: 'The ID number, name or code does not match, or the household has not signed its agreement yet. Check the code on your agreement, or ask at the township.',
});

function limited(retryAt: string, bySource: boolean): TooManyRequestsError {
  const when = chinaDateTime(retryAt);
  return new TooManyRequestsError(
    bySource
      ? {
          zh: `查询过于频繁，请于 ${when} 后再试`,
          en: `Too many lookups from this address; try again after ${when} (Beijing time)`,
        }
      : {
          zh: `该身份证号今日查询次数已达上限，请于 ${when} 后再试，或到乡镇咨询`,
          en: `This ID number has been looked up too often today; try again after ${when} (Beijing time) or ask at the township`,
        },
  );
}

async function log(
  store: Store,
  request: LookupRequest,
  idNumber: string,
  outcome: LookupOutcome,
  at: string,
  householdId?: string,
): Promise<void> {
  const entry = {
    at,
    requestId: request.requestId || randomUUID(),
    outcome,
    idMasked: maskIdNumber(idNumber),
    sourceHash: limitKey('source', request.sourceIp).slice(0, 16),
    ...(householdId ? { householdId } : {}),
  };
  logger.info('public status lookup', { outcome, idNumber: entry.idMasked, source: entry.sourceHash });
  await store.statusLookups.logLookup(entry);
}

export async function lookupStatus(
  { store }: Pick<Dependencies, 'store'>,
  body: StatusLookupBody,
  request: LookupRequest,
  now: Date = new Date(),
): Promise<PublicStatus> {
  const at = now.toISOString();
  const source = LOOKUP_LIMITS.source;
  const sourceWindow = limitWindow(source, now);
  const sourceKey = limitKey('source', request.sourceIp);
  if (
    !(await store.statusLookups.countLookup(
      'source',
      sourceKey,
      sourceWindow.start,
      sourceWindow.expiresAt,
      source.max,
    ))
  ) {
    await log(store, request, body.idNumber, 'limited-source', at);
    throw limited(sourceWindow.retryAt, true);
  }
  const perId = LOOKUP_LIMITS['id-number'];
  const idWindow = limitWindow(perId, now);
  const idKey = limitKey('id-number', body.idNumber);
  if (!(await store.statusLookups.countLookup('id-number', idKey, idWindow.start, idWindow.expiresAt, perId.max))) {
    await log(store, request, body.idNumber, 'limited-id-number', at);
    throw limited(idWindow.retryAt, false);
  }

  const householdId = await store.statusLookups.householdOfIdHash(hashIdNumber(body.idNumber));
  const [record, code] = householdId
    ? await Promise.all([store.households.record(householdId), store.statusLookups.statusCode(householdId)])
    : [undefined, undefined];
  // Both are compared whatever the first says, so the time taken does not tell which part was wrong.
  const nameMatches = record ? sameName(body.name, record.household.head.name) : false;
  const codeMatches = code ? sameSecret(body.code, code.code) : false;
  if (!record || !code || !householdId || !nameMatches || !codeMatches) {
    await log(store, request, body.idNumber, 'no-match', at);
    throw NO_MATCH;
  }
  const [program, payments, task] = await Promise.all([
    store.programs.get(record.household.programId),
    store.payments.ofHousehold(householdId),
    store.tasks.get(householdId),
  ]);
  if (!program) throw new Error(`program ${record.household.programId} of household ${householdId} is missing`);
  await log(store, request, body.idNumber, 'found', at, householdId);
  return publicStatus({
    household: record.household,
    program,
    payments,
    taskDueAt: task?.status === 'open' && task.step === record.household.phase ? task.dueAt : undefined,
  });
}
