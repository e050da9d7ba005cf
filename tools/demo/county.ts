/**
 * The demo at the scale of seed 004: one county (册亨县), 16 townships, 600 households at mixed
 * phases, loaded by `npm start -- --demo` (tools/demo/county-loader.ts writes it). Its program
 * `ceheng-2026` sits beside the small `ceheng-2025` of contract/examples.ts, which the tests use: the
 * first four townships and their staff are the same, twelve more are added.
 *
 * Each household is built as its history: registration, then every step it passed, with the
 * state the rules of that step produce (grade, subsidy from the tiers, planned area within the
 * size limits, notice end, agreement date, installments) and a hash-chained audit event per
 * step, so its file reads as if staff had acted on it. Pure: no AWS, deterministic from `n` and
 * the instant it is seeded at.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { demoApplication, demoProgram } from '../../contract/examples';
import { buildFundingPlan } from '../../domain/funding/plan';
import {
  type AuditEvent,
  type Household,
  type Inspection,
  type Phase,
  ProgramConfig,
  type Role,
  type Township,
} from '../../domain/model';
import { sealEvent } from '../../domain/rules/audit';
import { householdSize, rebuildAreaLimits } from '../../domain/rules/floorArea';
import { approveSubsidy, newHousehold } from '../../domain/rules/household';
import { demoUsers } from './users';

export const DEMO_COUNTY_HOUSEHOLDS = 600;

const MORE_TOWNSHIPS: [string, string[]][] = [
  ['冗渡镇', ['冗渡村', '威旁村', '板街村']],
  ['岩架镇', ['岩架村', '八达村']],
  ['百口乡', ['百口村', '弄丁村']],
  ['弼佑镇', ['弼佑村', '秧绕村', '乃言村']],
  ['秧坝镇', ['秧坝村', '大伟村']],
  ['达央乡', ['达央村', '大寨村']],
  ['坡妹镇', ['坡妹村', '冗佐村']],
  ['庆坪乡', ['庆坪村', '平乐村']],
  ['八渡镇', ['八渡村', '纳桑村']],
  ['马黑乡', ['马黑村', '大坪村']],
  ['高洛乡', ['高洛村', '纳腊村']],
  ['板坝乡', ['板坝村', '板陈村']],
];
/** Quotas of the 16 townships (sum 600, as in the seed). */
const QUOTAS = [60, 50, 50, 45, 40, 40, 35, 35, 35, 35, 30, 35, 30, 30, 25, 25];

const townships: z.input<typeof Township>[] = [
  ...demoProgram.townships,
  ...MORE_TOWNSHIPS.map(([name, villages], i) => {
    const code = `522327${String(104 + i)}`;
    return {
      code,
      name,
      quota: 0,
      villages: villages.map((village, v) => ({ code: `${code}${String(201 + v)}`, name: village })),
    };
  }),
].map((t, i) => ({ ...t, quota: QUOTAS[i] ?? 0 }));

export const demoCountyProgram: ProgramConfig = ProgramConfig.parse({
  ...demoProgram,
  programId: 'ceheng-2026',
  name: '册亨县2026年农村危房改造（试点规模演示）',
  year: 2026,
  quota: 600,
  townships,
});

// ---------------------------------------------------------------- where each household stands

/** The positions along the renovation path, in order; a household's history stops at one. */
const PATH = [
  { phase: 'safety-appraisal', next: 0 },
  { phase: 'village-appraisal', next: 0 },
  { phase: 'township-review', next: 0 },
  { phase: 'county-approval', next: 0 },
  { phase: 'public-notice', next: 0 },
  { phase: 'agreement', next: 0 },
  { phase: 'installment-release', next: 0 },
  { phase: 'milestone-inspection', next: 1 },
  { phase: 'installment-release', next: 1 },
  { phase: 'milestone-inspection', next: 2 },
  { phase: 'installment-release', next: 2 },
  { phase: 'final-acceptance', next: 3 },
  { phase: 'installment-release', next: 3 },
  { phase: 'archived', next: 4 },
] as const satisfies readonly { phase: Phase; next: number }[];

type Stop = { kind: 'path'; index: number } | { kind: 'objection' } | { kind: 'rejected' };

/** Per 100 households: how many stop at each position (seed-like: most under construction or done). */
const MIX: [Stop, number][] = [
  [{ kind: 'path', index: 0 }, 7],
  [{ kind: 'path', index: 1 }, 5],
  [{ kind: 'path', index: 2 }, 6],
  [{ kind: 'path', index: 3 }, 6],
  [{ kind: 'path', index: 4 }, 4],
  [{ kind: 'objection' }, 1],
  [{ kind: 'path', index: 5 }, 8],
  [{ kind: 'path', index: 6 }, 3],
  [{ kind: 'path', index: 7 }, 10],
  [{ kind: 'path', index: 8 }, 3],
  [{ kind: 'path', index: 9 }, 10],
  [{ kind: 'path', index: 10 }, 2],
  [{ kind: 'path', index: 11 }, 9],
  [{ kind: 'path', index: 12 }, 2],
  [{ kind: 'path', index: 13 }, 19],
  [{ kind: 'rejected' }, 5],
];

function stopOf(n: number): Stop {
  // A stride coprime to 100 spreads each kind over the townships instead of grouping it.
  let slot = (n * 37) % 100;
  for (const [stop, share] of MIX) {
    if (slot < share) return stop;
    slot -= share;
  }
  return { kind: 'path', index: 0 };
}

// ---------------------------------------------------------------- the records of one household

export interface SeededObjection {
  objectionId: string;
  householdId: string;
  objector: string;
  reason: string;
  recordedBy: string;
  at: string;
  status: 'open';
}

export interface SeededPayment {
  householdId: string;
  installment: number;
  amount: number;
  status: 'paid';
  reference: string;
  releasedBy: string;
  releasedAt: string;
  approvedBy: string;
  approvedAt: string;
  paidAt: string;
  attempts: 1;
}

export interface SeededHousehold {
  household: Household;
  /** Audit events 1..version, hash-chained. */
  events: AuditEvent[];
  /** With the index of the milestone in the plan (the `INSP#{nn}` key). */
  inspections: { inspection: Inspection; milestoneIndex: number }[];
  payments: SeededPayment[];
  objections: SeededObjection[];
}

const DAY_MS = 86_400_000;
/** Application numbers of this demo start here, clear of the numbers tests use with `demoApplication`. */
const FIRST_APPLICATION = 1_000_000;
const COUNTY_STAFF: Record<Role, string> = {
  'civil-affairs': 'wang.minzheng',
  construction: 'li.zhujian',
  inspector: 'zhao.zhijian',
  finance: 'chen.caizheng',
  auditor: 'liu.shenji',
  admin: 'sun.guanli',
};

/** A stable UUID-shaped id per household, so loading twice finds the same households. */
export function demoCountyHouseholdId(n: number): string {
  const hex = createHash('sha256').update(`anju-demo-county-${n}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function staffOf(role: Role, township: string, level: 'township' | 'county'): string {
  if (level === 'township') {
    const local = demoUsers.find((u) => u.township === township && u.roles.includes(role));
    if (local) return local.username;
  }
  return COUNTY_STAFF[role];
}

const day = (iso: string) => iso.slice(0, 10);

/**
 * Household `n` (0..599) of the demo county with its whole history up to where it stands, as of
 * `now`: its last step happened one to three days ago, earlier ones a week apart.
 */
export function demoCountyHousehold(n: number, now: Date): SeededHousehold {
  const program = demoCountyProgram;
  const villages = program.townships.flatMap((t) => t.villages);
  const village = villages[n % villages.length];
  if (!village) throw new RangeError('the demo county has no villages');
  const application = {
    ...demoApplication(FIRST_APPLICATION + n),
    programId: program.programId,
    villageCode: village.code,
  };
  const householdId = demoCountyHouseholdId(n);
  const stop = stopOf(n);
  const pathIndex = stop.kind === 'path' ? stop.index : stop.kind === 'objection' ? 4 : 2;
  // Events: registration, one per step left (two for the last release: the archive follows it), extras.
  const archived = stop.kind === 'path' && PATH[stop.index]?.phase === 'archived';
  const steps = 1 + pathIndex + (archived ? 1 : 0) + (stop.kind === 'objection' ? 2 : stop.kind === 'rejected' ? 1 : 0);
  const lastAt = now.getTime() - (1 + (n % 3)) * DAY_MS;
  const timeOf = (step: number) => new Date(lastAt - (steps - 1 - step) * 7 * DAY_MS).toISOString();

  let h = newHousehold(application, program, { householdId, now: timeOf(0) });
  const events: AuditEvent[] = [];
  let lastHash: string | undefined;
  const record = (
    type: string,
    actor: string,
    role: Role | 'system',
    details: Record<string, unknown>,
    to: Partial<Household> & { phase: Phase },
  ) => {
    const at = timeOf(events.length);
    const from = h.phase;
    h = { ...h, ...to, version: events.length + 1, updatedAt: at };
    const event = sealEvent(lastHash === undefined ? undefined : { hash: lastHash }, {
      householdId,
      seq: h.version,
      at,
      actor,
      role,
      type,
      ...(events.length === 0 ? {} : { fromPhase: from }),
      toPhase: h.phase,
      details,
    });
    lastHash = event.hash;
    events.push(event);
    return at;
  };
  const t = h.township;
  const registrar = staffOf('civil-affairs', t, 'township');
  record(
    'register',
    registrar,
    'civil-affairs',
    { foundBy: h.foundBy, category: h.category, villageCode: h.villageCode },
    {
      phase: 'safety-appraisal',
    },
  );

  const inspections: SeededHousehold['inspections'] = [];
  const payments: SeededPayment[] = [];
  const objections: SeededObjection[] = [];
  const grade = n % 3 === 0 ? 'C' : 'D';
  const mode = grade === 'D' ? 'rebuild' : 'repair';
  const limits = rebuildAreaLimits(householdSize(h));
  const plannedAreaM2 = Math.min(limits.max, Math.max(limits.min, 45 + (n % 4) * 5));
  const plan = () => buildFundingPlan(program, { householdId, approvedSubsidy: h.approvedSubsidy ?? 0 });

  /** Takes the step that leaves path position `index`. */
  const leave = (index: number) => {
    const construction = staffOf('construction', t, 'township');
    const inspector = staffOf('inspector', t, 'township');
    switch (index) {
      case 0: {
        const on = day(timeOf(events.length));
        record(
          'appraise-safety',
          construction,
          'construction',
          {
            grade,
            technician: '罗建国',
            appraisedOn: on,
            findings: '承重墙体开裂，屋面构件腐朽',
            photoIds: [],
            outcome: 'qualified',
          },
          { phase: 'village-appraisal', grade },
        );
        return;
      }
      case 1:
        record(
          'village-appraisal',
          staffOf('civil-affairs', t, 'township'),
          'civil-affairs',
          {
            meetingDate: day(timeOf(events.length)),
            votesFor: 35 + (n % 10),
            votesAgainst: n % 3,
            abstentions: n % 4,
            minutes: '村民代表会议评议，同意列为改造对象',
            result: 'approved',
            outcome: 'approved',
          },
          { phase: 'township-review' },
        );
        return;
      case 2:
        record(
          'township-review',
          construction,
          'construction',
          { decision: 'approve', checkedItems: { 身份信息: true, 鉴定报告: true }, outcome: 'approve' },
          { phase: 'county-approval' },
        );
        return;
      case 3: {
        const at = timeOf(events.length);
        // Six in ten files visited by the county: above the seed's 50%, unevenly over townships.
        const visited = n % 5 < 3;
        const spotCheck = visited ? { visited, by: '李军', date: day(at) } : { visited };
        const approved = approveSubsidy(h, program, mode, mode === 'rebuild' ? { plannedAreaM2 } : {});
        const noticeEndsAt = new Date(Date.parse(at) + program.noticeDays * DAY_MS).toISOString();
        record(
          'county-approve',
          COUNTY_STAFF.construction,
          'construction',
          {
            decision: 'approve',
            mode,
            approvedSubsidy: approved.approvedSubsidy,
            ...(mode === 'rebuild' ? { plannedAreaM2 } : {}),
            noticeEndsAt,
            spotCheck,
            outcome: 'approve',
          },
          {
            phase: 'public-notice',
            mode,
            approvedSubsidy: approved.approvedSubsidy,
            noticeEndsAt,
            spotCheck,
            ...(mode === 'rebuild' ? { plannedAreaM2 } : {}),
          },
        );
        return;
      }
      case 4:
        record(
          'close-notice',
          'system',
          'system',
          { openObjections: 0, outcome: 'no-objection' },
          { phase: 'agreement' },
        );
        return;
      case 5: {
        const signedOn = day(timeOf(events.length));
        record(
          'sign-agreement',
          construction,
          'construction',
          {
            signedOn,
            plannedStart: signedOn,
            plannedFinish: day(new Date(Date.parse(signedOn) + 120 * DAY_MS).toISOString()),
            ownFunds: 500_000 + (n % 5) * 100_000,
            bankLoan: n % 2 === 0 ? 1_500_000 : 0,
            outcome: 'signed',
          },
          { phase: 'installment-release', agreementSignedOn: signedOn },
        );
        return;
      }
      case 13:
        return;
      default: {
        const position = PATH[index];
        if (!position) return;
        const k = position.next;
        if (position.phase === 'installment-release') {
          const at = timeOf(events.length);
          const amount = plan().installments[k]?.amount ?? 0;
          payments.push({
            householdId,
            installment: k,
            amount,
            status: 'paid',
            reference: `${householdId}-${String(k).padStart(2, '0')}`,
            releasedBy: COUNTY_STAFF.finance,
            releasedAt: at,
            approvedBy: 'qian.caizheng',
            approvedAt: at,
            paidAt: at,
            attempts: 1,
          });
          const next = PATH[index + 1] ?? { phase: 'archived', next: 4 };
          record(
            'release-installment',
            COUNTY_STAFF.finance,
            'finance',
            { installment: k, label: program.installments[k]?.label, amount, outcome: 'released' },
            // The last release leads to the archive step, which the workflow runs at once.
            { phase: next.phase === 'archived' ? 'archiving' : next.phase, nextInstallment: k + 1 },
          );
          if (next.phase === 'archived') {
            record('archive', 'system', 'system', { outcome: 'archived' }, { phase: 'archived' });
          }
          return;
        }
        const milestone = program.installments[k]?.milestone ?? 'acceptance';
        const date = day(timeOf(events.length));
        const checklist: Record<string, boolean> =
          milestone === 'acceptance' ? { 结构安全: true, 面积符合: true } : { 施工质量: true, 尺寸规格: true };
        inspections.push({
          milestoneIndex: k,
          inspection: { householdId, milestone, round: 1, inspector, date, checklist, result: 'pass', photoIds: [] },
        });
        record(
          milestone === 'acceptance' ? 'accept' : 'inspect',
          inspector,
          'inspector',
          {
            milestone,
            round: 1,
            result: 'pass',
            photoIds: [],
            ...(milestone === 'acceptance' ? { checkedBy: '赵刚', signedBy: '李军' } : {}),
            outcome: 'pass',
          },
          { phase: 'installment-release' },
        );
      }
    }
  };

  for (let index = 0; index < pathIndex; index++) leave(index);
  if (stop.kind === 'objection') {
    const at = timeOf(events.length);
    objections.push({
      objectionId: 'obj-1',
      householdId,
      objector: '韦某',
      reason: '该户家庭收入情况与申报不符',
      recordedBy: staffOf('civil-affairs', t, 'township'),
      at,
      status: 'open',
    });
    record(
      'object',
      staffOf('civil-affairs', t, 'township'),
      'civil-affairs',
      { objectionId: 'obj-1' },
      {
        phase: 'public-notice',
      },
    );
    record(
      'close-notice',
      'system',
      'system',
      { openObjections: 1, outcome: 'objections' },
      {
        phase: 'objection-review',
      },
    );
  }
  if (stop.kind === 'rejected') {
    const at = timeOf(events.length);
    const reason = '经乡镇审核，该户已有安全住房';
    record(
      'township-review',
      staffOf('construction', t, 'township'),
      'construction',
      { decision: 'reject', reason, outcome: 'reject' },
      { phase: 'rejected', rejection: { reason, by: staffOf('construction', t, 'township'), at } },
    );
  }
  return { household: h, events, inspections, payments, objections };
}

/** Every household of the demo county, as of `now`. */
export function demoCountyHouseholds(now: Date, count = DEMO_COUNTY_HOUSEHOLDS): SeededHousehold[] {
  return Array.from({ length: count }, (_, n) => demoCountyHousehold(n, now));
}
