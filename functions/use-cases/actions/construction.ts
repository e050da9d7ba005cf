/**
 * Agreement, construction with inspected milestones, phased payments and final acceptance
 * (domain.md 7-9). The milestone gate of a payment is the phase itself: the workflow only reaches
 * installment release after the milestone's inspection passed.
 */
import { ConflictError, ValidationError } from '../../../domain/errors';
import { buildFundingPlan, canRelease, moneyStatusOf, passedMilestonesOf } from '../../../domain/funding';
import { installmentTitle, milestoneTitle } from '../../../domain/labels';
import {
  type Household,
  type Inspection,
  type Payment,
  PHASES,
  type Photo,
  type RaisedFlag,
} from '../../../domain/model';
import { dateRulesOf, type WorksDateFlag, worksDateFindings } from '../../../domain/rules/dates';
import { photoEvidenceProblems } from '../../../domain/rules/evidence';
import { installmentPlanOf } from '../../../domain/rules/installments';
import {
  agreementFacts,
  worksAfterAcceptance,
  worksAfterInspection,
  worksAfterMoveIn,
  worksAfterSupervision,
} from '../../../domain/rules/works';
import { ACCEPTANCE_MILESTONE } from '../../../process/renovation';
import type { ActionContext, ActionEffect, ActionRule } from './types';

/**
 * The renovation agreement (签订改造协议) with start and finish dates and the household's own money,
 * kept on the household: a photo's confirmation tells works photos taken before the signing, the
 * planned finish makes a household not accepted by then overdue, and the report sums the money.
 */
export const signAgreement: ActionRule<'sign-agreement'> = ({ body }) => ({
  outcome: 'signed',
  changes: agreementFacts(body),
  details: {
    signedOn: body.signedOn,
    plannedStart: body.plannedStart,
    plannedFinish: body.plannedFinish,
    ownFunds: body.ownFunds,
    bankLoan: body.bankLoan,
  },
});

interface CheckBody {
  date: string;
  checklist: Record<string, boolean>;
  result: 'pass' | 'fail';
  photoIds: string[];
  rectification?: { what: string; by: string } | undefined;
}

function recordCheck(
  { file, actor, now }: Pick<ActionContext<'inspect'>, 'file' | 'actor' | 'now'>,
  milestone: string,
  body: CheckBody,
  details: Record<string, unknown>,
  findings: { flags: readonly WorksDateFlag[]; mismatchedPhotoIds: readonly string[] } = {
    flags: [],
    mismatchedPhotoIds: [],
  },
  changes?: Partial<Household>,
): ActionEffect {
  const { flags } = findings;
  const milestoneIndex = file.household.nextInstallment;
  const round = file.inspections.filter((i) => i.milestone === milestone).length + 1;
  const inspection: Inspection = {
    householdId: file.household.householdId,
    milestone,
    round,
    inspector: actor.username,
    date: body.date,
    checklist: body.checklist,
    result: body.result,
    // Photos are recorded by id; requireEvidence checked they are confirmed photos of this household.
    photoIds: body.photoIds,
    rectification: body.rectification,
    ...(flags.length > 0 ? { flags: [...flags] } : {}),
  };
  // A passed round gates money, so its flags go on the file, where the policy makes them hold the payment.
  const raised: RaisedFlag[] =
    body.result === 'pass'
      ? flags.map((kind) => ({
          kind,
          subject: 'step' as const,
          ref: `${milestone}#${round}`,
          raisedBy: actor.username,
          raisedAt: now,
          ...(kind === 'capture-date-mismatch'
            ? {
                note: {
                  zh: `照片 ${findings.mismatchedPhotoIds.join('、')} 的拍摄日期与填报日期 ${body.date} 不符`,
                  en: `Photos ${findings.mismatchedPhotoIds.join(', ')} were not taken near ${body.date}`,
                },
              }
            : {}),
        }))
      : [];
  return {
    outcome: body.result,
    ...(changes === undefined ? {} : { changes }),
    details: {
      milestone,
      round,
      result: body.result,
      photoIds: body.photoIds,
      rectification: body.rectification,
      ...(flags.length > 0 ? { flags: [...flags] } : {}),
      ...details,
    },
    records: [{ kind: 'inspection', inspection, milestoneIndex }],
    ...(raised.length > 0 ? { flags: raised } : {}),
  };
}

/**
 * The agreement's signing day and planned start: as the household keeps them since the agreement's facts are
 * stored on it, else as the agreement's event recorded them (files signed before).
 */
function agreementOf(file: ActionContext<'inspect'>['file']): { signedOn: string; plannedStart?: string } | undefined {
  const { household } = file;
  if (household.agreementSignedOn !== undefined) {
    return {
      signedOn: household.agreementSignedOn,
      ...(household.plannedStartOn === undefined ? {} : { plannedStart: household.plannedStartOn }),
    };
  }
  const event = [...file.events].reverse().find((e) => e.type === 'sign-agreement');
  const signedOn = event?.details.signedOn;
  if (typeof signedOn !== 'string') return undefined;
  const plannedStart = event?.details.plannedStart;
  return { signedOn, ...(typeof plannedStart === 'string' ? { plannedStart } : {}) };
}

/** The dates of an inspection or the acceptance against its photos, the previous stage and the build period. */
function worksDates(context: ActionContext<'inspect'> | ActionContext<'accept'>, acceptance: boolean) {
  const { body, file, program } = context;
  return worksDateFindings({
    date: body.date,
    citedPhotoIds: body.photoIds,
    acceptance,
    photos: file.photos,
    inspections: file.inspections,
    acceptanceMilestone: ACCEPTANCE_MILESTONE,
    agreement: agreementOf(file),
    mode: file.household.mode,
    rules: dateRulesOf(program),
  });
}

/**
 * The cited photos must be confirmed photos of this household (uploaded and verified); a passing
 * check also needs the kinds that prove the work (改造中 for a milestone, 改造后 and the head in
 * front of the house for acceptance). Their evidence flags stay visible on the photos.
 */
function requireEvidence(
  { file }: Pick<ActionContext<'inspect'>, 'file'>,
  body: Pick<CheckBody, 'photoIds' | 'result'>,
  kindsToPass: readonly Photo['kind'][],
): void {
  const problems = photoEvidenceProblems(file.photos, body.photoIds, body.result === 'pass' ? kindsToPass : []);
  if (problems.length > 0) throw new ValidationError(problems);
}

/** A milestone inspection (节点验收); a failure is a stop-work rectification notice and a re-inspection. */
export const inspect: ActionRule<'inspect'> = (context) => {
  const { body, file, program } = context;
  const plan = installmentPlanOf(program, file.household.mode);
  const expected = plan[file.household.nextInstallment];
  if (body.milestone !== expected?.milestone) {
    // Named as the county names them (the program's label), never by their codes.
    const labelOf = (code: string) => plan.find((i) => i.milestone === code)?.label;
    const named = (code: string, language: 'zh' | 'en') => milestoneTitle(code, language, labelOf(code));
    throw ValidationError.field(
      'milestone',
      expected
        ? {
            zh: `当前应验收的节点是“${named(expected.milestone, 'zh')}”，不是“${named(body.milestone, 'zh')}”`,
            en: `The milestone due for inspection is "${named(expected.milestone, 'en')}", not "${named(body.milestone, 'en')}"`,
          }
        : {
            zh: '该户当前没有待验收的节点',
            en: 'No milestone of this household is due for inspection',
          },
    );
  }
  requireEvidence(context, body, ['during']);
  // Too soon, or photos that do not match the date: shown to whoever pays next, held as the policy says.
  // A pass of the plan's main-structure milestone is 主体完工, counted by the year-end report.
  const works = worksAfterInspection(file.household, program, body);
  return recordCheck(
    context,
    body.milestone,
    body,
    {},
    worksDates(context, false),
    works === file.household.works ? undefined : { works },
  );
};

/**
 * Final acceptance (竣工验收), signed by who checked and who signs for it; a pass is 竣工 on the
 * household (and 入住 when the family already lives there). A rebuild accepted sooner after the start
 * of the works than the program's minimum build period is flagged, never refused.
 */
export const accept: ActionRule<'accept'> = (context) => {
  const { body, file } = context;
  requireEvidence(context, body, ['after', 'after-with-head']);
  const { household } = file;
  const works = worksAfterAcceptance(household, body);
  return recordCheck(
    context,
    ACCEPTANCE_MILESTONE,
    body,
    { checkedBy: body.checkedBy, signedBy: body.signedBy, ...(body.movedInOn ? { movedInOn: body.movedInOn } : {}) },
    worksDates(context, true),
    works === household.works ? undefined : { works },
  );
};

/**
 * Prepares the release of the household's next installment (资金拨付, 经办): `canRelease` checks the
 * milestone, the order and the approved subsidy; the ledger entry `PAY#{nn}` is put only if absent
 * in the same transaction as the household change, so no retry, double click or concurrent request
 * pays twice. A second finance user approves it before it goes to the bank (functions/use-cases/funds.ts).
 */
export const releaseInstallment: ActionRule<'release-installment'> = ({ body, file, program, actor, now }) => {
  const { household } = file;
  if (body.installment !== household.nextInstallment) {
    throw new ConflictError({
      zh: `应拨付${installmentTitle(household.nextInstallment, 'zh')}，不是${installmentTitle(body.installment, 'zh')}`,
      en: `${installmentTitle(household.nextInstallment, 'en')} is due, not ${installmentTitle(body.installment, 'en').toLowerCase()}`,
    });
  }
  if (household.approvedSubsidy === undefined) {
    throw new ConflictError({ zh: '该户尚未核定补助金额', en: 'The household has no approved subsidy' });
  }
  const installments = installmentPlanOf(program, household.mode);
  if (installments[body.installment] === undefined) {
    throw ValidationError.field('installment', {
      zh: `拨付计划没有${installmentTitle(body.installment, 'zh')}`,
      en: `The installment plan has no ${installmentTitle(body.installment, 'en').toLowerCase()}`,
    });
  }
  const plan = buildFundingPlan(program, {
    householdId: household.householdId,
    approvedSubsidy: household.approvedSubsidy,
    mode: household.mode,
  });
  const check = canRelease({
    plan,
    installmentIndex: body.installment,
    ledger: file.payments,
    facts: {
      // The workflow reaches installment release only after the agreement step was signed.
      agreementSigned: PHASES.indexOf(household.phase) > PHASES.indexOf('agreement'),
      passedMilestones: passedMilestonesOf(file.inspections),
      phase: household.phase,
    },
  });
  if (!check.ok) throw new ConflictError(check.reason);
  const amount = check.amount;
  const payment: Payment = {
    householdId: household.householdId,
    installment: body.installment,
    amount,
    status: 'released',
    reference: `${household.householdId}-${String(body.installment).padStart(2, '0')}`,
    releasedBy: actor.username,
    releasedAt: now,
  };
  return {
    outcome: 'released',
    // The file says the release awaits its second signature until another finance officer approves it.
    changes: { nextInstallment: body.installment + 1, money: moneyStatusOf([...file.payments, payment]) },
    details: {
      installment: body.installment,
      label: installments[body.installment]?.label,
      amount,
      reference: payment.reference,
      note: body.note,
    },
    records: [{ kind: 'payment', payment }],
  };
};

/**
 * A half-monthly supervision visit (每半月巡查) while the house is built: stage, progress and notes
 * go on the file as an audit event; it decides nothing, so the open step stays open. Cited photos
 * must be confirmed photos of this household. The first visit at the decoration stage starts
 * 正在装修 on the household, which the year-end report counts.
 */
export const supervise: ActionRule<'supervise'> = ({ body, file, program }) => {
  const photoIds = body.photoIds ?? [];
  const problems = photoEvidenceProblems(file.photos, photoIds, []);
  if (problems.length > 0) throw new ValidationError(problems);
  const works = worksAfterSupervision(file.household, program, body);
  return {
    ...(works === file.household.works ? {} : { changes: { works } }),
    details: {
      date: body.date,
      stage: body.stage,
      progressPercent: body.progressPercent,
      notes: body.notes,
      photoIds,
    },
  };
};

/**
 * The family moved into the accepted house (竣工入住), recorded by township staff after the
 * acceptance, also once the file is archived; it decides nothing.
 */
export const moveIn: ActionRule<'move-in'> = ({ body, file }) => ({
  changes: { works: worksAfterMoveIn(file.household, body.movedInOn) },
  details: { movedInOn: body.movedInOn, ...(body.notes === undefined ? {} : { notes: body.notes }) },
});
