/**
 * Registering an application (申请):
 * 1. validate the application and find the program it applies to;
 * 2. refuse a household outside the categories the program covers, an invalid ID number, a village
 *    the program does not cover or a site that does not take the village, each at its field;
 * 3. check the caller may register in that township (civil-affairs or construction staff);
 * 4. store the household, claim the head's ID number (no second subsidy), write the first audit
 *    event and a `starting` task, in one transaction;
 * 5. start the household's workflow at safety appraisal; if that call is lost, the outbox
 *    sweeper starts it.
 */
import { randomUUID } from 'node:crypto';
import type { Registered } from '../../contract/views';
import { ForbiddenError, parseOrThrow, ValidationError } from '../../domain/errors';
import { type Actor, HouseholdApplication } from '../../domain/model';
import { canActInJurisdiction } from '../../domain/rules/access';
import { sealEvent } from '../../domain/rules/audit';
import { isCoveredCategory, NOT_COVERED } from '../../domain/rules/eligibility';
import { newHousehold } from '../../domain/rules/household';
import { hashIdNumber, maskIdNumber } from '../../domain/rules/idNumber';
import { personFlags } from '../../domain/rules/persons';
import { logger } from '../config/logger';
import { firstExecutionName } from '../outbox';
import type { Dependencies } from './dependencies';

/** Roles that may file an application: civil affairs, or construction staff who found the household. */
const REGISTERING_ROLES = ['civil-affairs', 'construction'] as const;

export async function registerHousehold(
  { store, outbox }: Pick<Dependencies, 'store' | 'outbox'>,
  actor: Actor,
  body: unknown,
  now: Date = new Date(),
): Promise<Registered> {
  const application = parseOrThrow(HouseholdApplication, body);
  const program = await store.programs.get(application.programId);
  if (!program) {
    throw ValidationError.field('programId', {
      zh: `改造项目 ${application.programId} 不存在`,
      en: `The program ${application.programId} does not exist`,
    });
  }
  // The priority categories, and those the program also covers (兼顾一般农户).
  if (!isCoveredCategory(program, application.category)) throw ValidationError.field('category', NOT_COVERED);
  const at = now.toISOString();
  const household = newHousehold(application, program, { householdId: randomUUID(), now: at });

  const access = REGISTERING_ROLES.map((role) => canActInJurisdiction(actor, { role, level: 'township' }, household));
  if (!access.some((decision) => decision.ok)) {
    const denied = access.find((decision) => !decision.ok);
    throw denied && !denied.ok ? denied.error : new ForbiddenError();
  }

  // Every person, every roster: what other files and the county's rosters say goes on the file as flags, for the
  // reviewer to see and the approval to be held by as the program's policy says.
  const findings = await store.persons.findings(household);
  const flags = personFlags({ household, ...findings, raisedBy: actor.username, now: at });
  if (flags.length > 0) household.flags = flags;

  const event = sealEvent(undefined, {
    householdId: household.householdId,
    seq: household.version,
    at,
    actor: actor.username,
    role: actor.roles.find((role) => role === 'civil-affairs') ?? 'construction',
    type: 'register',
    toPhase: household.phase,
    details: {
      foundBy: household.foundBy,
      category: household.category,
      villageCode: household.villageCode,
      ...(flags.length > 0 ? { flags: flags.map((flag) => flag.kind) } : {}),
    },
  });
  const executionName = firstExecutionName(household.householdId);
  await store.households.register({
    record: { household, lastHash: event.hash },
    idHash: hashIdNumber(household.head.idNumber),
    event,
    executionName,
    claims: store.persons.claimItems(household),
  });
  logger.info('household registered', {
    householdId: household.householdId,
    head: maskIdNumber(household.head.idNumber),
  });

  // The household is stored and its `starting` task sits in the outbox: if this start is lost, the sweep starts it.
  await outbox.startFirst(household.householdId, household.phase);
  return { householdId: household.householdId, phase: household.phase, version: household.version };
}
