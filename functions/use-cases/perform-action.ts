/**
 * A person performs a human step (`POST /households/{id}/actions/{action}`):
 * 1. check the body of that action, field by field;
 * 2. load the household file (unknown household: not found);
 * 3. check the action fits the household's current phase;
 * 4. check the caller holds the step's role in the household's township or county;
 * 5. check the caller saw the current version of the file;
 * 6. check the dates the body records: none after today (China day), none before a step already
 *    taken (domain/rules/dates.ts);
 * 7. check no blocking flag holds the step: a flag of a cited photo, of a step or of the household
 *    that the program's policy makes blocking and no other person overrode (domain/rules/flags.ts);
 * 8. apply the business rule of the action (grade, vote, review, subsidy, objection, agreement,
 *    inspection, payment, acceptance) and work out the next phase from the workflow description; the
 *    flags it raises (too soon, photos off the date, too short a build) go on the file;
 * 9. store the change, its audit event (hash-chained) and the task's decision in one
 *    transaction, so nothing is half done;
 * 10. hand the decision to the waiting workflow; if that fails the decision waits in the outbox
 *    and the sweeper hands it over later: the change is stored either way;
 * 11. answer the file as the change left it (what was read plus what was written), without reading it again.
 */
import { ActionBodies, type ActionBody } from '../../domain/actions';
import { chinaToday } from '../../domain/china-time';
import { ConflictError, parseOrThrow, ValidationError } from '../../domain/errors';
import { OUTCOME_TITLES } from '../../domain/labels';
import type { Action, Actor, AuditEvent, Household, RaisedFlag } from '../../domain/model';
import { canActInJurisdiction } from '../../domain/rules/access';
import { auditedChange } from '../../domain/rules/audit';
import { dateProblems, recordedStageDates, typedDatesOf } from '../../domain/rules/dates';
import { blockedByFlags, blockingFlags, isForward, mergeFlags } from '../../domain/rules/flags';
import { hashIdNumber } from '../../domain/rules/idNumber';
import { installmentPlanOf } from '../../domain/rules/installments';
import { personFlags } from '../../domain/rules/persons';
import {
  ACCEPTANCE_MILESTONE,
  phasesOfAction,
  rolesOfAction,
  stepForAction,
  stepOf,
  transition,
} from '../../process/renovation';
import { logger } from '../config/logger';
import { fileAfter, type HouseholdChange, type HouseholdFile, type RecordWrite, STALE_VERSION } from '../store';
import { accept, inspect, moveIn, releaseInstallment, signAgreement, supervise } from './actions/construction';
import { object, resolveObjection } from './actions/notice';
import { appraiseSafety, countyApprove, townshipReview, villageAppraisal } from './actions/review';
import type { ActionEffect, ActionRule } from './actions/types';
import type { Dependencies } from './dependencies';
import { issueAtAgreement } from './monitoring/status-code';
import { readableFile } from './read-households';
import { type HouseholdFileView, householdFileViewWithLinks } from './views';

/**
 * The reason stored on a rejected household: a person's words as they wrote them, the system's own in Chinese with
 * its English beside it, never a code.
 */
function rejectionReasonOf(effect: ActionEffect): { reason: string; reasonEn?: string } {
  const reason = effect.rejectionReason;
  if (typeof reason === 'string' && reason.trim() !== '') return { reason };
  if (typeof reason === 'object') return { reason: reason.zh, reasonEn: reason.en };
  const title = (effect.outcome && OUTCOME_TITLES[effect.outcome]) || OUTCOME_TITLES.rejected;
  return { reason: title?.zh ?? '不通过', reasonEn: title?.en ?? 'Rejected' };
}

const RULES: { readonly [A in Action]: ActionRule<A> } = {
  'appraise-safety': appraiseSafety,
  'village-appraisal': villageAppraisal,
  'township-review': townshipReview,
  'county-approve': countyApprove,
  object,
  'resolve-objection': resolveObjection,
  'sign-agreement': signAgreement,
  inspect,
  'release-installment': releaseInstallment,
  accept,
  supervise,
  'move-in': moveIn,
};

function phaseTitle(phase: string): { zh: string; en: string } {
  const step = stepOf(phase as Household['phase']);
  return step ? step.title : { zh: phase, en: phase };
}

/** Flags of the household's persons, account and address not on the file yet, as registered by its first clerk. */
async function personRecheck(store: Dependencies['store'], file: HouseholdFile, at: string): Promise<RaisedFlag[]> {
  const { household } = file;
  const findings = await store.persons.findings(household);
  const registeredBy = file.events.find((event) => event.type === 'register')?.actor ?? 'system';
  const fresh = personFlags({ household, ...findings, raisedBy: registeredBy, now: at });
  const known = household.flags ?? [];
  return fresh.filter((flag) => !known.some((k) => k.kind === flag.kind && k.ref === flag.ref));
}

/** New flags that hold the step are kept on the file before the refusal, so the officers who override see them. */
async function recordFlags(
  store: Dependencies['store'],
  file: HouseholdFile,
  flags: RaisedFlag[],
  raised: readonly RaisedFlag[],
  actor: Actor,
  role: AuditEvent['role'],
  at: string,
): Promise<void> {
  const { after, event } = auditedChange(file, {
    at,
    actor: actor.username,
    role,
    type: 'flags-raised',
    changes: { flags },
    details: { flags: raised.map((flag) => flag.kind) },
  });
  await store.households.commit({ before: file.household, after, event });
}

export async function performAction<A extends Action>(
  { store, outbox, evidence }: Pick<Dependencies, 'store' | 'outbox' | 'evidence'>,
  actor: Actor,
  householdId: string,
  action: A,
  rawBody: unknown,
  now: Date = new Date(),
): Promise<HouseholdFileView> {
  const body = parseOrThrow(ActionBodies[action], rawBody) as ActionBody<A>;

  // Outside the caller's reach a household answers as if it did not exist (and before its phase is told).
  const file = await readableFile(store, actor, householdId);
  const { household } = file;
  const step = stepForAction(action);
  if (!phasesOfAction(step).includes(household.phase)) {
    const current = phaseTitle(household.phase);
    const phases = phasesOfAction(step);
    const required = phases.map(phaseTitle);
    throw new ConflictError({
      zh: `该户当前处于"${current.zh}"阶段，"${action}"只能在"${required.map((t) => t.zh).join('、')}"阶段办理`,
      en: `The household is in the phase ${current.en} (${household.phase}); ${action} applies only in ${required.map((t) => t.en).join(', ')} (${phases.join(', ')})`,
    });
  }
  // An action some roles share is recorded under the role the caller holds.
  const role = rolesOfAction(step).find((r) => actor.roles.includes(r)) ?? step.role;
  const access = canActInJurisdiction(actor, { role, level: step.level }, household);
  if (!access.ok) throw access.error;
  if (body.version !== household.version) throw new ConflictError(STALE_VERSION);
  if (!step.side && file.task?.status !== 'open') {
    throw new ConflictError({
      zh: '该步骤的待办任务尚未开启，请稍后重试',
      en: 'The task of this step is not open yet; retry shortly',
    });
  }

  const program = await store.programs.get(household.programId);
  if (!program) throw new Error(`program ${household.programId} of household ${householdId} is missing`);

  const typedDates = typedDatesOf(action, body);
  if (typedDates.length > 0) {
    const recorded = recordedStageDates({ ...file, acceptanceMilestone: ACCEPTANCE_MILESTONE });
    const problems = dateProblems(typedDates, recorded, chinaToday(now));
    if (problems.length > 0) throw new ValidationError(problems);
  }
  const at = now.toISOString();
  const overrides = household.overrides ?? [];
  // The county approves on what is true now: a roster imported or a file registered since the application may
  // name one of its persons, its account or its address.
  const recheck = action === 'county-approve' && isForward(action, body) ? await personRecheck(store, file, at) : [];
  const flags = mergeFlags(household.flags ?? [], recheck);
  const held = blockingFlags({
    action,
    body,
    flags,
    overrides,
    policy: program.flagPolicy,
    actor: actor.username,
    citedPhotoIds: 'photoIds' in body ? (body.photoIds ?? []) : [],
  });
  if (held.length > 0) {
    if (recheck.length > 0) await recordFlags(store, file, flags, recheck, actor, role, at);
    throw blockedByFlags(held, overrides, actor.username);
  }

  const rule = RULES[action] as ActionRule<A>;
  const effect = rule({ actor, file, program, body, now: at });
  const changes: Partial<Household> = { ...effect.changes };
  if (recheck.length > 0 || (effect.flags?.length ?? 0) > 0) changes.flags = mergeFlags(flags, effect.flags ?? []);
  const next = effect.outcome
    ? transition(household.phase, effect.outcome, {
        installments: installmentPlanOf(program, changes.mode ?? household.mode),
        nextInstallment: changes.nextInstallment ?? household.nextInstallment,
      })
    : household.phase;

  const records: RecordWrite[] = [...(effect.records ?? [])];
  if (next === 'rejected') {
    changes.rejection = { ...rejectionReasonOf(effect), by: actor.username, at };
    // A rejected household may apply again, so its head's ID number is free for a new claim.
    records.push({ kind: 'id-claim-released', idHash: hashIdNumber(household.head.idNumber) });
  }
  const { after, event } = auditedChange(file, {
    at,
    actor: actor.username,
    role,
    type: action,
    toPhase: next,
    changes,
    details: { ...effect.details, ...(effect.outcome ? { outcome: effect.outcome } : {}) },
  });
  const decision = effect.outcome ? { outcome: effect.outcome, next } : undefined;
  const change: HouseholdChange = {
    before: household,
    after,
    event,
    decision: decision ? { step: step.phase, decision, decidedAt: at, decidedBy: actor.username } : undefined,
    records,
  };
  await store.households.commit(change);
  logger.info('action stored', { householdId, action, from: household.phase, to: next, version: after.version });

  const token = file.task?.taskToken;
  if (decision && token) await outbox.handOver(householdId, step.phase, token, decision);
  // The household's own view opens with the code printed on its agreement.
  if (action === 'sign-agreement') await issueAtAgreement(store, householdId, actor.username, at);

  return householdFileViewWithLinks(evidence, fileAfter(file, change), now);
}
