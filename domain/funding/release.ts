/**
 * When an installment may be released, and who may approve it (domain.md: an installment is never
 * paid twice, never before its milestone passed inspection, and the installments never exceed the
 * approved subsidy). Pure checks returning a bilingual reason; the handler turns a refusal into a
 * ConflictError / ForbiddenError and writes the ledger entry with a conditional put.
 */
import type { Bilingual } from '../errors';
import { milestoneTitle } from '../labels';
import type { Actor, Inspection, Payment, Phase } from '../model';
import { formatYuanWithUnit, sum } from './money';
import type { FundingPlan } from './plan';

/** The advance paid once the renovation agreement is signed (开工预拨). */
export const AGREEMENT_MILESTONE = 'agreement';
/** Final acceptance (竣工验收); the same name as `ACCEPTANCE_MILESTONE` in `process/renovation.ts`. */
export const ACCEPTANCE_MILESTONE = 'acceptance';

/** What the household file says about its milestones. */
export interface MilestoneFacts {
  agreementSigned: boolean;
  /** Milestones whose latest inspection passed; `acceptance` when the final acceptance passed. */
  passedMilestones: readonly string[];
  /** A rejected household is never paid. */
  phase?: Phase | undefined;
}

/**
 * Milestones whose latest inspection round passed: a failed round after a pass (a later defect)
 * closes the milestone again until it is re-inspected.
 */
export function passedMilestonesOf(
  inspections: readonly Pick<Inspection, 'milestone' | 'round' | 'result'>[],
): string[] {
  const latest = new Map<string, Pick<Inspection, 'round' | 'result'>>();
  for (const inspection of inspections) {
    const seen = latest.get(inspection.milestone);
    if (seen === undefined || inspection.round > seen.round) latest.set(inspection.milestone, inspection);
  }
  return [...latest].filter(([, inspection]) => inspection.result === 'pass').map(([milestone]) => milestone);
}

export type ReleaseCheck = { ok: true; amount: number } | { ok: false; reason: Bilingual };

export interface ReleaseRequest {
  plan: FundingPlan;
  installmentIndex: number;
  /** The household's ledger entries, whatever their bank status. */
  ledger: readonly Pick<Payment, 'installment' | 'amount'>[];
  facts: MilestoneFacts;
}

function milestoneReached(milestone: string, facts: MilestoneFacts): boolean {
  if (milestone === AGREEMENT_MILESTONE) return facts.agreementSigned;
  return facts.passedMilestones.includes(milestone);
}

function milestoneMissing(installment: number, milestone: string, label: string): Bilingual {
  const nth = installment + 1;
  if (milestone === AGREEMENT_MILESTONE) {
    return {
      zh: `第${nth}期（${label}）须在签订改造协议后拨付`,
      en: `Installment ${nth} (${label}) needs the signed agreement`,
    };
  }
  if (milestone === ACCEPTANCE_MILESTONE) {
    return {
      zh: `第${nth}期（${label}）须在竣工验收合格后拨付`,
      en: `Installment ${nth} (${label}) needs a passed final acceptance`,
    };
  }
  return {
    zh: `第${nth}期（${label}）须在“${milestoneTitle(milestone, 'zh')}”合格后拨付`,
    en: `Installment ${nth} (${label}) needs a passed inspection: ${milestoneTitle(milestone, 'en')}`,
  };
}

/** Whether the installment may be released now, and its amount; the first failing rule is the reason. */
export function canRelease({ plan, installmentIndex, ledger, facts }: ReleaseRequest): ReleaseCheck {
  const row = plan.installments[installmentIndex];
  const nth = installmentIndex + 1;
  if (row === undefined) {
    return { ok: false, reason: { zh: `拨付计划没有第${nth}期`, en: `The plan has no installment ${nth}` } };
  }
  if (facts.phase === 'rejected') {
    return { ok: false, reason: { zh: '该户已被否决，不能拨付', en: 'The household was rejected; nothing is paid' } };
  }
  const released = new Set(ledger.map((entry) => entry.installment));
  if (released.has(installmentIndex)) {
    return {
      ok: false,
      reason: {
        zh: `第${nth}期已拨付，不能重复拨付`,
        en: `Installment ${nth} was already released; it is never paid twice`,
      },
    };
  }
  if (installmentIndex > 0 && !released.has(installmentIndex - 1)) {
    return {
      ok: false,
      reason: {
        zh: `须按顺序拨付：第${nth - 1}期尚未拨付`,
        en: `Installments are released in order: installment ${nth - 1} is not released yet`,
      },
    };
  }
  if (!milestoneReached(row.milestone, facts)) {
    return { ok: false, reason: milestoneMissing(installmentIndex, row.milestone, row.label) };
  }
  const releasedSum = sum(ledger.map((entry) => entry.amount));
  if (releasedSum + row.amount > plan.approvedSubsidy) {
    return {
      ok: false,
      reason: {
        zh: `已拨付 ${formatYuanWithUnit(releasedSum)}，再拨付 ${formatYuanWithUnit(row.amount)} 将超过核定补助 ${formatYuanWithUnit(plan.approvedSubsidy)}`,
        en: `${formatYuanWithUnit(releasedSum, 'en')} released plus ${formatYuanWithUnit(row.amount, 'en')} would exceed the approved subsidy of ${formatYuanWithUnit(plan.approvedSubsidy, 'en')}`,
      },
    };
  }
  return { ok: true, amount: row.amount };
}

// ---------------------------------------------------------------- maker-checker

/** A release prepared by one finance user (经办), waiting for a second one to approve it (复核). */
export interface PreparedRelease {
  preparedBy: string;
  /** The county whose funds pay it; the approver must belong to the same county. */
  county: string;
  approvedBy?: string | undefined;
}

export type ApprovalCheck = { ok: true } | { ok: false; reason: Bilingual };

/** A second, different finance user of the same county approves; nobody approves their own release. */
export function checkApproval(prepared: PreparedRelease, approver: Actor): ApprovalCheck {
  if (!approver.roles.includes('finance')) {
    return { ok: false, reason: { zh: '只有财政人员可以复核拨付', en: 'Only finance staff approve a release' } };
  }
  if (approver.county !== prepared.county) {
    return {
      ok: false,
      reason: { zh: '只能复核本县的拨付', en: "A release is approved by finance staff of the household's own county" },
    };
  }
  if (approver.username === prepared.preparedBy) {
    return {
      ok: false,
      reason: {
        zh: '经办人不能复核自己经办的拨付，须由另一名财政人员复核',
        en: 'The user who prepared a release cannot approve it; another finance user must',
      },
    };
  }
  if (prepared.approvedBy !== undefined) {
    return {
      ok: false,
      reason: {
        zh: `该笔拨付已由 ${prepared.approvedBy} 复核`,
        en: `The release was already approved by ${prepared.approvedBy}`,
      },
    };
  }
  return { ok: true };
}
