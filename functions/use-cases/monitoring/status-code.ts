/**
 * The code printed on a renovation agreement (`GET` / `POST /households/{id}/status-code`), with which the household
 * looks up its own file without a staff login (`POST /public/status`). It is issued when the agreement is signed
 * (`issueAtAgreement`, called by the action) or, should that have been lost, when township staff print the slip; a
 * reissue voids the printed code (the household lost its copy). Eight random digits, stored beside the household.
 */
import type { StatusCodeView } from '../../../contract/monitoring';
import { ConflictError, NotFoundError } from '../../../domain/errors';
import type { Actor, Household, Phase } from '../../../domain/model';
import { newStatusCode, printedCode } from '../../../domain/monitoring/public-status';
import { canActInJurisdiction } from '../../../domain/rules/access';
import { maskIdNumber } from '../../../domain/rules/idNumber';
import { logger } from '../../config/logger';
import type { StatusCodeRecord, Store } from '../../store';
import type { Dependencies } from '../dependencies';
import { readableRecord } from '../read-households';

/** Phases of a household whose agreement is signed: the code is printed on it. */
const SIGNED: readonly Phase[] = [
  'installment-release',
  'milestone-inspection',
  'final-acceptance',
  'archiving',
  'archived',
];

function view(record: StatusCodeRecord, household: Household): StatusCodeView {
  return {
    householdId: household.householdId,
    code: record.code,
    printed: printedCode(record.code),
    issuedAt: record.issuedAt,
    reissues: record.reissues,
    headName: household.head.name,
    idMasked: maskIdNumber(household.head.idNumber),
    programId: household.programId,
    county: household.county,
    township: household.township,
    villageCode: household.villageCode,
  };
}

/** The household, for a caller who may read it (`readableRecord`). */
async function household(store: Store, actor: Actor, householdId: string): Promise<Household> {
  return (await readableRecord(store, actor, householdId)).household;
}

/** Issues the code once; a second call finds the first. Answers the stored code. */
async function issueOnce(store: Store, householdId: string, by: string, at: string): Promise<StatusCodeRecord> {
  const fresh: StatusCodeRecord = { householdId, code: newStatusCode(), issuedAt: at, issuedBy: by, reissues: 0 };
  if (await store.statusLookups.putStatusCode(fresh)) return fresh;
  const stored = await store.statusLookups.statusCode(householdId);
  if (!stored) throw new Error(`the status code of ${householdId} was neither written nor found`);
  return stored;
}

/**
 * Called right after an agreement is stored: a failure here never fails the agreement (the township's slip issues
 * the code when it is printed), so it is logged, not thrown.
 */
export async function issueAtAgreement(store: Store, householdId: string, by: string, at: string): Promise<void> {
  try {
    await issueOnce(store, householdId, by, at);
  } catch (error) {
    logger.warn('status code not issued at the agreement; the slip will issue it', {
      householdId,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

export async function readStatusCode(
  { store }: Pick<Dependencies, 'store'>,
  actor: Actor,
  householdId: string,
): Promise<StatusCodeView> {
  const found = await household(store, actor, householdId);
  const record = await store.statusLookups.statusCode(householdId);
  if (!record) {
    throw new NotFoundError({
      zh: '该户尚未生成查询码（签订改造协议时生成）',
      en: 'No code has been issued for this household yet (it is issued with the agreement)',
    });
  }
  return view(record, found);
}

const ISSUING_ROLES = ['construction', 'civil-affairs'] as const;

export async function issueStatusCode(
  { store }: Pick<Dependencies, 'store'>,
  actor: Actor,
  householdId: string,
  reissue: boolean,
  now: Date = new Date(),
): Promise<StatusCodeView> {
  const found = await household(store, actor, householdId);
  const decisions = ISSUING_ROLES.map((role) => canActInJurisdiction(actor, { role, level: 'township' }, found));
  if (!decisions.some((d) => d.ok)) {
    const refused = decisions.find((d) => !d.ok);
    if (refused && !refused.ok) throw refused.error;
  }
  if (!SIGNED.includes(found.phase)) {
    throw new ConflictError({
      zh: '签订改造协议后才能生成查询码',
      en: 'The code is issued once the renovation agreement is signed',
    });
  }
  const at = now.toISOString();
  const existing = await store.statusLookups.statusCode(householdId);
  if (existing && !reissue) return view(existing, found);
  if (!existing) return view(await issueOnce(store, householdId, actor.username, at), found);
  const next: StatusCodeRecord = {
    householdId,
    code: newStatusCode(),
    issuedAt: at,
    issuedBy: actor.username,
    reissues: existing.reissues + 1,
  };
  if (!(await store.statusLookups.putStatusCode(next, existing))) {
    throw new ConflictError({
      zh: '查询码刚被他人重新生成，请刷新',
      en: 'The code was just reissued by someone else; reload',
    });
  }
  logger.info('status code reissued', { householdId, reissues: next.reissues });
  return view(next, found);
}
