/**
 * An auditor's view (审计视图) of a county over a period: every finding a county audit bureau
 * (审计局) would pull a file for, each with the household it is on, so the auditor can open it.
 *
 * - every flag raised in the period, with its level under the program's policy and whether (and
 *   by whom) it was overridden;
 * - every override granted in the period, with who granted it and why;
 * - every public notice reopened by an upheld objection;
 * - every approved rebuild whose planned floor area lies outside the limits for its household
 *   size (approval refuses one, so this lists what slipped in around the rule: imports, changed
 *   members, changed rules);
 * - every duplicate match: a person, an account or an image on another file, a person on the
 *   relocation list or an earlier year's beneficiaries, a split household;
 * - every late payment as of the period's end: a milestone passed and its installment not released
 *   (资金滞留), a release waiting for its second signature, an approved payment without the bank's
 *   answer, a failed payment not sent again — each longer than the program allows.
 *
 * Pure: the caller reads the county's households with their events and ledgers.
 */
import type { Bilingual } from '../errors';
import type { LedgerPayment } from '../funding/bank';
import { FLAG_TITLES } from '../labels';
import type { AuditEvent, Household, Inspection, Override, ProgramConfig, RaisedFlag } from '../model';
import { chinaDate, daysBetween } from './dates';
import { type FlagKind, type FlagLevel, flagLevel, overrideOf } from './flags';
import { checkRebuildArea, householdSize } from './floorArea';

export const AUDIT_FINDING_KINDS = [
  'flag',
  'override',
  'reopened-notice',
  'floor-area',
  'duplicate',
  'late-payment',
] as const;
export type AuditFindingKind = (typeof AUDIT_FINDING_KINDS)[number];

/** The flags that are matches of one thing on two files or lists (重复享受 and its disguises). */
export const DUPLICATE_FLAGS: readonly FlagKind[] = [
  'duplicate-image',
  'near-duplicate-image',
  'near-duplicate-stage',
  'person-already-claimed',
  'roster-relocation',
  'roster-past-beneficiary',
  'bank-account-shared',
  'split-household',
];

/** How long each money step may take before the payment is late, in calendar days. */
export interface PaymentDeadlines {
  /** From the milestone's passed inspection (or the agreement, for the advance) to the release. */
  releaseAfterMilestone: number;
  /** From the release (经办) to the second signature (复核). */
  approveAfterRelease: number;
  /** From the approval to the bank's answer. */
  bankAfterApproval: number;
  /** From a failure to the retry. */
  retryAfterFailure: number;
}

export const DEFAULT_PAYMENT_DEADLINES: PaymentDeadlines = {
  releaseAfterMilestone: 15,
  approveAfterRelease: 5,
  bankAfterApproval: 10,
  retryAfterFailure: 10,
};

export interface AuditFinding {
  kind: AuditFindingKind;
  householdId: string;
  township: string;
  /** The head's name: the file an auditor pulls (the ID number is never in a finding). */
  headName: string;
  /** When it happened (ISO instant or China day). */
  at: string;
  /** A flag's kind, a late payment's step, ... */
  what: string;
  title: Bilingual;
  note?: Bilingual | undefined;
  /** For a flag: its level under the policy, and the override if one covers it. */
  level?: FlagLevel | undefined;
  overriddenBy?: string | undefined;
  /** Who did it (the grantor of an override, the officer of a step). */
  by?: string | undefined;
  installment?: number | undefined;
  /** Days late, for a late payment. */
  daysLate?: number | undefined;
}

export interface AuditedHousehold {
  household: Household;
  events: readonly Pick<AuditEvent, 'type' | 'at' | 'actor' | 'details'>[];
  inspections: readonly Pick<Inspection, 'milestone' | 'round' | 'date' | 'result'>[];
  payments: readonly LedgerPayment[];
}

export interface AuditPeriod {
  /** China days, inclusive. */
  from: string;
  to: string;
}

function within(instantOrDay: string, period: AuditPeriod): boolean {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(instantOrDay) ? instantOrDay : chinaDate(instantOrDay);
  return day >= period.from && day <= period.to;
}

function base(entry: AuditedHousehold) {
  const { household } = entry;
  return { householdId: household.householdId, township: household.township, headName: household.head.name };
}

function flagFindings(
  entry: AuditedHousehold,
  period: AuditPeriod,
  policy: ProgramConfig['flagPolicy'],
): AuditFinding[] {
  const overrides: readonly Override[] = entry.household.overrides ?? [];
  return (entry.household.flags ?? [])
    .filter((flag: RaisedFlag) => within(flag.raisedAt, period))
    .flatMap((flag) => {
      const override = overrideOf(flag, overrides);
      const common = {
        ...base(entry),
        at: flag.raisedAt,
        what: flag.kind,
        title: FLAG_TITLES[flag.kind],
        note: flag.note,
        level: flagLevel(policy, flag.kind),
        overriddenBy: override?.by,
        by: flag.raisedBy,
      };
      const findings: AuditFinding[] = [{ kind: 'flag', ...common }];
      if (DUPLICATE_FLAGS.includes(flag.kind)) findings.push({ kind: 'duplicate', ...common });
      return findings;
    });
}

function overrideFindings(entry: AuditedHousehold, period: AuditPeriod): AuditFinding[] {
  return (entry.household.overrides ?? [])
    .filter((override) => within(override.at, period))
    .map((override) => ({
      kind: 'override' as const,
      ...base(entry),
      at: override.at,
      what: override.flag,
      title: FLAG_TITLES[override.flag],
      note: { zh: override.reason, en: override.reason },
      by: override.by,
    }));
}

function reopenedNotices(entry: AuditedHousehold, period: AuditPeriod): AuditFinding[] {
  return entry.events
    .filter((event) => event.type === 'resolve-objection' && event.details.resolution === 'upheld')
    .filter((event) => within(event.at, period))
    .map((event) => ({
      kind: 'reopened-notice' as const,
      ...base(entry),
      at: event.at,
      what: 'objection-upheld',
      title: { zh: '公示异议成立，退回重审', en: 'Objection upheld: the file went back for review' },
      note:
        typeof event.details.explanation === 'string'
          ? { zh: event.details.explanation, en: event.details.explanation }
          : undefined,
      by: event.actor,
    }));
}

function floorArea(entry: AuditedHousehold): AuditFinding[] {
  const { household } = entry;
  if (household.mode !== 'rebuild' || household.plannedAreaM2 === undefined || household.phase === 'rejected')
    return [];
  const check = checkRebuildArea(householdSize(household), household.plannedAreaM2);
  if (check.ok) return [];
  const approval = [...entry.events].reverse().find((event) => event.type === 'county-approve');
  return [
    {
      kind: 'floor-area',
      ...base(entry),
      at: approval?.at ?? household.updatedAt,
      what: household.plannedAreaM2 > check.limits.max ? 'over-limit' : 'under-limit',
      title: { zh: '计划建筑面积超出人均标准', en: 'Planned floor area outside the limits for the household size' },
      note: check.reason,
      by: approval?.actor,
    },
  ];
}

/** The day a milestone's installment became due: its latest passed inspection, or the agreement for the advance. */
function dueSince(entry: AuditedHousehold, milestone: string): string | undefined {
  if (milestone === 'agreement') {
    const signed = [...entry.events].reverse().find((event) => event.type === 'sign-agreement');
    const signedOn = signed?.details.signedOn;
    return typeof signedOn === 'string' ? signedOn : undefined;
  }
  return entry.inspections
    .filter((inspection) => inspection.milestone === milestone && inspection.result === 'pass')
    .map((inspection) => inspection.date)
    .sort()
    .at(-1);
}

function late(
  entry: AuditedHousehold,
  what: string,
  title: Bilingual,
  since: string,
  allowed: number,
  asOf: string,
  more: Partial<AuditFinding> = {},
): AuditFinding[] {
  const sinceDay = /^\d{4}-\d{2}-\d{2}$/.test(since) ? since : chinaDate(since);
  const days = daysBetween(sinceDay, asOf);
  if (days <= allowed) return [];
  return [{ kind: 'late-payment', ...base(entry), at: since, what, title, daysLate: days - allowed, ...more }];
}

function latePayments(
  entry: AuditedHousehold,
  program: Pick<ProgramConfig, 'installments'>,
  deadlines: PaymentDeadlines,
  asOf: string,
): AuditFinding[] {
  const { household } = entry;
  if (household.phase === 'rejected' || household.approvedSubsidy === undefined) return [];
  const findings: AuditFinding[] = [];
  const released = new Set(entry.payments.map((payment) => payment.installment));
  program.installments.forEach((row, index) => {
    if (released.has(index)) return;
    const since = dueSince(entry, row.milestone);
    if (since === undefined) return;
    findings.push(
      ...late(
        entry,
        'not-released',
        {
          zh: `节点已验收合格，第${index + 1}期（${row.label}）未按时拨付`,
          en: `Installment ${index + 1} (${row.label}) not released after its milestone passed`,
        },
        since,
        deadlines.releaseAfterMilestone,
        asOf,
        { installment: index },
      ),
    );
  });
  for (const payment of entry.payments) {
    const nth = payment.installment + 1;
    if (payment.status === 'released' && payment.approvedBy === undefined) {
      findings.push(
        ...late(
          entry,
          'awaiting-approval',
          { zh: `第${nth}期拨付待复核超期`, en: `Installment ${nth} waits too long for its second signature` },
          payment.releasedAt,
          deadlines.approveAfterRelease,
          asOf,
          {
            installment: payment.installment,
            by: payment.releasedBy,
          },
        ),
      );
    } else if (payment.status === 'released' && payment.approvedAt !== undefined) {
      findings.push(
        ...late(
          entry,
          'awaiting-bank',
          {
            zh: `第${nth}期已复核，银行未按时回盘`,
            en: `Installment ${nth} approved, no answer from the bank in time`,
          },
          payment.approvedAt,
          deadlines.bankAfterApproval,
          asOf,
          {
            installment: payment.installment,
            by: payment.approvedBy,
          },
        ),
      );
    } else if (payment.status === 'failed') {
      findings.push(
        ...late(
          entry,
          'failed-not-retried',
          { zh: `第${nth}期支付失败后未及时重发`, en: `Installment ${nth} failed and was not sent again in time` },
          payment.approvedAt ?? payment.releasedAt,
          deadlines.retryAfterFailure,
          asOf,
          {
            installment: payment.installment,
            note: payment.failureReason ? { zh: payment.failureReason, en: payment.failureReason } : undefined,
          },
        ),
      );
    }
  }
  return findings;
}

export interface AuditReportInput {
  county: string;
  period: AuditPeriod;
  /** The program of each household, by id. */
  programOf: (programId: string) => Pick<ProgramConfig, 'installments' | 'flagPolicy'> | undefined;
  households: readonly AuditedHousehold[];
  /** The day late payments are measured to: the period's end, or today when that is earlier. */
  asOf: string;
  deadlines?: PaymentDeadlines;
}

export interface AuditReportSummary {
  byKind: Record<AuditFindingKind, number>;
  byTownship: { township: string; findings: number; blocking: number; overridden: number }[];
}

/** Every finding of the county's households for the period, oldest first. */
export function auditFindings(input: AuditReportInput): AuditFinding[] {
  const deadlines = input.deadlines ?? DEFAULT_PAYMENT_DEADLINES;
  const findings: AuditFinding[] = [];
  for (const entry of input.households) {
    if (entry.household.county !== input.county) continue;
    const program = input.programOf(entry.household.programId);
    findings.push(
      ...flagFindings(entry, input.period, program?.flagPolicy),
      ...overrideFindings(entry, input.period),
      ...reopenedNotices(entry, input.period),
      ...floorArea(entry),
      ...(program ? latePayments(entry, program, deadlines, input.asOf) : []),
    );
  }
  return findings.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.householdId.localeCompare(b.householdId)));
}

export function summarizeFindings(findings: readonly AuditFinding[]): AuditReportSummary {
  const byKind = Object.fromEntries(AUDIT_FINDING_KINDS.map((kind) => [kind, 0])) as Record<AuditFindingKind, number>;
  const townships = new Map<string, { township: string; findings: number; blocking: number; overridden: number }>();
  for (const finding of findings) {
    byKind[finding.kind] += 1;
    const line = townships.get(finding.township) ?? {
      township: finding.township,
      findings: 0,
      blocking: 0,
      overridden: 0,
    };
    line.findings += 1;
    if (finding.kind === 'flag' && finding.level === 'block' && finding.overriddenBy === undefined) line.blocking += 1;
    if (finding.kind === 'flag' && finding.overriddenBy !== undefined) line.overridden += 1;
    townships.set(finding.township, line);
  }
  return { byKind, byTownship: [...townships.values()].sort((a, b) => a.township.localeCompare(b.township)) };
}
