/**
 * Showing a personal number in full (`POST /households/{id}/reveal`). Every answer of the API masks the head's ID
 * number, phone and bank account (views.ts `householdView`); a person who needs one in full (to call the household,
 * to check a bank card) asks for it with a reason:
 * 1. the caller may read the household (404 / 403 as for the file);
 * 2. the household has that number (404 otherwise);
 * 3. the reveal is appended to the household's audit trail as a `reveal` event (who, when, which field, why; never
 *    the number itself), as one transaction conditioned on the version like any change. When another change comes
 *    first, the household is read again and the event appended after it (at most 5 attempts, then 409);
 * 4. only then the number is answered, with the version the event moved the file to.
 */
import { RevealBody } from '../../contract/requests';
import type { Revealed } from '../../contract/views';
import { ConflictError, NotFoundError, parseOrThrow } from '../../domain/errors';
import type { Actor, Household } from '../../domain/model';
import { auditedChange } from '../../domain/rules/audit';
import { logger } from '../config/logger';
import type { Dependencies } from './dependencies';
import { readableRecord } from './read-households';
import { pauseBeforeRetry } from './retry';

const REVEAL_ATTEMPTS = 5;

const NO_SUCH_NUMBER = {
  idNumber: { zh: '该户没有登记身份证号', en: 'The household has no ID number on file' },
  phone: { zh: '该户没有登记联系电话', en: 'The household has no phone number on file' },
  bankAccount: { zh: '该户没有登记一卡通账号', en: 'The household has no bank account on file' },
} as const;

function numberOnFile(household: Household, field: RevealBody['field']): string | undefined {
  if (field === 'idNumber') return household.head.idNumber;
  if (field === 'phone') return household.head.phone;
  return household.bankAccount;
}

export async function revealNumber(
  { store }: Pick<Dependencies, 'store'>,
  actor: Actor,
  householdId: string,
  rawBody: unknown,
  now: Date = new Date(),
): Promise<Revealed> {
  const { field, reason } = parseOrThrow(RevealBody, rawBody);
  for (let attempt = 1; ; attempt++) {
    const record = await readableRecord(store, actor, householdId);
    const { household } = record;
    const value = numberOnFile(household, field);
    if (value === undefined || value === '') throw new NotFoundError(NO_SUCH_NUMBER[field]);
    const at = now.toISOString();
    const { after, event } = auditedChange(record, {
      at,
      actor: actor.username,
      // Whoever reads the file may reveal; the event names the role they hold (the first one).
      role: actor.roles[0] ?? 'system',
      type: 'reveal',
      details: { field, reason },
    });
    try {
      await store.households.commit({ before: household, after, event });
      logger.info('personal number revealed', { householdId, field, version: after.version });
      return { householdId, field, value, version: after.version };
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= REVEAL_ATTEMPTS) throw error;
      await pauseBeforeRetry(attempt);
    }
  }
}
