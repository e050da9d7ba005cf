/**
 * The housing-safety monitoring process (住房安全动态监测) as a declarative description, beside the
 * renovation process and in its words: the month's roster gives each household a house-safety
 * check by its township; an unsafe house opens a case; the case is closed out (销号) by a measure,
 * either renovation through a program (the case follows the household through the renovation
 * workflow and closes when the house is accepted and the file archived) or another safe-housing
 * measure with its evidence and a signed closing. A report about a house graded A or B asks for a
 * re-appraisal (another check); disaster damage opens a case directly; after a renovation is
 * accepted, visits at the months the program sets record whether the household lives in the house.
 *
 * Each step names the action that completes it, the role(s) that own it, the level of jurisdiction,
 * the evidence it needs and where each outcome leads. The use cases (functions/use-cases/monitoring/)
 * and the contract's access (contract/monitoring.ts) are computed from this list, so the API and the
 * description cannot disagree. The ledger runs as plain tasks with due dates, not as Step Functions
 * executions: docs/workflow.md, "The monitoring ledger", says why.
 */
import type { Role } from '../domain/model';
import type { LedgerAction } from '../domain/monitoring/actions';
import type { EvidenceRequirement, Level, Title } from './renovation';

/** Where a household's house stands on the ledger; `safe` and `closed` are the ends. */
export const LEDGER_STAGES = ['check', 'measure', 'renovation', 'closing', 'closed', 'safe'] as const;
export type LedgerStage = (typeof LEDGER_STAGES)[number];

/** When a step's task falls due. */
export type Due =
  /** The county's day of the roster month (`checkDueDay`), or the day the import names. */
  | { readonly rule: 'roster-day' }
  /** Working days after the task opens; the county's settings may set their own (`settingsKey`). */
  | { readonly rule: 'working-days'; readonly days: number; readonly settingsKey?: 'measureDays' | 'closingDays' };

export type LedgerHumanStep = {
  readonly kind: 'human';
  readonly stage: LedgerStage;
  readonly title: Title;
  readonly action: LedgerAction;
  readonly role: Role;
  readonly otherRoles?: readonly Role[];
  readonly level: Level;
  readonly due: Due;
  readonly evidence?: readonly EvidenceRequirement[];
  readonly outcomes: Readonly<Record<string, LedgerStage>>;
};

/** A stage no person completes here: the case follows another process (the renovation workflow). */
export type LedgerFollowStep = {
  readonly kind: 'follow';
  readonly stage: LedgerStage;
  readonly title: Title;
  /** What moves it on, in words (the renovation's archive step, docs/workflow.md). */
  readonly follows: string;
  readonly outcomes: Readonly<Record<string, LedgerStage>>;
};

export type LedgerStep = LedgerHumanStep | LedgerFollowStep;

/** An action recorded on a ledger household outside the case's stages. */
export type LedgerSideAction = {
  readonly action: LedgerAction | 'report-disaster';
  readonly title: Title;
  readonly role: Role;
  readonly otherRoles?: readonly Role[];
  readonly level: Level;
  /** The stage the action starts (a re-appraisal is a new check; disaster damage opens a case). */
  readonly starts?: LedgerStage;
  readonly due?: Due;
  readonly evidence?: readonly EvidenceRequirement[];
};

export type LedgerProcess = {
  readonly steps: readonly LedgerStep[];
  readonly sideActions: readonly LedgerSideAction[];
  readonly terminals: readonly LedgerStage[];
};

export const MONITORING: LedgerProcess = {
  steps: [
    {
      kind: 'human',
      stage: 'check',
      title: { zh: '住房安全核查', en: 'House-safety check' },
      action: 'check',
      role: 'construction',
      level: 'township',
      due: { rule: 'roster-day' },
      evidence: [{ kind: 'before', minPhotos: 1, title: { zh: '房屋现状照片', en: 'Photos of the house as it is' } }],
      // Only an own house graded C or D is unsafe; other safe housing, or A and B, is safe.
      outcomes: { safe: 'safe', unsafe: 'measure' },
    },
    {
      kind: 'human',
      stage: 'measure',
      title: { zh: '确定解决方式', en: 'Choose the measure' },
      action: 'choose-measure',
      role: 'construction',
      level: 'township',
      due: { rule: 'working-days', days: 10, settingsKey: 'measureDays' },
      outcomes: {
        renovation: 'renovation',
        rental: 'closing',
        replacement: 'closing',
        'public-housing': 'closing',
        relatives: 'closing',
      },
    },
    {
      kind: 'follow',
      stage: 'renovation',
      title: { zh: '危房改造（跟踪改造进度）', en: 'Renovation through a program' },
      follows:
        "the renovation household's archive step closes the case; a rejected application lets the township choose another measure",
      outcomes: { accepted: 'closed', rejected: 'measure' },
    },
    {
      kind: 'human',
      stage: 'closing',
      title: { zh: '销号', en: 'Closing (销号)' },
      action: 'close',
      role: 'construction',
      level: 'township',
      due: { rule: 'working-days', days: 60, settingsKey: 'closingDays' },
      evidence: [
        { kind: 'after', minPhotos: 1, title: { zh: '安全住房佐证照片', en: 'Evidence of the safe housing' } },
      ],
      outcomes: { closed: 'closed' },
    },
  ],
  sideActions: [
    {
      action: 'request-reappraisal',
      title: { zh: '群众反映，申请复核', en: 'A report asks for a re-appraisal' },
      role: 'construction',
      otherRoles: ['civil-affairs', 'inspector'],
      level: 'township',
      starts: 'check',
      due: { rule: 'working-days', days: 10 },
    },
    {
      action: 'report-disaster',
      title: { zh: '灾害损毁登记', en: 'Disaster damage' },
      role: 'construction',
      otherRoles: ['civil-affairs'],
      level: 'township',
      starts: 'measure',
      due: { rule: 'working-days', days: 5 },
    },
    {
      action: 'visit',
      title: { zh: '入住回访', en: 'Follow-up visit' },
      role: 'inspector',
      otherRoles: ['construction'],
      level: 'township',
      evidence: [{ kind: 'after', minPhotos: 1, title: { zh: '回访照片', en: 'Photo of the visit' } }],
    },
  ],
  terminals: ['safe', 'closed'],
};

// ---------------------------------------------------------------- helpers for the use cases and the contract

export class UnknownLedgerTransitionError extends Error {
  override readonly name = 'UnknownLedgerTransitionError';
}

/** Who may take an action on the ledger, and at which level. */
export type LedgerActionOwner = {
  readonly action: LedgerAction | 'report-disaster';
  readonly roles: readonly Role[];
  readonly level: Level;
  /** The stage the action completes, for the actions that complete one. */
  readonly completes?: LedgerStage;
};

export function ownerOf(
  action: LedgerAction | 'report-disaster',
  description: LedgerProcess = MONITORING,
): LedgerActionOwner {
  for (const step of description.steps) {
    if (step.kind === 'human' && step.action === action) {
      return { action, roles: [step.role, ...(step.otherRoles ?? [])], level: step.level, completes: step.stage };
    }
  }
  const side = description.sideActions.find((s) => s.action === action);
  if (side) return { action, roles: [side.role, ...(side.otherRoles ?? [])], level: side.level };
  throw new UnknownLedgerTransitionError(`no step of the monitoring process is taken by '${action}'`);
}

export function ledgerStepOf(stage: LedgerStage, description: LedgerProcess = MONITORING): LedgerStep | undefined {
  return description.steps.find((step) => step.stage === stage);
}

/** The stage an outcome of `stage` leads to; an outcome the description does not list throws. */
export function ledgerTransition(
  stage: LedgerStage,
  outcome: string,
  description: LedgerProcess = MONITORING,
): LedgerStage {
  const step = ledgerStepOf(stage, description);
  if (!step) throw new UnknownLedgerTransitionError(`the stage '${stage}' has no step`);
  const next = Object.hasOwn(step.outcomes, outcome) ? step.outcomes[outcome] : undefined;
  if (next === undefined) throw new UnknownLedgerTransitionError(`'${outcome}' is not an outcome of '${stage}'`);
  return next;
}

/** The due rule of the task that waits at `stage`, or that a side action starts. */
export function dueRuleOf(
  stageOrAction: LedgerStage | LedgerSideAction['action'],
  description: LedgerProcess = MONITORING,
): Due | undefined {
  const step = description.steps.find((s) => s.stage === stageOrAction);
  if (step?.kind === 'human') return step.due;
  return description.sideActions.find((s) => s.action === stageOrAction)?.due;
}

export function isLedgerTerminal(stage: LedgerStage, description: LedgerProcess = MONITORING): boolean {
  return description.terminals.includes(stage);
}
