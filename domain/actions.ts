/**
 * Request bodies of `POST /households/{id}/actions/{action}`, one strict zod schema per action.
 * Every body carries `version`, the household version the client saw: a stale version is a 409.
 * Cross-field rules (a reason for a rejection, a rectification for a failed inspection...) are
 * `superRefine`s with bilingual messages so a form can show them next to the field.
 */
import { z } from 'zod';
import { type Bilingual, bilingualIssue } from './errors';
import { type Action, Fen, Grade, Mode, Rooms } from './model';

/** The household version the client saw (optimistic concurrency). */
export const Version = z.number().int().nonnegative();
/** A calendar date `YYYY-MM-DD`. */
export const IsoDate = z.iso.date();
export const PhotoIds = z.array(z.string().min(1).max(80)).max(50);
export const Checklist = z.record(z.string().min(1).max(80), z.boolean());

const Person = z.string().trim().min(1).max(40);
const ShortText = z.string().trim().min(1).max(500);
const LongText = z.string().trim().min(1).max(4000);

export const ReviewDecision = z.enum(['approve', 'reject', 'send-back']);
export type ReviewDecision = z.infer<typeof ReviewDecision>;
export const PassFail = z.enum(['pass', 'fail']);
export type PassFail = z.infer<typeof PassFail>;

export const Rectification = z.strictObject({
  /** What must be corrected (整改内容). */
  what: ShortText,
  /** Deadline `YYYY-MM-DD` for the correction (整改期限). */
  by: IsoDate,
});
export type Rectification = z.infer<typeof Rectification>;

type Ctx = z.core.$RefinementCtx;

function fail(ctx: Ctx, path: PropertyKey[], message: Bilingual): void {
  ctx.addIssue({ code: 'custom', path, ...bilingualIssue(message) });
}

function requireReasonUnlessApproved(body: { decision: ReviewDecision; reason?: string | undefined }, ctx: Ctx): void {
  // An empty reason is already refused by the field's own length check.
  if (body.decision !== 'approve' && body.reason === undefined) {
    fail(ctx, ['reason'], {
      zh: '驳回或退回修改时必须填写理由',
      en: 'A reason is required to reject or send back',
    });
  }
}

function requireRectificationWhenFailed(
  body: { result: PassFail; rectification?: Rectification | undefined; checklist: Record<string, boolean> },
  ctx: Ctx,
): void {
  if (body.result === 'fail' && !body.rectification) {
    fail(ctx, ['rectification'], {
      zh: '验收不合格时必须填写整改要求和期限',
      en: 'A failed check needs a rectification (what and by when)',
    });
  }
  if (body.result === 'pass') {
    const unchecked = Object.entries(body.checklist).filter(([, ok]) => !ok);
    for (const [item] of unchecked) {
      fail(ctx, ['checklist', item], {
        zh: `检查项"${item}"未通过，结论不能为合格`,
        en: `Checklist item "${item}" is not satisfied, so the result cannot be pass`,
      });
    }
  }
}

export const AppraiseSafetyBody = z.strictObject({
  version: Version,
  grade: Grade,
  /** The appraising technician (鉴定人), who signs for the grade. */
  technician: Person,
  appraisedOn: IsoDate,
  findings: LongText,
  /** Photos of the house before renovation (改造前). */
  photoIds: PhotoIds.optional(),
});

export const VillageAppraisalBody = z
  .strictObject({
    version: Version,
    meetingDate: IsoDate,
    votesFor: z.number().int().nonnegative(),
    votesAgainst: z.number().int().nonnegative(),
    abstentions: z.number().int().nonnegative(),
    minutes: LongText,
    result: z.enum(['approved', 'rejected']),
  })
  .superRefine((body, ctx) => {
    // A democratic appraisal passes only with more votes for than against.
    if (body.result === 'approved' && body.votesFor <= body.votesAgainst) {
      fail(ctx, ['result'], {
        zh: '赞成票未超过反对票，评议结果不能为通过',
        en: 'Votes for do not exceed votes against, so the result cannot be approved',
      });
    }
  });

export const TownshipReviewBody = z
  .strictObject({
    version: Version,
    decision: ReviewDecision,
    reason: ShortText.optional(),
    checkedItems: Checklist.optional(),
  })
  .superRefine(requireReasonUnlessApproved);

export const SpotCheck = z
  .strictObject({
    /** Whether the county visited the home (入户抽查). */
    visited: z.boolean(),
    by: Person.optional(),
    date: IsoDate.optional(),
    findings: LongText.optional(),
  })
  .superRefine((check, ctx) => {
    if (!check.visited) return;
    if (check.by === undefined) fail(ctx, ['by'], { zh: '入户抽查须填写核查人', en: 'A home visit needs the visitor' });
    if (check.date === undefined) fail(ctx, ['date'], { zh: '入户抽查须填写日期', en: 'A home visit needs its date' });
  });

export const CountyApproveBody = z
  .strictObject({
    version: Version,
    decision: ReviewDecision,
    reason: ShortText.optional(),
    mode: Mode,
    /** Planned floor area of a rebuild, checked against the household-size limits. */
    plannedAreaM2: z.number().positive().max(1000).optional(),
    /** Rooms (间) the renovated house will have; absent: as the application planned them. */
    plannedRooms: Rooms.optional(),
    spotCheck: SpotCheck,
  })
  .superRefine((body, ctx) => {
    requireReasonUnlessApproved(body, ctx);
    if (body.decision === 'approve' && body.mode === 'rebuild' && body.plannedAreaM2 === undefined) {
      fail(ctx, ['plannedAreaM2'], {
        zh: '批准拆除重建时必须填写计划建筑面积',
        en: 'Approving a rebuild needs the planned floor area',
      });
    }
  });

export const ObjectBody = z.strictObject({
  version: Version,
  /** Who objects; anyone may object during the public notice. */
  objector: Person,
  contact: z.string().trim().min(1).max(60).optional(),
  reason: LongText,
});

export const ResolveObjectionBody = z.strictObject({
  version: Version,
  objectionId: z.string().min(1).max(80),
  resolution: z.enum(['upheld', 'dismissed']),
  explanation: LongText,
});

export const SignAgreementBody = z
  .strictObject({
    version: Version,
    signedOn: IsoDate,
    plannedStart: IsoDate,
    plannedFinish: IsoDate,
    /** The household's own funds (自筹), fen. */
    ownFunds: Fen,
    /** Low-interest bank loan, fen. */
    bankLoan: Fen,
  })
  .superRefine((body, ctx) => {
    // ISO dates compare correctly as strings.
    if (body.plannedStart < body.signedOn) {
      fail(ctx, ['plannedStart'], {
        zh: '计划开工日期不能早于协议签订日期',
        en: 'The planned start cannot be before the agreement is signed',
      });
    }
    if (body.plannedFinish <= body.plannedStart) {
      fail(ctx, ['plannedFinish'], {
        zh: '计划竣工日期必须晚于计划开工日期',
        en: 'The planned finish must be after the planned start',
      });
    }
  });

export const InspectBody = z
  .strictObject({
    version: Version,
    milestone: z.string().min(1).max(40),
    date: IsoDate,
    checklist: Checklist,
    result: PassFail,
    /** Photos taken during construction (改造中); every inspection needs evidence. */
    photoIds: PhotoIds.min(1),
    /** Stop-work rectification notice (停工整改通知书), required when the inspection fails. */
    rectification: Rectification.optional(),
  })
  .superRefine(requireRectificationWhenFailed);

export const ReleaseInstallmentBody = z.strictObject({
  version: Version,
  /** Index into the program's installment plan; must be the household's next installment. */
  installment: z.number().int().nonnegative().max(9),
  note: ShortText.optional(),
});

export const AcceptBody = z
  .strictObject({
    version: Version,
    date: IsoDate,
    checklist: Checklist,
    result: PassFail,
    /** Who checked and who signed the acceptance form (谁核查、谁签字、谁负责). */
    checkedBy: Person,
    signedBy: Person,
    /** Photos after renovation (改造后), including the head of household in front of the house. */
    photoIds: PhotoIds.min(1),
    rectification: Rectification.optional(),
    /** The day the family moved in, when they already live there at the acceptance (竣工入住). */
    movedInOn: IsoDate.optional(),
  })
  .superRefine(requireRectificationWhenFailed);

/** The family moved into the accepted house (入住): recorded after the acceptance, also on an archived file. */
export const MoveInBody = z.strictObject({
  version: Version,
  movedInOn: IsoDate,
  notes: ShortText.optional(),
});

/** The stages of a rebuild a half-monthly supervision visit (半月巡查) reports on. */
export const SUPERVISION_STAGES = [
  'materials',
  'foundation',
  'walls-to-roof',
  'roof-slab',
  'curing',
  'decoration',
] as const;
export const SupervisionStage = z.enum(SUPERVISION_STAGES);

/** A supervision visit during construction: recorded on the file, it decides nothing. */
export const SuperviseBody = z.strictObject({
  version: Version,
  date: IsoDate,
  stage: SupervisionStage,
  progressPercent: z.number().int().min(0).max(100),
  notes: LongText,
  photoIds: PhotoIds.optional(),
});

export const ActionBodies = {
  'appraise-safety': AppraiseSafetyBody,
  'village-appraisal': VillageAppraisalBody,
  'township-review': TownshipReviewBody,
  'county-approve': CountyApproveBody,
  object: ObjectBody,
  'resolve-objection': ResolveObjectionBody,
  'sign-agreement': SignAgreementBody,
  inspect: InspectBody,
  'release-installment': ReleaseInstallmentBody,
  accept: AcceptBody,
  supervise: SuperviseBody,
  'move-in': MoveInBody,
} as const satisfies Record<Action, z.ZodType<{ version: number }>>;

export type ActionBody<A extends Action> = z.infer<(typeof ActionBodies)[A]>;
