/**
 * "Household applies, village appraises, township reviews, county approves" (domain.md 2-5).
 */
import { ValidationError } from '../../../domain/errors';
import { GRADE_TITLES } from '../../../domain/labels';
import type { RaisedFlag } from '../../../domain/model';
import { captureDateMismatches, dateRulesOf } from '../../../domain/rules/dates';
import { eligibleGradesOf, gradeOutsideScheme, isEligibleGrade } from '../../../domain/rules/grades';
import { approveSubsidy } from '../../../domain/rules/household';
import type { ActionRule } from './types';

const DAY_MS = 86_400_000;

/**
 * Safety appraisal (危险性鉴定) in the program's grade scheme: a grade of the other scheme is refused;
 * only the eligible grades qualify (C and D, or 一 / 二 / 三级危房), the others end the application.
 */
export const appraiseSafety: ActionRule<'appraise-safety'> = ({ body, file, program, actor, now }) => {
  const outside = gradeOutsideScheme(program, body.grade);
  if (outside !== undefined) throw ValidationError.field('grade', outside);
  const qualified = isEligibleGrade(program, body.grade);
  const eligible = eligibleGradesOf(program).map((grade) => GRADE_TITLES[grade].zh);
  const eligibleEn = eligibleGradesOf(program).map((grade) => GRADE_TITLES[grade].en);
  // The before-photos should be taken on the appraisal's visit: a far capture day is flagged for the approver.
  const cited = file.photos.filter((photo) => (body.photoIds ?? []).includes(photo.photoId));
  const mismatched = captureDateMismatches(body.appraisedOn, cited, dateRulesOf(program).captureToleranceDays);
  const flags: RaisedFlag[] =
    qualified && mismatched.length > 0
      ? [
          {
            kind: 'capture-date-mismatch',
            subject: 'step',
            ref: `appraise-safety#${file.household.version + 1}`,
            raisedBy: actor.username,
            raisedAt: now,
            note: {
              zh: `照片 ${mismatched.join('、')} 的拍摄日期与鉴定日期 ${body.appraisedOn} 不符`,
              en: `Photos ${mismatched.join(', ')} were not taken near the appraisal on ${body.appraisedOn}`,
            },
          },
        ]
      : [];
  return {
    ...(flags.length > 0 ? { flags } : {}),
    outcome: qualified ? 'qualified' : 'not-qualified',
    changes: { grade: body.grade },
    rejectionReason: qualified
      ? undefined
      : {
          zh: `鉴定为${GRADE_TITLES[body.grade].zh}，本项目只有${eligible.join('、')}可以改造`,
          en: `Appraised as ${GRADE_TITLES[body.grade].en}: this program renovates only ${eligibleEn.join(', ')}`,
        },
    details: {
      grade: body.grade,
      technician: body.technician,
      appraisedOn: body.appraisedOn,
      findings: body.findings,
      photoIds: body.photoIds ?? [],
    },
  };
};

/** Village democratic appraisal (村民主评议): the meeting's vote and minutes. */
export const villageAppraisal: ActionRule<'village-appraisal'> = ({ body }) => ({
  outcome: body.result,
  rejectionReason:
    body.result === 'rejected'
      ? { zh: '村民主评议未通过', en: 'Not approved by the village democratic appraisal' }
      : undefined,
  details: {
    meetingDate: body.meetingDate,
    votesFor: body.votesFor,
    votesAgainst: body.votesAgainst,
    abstentions: body.abstentions,
    minutes: body.minutes,
    result: body.result,
  },
});

/** Township review (乡镇审核): approve, reject with a reason, or send back to the village. */
export const townshipReview: ActionRule<'township-review'> = ({ body }) => ({
  outcome: body.decision,
  rejectionReason: body.reason,
  details: { decision: body.decision, reason: body.reason, checkedItems: body.checkedItems },
});

/**
 * County approval (县审批): approving fixes the mode and the subsidy from the program's tiers and
 * sets the end of the public notice; the spot check (入户抽查) is recorded with whoever visited.
 */
export const countyApprove: ActionRule<'county-approve'> = ({ body, file, program, now }) => {
  const spotCheck = { visited: body.spotCheck.visited, by: body.spotCheck.by, date: body.spotCheck.date };
  if (body.decision !== 'approve') {
    return {
      outcome: body.decision,
      rejectionReason: body.reason,
      // On the household too, so the progress report counts the county's coverage without reading events.
      changes: { spotCheck },
      details: { decision: body.decision, reason: body.reason, spotCheck, findings: body.spotCheck.findings },
    };
  }
  const approved = approveSubsidy(file.household, program, body.mode, { plannedAreaM2: body.plannedAreaM2 });
  const noticeEndsAt = new Date(Date.parse(now) + program.noticeDays * DAY_MS).toISOString();
  return {
    outcome: 'approve',
    changes: {
      mode: approved.mode,
      approvedSubsidy: approved.approvedSubsidy,
      noticeStartsAt: now,
      noticeEndsAt,
      spotCheck,
      ...(approved.plannedAreaM2 === undefined ? {} : { plannedAreaM2: approved.plannedAreaM2 }),
      ...(body.plannedRooms === undefined ? {} : { plannedRooms: body.plannedRooms }),
    },
    details: {
      decision: 'approve',
      mode: approved.mode,
      approvedSubsidy: approved.approvedSubsidy,
      plannedAreaM2: approved.plannedAreaM2,
      ...(body.plannedRooms === undefined ? {} : { plannedRooms: body.plannedRooms }),
      noticeEndsAt,
      spotCheck,
      findings: body.spotCheck.findings,
    },
  };
};
