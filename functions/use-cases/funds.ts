/**
 * Phased subsidy money after a release was prepared (`release-installment`, the maker, 经办):
 * - approve: a second finance user of the county approves it (复核); nobody approves their own;
 * - batch: the day's approved payments of a county as the bank's batch file (一卡通 批量代发);
 * - results: the bank's result file moves each payment to paid or failed, a paid one never changes;
 * - retry: a failed payment goes to the bank again under the same reference;
 * - each approval, bank result and retry is an event of the household's hash chain, written with the ledger change in
 *   one transaction, and the file's money status says where each installment stands (待复核, 待银行, 已到账, 失败);
 * - report: money of one program (the one asked, else the county's only one) by source and
 *   township (planned, released, paid, pending, failed) in fen and 万元, reconciled against the
 *   plans, beside the program's allocated money by source; or the public disclosure with masked ID
 *   numbers and accounts.
 */
import ExcelJS from 'exceljs';
import { z } from 'zod';
import { BatchQuery, CountyQuery, FundsReportQuery, PaymentListQuery } from '../../contract/requests';
import type { FundsReport, ImportedResults, PaymentListItem, PaymentPage } from '../../contract/views';
import { chinaDateTime } from '../../domain/china-time';
import { type Bilingual, ConflictError, ForbiddenError, NotFoundError, parseOrThrow } from '../../domain/errors';
import {
  type AppliedResults,
  applyBankResults,
  approvalEvent,
  approvePayment,
  type BySource,
  bankResultEvent,
  buildBatchCsv,
  buildFundingPlan,
  disclosureCsv,
  disclosureRows,
  emptyBySource,
  FUNDING_SOURCE_LABELS,
  FUNDING_SOURCES,
  type FundingPlan,
  type IgnoredResult,
  type LedgerPayment,
  type MoneyLine,
  moneyStatusOf,
  type PaymentEvent,
  parseBankResultCsv,
  reconcile,
  retryEvent,
  retryPayment,
} from '../../domain/funding';
import { fenToWan } from '../../domain/funding/money';
import { householdReference, installmentTitle, PAYMENT_STATUS_TITLES } from '../../domain/labels';
import type { Actor, Household, ProgramConfig } from '../../domain/model';
import { canActInJurisdiction, householdNotFound } from '../../domain/rules/access';
import { auditedChange } from '../../domain/rules/audit';
import { chinaDay } from '../../domain/rules/calendar';
import { emptyWorks } from '../../domain/rules/progress';
import { fundsFigures } from '../../domain/rules/report';
import { logger } from '../config/logger';
import {
  approvalUpdate,
  bankResultUpdate,
  NO_LONGER_DUE,
  type PaymentUpdate,
  retryUpdate,
  STALE_VERSION,
  type Store,
  type StoredPayment,
} from '../store';
import type { Dependencies } from './dependencies';
import { programOfReport } from './programs';
import { everyHouseholdOfCounty, OUTSIDE_COUNTY, readableRecord, readsCountyWide } from './read-households';
import { pauseBeforeRetry } from './retry';

const FINANCE_STEP = { role: 'finance', level: 'county' } as const;

type Needs = Pick<Dependencies, 'store'>;

/** An operation of county finance staff on one ledger entry (`/payments/{householdId}/{installment}/...`). */
type PaymentOperation = (deps: Needs, actor: Actor, rawPath: unknown, now?: Date) => Promise<LedgerPayment>;

export const PaymentPath = z.object({
  householdId: z.string().min(1).max(80),
  installment: z.coerce.number().int().min(0).max(9),
});

/** County finance staff of `county`, as for the release itself. */
function assertFinanceOf(actor: Actor, county: string): void {
  const access = canActInJurisdiction(actor, FINANCE_STEP, { county, township: '' });
  if (!access.ok) throw access.error;
}

/**
 * The household and its ledger entry, for county finance staff of the household's county only: access is checked
 * before the entry is read, so a caller from elsewhere learns nothing about which installments were released.
 */
async function loadPaymentAsFinance(
  store: Store,
  actor: Actor,
  rawPath: unknown,
): Promise<{ household: Household; stored: StoredPayment }> {
  const { householdId, installment } = parseOrThrow(PaymentPath, rawPath);
  const record = await readableRecord(store, actor, householdId);
  assertFinanceOf(actor, record.household.county);
  const stored = await store.payments.get(householdId, installment);
  if (!stored) {
    const { name } = record.household.head;
    throw new NotFoundError({
      zh: `${name}户${installmentTitle(installment, 'zh')}尚未拨付`,
      en: `${installmentTitle(installment, 'en')} of ${name}'s household was not released`,
    });
  }
  return { household: record.household, stored };
}

/**
 * Approves a prepared release (复核):
 * 1. the household exists for the approver (404 when missing or outside its reach), the approver is county finance
 *    staff of its county (403), and only then is its ledger entry read (404 when not released);
 * 2. an entry already approved, paid or failed cannot be approved again (409);
 * 3. the approver is not the user who prepared it (403);
 * 4. store the approval with a condition that repeats 2 and 3, so a racing second approval is a 409;
 *    the payment then waits for the bank in the county's list of payments due.
 */
export const approvePreparedPayment: PaymentOperation = async ({ store }, actor, rawPath, now = new Date()) => {
  const { household, stored } = await loadPaymentAsFinance(store, actor, rawPath);
  const { payment } = stored;
  if (payment.approvedBy !== undefined || payment.status !== 'released') {
    throw new ConflictError(
      payment.approvedBy !== undefined
        ? {
            zh: `该笔拨付已由 ${payment.approvedBy} 复核`,
            en: `The release was already approved by ${payment.approvedBy}`,
          }
        : {
            zh: `该笔支付${PAYMENT_STATUS_TITLES[payment.status].zh}，无需复核`,
            en: `The payment is ${PAYMENT_STATUS_TITLES[payment.status].en.toLowerCase()}; nothing to approve`,
          },
    );
  }
  const at = now.toISOString();
  const approved = approvePayment(payment, household.county, actor, at);
  await recordPaymentEvent(
    store,
    actor,
    approved,
    approvalEvent(approved),
    () => approvalUpdate(payment, household.county, actor.username, at, chinaDay(now)),
    at,
  );
  logger.info('payment approved', { householdId: payment.householdId, installment: payment.installment });
  return approved;
};

/** Sends a failed payment to the bank again under its reference (only a failed one; 409 otherwise). */
export const retryFailedPayment: PaymentOperation = async ({ store }, actor, rawPath, now = new Date()) => {
  const { household, stored } = await loadPaymentAsFinance(store, actor, rawPath);
  const retried = retryPayment(stored.payment);
  await recordPaymentEvent(
    store,
    actor,
    retried,
    retryEvent(retried),
    () => retryUpdate(retried, household.county, chinaDay(now)),
    now.toISOString(),
  );
  return retried;
};

/**
 * `GET /payments?county=&status=&cursor=`: a page of every payment of the county in a state, oldest first, each
 * with its household's head and village (stored with the payment) and its installment's label, and the totals of
 * the whole state. Read from the state's sparse index partition, so households of every phase are there, archived
 * ones included, and nothing else is read.
 */
export async function paymentsInState({ store }: Needs, actor: Actor, rawQuery: unknown): Promise<PaymentPage> {
  const query = parseOrThrow(PaymentListQuery, rawQuery);
  const county = query.county ?? actor.county;
  if (county === undefined) throw new ForbiddenError(OUTSIDE_COUNTY);
  assertFinanceOf(actor, county);
  const page = await store.payments.inState(county, query.status, query.cursor, query.limit);
  const programs = new Map<string, Promise<ProgramConfig | undefined>>();
  const labelOf = async (programId: string | undefined, installment: number) => {
    if (programId === undefined) return undefined;
    let program = programs.get(programId);
    if (!program) {
      program = store.programs.get(programId);
      programs.set(programId, program);
    }
    return (await program)?.installments[installment]?.label;
  };
  const items = await Promise.all(
    page.items.map(async ({ payment, household }): Promise<PaymentListItem> => {
      const label = await labelOf(household?.programId, payment.installment);
      return { ...payment, ...household, ...(label === undefined ? {} : { label }) };
    }),
  );
  return { county, status: query.status, items, cursor: page.cursor, totals: page.totals };
}

/** Attempts at appending a payment event when other changes of the household keep coming first. */
const PAYMENT_EVENT_ATTEMPTS = 5;

/**
 * Writes a payment's change (`update`) with its event on the household's chain and the household's money status, in
 * one transaction conditioned on the household's version. When another change of the household came first, read it
 * again and retry; a refusal of the ledger entry's own condition (approved, answered or retried meanwhile) is the
 * caller's 409.
 */
async function recordPaymentEvent(
  store: Store,
  actor: Actor,
  changed: LedgerPayment,
  paymentEvent: PaymentEvent,
  update: () => PaymentUpdate,
  at: string,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const record = await store.households.record(changed.householdId);
    if (!record) throw householdNotFound(changed.householdId);
    const ledger = (await store.payments.ofHousehold(changed.householdId)).map((p) =>
      p.installment === changed.installment ? changed : p,
    );
    const { after, event } = auditedChange(record, {
      at,
      actor: actor.username,
      role: 'finance',
      type: paymentEvent.type,
      changes: { money: moneyStatusOf(ledger) },
      details: paymentEvent.details,
    });
    try {
      await store.households.commit({
        before: record.household,
        after,
        event,
        records: [{ kind: 'payment-changed', change: update() }],
      });
      return;
    } catch (error) {
      const stale = error instanceof ConflictError && error.messages.en === STALE_VERSION.en;
      if (!stale || attempt >= PAYMENT_EVENT_ATTEMPTS) throw error;
      await pauseBeforeRetry(attempt);
    }
  }
}

export interface BatchFile {
  filename: string;
  csv: string;
  count: number;
}

/**
 * The bank's batch file of a county: its approved payments waiting for the bank (those approved on
 * `date` when given). Regenerating it is harmless: the bank recognises each payment by its reference.
 */
export async function paymentBatch({ store }: Needs, actor: Actor, rawQuery: unknown): Promise<BatchFile> {
  const { county, date } = parseOrThrow(BatchQuery, rawQuery);
  assertFinanceOf(actor, county);
  const due = (await store.payments.due(county, date)).map((stored) => stored.payment);
  const ids = [...new Set(due.map((payment) => payment.householdId))];
  const households = (await Promise.all(ids.map((id) => store.households.record(id)))).flatMap((record) =>
    record ? [record.household] : [],
  );
  const csv = buildBatchCsv(due, households);
  return { filename: `batch-${county}-${date ?? 'all'}.csv`, csv, count: due.length };
}

/** `{householdId}-{nn}` as written by the release; undefined for anything else. */
function paymentKeyOf(reference: string): { householdId: string; installment: number } | undefined {
  const match = /^(.+)-(\d{2})$/.exec(reference);
  if (!match?.[1] || !match[2]) return undefined;
  return { householdId: match[1], installment: Number(match[2]) };
}

const NOT_IN_COUNTY: Bilingual = {
  zh: '台账中没有本县已复核的该笔支付',
  en: 'No approved payment of this county has this reference',
};
const CHANGED_MEANWHILE: Bilingual = {
  zh: '该笔支付的状态已被同时导入的回盘改变，本行已忽略',
  en: 'The payment changed meanwhile (another import); this line is ignored',
};

/**
 * Imports the bank's result file (回盘):
 * 1. parse it (every bad line reported at once: 400);
 * 2. find each referenced payment; one that is not an approved payment of this county is ignored;
 * 3. apply the results in file order (a paid payment never changes; repeats are ignored);
 * 4. store each change with a condition on the status the payment had, so two imports of the same
 *    file at once still pay a reference once.
 */
export async function importBankResults(
  { store }: Needs,
  actor: Actor,
  rawQuery: unknown,
  text: string,
): Promise<ImportedResults> {
  const { county } = parseOrThrow(CountyQuery, rawQuery);
  assertFinanceOf(actor, county);
  const results = parseBankResultCsv(text);
  const references = [...new Set(results.map((result) => result.reference))];
  const known = new Map<string, LedgerPayment>();
  await Promise.all(
    references.map(async (reference) => {
      const key = paymentKeyOf(reference);
      const stored = key ? await store.payments.get(key.householdId, key.installment) : undefined;
      if (stored && stored.county === county && stored.payment.approvedBy !== undefined) {
        if (stored.payment.reference === reference) known.set(reference, stored.payment);
      }
    }),
  );
  const ignored: IgnoredResult[] = results
    .filter((result) => !known.has(result.reference))
    .map(({ reference, line }) => ({ reference, line, reason: NOT_IN_COUNTY }));
  const outcome: AppliedResults = applyBankResults(
    [...known.values()],
    results.filter((result) => known.has(result.reference)),
  );
  ignored.push(...outcome.ignored);
  const byReference = new Map(outcome.payments.map((payment) => [payment.reference, payment]));
  let paid = 0;
  let failed = 0;
  const at = new Date().toISOString();
  for (const applied of outcome.applied) {
    const updated = byReference.get(applied.reference);
    if (!updated) continue;
    try {
      // The bank's answer is an event of the household's chain, with the bank's own transaction number.
      await recordPaymentEvent(store, actor, updated, bankResultEvent(updated), () => bankResultUpdate(updated), at);
      if (applied.status === 'paid') paid += 1;
      else failed += 1;
    } catch (error) {
      if (!(error instanceof ConflictError && error.messages.en === NO_LONGER_DUE.en)) throw error;
      ignored.push({ reference: applied.reference, line: applied.line, reason: CHANGED_MEANWHILE });
    }
  }
  ignored.sort((a, b) => a.line - b.line);
  logger.info('bank results imported', { county, paid, failed, ignored: ignored.length });
  return { paid, failed, ignored };
}

// ---------------------------------------------------------------- funds report

interface FundedHousehold {
  household: Household;
  plan: FundingPlan;
  payments: LedgerPayment[];
}

/** Households whose ledgers are read at once: bounded so a large county does not flood the table. */
const LEDGER_READS_AT_ONCE = 8;

/**
 * Every household of the program with an approved subsidy, its plan and its ledger. One GSI1 query
 * per 100 households of the county plus one ledger query per household: fine for a county program
 * (hundreds to a few thousand households); a larger one would keep running totals instead.
 */
async function fundedHouseholds(store: Store, program: ProgramConfig): Promise<FundedHousehold[]> {
  const candidates = (await everyHouseholdOfCounty(store, program.county.code)).filter(
    (h) => h.programId === program.programId && h.approvedSubsidy !== undefined && h.phase !== 'rejected',
  );
  const funded: FundedHousehold[] = [];
  for (let i = 0; i < candidates.length; i += LEDGER_READS_AT_ONCE) {
    const chunk = candidates.slice(i, i + LEDGER_READS_AT_ONCE);
    funded.push(
      ...(await Promise.all(
        chunk.map(async (household) => {
          const plan = buildFundingPlan(program, {
            householdId: household.householdId,
            approvedSubsidy: household.approvedSubsidy ?? 0,
            mode: household.mode,
            ownFunds: household.ownFunds,
            bankLoan: household.bankLoan,
          });
          return { household, plan, payments: await store.payments.ofHousehold(household.householdId) };
        }),
      )),
    );
  }
  return funded;
}

function plannedBySource(plans: readonly FundingPlan[]): BySource {
  const planned = emptyBySource();
  for (const plan of plans) {
    for (const source of FUNDING_SOURCES) planned[source] += plan.sourceTotals[source];
  }
  return planned;
}

/** A money line in fen with the same figures in 万元 (two decimals), as county reports state them. */
function withWan(line: MoneyLine & { planned: number }): FundsReport['total'] {
  return {
    ...line,
    wan: {
      planned: fenToWan(line.planned),
      released: fenToWan(line.released),
      paid: fenToWan(line.paid),
      pending: fenToWan(line.pending),
      failed: fenToWan(line.failed),
    },
  };
}

function fundsLine(funded: readonly FundedHousehold[]): FundsReport['total'] {
  const { total } = reconcile(
    funded.map((f) => f.plan),
    funded.flatMap((f) => f.payments),
  );
  return withWan({ planned: funded.reduce((sum, f) => sum + f.plan.approvedSubsidy, 0), ...total });
}

function assertReadsCounty(actor: Actor, county: string): void {
  if (actor.county !== county || !readsCountyWide(actor)) throw new ForbiddenError(OUTSIDE_COUNTY);
}

/** Money of a program by source, township and installment (资金报表), reconciled against the plans. */
export async function fundsReport(
  { store }: Needs,
  actor: Actor,
  county: string,
  programId: string | undefined,
  now = new Date(),
): Promise<FundsReport> {
  assertReadsCounty(actor, county);
  const program = await programOfReport(store, county, programId);
  const funded = await fundedHouseholds(store, program);
  const plans = funded.map((f) => f.plan);
  const reconciled = reconcile(
    plans,
    funded.flatMap((f) => f.payments),
  );
  const planned = plannedBySource(plans);
  const townshipNames = new Map<string, string>();
  for (const township of program.townships) townshipNames.set(township.code, township.name);
  const sums = emptyWorks();
  for (const plan of plans) {
    sums.approvedSubsidy += plan.approvedSubsidy;
    sums.ownFunds += plan.ownFunds;
    sums.bankLoan += plan.bankLoan;
  }
  const byTownshipCode = new Map<string, FundedHousehold[]>();
  for (const f of funded) {
    const list = byTownshipCode.get(f.household.township) ?? [];
    list.push(f);
    byTownshipCode.set(f.household.township, list);
  }
  return {
    county,
    programId: program.programId,
    programName: program.name,
    generatedAt: now.toISOString(),
    households: funded.length,
    total: withWan({ planned: plans.reduce((sum, plan) => sum + plan.approvedSubsidy, 0), ...reconciled.total }),
    bySource: FUNDING_SOURCES.map((source) => ({
      source,
      label: FUNDING_SOURCE_LABELS[source],
      ...withWan({ planned: planned[source], ...reconciled.bySource[source] }),
    })),
    allocated: fundsFigures(program, sums),
    byTownship: [...byTownshipCode]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([township, list]) => ({
        township,
        name: townshipNames.get(township) ?? township,
        households: list.length,
        ...fundsLine(list),
      })),
    byInstallment: reconciled.byInstallment,
    mismatches: reconciled.mismatches,
  };
}

/** The public disclosure (资金公开) of a program as CSV: names shown, ID numbers and accounts masked. */
export async function fundsDisclosure(
  { store }: Needs,
  actor: Actor,
  county: string,
  programId: string | undefined,
): Promise<BatchFile> {
  assertReadsCounty(actor, county);
  const program = await programOfReport(store, county, programId);
  const funded = await fundedHouseholds(store, program);
  const rows = disclosureRows(
    funded.map((f) => f.plan),
    funded.flatMap((f) => f.payments),
    funded.map((f) => f.household),
  );
  return { filename: `disclosure-${program.programId}.csv`, csv: disclosureCsv(rows), count: rows.length };
}

/**
 * The funds report as a workbook for the county's finance office, in 万元 as county reports state
 * money: the program's allocated money by source (and money not tied to a household), then money by
 * source, township and installment, titled with the county's name, generated at a China time (planned, released, paid, pending, failed).
 */
export async function fundsWorkbook(
  report: FundsReport,
  countyName: string = report.county,
): Promise<{ filename: string; content: Buffer }> {
  const workbook = new ExcelJS.Workbook();
  workbook.created = new Date(report.generatedAt);
  const money = ['已拨付(万元)', '已到账(万元)', '待银行回盘(万元)', '支付失败(万元)'];
  const wan = (fen: number) => Number(fenToWan(fen));
  const amounts = (line: MoneyLine) => [line.released, line.paid, line.pending, line.failed].map(wan);
  const sheet = (name: string, title: string, header: string[]) => {
    const ws = workbook.addWorksheet(name);
    ws.addRow([
      `${countyName} ${report.programName} ${title}`,
      `生成时间 ${chinaDateTime(report.generatedAt)}（北京时间）`,
    ]);
    ws.addRow(header).font = { bold: true };
    ws.getColumn(1).width = 24;
    for (let c = 2; c <= header.length; c++) ws.getColumn(c).numFmt = '#,##0.00';
    return ws;
  };
  const allocated = sheet('下达资金', '资金来源（万元）', ['资金来源', '到户补助', '不到户补助', '合计']);
  for (const line of report.allocated.bySource) {
    const notTied = line.notTiedToHouseholds.reduce((sum, f) => sum + f.fen, 0);
    allocated.addRow([line.label, wan(line.households.fen), wan(notTied), wan(line.total.fen)]);
  }
  allocated.addRow([
    '合计',
    wan(report.allocated.householdSubsidy.fen),
    '',
    wan(report.allocated.investment.fen),
  ]).font = { bold: true };
  for (const fund of report.allocated.besideSubsidy) allocated.addRow([fund.purpose, '', '', wan(fund.fen)]);
  allocated.addRow(['农户自筹资金', '', '', wan(report.allocated.ownFunds.fen)]);
  allocated.addRow(['银行贷款', '', '', wan(report.allocated.bankLoan.fen)]);
  const bySource = sheet('资金来源', '资金报表（按来源）', ['资金来源', '核定补助(万元)', ...money]);
  for (const line of report.bySource) bySource.addRow([line.label.zh, wan(line.planned), ...amounts(line)]);
  bySource.addRow(['合计', wan(report.total.planned), ...amounts(report.total)]).font = { bold: true };
  const byTownship = sheet('乡镇', '资金报表（按乡镇）', ['乡镇', '户数', '核定补助(万元)', ...money]);
  byTownship.getColumn(2).numFmt = '0';
  for (const line of report.byTownship) {
    byTownship.addRow([line.name, line.households, wan(line.planned), ...amounts(line)]);
  }
  byTownship.addRow(['合计', report.households, wan(report.total.planned), ...amounts(report.total)]).font = {
    bold: true,
  };
  const byInstallment = sheet('分期', '资金报表（按拨付期次）', ['期次', ...money]);
  for (const line of report.byInstallment) {
    if (line) byInstallment.addRow([`第${line.installment + 1}期 ${line.label}`, ...amounts(line)]);
  }
  if (report.mismatches.length > 0) {
    const issues = workbook.addWorksheet('对账差异');
    issues.addRow(['差异', '档案号', '期次', '资金来源', '支付参考号']).font = { bold: true };
    issues.getColumn(1).width = 60;
    for (const m of report.mismatches) {
      issues.addRow([
        m.message.zh,
        m.householdId === undefined ? '' : householdReference(m.householdId),
        m.installment === undefined ? '' : installmentTitle(m.installment, 'zh'),
        m.source === undefined ? '' : FUNDING_SOURCE_LABELS[m.source].zh,
        m.reference ?? '',
      ]);
    }
  }
  return { filename: `funds-${report.programId}.xlsx`, content: Buffer.from(await workbook.xlsx.writeBuffer()) };
}

/** `GET /reports/funds?county=&program=&format=`: the report as JSON or Excel, or the disclosure as CSV. */
export async function fundsReportFor(
  deps: Needs,
  actor: Actor,
  rawQuery: unknown,
  now = new Date(),
): Promise<
  | { kind: 'json'; report: FundsReport }
  | { kind: 'csv'; file: BatchFile }
  | { kind: 'xlsx'; workbook: { filename: string; content: Buffer } }
> {
  const { county, program, format } = parseOrThrow(FundsReportQuery, rawQuery);
  if (format === 'csv') return { kind: 'csv', file: await fundsDisclosure(deps, actor, county, program) };
  const report = await fundsReport(deps, actor, county, program, now);
  if (format === 'xlsx') {
    const countyName = (await deps.store.programs.get(report.programId))?.county.name;
    return { kind: 'xlsx', workbook: await fundsWorkbook(report, countyName) };
  }
  return { kind: 'json', report };
}
