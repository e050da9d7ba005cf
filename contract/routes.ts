/**
 * The public HTTP API as data: every route with the function that serves it, who may call it,
 * what it takes (path parameters, query, headers, body) and what it answers. From this one list
 * come the API Gateway routes (infra/constructs/api.ts), each handler's routing and input
 * validation (functions/http/router.ts), the OpenAPI document (contract/openapi.ts), the route x
 * role x place matrix of the security tests and the console's types. A route added here appears in
 * the template, the local twin and the document; its function's handler fails to type-check until
 * it serves the route.
 */
import { z } from 'zod';
import { ActionBodies } from '../domain/actions';
import { RosterImportBody } from '../domain/import/rosters';
import { ACTIONS, Action, HouseholdApplication, ProgramConfig } from '../domain/model';
import { OVERRIDERS, OverrideBody } from '../domain/rules/flags';
import { rolesOfAction, stepForAction } from '../process/renovation';
import { type Access, PUBLIC, SIGNED_IN } from './access';
import {
  CountyPath,
  DisasterReportBody,
  DisasterReported,
  LEDGER_ACTION_BODY,
  LedgerFileView,
  LedgerList,
  LedgerPath,
  LedgerPhotoBody,
  LedgerPhotoPath,
  LedgerQuery,
  LedgerTaskQuery,
  LedgerTasks,
  ledgerAccess,
  MonitoringReport,
  MonitoringReportQuery,
  RosterImportBody as MonitoringRosterBody,
  RosterPath as MonitoringRosterPath,
  RosterView as MonitoringRosterView,
  MonitoringSettingsView,
  PublicStatus,
  RosterImported,
  SettingsBody,
  StatusCodeBody,
  StatusCodePath,
  StatusCodeView,
  StatusLookupBody,
} from './monitoring';
import {
  AuditReportQuery,
  BatchQuery,
  CountyQuery,
  FundsReportQuery,
  HouseholdExportQuery,
  HouseholdListQuery,
  HouseholdPath,
  IdempotencyHeaders,
  ImportTemplateQuery,
  NoticeQuery,
  PaymentListQuery,
  PaymentPath,
  PhotoPath,
  PhotoRequestBody,
  ProgramPath,
  ProgressQuery,
  RevealBody,
  RosterListQuery,
  RosterPath,
  TaskCountsQuery,
  TaskQuery,
} from './requests';
import {
  CreateUserBody,
  NamesQuery,
  PatchUserBody,
  StaffPage,
  StaffUserView,
  UserHistory,
  UserNames,
  UserPath,
  UsersQuery,
} from './users';
import {
  AuditReport,
  FundsReport,
  Healthy,
  HouseholdExportPage,
  HouseholdFileView,
  HouseholdPage,
  ImportedResults,
  LedgerPayment,
  Me,
  NoticeList,
  PaymentPage,
  PhotoUpload,
  PhotoView,
  ProgramList,
  ProgressReport,
  RebuildAnswer,
  Registered,
  Revealed,
  RosterList,
  RosterView,
  TaskCounts,
  TaskPage,
  Unhealthy,
} from './views';

/** The API's Lambda functions by logical id (docs/design.md, "Functions"); infra/ holds their specs. */
export const API_FUNCTION_IDS = [
  'HealthFn',
  'OpenApiFn',
  'MeFn',
  'ProgramsFn',
  'HouseholdsFn',
  'TasksFn',
  'ActionsFn',
  'FundsFn',
  'PhotosFn',
  'ReportsFn',
  'NoticesFn',
  'UsersFn',
  'MonitoringFn',
  'PublicStatusFn',
] as const;
export type ApiFunctionId = (typeof API_FUNCTION_IDS)[number];

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH';

export const JSON_TYPE = 'application/json';
export const CSV_TYPE = 'text/csv';
export const HTML_TYPE = 'text/html';
export const TEXT_TYPE = 'text/plain';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Media type -> schema of one answer or body. Binary answers (Excel) are base64 through API Gateway. */
export type Content = { readonly [mediaType: string]: z.ZodType };

export interface Answer {
  readonly status: number;
  readonly description: string;
  /** Absent: the answer is described in words only (this document itself). */
  readonly content?: Content;
}

/** The statuses a refusal may have, each with the API's error body (docs/api.md, "Status codes"). */
export type Refusal = 400 | 401 | 403 | 404 | 409 | 422 | 429;

interface RouteBase {
  /** The function that serves the route. */
  readonly fn: ApiFunctionId;
  readonly summary: string;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  /** Headers the route reads (documentation; the handler reads them itself). */
  readonly headers?: z.ZodObject;
  /** The answer when it works; exactly one 2xx per route. */
  readonly success: Answer;
  /** Other answers that are not refusals (the health check's 503). */
  readonly otherAnswers?: readonly Answer[];
  readonly refusals: readonly Refusal[];
}

/** A route with one body and one rule of who may call it. */
export interface PlainRoute extends RouteBase {
  readonly access: Access;
  readonly body?: { readonly contentType: string; readonly schema: z.ZodType };
}

/** The one route whose body and callers depend on its `{action}` segment: one operation per action. */
export interface ActionRoute extends RouteBase {
  readonly byAction: { readonly [A in Action]: ActionOperation<A> };
}

export interface ActionOperation<A extends Action> {
  readonly access: Access;
  readonly body: (typeof ActionBodies)[A];
  readonly summary: string;
}

export type RouteSpec = PlainRoute | ActionRoute;

const json = <S extends z.ZodType>(status: number, schema: S, description: string) =>
  ({ status, description, content: { [JSON_TYPE]: schema } }) as const;
const jsonBody = <S extends z.ZodType>(schema: S) => ({ contentType: JSON_TYPE, schema }) as const;

/** Refusals of every route behind the token. */
const READ: readonly Refusal[] = [400, 401, 403, 429];
const READ_ONE: readonly Refusal[] = [...READ, 404];
const WRITE: readonly Refusal[] = [400, 401, 403, 404, 409, 422, 429];
const MONEY: readonly Refusal[] = [...READ, 404, 409];

/** Household lists and files: any role of its township, and those who read the county. */
const READS_THE_HOUSEHOLD: Access = { roles: 'any', within: 'township', countyWide: ['auditor', 'admin'] };
/** A county's reports: county staff, auditors and admins of that county (leaders read progress and funds). */
const READS_THE_COUNTY: Access = { roles: 'any', within: 'county-level', countyWide: ['auditor', 'admin'] };
/** Money moves only through county finance staff of the household's county (maker-checker, bank files). */
const COUNTY_FINANCE: Access = { roles: ['finance'], within: 'county-level' };
const COUNTY_ADMIN: Access = { roles: ['admin'], within: 'county' };
/**
 * Staff accounts: administrators of the account's township, of its county, or (province-level administrators) of
 * its province; never their own authority (domain/users.ts).
 */
const STAFF_ADMIN: Access = { roles: ['admin'], within: 'township', provinceWide: true };
/** Roles that take photos as evidence (inspections, appraisals, supervision, acceptance). */
const PHOTO_TAKERS: Access = { roles: ['inspector', 'construction', 'civil-affairs'], within: 'township' };

/** Who may take an action: the role(s) and level the process description gives its step. */
function actionOperation<A extends Action>(action: A): ActionOperation<A> {
  const step = stepForAction(action);
  return {
    access: { roles: rolesOfAction(step), within: step.level === 'county' ? 'county-level' : 'township' },
    body: ActionBodies[action],
    summary: `${action}: ${step.side ? 'recorded during' : 'completes'} ${step.phase} (role ${rolesOfAction(step).join(' or ')}, ${step.level})`,
  };
}

const byAction = Object.fromEntries(ACTIONS.map((action) => [action, actionOperation(action)])) as {
  readonly [A in Action]: ActionOperation<A>;
};

/** A ledger action: its body, and who may take it from the monitoring process description. */
const ledgerAction = <S extends z.ZodType>(action: keyof typeof LEDGER_ACTION_BODY, schema: S, summary: string) =>
  ({
    fn: 'MonitoringFn',
    summary,
    access: ledgerAccess(action),
    params: LedgerPath,
    headers: IdempotencyHeaders,
    body: jsonBody(schema),
    success: json(200, LedgerFileView, 'The ledger household file as the action left it'),
    refusals: WRITE,
  }) as const;

const TEXT = z.string();
const BINARY = { [XLSX_TYPE]: z.string().meta({ format: 'binary' }) };

export const ROUTES = {
  'GET /health': {
    fn: 'HealthFn',
    summary: 'Every part of the stack answers',
    access: PUBLIC,
    success: json(200, Healthy, 'Healthy'),
    otherAnswers: [json(503, Unhealthy, 'A part failed')],
    refusals: [],
  },
  'GET /openapi.json': {
    fn: 'OpenApiFn',
    summary: 'This document',
    access: PUBLIC,
    success: { status: 200, description: 'OpenAPI 3.1 document' },
    refusals: [],
  },
  'GET /me': {
    fn: 'MeFn',
    summary: "The caller's user name, roles and jurisdiction",
    access: SIGNED_IN,
    success: json(200, Me, 'The caller'),
    refusals: [401],
  },
  'GET /programs': {
    fn: 'ProgramsFn',
    summary: "The county's programs, newest first (to choose the program a report is about)",
    access: { roles: 'any', within: 'county' },
    query: CountyQuery,
    success: json(200, ProgramList, 'The programs'),
    refusals: READ,
  },
  'GET /programs/{programId}': {
    fn: 'ProgramsFn',
    summary: 'A program configuration',
    access: { roles: 'any', within: 'county' },
    params: ProgramPath,
    success: json(200, ProgramConfig, 'The program'),
    refusals: READ_ONE,
  },
  'PUT /programs/{programId}': {
    fn: 'ProgramsFn',
    summary: 'Create or replace a program configuration (admin)',
    access: COUNTY_ADMIN,
    params: ProgramPath,
    body: jsonBody(ProgramConfig),
    success: json(200, ProgramConfig, 'Stored'),
    refusals: READ,
  },
  'POST /programs/{programId}/progress-counters/rebuild': {
    fn: 'ProgramsFn',
    summary: "Recount the program's progress counters from its households (admin; run while nobody acts)",
    access: COUNTY_ADMIN,
    params: ProgramPath,
    success: json(200, RebuildAnswer, 'The recount per township'),
    refusals: READ_ONE,
  },
  'POST /households': {
    fn: 'HouseholdsFn',
    summary: 'Register an application',
    // Civil affairs, or construction staff who found the household, over its township.
    access: { roles: ['civil-affairs', 'construction'], within: 'township' },
    headers: IdempotencyHeaders,
    body: jsonBody(HouseholdApplication),
    success: json(201, Registered, 'Registered'),
    refusals: [...READ, 409, 422],
  },
  'POST /rosters': {
    fn: 'ProgramsFn',
    summary:
      'Import an outside roster (易地扶贫搬迁, earlier beneficiaries, 低保, 特困) from the rows of a sheet; every bad row ' +
      'is reported at its line and the good ones kept (hash, masked number, name); applicants are matched against it',
    access: { roles: ['civil-affairs', 'construction'], within: 'county-level' },
    headers: IdempotencyHeaders,
    body: jsonBody(RosterImportBody),
    success: json(201, RosterView, 'The roster as imported, with the rows not taken'),
    refusals: [...READ, 409, 422],
  },
  'GET /rosters': {
    fn: 'ProgramsFn',
    summary: "The county's imported rosters, newest first",
    access: READS_THE_COUNTY,
    query: RosterListQuery,
    success: json(200, RosterList, 'The rosters'),
    refusals: READ,
  },
  'GET /rosters/{rosterId}': {
    fn: 'ProgramsFn',
    summary: 'One imported roster with the rows it did not take',
    access: READS_THE_COUNTY,
    params: RosterPath,
    success: json(200, RosterView, 'The roster'),
    refusals: READ_ONE,
  },
  'GET /households': {
    fn: 'HouseholdsFn',
    summary: 'Households newest first, a page at a time',
    access: READS_THE_HOUSEHOLD,
    query: HouseholdListQuery,
    success: json(200, HouseholdPage, 'A page of households'),
    refusals: READ,
  },
  'GET /households/import-template': {
    fn: 'HouseholdsFn',
    summary:
      "The household ledger template for bulk import (Excel): every column, which are required, what each takes; with `program`, that program's townships, villages and sites",
    access: SIGNED_IN,
    query: ImportTemplateQuery,
    success: { status: 200, description: 'The template', content: BINARY },
    refusals: [...READ, 404],
  },
  'GET /households/{id}': {
    fn: 'HouseholdsFn',
    summary: 'The household file: phase, version, data, pending task, timeline, photos, payments',
    access: READS_THE_HOUSEHOLD,
    params: HouseholdPath,
    success: json(200, HouseholdFileView, 'The file'),
    refusals: READ_ONE,
  },
  'POST /households/{id}/reveal': {
    fn: 'HouseholdsFn',
    summary:
      "The head's full ID number, phone or bank account, given a reason; recorded as an event of the household's audit trail (who, when, why)",
    access: READS_THE_HOUSEHOLD,
    params: HouseholdPath,
    body: jsonBody(RevealBody),
    success: json(200, Revealed, 'The full value'),
    refusals: [...READ_ONE, 409],
  },
  'GET /households/{id}/ledger-card': {
    fn: 'HouseholdsFn',
    summary:
      'The printable ledger card (台帐卡, A4 HTML with photos) of an archived household, rendered with photo links valid 15 minutes',
    access: READS_THE_HOUSEHOLD,
    params: HouseholdPath,
    success: { status: 200, description: 'The card', content: { [HTML_TYPE]: TEXT } },
    refusals: READ_ONE,
  },
  'GET /tasks': {
    fn: 'TasksFn',
    summary: "The caller's work queue, earliest due first",
    // A township's work queue: its own staff and the county's.
    access: { roles: 'any', within: 'township' },
    query: TaskQuery,
    success: json(200, TaskPage, 'Pending human steps'),
    refusals: READ,
  },
  'GET /tasks/counts': {
    fn: 'TasksFn',
    summary: "The caller's open and overdue tasks per step, for the menu",
    access: { roles: 'any', within: 'township' },
    query: TaskCountsQuery,
    success: json(200, TaskCounts, 'Counts per step'),
    refusals: READ,
  },
  'POST /households/{id}/actions/{action}': {
    fn: 'ActionsFn',
    summary: 'Perform a human step',
    params: HouseholdPath.extend({ action: Action }),
    headers: IdempotencyHeaders,
    byAction,
    success: json(200, HouseholdFileView, 'The updated household file'),
    refusals: WRITE,
  },
  'POST /households/{id}/overrides': {
    fn: 'ActionsFn',
    summary:
      'Let a step held by a blocking flag go on: granted with a reason by county-level staff of a role that answers for ' +
      'the kind, never the one who recorded what raised it nor the one who then takes the step; an `override` audit event',
    // Works evidence: construction or the county quality station; persons and rosters: civil affairs or construction.
    access: { roles: OVERRIDERS, within: 'county-level' },
    params: HouseholdPath,
    headers: IdempotencyHeaders,
    body: jsonBody(OverrideBody),
    success: json(200, HouseholdFileView, 'The household file with the override'),
    refusals: WRITE,
  },
  'POST /households/{id}/photos': {
    fn: 'PhotosFn',
    summary: 'A presigned upload for one photo',
    access: PHOTO_TAKERS,
    params: HouseholdPath,
    headers: IdempotencyHeaders,
    body: jsonBody(PhotoRequestBody),
    success: json(201, PhotoUpload, 'Where to upload'),
    refusals: WRITE,
  },
  'POST /households/{id}/photos/{photoId}/confirm': {
    fn: 'PhotosFn',
    summary: 'Verify the uploaded object and record the photo',
    access: PHOTO_TAKERS,
    params: PhotoPath,
    success: json(200, PhotoView, 'The recorded photo'),
    refusals: WRITE,
  },
  'GET /reports/progress': {
    fn: 'ReportsFn',
    summary:
      'Per township: quota, households by phase, mode and site, rooms, floor area, status counts, the works in ' +
      "the seed's words (主体完工, 正在装修, 准备装修, 竣工准备入住, 竣工入住), money in 万元, overdue steps by role, spot " +
      "checks; each centralized site; the year-end paragraph. As of a day (`asOf`); a township's staff read their " +
      'township. `format=xlsx` for Excel, `format=text` for the paragraph',
    // The county's staff read the county; a township's staff their own township.
    access: READS_THE_HOUSEHOLD,
    query: ProgressQuery,
    success: {
      status: 200,
      description: 'The progress report (JSON, Excel, or the paragraph as text)',
      content: { [JSON_TYPE]: ProgressReport, [TEXT_TYPE]: TEXT, ...BINARY },
    },
    refusals: READ_ONE,
  },
  'GET /reports/audit': {
    fn: 'ReportsFn',
    summary:
      "An auditor's view of a county over a period: every flag (its level and override), override, reopened notice, " +
      'floor area outside the limits, duplicate match and late payment, each with a link to the household; ' +
      '`format=xlsx` for Excel',
    access: READS_THE_COUNTY,
    query: AuditReportQuery,
    success: {
      status: 200,
      description: 'The findings (JSON or Excel)',
      content: { [JSON_TYPE]: AuditReport, ...BINARY },
    },
    refusals: READ,
  },
  'GET /reports/households': {
    fn: 'ReportsFn',
    summary:
      'The household list of a county or township with ID numbers and bank accounts masked; JSON pages or `format=xlsx`',
    // As the list it exports: a township's staff export their own township.
    access: READS_THE_HOUSEHOLD,
    query: HouseholdExportQuery,
    success: {
      status: 200,
      description: 'A page of masked rows (JSON) or every row (Excel)',
      content: { [JSON_TYPE]: HouseholdExportPage, ...BINARY },
    },
    refusals: READ,
  },
  'GET /notices': {
    fn: 'NoticesFn',
    summary: 'The public notice list (公示名单) of a county, township or village: names shown, ID numbers masked',
    access: READS_THE_HOUSEHOLD,
    query: NoticeQuery,
    success: json(200, NoticeList, 'Households in or past their public notice, in board order'),
    refusals: READ,
  },
  'GET /reports/funds': {
    fn: 'FundsFn',
    summary: 'Money by source, approved, released and pending; `format=csv` is the public disclosure (资金公开)',
    access: READS_THE_COUNTY,
    query: FundsReportQuery,
    success: {
      status: 200,
      description: 'The funds report (JSON or `format=xlsx`) or the disclosure (CSV)',
      content: { [JSON_TYPE]: FundsReport, [CSV_TYPE]: TEXT, ...BINARY },
    },
    refusals: READ,
  },
  'GET /payments': {
    fn: 'FundsFn',
    summary:
      'Every payment of the county in a state (`awaiting-approval`: released, waiting for the second signature; `awaiting-bank`: approved), oldest first, with the totals of all of them',
    access: COUNTY_FINANCE,
    query: PaymentListQuery,
    success: json(200, PaymentPage, 'A page of payments and the totals'),
    refusals: READ,
  },
  'POST /payments/{householdId}/{installment}/approve': {
    fn: 'FundsFn',
    summary: 'Approve a prepared release (复核) as a second finance user; it joins the bank batch',
    access: COUNTY_FINANCE,
    params: PaymentPath,
    success: json(200, LedgerPayment, 'The approved payment'),
    refusals: MONEY,
  },
  'POST /payments/{householdId}/{installment}/retry': {
    fn: 'FundsFn',
    summary: 'Send a payment the bank refused once more under the same reference',
    access: COUNTY_FINANCE,
    params: PaymentPath,
    success: json(200, LedgerPayment, 'The payment, due again'),
    refusals: MONEY,
  },
  'GET /payments/batch': {
    fn: 'FundsFn',
    summary: "The bank batch file (一卡通) of the county's approved payments",
    access: COUNTY_FINANCE,
    query: BatchQuery,
    success: { status: 200, description: 'The batch file', content: { [CSV_TYPE]: TEXT } },
    refusals: READ,
  },
  'POST /payments/results': {
    fn: 'FundsFn',
    summary: "Import the bank's result file (回盘): paid or failed per reference",
    access: COUNTY_FINANCE,
    query: CountyQuery,
    body: { contentType: CSV_TYPE, schema: TEXT },
    success: json(200, ImportedResults, 'What the file changed'),
    refusals: [...READ, 409],
  },
  'GET /users': {
    fn: 'UsersFn',
    summary:
      'Staff accounts of a township, a county (with its townships) or a province, by township then user name (administrators)',
    access: STAFF_ADMIN,
    query: UsersQuery,
    success: json(200, StaffPage, 'A page of accounts'),
    refusals: READ,
  },
  'POST /users': {
    fn: 'UsersFn',
    summary:
      'Create a staff account with roles and jurisdiction (administrators, inside their own jurisdiction); Cognito mode also invites the person by e-mail',
    access: STAFF_ADMIN,
    body: jsonBody(CreateUserBody),
    success: json(201, StaffUserView, 'Created'),
    refusals: [...READ, 409],
  },
  'PATCH /users/{username}': {
    fn: 'UsersFn',
    summary:
      "Change an account's name, roles, jurisdiction or e-mail; disable or enable it; reset its password (Cognito) or unlink its sign-in (OpenID Connect). Never one's own authority",
    access: STAFF_ADMIN,
    params: UserPath,
    body: jsonBody(PatchUserBody),
    success: json(200, StaffUserView, 'The account as changed'),
    refusals: [...READ, 404, 409],
  },
  'GET /users/{username}/history': {
    fn: 'UsersFn',
    summary: "An account's changes, oldest first, with its hash chain verified (administrators)",
    access: STAFF_ADMIN,
    params: UserPath,
    success: json(200, UserHistory, 'The account and its chain'),
    refusals: READ_ONE,
  },
  'GET /users/names': {
    fn: 'UsersFn',
    summary:
      "People's names for user names (timelines, exports): the accounts of the caller's county, or those an administrator manages",
    access: SIGNED_IN,
    query: NamesQuery,
    success: json(200, UserNames, 'Names by user name'),
    refusals: READ,
  },
  'POST /monitoring/rosters': {
    fn: 'MonitoringFn',
    summary:
      "Import the month's roster of monitored households (.xlsx or .csv as base64, or rows): row errors at their lines, " +
      'households new, changed or leaving, and a house-safety check for each household, due on the county’s day. ' +
      'A second import of the month adds the households not on it yet (a roster imported in parts)',
    access: { roles: ['civil-affairs'], within: 'county-level' },
    headers: IdempotencyHeaders,
    body: jsonBody(MonitoringRosterBody),
    success: json(200, RosterImported, 'The month’s roster after the import'),
    refusals: [...READ, 409, 422],
  },
  'GET /monitoring/rosters/{id}': {
    fn: 'MonitoringFn',
    summary: "A month's roster: who is new, changed or left, row errors, checks open and done",
    access: { roles: 'any', within: 'county' },
    params: MonitoringRosterPath,
    success: json(200, MonitoringRosterView, 'The roster (a township’s staff see their township’s households)'),
    refusals: READ_ONE,
  },
  'GET /monitoring/cases': {
    fn: 'MonitoringFn',
    summary: "The month's safety-check and case ledger: each household's checks and its case",
    access: READS_THE_HOUSEHOLD,
    query: LedgerQuery,
    success: json(200, LedgerList, 'The ledger of the month'),
    refusals: READ,
  },
  'POST /monitoring/cases': {
    fn: 'MonitoringFn',
    summary: 'Disaster damage: opens a case directly, adding the household to the ledger when it is not on it',
    access: ledgerAccess('report-disaster'),
    headers: IdempotencyHeaders,
    body: jsonBody(DisasterReportBody),
    success: json(201, DisasterReported, 'The case opened'),
    refusals: WRITE,
  },
  'GET /monitoring/cases/{id}': {
    fn: 'MonitoringFn',
    summary: "A ledger household's file: checks, grades, cases, visits, photos and its audit trail",
    access: READS_THE_HOUSEHOLD,
    params: LedgerPath,
    success: json(200, LedgerFileView, 'The file'),
    refusals: READ_ONE,
  },
  'POST /monitoring/cases/{id}/actions/check': ledgerAction(
    'check',
    LEDGER_ACTION_BODY.check,
    'Record a house-safety check (grade, housing type, photos); an own house graded C or D opens a case',
  ),
  'POST /monitoring/cases/{id}/actions/request-reappraisal': ledgerAction(
    'request-reappraisal',
    LEDGER_ACTION_BODY['request-reappraisal'],
    'Someone reports a house graded A or B: a re-appraisal (another check) is due for its township',
  ),
  'POST /monitoring/cases/{id}/actions/choose-measure': ledgerAction(
    'choose-measure',
    LEDGER_ACTION_BODY['choose-measure'],
    "The measure of the open case: renovation (the household enters the program's workflow and the case follows it) or another safe-housing measure",
  ),
  'POST /monitoring/cases/{id}/actions/close': ledgerAction(
    'close',
    LEDGER_ACTION_BODY.close,
    'The signed closing (销号) of a case made safe by a measure other than renovation, with its evidence',
  ),
  'POST /monitoring/cases/{id}/actions/visit': ledgerAction(
    'visit',
    LEDGER_ACTION_BODY.visit,
    'A follow-up visit of a renovated house: lived in or not, with a photo',
  ),
  'POST /monitoring/cases/{id}/photos': {
    fn: 'MonitoringFn',
    summary: 'A presigned upload for a photo of the ledger (check, damage, closing evidence, visit)',
    access: PHOTO_TAKERS,
    params: LedgerPath,
    headers: IdempotencyHeaders,
    body: jsonBody(LedgerPhotoBody),
    success: json(201, PhotoUpload, 'Where to upload'),
    refusals: WRITE,
  },
  'POST /monitoring/cases/{id}/photos/{photoId}/confirm': {
    fn: 'MonitoringFn',
    summary: 'Verify the uploaded object and record the photo on the ledger household’s audit trail',
    access: PHOTO_TAKERS,
    params: LedgerPhotoPath,
    success: json(200, PhotoView, 'The recorded photo'),
    refusals: WRITE,
  },
  'GET /monitoring/tasks': {
    fn: 'MonitoringFn',
    summary: "The ledger's work queue: checks to do, cases waiting for a measure or a closing, visits due",
    access: READS_THE_HOUSEHOLD,
    query: LedgerTaskQuery,
    success: json(200, LedgerTasks, 'Earliest due first'),
    refusals: READ,
  },
  'GET /reports/monitoring': {
    fn: 'MonitoringFn',
    summary:
      'The monthly monitoring report: roster size, checked on time, unsafe found, cases open, closed by measure, ' +
      'overdue, visits and houses not lived in, by township; `format=xlsx` for Excel',
    access: READS_THE_COUNTY,
    query: MonitoringReportQuery,
    success: {
      status: 200,
      description: 'The report (JSON or Excel)',
      content: { [JSON_TYPE]: MonitoringReport, ...BINARY },
    },
    refusals: READ,
  },
  'GET /monitoring/settings/{county}': {
    fn: 'MonitoringFn',
    summary:
      "The county's monitoring settings: the checks' due day, its own categories, the days for measures and closings",
    access: { roles: 'any', within: 'county' },
    params: CountyPath,
    success: json(200, MonitoringSettingsView, 'The settings (the defaults until the county sets its own)'),
    refusals: READ,
  },
  'PUT /monitoring/settings/{county}': {
    fn: 'MonitoringFn',
    summary: "Set the county's monitoring settings (county civil affairs or administrators)",
    access: { roles: ['civil-affairs', 'admin'], within: 'county-level' },
    params: CountyPath,
    body: jsonBody(SettingsBody),
    success: json(200, MonitoringSettingsView, 'Stored'),
    refusals: READ,
  },
  'GET /households/{id}/status-code': {
    fn: 'MonitoringFn',
    summary: 'The code printed on the agreement with which the household looks up its own file',
    access: READS_THE_HOUSEHOLD,
    params: StatusCodePath,
    success: json(200, StatusCodeView, 'The code'),
    refusals: READ_ONE,
  },
  'POST /households/{id}/status-code': {
    fn: 'MonitoringFn',
    summary: 'Issue the code once the agreement is signed, or a new one that voids the printed one (`reissue`)',
    access: { roles: ['construction', 'civil-affairs'], within: 'township' },
    params: StatusCodePath,
    body: jsonBody(StatusCodeBody),
    success: json(200, StatusCodeView, 'The code'),
    refusals: WRITE,
  },
  'POST /public/status': {
    fn: 'PublicStatusFn',
    summary:
      "The household's own view, without a staff login: the head's ID number and name and the code printed on the " +
      'agreement give the phase, the next step and who owns it, and each installment; rate-limited per source and ' +
      'per ID number, every lookup logged (ID number masked)',
    access: PUBLIC,
    body: jsonBody(StatusLookupBody),
    success: json(200, PublicStatus, 'Where the file stands'),
    refusals: [400, 404, 429],
  },
} as const satisfies Record<string, RouteSpec>;

export type RouteKey = keyof typeof ROUTES;
export type RouteOf<K extends RouteKey> = (typeof ROUTES)[K];

/** The route keys a function serves. */
export type RoutesOf<F extends ApiFunctionId> = {
  [K in RouteKey]: RouteOf<K>['fn'] extends F ? K : never;
}[RouteKey];

export interface ContractRoute {
  readonly key: RouteKey;
  readonly method: Method;
  /** API Gateway's form: `/households/{id}`. */
  readonly path: string;
  readonly spec: RouteSpec;
}

/** Every route with its method and path split out, in the order above. */
export const CONTRACT_ROUTES: readonly ContractRoute[] = (Object.keys(ROUTES) as RouteKey[]).map((key) => {
  const [method, path] = key.split(' ') as [Method, string];
  return { key, method, path, spec: ROUTES[key] };
});

export function routesOf(fn: ApiFunctionId): readonly ContractRoute[] {
  return CONTRACT_ROUTES.filter((route) => route.spec.fn === fn);
}

export function isPublic(spec: RouteSpec): boolean {
  return 'access' in spec && 'public' in spec.access;
}
