/**
 * The household's own view of its renovation file (`POST /public/status`): where the file stands, the
 * next step and the office that owns it, in people's words, and each installment with its amount in
 * 元 and whether it was released or paid. Nothing else: the head's name and ID number come back
 * masked, no staff names, no other household, no bank account. A household proves who it is with
 * the head's ID number and name and the code printed on its agreement (an 8-digit code, generated
 * when the agreement is signed).
 */
import { randomInt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { chinaDate } from '../china-time';
import type { LedgerPayment } from '../funding/bank';
import { formatYuanWithUnit } from '../funding/money';
import { buildFundingPlan } from '../funding/plan';
import { PHASE_TITLES, type Title } from '../labels';
import type { Household, Phase, ProgramConfig, Role } from '../model';
import { maskIdNumber } from '../rules/idNumber';

const TitleSchema = z.object({ zh: z.string(), en: z.string() });

export const InstallmentStatus = z.enum(['planned', 'released', 'approved', 'paid', 'failed']);
export type InstallmentStatus = z.infer<typeof InstallmentStatus>;

export const INSTALLMENT_STATUS_WORDS: Readonly<Record<InstallmentStatus, Title>> = {
  planned: { zh: '未拨付', en: 'Not released yet' },
  released: { zh: '已拨付，待复核', en: 'Released, being checked' },
  approved: { zh: '已复核，银行代发中', en: 'Approved, the bank is paying it' },
  paid: { zh: '已到账', en: 'Paid into your account' },
  failed: { zh: '银行支付失败，财政局将重新发放', en: 'The bank payment failed; finance will pay it again' },
};

export const PublicStatus = z
  .object({
    head: z.object({ name: z.string(), idNumber: z.string() }),
    program: z.string(),
    place: z.object({ township: z.string(), village: z.string() }),
    phase: z.object({ code: z.string(), title: TitleSchema }),
    /** One sentence: where the file stands. */
    summary: TitleSchema,
    /** The next step and who owns it; absent once the file is archived or closed. */
    nextStep: z
      .object({
        title: TitleSchema,
        owner: TitleSchema,
        /** What the household itself can do now, if anything. */
        yourPart: TitleSchema.optional(),
        /** The day the office should act by (China date), when there is one. */
        dueOn: z.string().optional(),
      })
      .optional(),
    installments: z.array(
      z.object({
        number: z.number().int().positive(),
        label: z.string(),
        amount: z.number().int().nonnegative(),
        amountText: TitleSchema,
        status: InstallmentStatus,
        statusTitle: TitleSchema,
        releasedOn: z.string().optional(),
        paidOn: z.string().optional(),
      }),
    ),
    totals: z.object({ approved: z.number().int().nonnegative().optional(), paid: z.number().int().nonnegative() }),
    updatedOn: z.string(),
  })
  .meta({ id: 'PublicStatus' });
export type PublicStatus = z.infer<typeof PublicStatus>;

/** `王明光` -> `王*光`, `王明` -> `王*`: the household recognises its name, a passer-by learns little. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return chars.join('');
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars.at(-1)}`;
}

/** A new 8-digit code, uniformly random (the household keeps it on its agreement). */
export function newStatusCode(): string {
  return String(randomInt(0, 100_000_000)).padStart(8, '0');
}

/** `12345678` -> `1234 5678`, as printed. */
export function printedCode(code: string): string {
  return `${code.slice(0, 4)} ${code.slice(4)}`;
}

/** Compares in constant time, so the answer's timing says nothing about how much of a guess was right. */
export function sameSecret(given: string, stored: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(stored, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Names are compared as people type them: spaces and the middle dot of minority names ignored. */
export function sameName(given: string, stored: string): boolean {
  const plain = (name: string) => name.replace(/[\s\u3000·•．.]/g, '');
  return sameSecret(plain(given), plain(stored));
}

interface Offices {
  county: string;
  township: string;
}

/** The office that owns a step, as a household would name it. */
export function officeOf(role: Role, level: 'township' | 'county', offices: Offices): Title {
  if (level === 'township') {
    const t = offices.township;
    switch (role) {
      case 'civil-affairs':
        return { zh: `${t}民政办`, en: `Civil affairs office of ${t}` };
      case 'inspector':
        return { zh: `${t}质检验收组`, en: `Inspection team of ${t}` };
      default:
        return { zh: `${t}村镇建设站（住建）`, en: `Construction office of ${t}` };
    }
  }
  const c = offices.county;
  switch (role) {
    case 'civil-affairs':
      return { zh: `${c}民政局`, en: `Civil affairs bureau of ${c}` };
    case 'finance':
      return { zh: `${c}财政局`, en: `Finance bureau of ${c}` };
    case 'inspector':
      return { zh: `${c}建设工程质量安全监督站`, en: `Construction quality office of ${c}` };
    default:
      return { zh: `${c}住房和城乡建设局`, en: `Housing and construction bureau of ${c}` };
  }
}

type Step = { title: Title; role: Role; level: 'township' | 'county'; yourPart?: Title };

/** The next step of each phase, in the words the household hears at the township. */
function nextStepOf(phase: Phase, installmentLabel: string | undefined): Step | undefined {
  const label = installmentLabel ?? '';
  switch (phase) {
    case 'safety-appraisal':
      return {
        title: { zh: '房屋危险性鉴定', en: 'Safety appraisal of the house' },
        role: 'construction',
        level: 'township',
        yourPart: { zh: '请在家配合技术人员入户鉴定', en: 'Be at home for the technician’s visit' },
      };
    case 'village-appraisal':
      return { title: { zh: '村民主评议', en: 'Village appraisal meeting' }, role: 'civil-affairs', level: 'township' };
    case 'township-review':
      return { title: { zh: '乡镇审核', en: 'Township review' }, role: 'construction', level: 'township' };
    case 'county-approval':
      return { title: { zh: '县级审批', en: 'County approval' }, role: 'construction', level: 'county' };
    case 'public-notice':
      return {
        title: { zh: '公示（不少于7天）', en: 'Public notice (at least 7 days)' },
        role: 'civil-affairs',
        level: 'township',
      };
    case 'objection-review':
      return {
        title: { zh: '复核公示期间的异议', en: 'Review of objections' },
        role: 'civil-affairs',
        level: 'county',
      };
    case 'agreement':
      return {
        title: { zh: '签订改造协议', en: 'Signing the renovation agreement' },
        role: 'construction',
        level: 'township',
        yourPart: { zh: '请到乡镇签订改造协议', en: 'Come to the township to sign the agreement' },
      };
    case 'installment-release':
      return {
        title: { zh: `拨付补助资金（${label}）`, en: `Releasing the subsidy (${label})` },
        role: 'finance',
        level: 'county',
      };
    case 'milestone-inspection':
      return {
        title: { zh: `施工节点验收（${label}）`, en: `Inspection of the works (${label})` },
        role: 'inspector',
        level: 'township',
        yourPart: {
          zh: '请按协议施工，完成该节点后告知乡镇验收',
          en: 'Build as agreed and tell the township when this stage is done',
        },
      };
    case 'final-acceptance':
      return {
        title: { zh: '竣工验收', en: 'Final acceptance' },
        role: 'inspector',
        level: 'township',
        yourPart: {
          zh: '完工后请告知乡镇验收，验收时户主需在房前合影',
          en: 'Tell the township when the house is finished; the head is photographed in front of it',
        },
      };
    case 'archiving':
      return { title: { zh: '建档归档', en: 'Filing the record' }, role: 'construction', level: 'county' };
    default:
      return undefined;
  }
}

function summaryOf(household: Household): Title {
  switch (household.phase) {
    case 'archived':
      return { zh: '改造已竣工验收，档案已归档。', en: 'The renovation is accepted and the file archived.' };
    case 'rejected':
      return {
        zh: '申请未通过审核。如有疑问请到乡镇民政办咨询。',
        en: 'The application was not approved. Ask the township civil affairs office why.',
      };
    default: {
      const title = PHASE_TITLES[household.phase];
      return { zh: `您家的改造档案正在“${title.zh}”环节。`, en: `Your renovation file is at: ${title.en}.` };
    }
  }
}

function statusOf(payment: LedgerPayment | undefined): InstallmentStatus {
  if (!payment) return 'planned';
  if (payment.status === 'paid') return 'paid';
  if (payment.status === 'failed') return 'failed';
  return payment.approvedBy ? 'approved' : 'released';
}

export interface StatusInput {
  household: Household;
  program: ProgramConfig;
  payments: readonly LedgerPayment[];
  /** The open task's due instant, when a person owns the next step. */
  taskDueAt?: string | undefined;
}

export function publicStatus({ household, program, payments, taskDueAt }: StatusInput): PublicStatus {
  const township = program.townships.find((t) => t.code === household.township);
  const village = township?.villages.find((v) => v.code === household.villageCode);
  const offices = { county: program.county.name, township: township?.name ?? '' };
  const next = household.nextInstallment;
  const nextInstallment = program.installments[next];
  const step = nextStepOf(household.phase, nextInstallment?.label);
  const plan =
    household.approvedSubsidy !== undefined
      ? buildFundingPlan(program, { householdId: household.householdId, approvedSubsidy: household.approvedSubsidy })
      : undefined;
  const byIndex = new Map(payments.map((p) => [p.installment, p]));
  const installments = (plan?.installments ?? []).map((planned) => {
    const payment = byIndex.get(planned.index);
    const status = statusOf(payment);
    const amount = payment?.amount ?? planned.amount;
    return {
      number: planned.index + 1,
      label: planned.label,
      amount,
      amountText: { zh: formatYuanWithUnit(amount, 'zh'), en: formatYuanWithUnit(amount, 'en') },
      status,
      statusTitle: INSTALLMENT_STATUS_WORDS[status],
      ...(payment ? { releasedOn: chinaDate(payment.releasedAt) } : {}),
      ...(payment?.paidAt ? { paidOn: chinaDate(payment.paidAt) } : {}),
    };
  });
  return {
    head: { name: maskName(household.head.name), idNumber: maskIdNumber(household.head.idNumber) },
    program: program.name,
    place: { township: offices.township, village: village?.name ?? '' },
    phase: { code: household.phase, title: PHASE_TITLES[household.phase] },
    summary: summaryOf(household),
    ...(step
      ? {
          nextStep: {
            title: step.title,
            owner: officeOf(step.role, step.level, offices),
            ...(step.yourPart ? { yourPart: step.yourPart } : {}),
            ...(taskDueAt ? { dueOn: chinaDate(taskDueAt) } : {}),
          },
        }
      : {}),
    installments,
    totals: {
      ...(household.approvedSubsidy !== undefined ? { approved: household.approvedSubsidy } : {}),
      paid: payments.filter((p) => p.status === 'paid').reduce((sum, p) => sum + p.amount, 0),
    },
    updatedOn: chinaDate(household.updatedAt),
  };
}
