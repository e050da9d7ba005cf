/**
 * The renovation process (农村危房改造) as a declarative description, in the order of domain.md:
 * household applies, village appraises, township reviews, county approves, the public notice runs,
 * the agreement is signed, construction is paid in installments against inspected milestones, the
 * house is accepted and the file archived.
 *
 * Each non-terminal phase is one step. A human step names the action that completes it, the role
 * that owns it, the level of jurisdiction that role must hold, the evidence it needs, and where
 * each outcome leads. A system step is run by the workflow itself. `asl-builder.ts` turns this list
 * into the Step Functions definition; handlers compute `next` with the helpers at the end of this
 * file, so the API and the state machine cannot disagree about where a decision leads.
 */
import { EVENT_TITLES, PHASE_TITLES, type Title } from '../domain/labels';
import type { Action, Phase, PhotoKind, ProgramConfig, Role } from '../domain/model';
import { PHASES, TERMINAL_PHASES } from '../domain/model';

export type Level = 'township' | 'county';
export type { Title };
export type EvidenceRequirement = {
  readonly kind: (typeof PhotoKind.options)[number];
  readonly minPhotos: number;
  readonly title: Title;
};

/**
 * An outcome leads to one phase, or to one of several phases chosen by the program's installment
 * plan (see `phaseAwaitingInstallment`). `oneOf` lists every phase the rule can produce so the
 * state machine has a branch for each.
 */
export type Target = Phase | { readonly oneOf: readonly Phase[]; readonly rule: 'after-agreement' | 'after-release' };

export type HumanStep = {
  readonly kind: 'human';
  readonly phase: Phase;
  /** The Step Functions state name: the business step in PascalCase. */
  readonly state: string;
  readonly title: Title;
  readonly action: Action;
  readonly role: Role;
  readonly level: Level;
  /** Working days to act before the task shows as overdue, unless the program sets its own. */
  readonly defaultDeadlineDays: number;
  readonly evidence?: readonly EvidenceRequirement[];
  readonly outcomes: Readonly<Record<string, Target>>;
};

/** An action taken while a phase runs that does not complete it (an objection during the notice). */
export type SideAction = {
  readonly action: Action;
  readonly title: Title;
  readonly role: Role;
  readonly level: Level;
};

/**
 * A side action recorded during several phases, by any of its roles (a supervision visit while
 * the house is built): it never completes a step.
 */
export type OngoingAction = SideAction & {
  readonly phases: readonly Phase[];
  /** Roles besides `role` that may record it. */
  readonly otherRoles: readonly Role[];
};

export type PublicNoticeStep = {
  readonly kind: 'notice';
  readonly phase: Phase;
  readonly title: Title;
  /** Opens the notice and returns `{ endsAt }`. */
  readonly open: { readonly state: string; readonly task: 'open-notice' };
  /** The timed wait until `endsAt`. */
  readonly wait: { readonly state: string };
  /** Closes the notice and returns `{ next }` from the objections recorded meanwhile. */
  readonly close: { readonly state: string; readonly task: 'close-notice' };
  readonly sideActions: readonly SideAction[];
  readonly outcomes: Readonly<Record<string, Phase>>;
};

export type ArchiveStep = {
  readonly kind: 'archive';
  readonly phase: Phase;
  readonly title: Title;
  readonly state: string;
  readonly task: 'archive';
  readonly next: Phase;
};

export type Step = HumanStep | PublicNoticeStep | ArchiveStep;
export type SystemTask = PublicNoticeStep['open']['task'] | PublicNoticeStep['close']['task'] | ArchiveStep['task'];

export type ProcessDescription = {
  readonly steps: readonly Step[];
  /** State names of the end states, one per terminal phase. */
  readonly terminals: Readonly<Record<string, string>>;
  /** Side actions that belong to no single step. */
  readonly ongoing?: readonly OngoingAction[];
};

/** The milestone of an installment paid when the agreement is signed (advance payment). */
export const ADVANCE_MILESTONE = 'agreement';
/** The milestone of an installment paid after final acceptance (the last one, per domain.md). */
export const ACCEPTANCE_MILESTONE = 'acceptance';

export const RENOVATION: ProcessDescription = {
  steps: [
    {
      kind: 'human',
      phase: 'safety-appraisal',
      state: 'SafetyAppraisal',
      title: PHASE_TITLES['safety-appraisal'],
      action: 'appraise-safety',
      role: 'construction',
      level: 'township',
      defaultDeadlineDays: 10,
      evidence: [{ kind: 'before', minPhotos: 1, title: { zh: '改造前照片', en: 'Photos before renovation' } }],
      // Only grades C and D qualify.
      outcomes: { qualified: 'village-appraisal', 'not-qualified': 'rejected' },
    },
    {
      kind: 'human',
      phase: 'village-appraisal',
      state: 'VillageAppraisal',
      title: PHASE_TITLES['village-appraisal'],
      action: 'village-appraisal',
      role: 'civil-affairs',
      level: 'township',
      defaultDeadlineDays: 15,
      outcomes: { approved: 'township-review', rejected: 'rejected' },
    },
    {
      kind: 'human',
      phase: 'township-review',
      state: 'TownshipReview',
      title: PHASE_TITLES['township-review'],
      action: 'township-review',
      role: 'construction',
      level: 'township',
      defaultDeadlineDays: 10,
      outcomes: { approve: 'county-approval', reject: 'rejected', 'send-back': 'village-appraisal' },
    },
    {
      kind: 'human',
      phase: 'county-approval',
      state: 'CountyApproval',
      title: PHASE_TITLES['county-approval'],
      action: 'county-approve',
      role: 'construction',
      level: 'county',
      defaultDeadlineDays: 15,
      outcomes: { approve: 'public-notice', reject: 'rejected', 'send-back': 'township-review' },
    },
    {
      kind: 'notice',
      phase: 'public-notice',
      title: PHASE_TITLES['public-notice'],
      open: { state: 'OpenNotice', task: 'open-notice' },
      wait: { state: 'NoticePeriod' },
      close: { state: 'CloseNotice', task: 'close-notice' },
      sideActions: [{ action: 'object', title: EVENT_TITLES.object, role: 'civil-affairs', level: 'township' }],
      outcomes: { 'no-objection': 'agreement', objections: 'objection-review' },
    },
    {
      kind: 'human',
      phase: 'objection-review',
      state: 'ObjectionReview',
      title: PHASE_TITLES['objection-review'],
      action: 'resolve-objection',
      role: 'civil-affairs',
      level: 'county',
      defaultDeadlineDays: 10,
      // An upheld objection sends the file back for review (domain.md, public notice).
      outcomes: { upheld: 'township-review', dismissed: 'agreement' },
    },
    {
      kind: 'human',
      phase: 'agreement',
      state: 'Agreement',
      title: PHASE_TITLES.agreement,
      action: 'sign-agreement',
      role: 'construction',
      level: 'township',
      defaultDeadlineDays: 10,
      outcomes: {
        signed: { oneOf: ['installment-release', 'milestone-inspection', 'final-acceptance'], rule: 'after-agreement' },
      },
    },
    {
      kind: 'human',
      phase: 'installment-release',
      state: 'InstallmentRelease',
      title: PHASE_TITLES['installment-release'],
      action: 'release-installment',
      role: 'finance',
      level: 'county',
      defaultDeadlineDays: 10,
      outcomes: {
        released: {
          oneOf: ['milestone-inspection', 'final-acceptance', 'installment-release', 'archiving'],
          rule: 'after-release',
        },
      },
    },
    {
      kind: 'human',
      phase: 'milestone-inspection',
      state: 'MilestoneInspection',
      title: PHASE_TITLES['milestone-inspection'],
      action: 'inspect',
      role: 'inspector',
      level: 'township',
      defaultDeadlineDays: 30,
      evidence: [{ kind: 'during', minPhotos: 1, title: { zh: '改造中照片', en: 'Photos during construction' } }],
      // A failed inspection is a stop-work rectification notice; the same milestone is inspected again.
      outcomes: { pass: 'installment-release', fail: 'milestone-inspection' },
    },
    {
      kind: 'human',
      phase: 'final-acceptance',
      state: 'FinalAcceptance',
      title: PHASE_TITLES['final-acceptance'],
      action: 'accept',
      role: 'inspector',
      level: 'township',
      defaultDeadlineDays: 30,
      evidence: [
        { kind: 'after', minPhotos: 1, title: { zh: '改造后照片', en: 'Photos after renovation' } },
        {
          kind: 'after-with-head',
          minPhotos: 1,
          title: { zh: '户主在房前的照片', en: 'Household head in front of the house' },
        },
      ],
      outcomes: { pass: 'installment-release', fail: 'final-acceptance' },
    },
    {
      kind: 'archive',
      phase: 'archiving',
      title: PHASE_TITLES.archiving,
      state: 'Archive',
      task: 'archive',
      next: 'archived',
    },
  ],
  terminals: { archived: 'Archived', rejected: 'Rejected' },
  ongoing: [
    {
      action: 'supervise',
      title: { zh: '施工巡查（每半月一次）', en: 'Half-monthly supervision visit' },
      role: 'construction',
      otherRoles: ['inspector'],
      level: 'township',
      phases: ['installment-release', 'milestone-inspection', 'final-acceptance'],
    },
    {
      // 竣工入住: the family moves into the accepted house, often after the file was archived.
      action: 'move-in',
      title: { zh: '入住登记', en: 'Moving in' },
      role: 'construction',
      otherRoles: ['inspector'],
      level: 'township',
      phases: ['installment-release', 'archiving', 'archived'],
    },
  ],
};

// ---------------------------------------------------------------- helpers for handlers

export class UnknownTransitionError extends Error {
  override readonly name = 'UnknownTransitionError';
}

export function isTerminal(phase: Phase): boolean {
  return TERMINAL_PHASES.includes(phase);
}

export function stepOf(phase: Phase, description: ProcessDescription = RENOVATION): Step | undefined {
  return description.steps.find((step) => step.phase === phase);
}

export function humanStepOf(phase: Phase, description: ProcessDescription = RENOVATION): HumanStep | undefined {
  const step = stepOf(phase, description);
  return step?.kind === 'human' ? step : undefined;
}

export type ActionStep = {
  readonly action: Action;
  /** The phase the household must be in for the action to apply. */
  readonly phase: Phase;
  readonly role: Role;
  readonly level: Level;
  /** True for actions that do not complete the phase (they record something while it runs). */
  readonly side: boolean;
  /** Further phases a side action may be recorded in. */
  readonly otherPhases?: readonly Phase[];
  /** Further roles that may record a side action. */
  readonly otherRoles?: readonly Role[];
};

/** Every phase in which the action applies. */
export function phasesOfAction(step: ActionStep): readonly Phase[] {
  return [step.phase, ...(step.otherPhases ?? [])];
}

/** Every role that may take the action. */
export function rolesOfAction(step: ActionStep): readonly Role[] {
  return [step.role, ...(step.otherRoles ?? [])];
}

export function stepForAction(action: Action, description: ProcessDescription = RENOVATION): ActionStep {
  for (const step of description.steps) {
    if (step.kind === 'human' && step.action === action) {
      return { action, phase: step.phase, role: step.role, level: step.level, side: false };
    }
    if (step.kind === 'notice') {
      const side = step.sideActions.find((s) => s.action === action);
      if (side) return { action, phase: step.phase, role: side.role, level: side.level, side: true };
    }
  }
  const ongoing = description.ongoing?.find((s) => s.action === action);
  const [firstPhase, ...otherPhases] = ongoing?.phases ?? [];
  if (ongoing && firstPhase) {
    return {
      action,
      phase: firstPhase,
      role: ongoing.role,
      level: ongoing.level,
      side: true,
      otherPhases,
      otherRoles: ongoing.otherRoles,
    };
  }
  throw new UnknownTransitionError(`no step of the process is completed by the action '${action}'`);
}

/** The program's installment plan, or the part of it the workflow needs. */
export type InstallmentPlan = { readonly installments: readonly { readonly milestone: string }[] };

/**
 * The phase that waits for installment `index` of the plan: it is released at once when due at
 * the agreement, after final acceptance when due at acceptance, after its milestone's inspection
 * otherwise; past the last installment the file is archived.
 */
export function phaseAwaitingInstallment(plan: InstallmentPlan, index: number): Phase {
  const installment = plan.installments[index];
  if (!installment) return 'archiving';
  if (installment.milestone === ADVANCE_MILESTONE) return 'installment-release';
  if (installment.milestone === ACCEPTANCE_MILESTONE) return 'final-acceptance';
  return 'milestone-inspection';
}

export function phaseAfterAgreement(plan: InstallmentPlan): Phase {
  return phaseAwaitingInstallment(plan, 0);
}

/** Where a household goes once an installment is released; `nextInstallmentIndex` is the one after it. */
export function nextPhaseAfterRelease(plan: InstallmentPlan, nextInstallmentIndex: number): Phase {
  return phaseAwaitingInstallment(plan, nextInstallmentIndex);
}

/** What the installment-dependent outcomes need to know about the household and its program. */
export type TransitionContext = InstallmentPlan & {
  /** Index of the next installment to release once this step is done (after a release: the one after it). */
  readonly nextInstallment: number;
};

/** Every outcome of a phase with the phases it may lead to. */
export function outcomesOf(phase: Phase, description: ProcessDescription = RENOVATION): Record<string, Phase[]> {
  const step = stepOf(phase, description);
  if (!step) return {};
  if (step.kind === 'archive') return { archived: [step.next] };
  const result: Record<string, Phase[]> = {};
  for (const [outcome, target] of Object.entries(step.outcomes)) {
    result[outcome] = typeof target === 'string' ? [target] : [...target.oneOf];
  }
  return result;
}

/**
 * The phase an outcome of `phase` leads to. Outcomes that depend on the installment plan need
 * `context`; an outcome the description does not list throws `UnknownTransitionError`.
 */
export function transition(
  phase: Phase,
  outcome: string,
  context?: TransitionContext,
  description: ProcessDescription = RENOVATION,
): Phase {
  const step = stepOf(phase, description);
  if (!step) throw new UnknownTransitionError(`the phase '${phase}' has no step and no outcomes`);
  if (step.kind === 'archive') {
    if (outcome === 'archived') return step.next;
    throw new UnknownTransitionError(`'${outcome}' is not an outcome of '${phase}'`);
  }
  const target: Target | undefined = Object.hasOwn(step.outcomes, outcome) ? step.outcomes[outcome] : undefined;
  if (target === undefined) throw new UnknownTransitionError(`'${outcome}' is not an outcome of '${phase}'`);
  if (typeof target === 'string') return target;
  if (!context) throw new UnknownTransitionError(`'${outcome}' of '${phase}' depends on the installment plan`);
  const next =
    target.rule === 'after-agreement'
      ? phaseAfterAgreement(context)
      : nextPhaseAfterRelease(context, context.nextInstallment);
  if (!target.oneOf.includes(next)) {
    throw new UnknownTransitionError(`'${outcome}' of '${phase}' cannot lead to '${next}'`);
  }
  return next;
}

/** Days a pending task may wait before it is overdue; the notice length for the public notice. */
export function deadlineDays(phase: Phase, config: Pick<ProgramConfig, 'deadlines' | 'noticeDays'>): number {
  const step = stepOf(phase);
  if (step?.kind === 'notice') return config.noticeDays;
  if (step?.kind === 'human') return config.deadlines[phase] ?? step.defaultDeadlineDays;
  throw new UnknownTransitionError(`the phase '${phase}' has no deadline`);
}

/** Non-terminal phases, in business order. */
export const ACTIVE_PHASES: readonly Phase[] = PHASES.filter((phase) => !isTerminal(phase));
