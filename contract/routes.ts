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
  AuditReportQuery,
  BatchQuery,
  CountyQuery,
  FundsReportQuery,
  HouseholdExportQuery,
  HouseholdListQuery,
  HouseholdPath,
  IdempotencyHeaders,
  NoticeQuery,
  PaymentPath,
  PhotoPath,
  PhotoRequestBody,
  ProgramPath,
  ProgressQuery,
  RosterListQuery,
  RosterPath,
  TaskQuery,
} from './requests';
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
  PhotoUpload,
  PhotoView,
  ProgressReport,
  RebuildAnswer,
  Registered,
  RosterList,
  RosterView,
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
] as const;
export type ApiFunctionId = (typeof API_FUNCTION_IDS)[number];

export type Method = 'GET' | 'POST' | 'PUT';

export const JSON_TYPE = 'application/json';
export const CSV_TYPE = 'text/csv';
export const HTML_TYPE = 'text/html';
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
  'GET /households/{id}': {
    fn: 'HouseholdsFn',
    summary: 'The household file: phase, version, data, pending task, timeline, photos, payments',
    access: READS_THE_HOUSEHOLD,
    params: HouseholdPath,
    success: json(200, HouseholdFileView, 'The file'),
    refusals: READ_ONE,
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
      'Per township: quota, households by phase, mode and site, floor area, status counts, overdue steps by role, ' +
      "spot checks; the county's spot-check coverage. From running counters; `format=xlsx` for Excel",
    access: READS_THE_COUNTY,
    query: ProgressQuery,
    success: {
      status: 200,
      description: 'The progress report (JSON or Excel)',
      content: { [JSON_TYPE]: ProgressReport, ...BINARY },
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
