/**
 * The public notice (公示) and its objections (异议): anyone may object while the notice runs; the
 * county resolves each objection, and an upheld one sends the file back to the township review.
 */
import { ConflictError, ValidationError } from '../../../domain/errors';
import type { Objection } from '../../store';
import type { ActionRule } from './types';

/** Records an objection during the notice; the notice keeps running (no decision of the step). */
export const object: ActionRule<'object'> = ({ body, file, actor, now }) => {
  const objection: Objection = {
    objectionId: String(file.household.version + 1).padStart(6, '0'),
    householdId: file.household.householdId,
    objector: body.objector,
    contact: body.contact,
    reason: body.reason,
    recordedBy: actor.username,
    at: now,
    status: 'open',
  };
  return {
    details: { objectionId: objection.objectionId, objector: body.objector, reason: body.reason },
    records: [{ kind: 'objection-recorded', objection }],
  };
};

/**
 * Resolves one objection. Upheld: the step ends and the file returns for review. Dismissed: the
 * step ends once no objection is left open; until then it stays open for the others.
 */
export const resolveObjection: ActionRule<'resolve-objection'> = ({ body, file, actor, now }) => {
  const objection = file.objections.find((o) => o.objectionId === body.objectionId);
  if (!objection) {
    throw ValidationError.field('objectionId', {
      zh: `异议 ${body.objectionId} 不存在`,
      en: `There is no objection ${body.objectionId}`,
    });
  }
  if (objection.status !== 'open') {
    throw new ConflictError({
      zh: `异议 ${body.objectionId} 已处理（${objection.status}）`,
      en: `Objection ${body.objectionId} is already resolved (${objection.status})`,
    });
  }
  const resolved: Objection = {
    ...objection,
    status: body.resolution,
    resolution: { by: actor.username, at: now, explanation: body.explanation },
  };
  const stillOpen = file.objections.filter((o) => o.status === 'open' && o.objectionId !== objection.objectionId);
  const outcome = body.resolution === 'upheld' ? 'upheld' : stillOpen.length === 0 ? 'dismissed' : undefined;
  return {
    outcome,
    details: {
      objectionId: objection.objectionId,
      resolution: body.resolution,
      explanation: body.explanation,
      objectionsStillOpen: stillOpen.length,
    },
    records: [{ kind: 'objection-resolved', objection: resolved }],
  };
};
