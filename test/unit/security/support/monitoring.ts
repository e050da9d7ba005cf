/**
 * The monitoring ledger's part of the route matrix: a ledger household at HOME with an open check, an open case
 * waiting for its measure, a visit due and a confirmed photo, and how to call each monitoring route on it.
 */
import { BatchGetCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { demoIdNumber, demoProgram } from '../../../../contract/examples';
import { MONITORING_BODY_EXAMPLES } from '../../../../contract/monitoring-examples';
import type { RouteKey } from '../../../../contract/routes';
import { GENESIS_HASH } from '../../../../domain/rules/audit';
import { handlerWith as monitoringHandlerWith } from '../../../../functions/api/monitoring';
import type { ApiEvent, ApiResponse } from '../../../../functions/http/responses';
import type { apiEvent, context } from '../../functions/support/api';
import { testDependencies } from '../../functions/support/dependencies';
import { HOUSEHOLD_ID, programItem } from '../../functions/support/fixtures';
import { ddbMock } from '../../functions/support/mocks';
import { HOME } from './scenes';

export const LEDGER_ID = 'mh-6f1c2a9e-0b7d-4c36-9a51-2e8f3d4b7c10';
const MONTH = '2026-03';
const VILLAGE = '522327100201';
const PK = `MH#${LEDGER_ID}`;

const place = { county: HOME.county, township: HOME.township, villageCode: VILLAGE };

const ledgerHousehold = {
  PK,
  SK: 'MH',
  entity: 'ledger-household',
  ledgerId: LEDGER_ID,
  ...place,
  head: { name: '韦明光', idNumber: demoIdNumber(9001) },
  persons: 3,
  category: 'minimum-living-guarantee',
  categoryName: '低保户',
  source: 'roster',
  firstRosterMonth: '2026-02',
  grades: [
    {
      grade: 'B',
      housingType: 'own-house',
      appraisedOn: '2026-02-10',
      kind: 'monthly',
      month: '2026-02',
      by: 'he.zhujian',
    },
  ],
  openCaseId: 'mc-1',
  renovations: [],
  version: 4,
  createdAt: '2026-02-01T00:00:00.000Z',
  updatedAt: '2026-02-10T00:00:00.000Z',
  lastHash: GENESIS_HASH,
};

const ledgerItems = [
  ledgerHousehold,
  {
    PK,
    SK: `CHECK#${MONTH}`,
    entity: 'ledger-check',
    checkId: MONTH,
    month: MONTH,
    kind: 'monthly',
    ledgerId: LEDGER_ID,
    ...place,
    headName: '韦明光',
    idMasked: '522327********0011',
    persons: 3,
    categoryName: '低保户',
    change: 'unchanged',
    changedFields: [],
    status: 'open',
    dueOn: '2026-03-20',
  },
  {
    PK,
    SK: 'CASE#mc-1',
    entity: 'ledger-case',
    caseId: 'mc-1',
    ledgerId: LEDGER_ID,
    ...place,
    headName: '韦明光',
    cause: 'disaster',
    openedAt: '2026-02-20T00:00:00.000Z',
    openedMonth: '2026-02',
    openedBy: 'he.zhujian',
    stage: 'measure',
    dueOn: '2026-03-06',
  },
  {
    PK,
    SK: `VISIT#${HOUSEHOLD_ID}#06`,
    entity: 'ledger-visit',
    ledgerId: LEDGER_ID,
    householdId: HOUSEHOLD_ID,
    ...place,
    headName: '韦明光',
    months: 6,
    acceptedOn: '2025-09-10',
    dueOn: '2026-03-10',
    status: 'open',
  },
  {
    PK,
    SK: 'PHOTO#ph-4e1f',
    entity: 'ledger-photo',
    householdId: LEDGER_ID,
    photoId: 'ph-4e1f',
    step: 'check',
    kind: 'before',
    contentType: 'image/jpeg',
    size: 100,
    sha256: 'a'.repeat(64),
    status: 'confirmed',
    flags: [],
    objectKey: `photos/${LEDGER_ID}/check/ph-4e1f`,
    requestedBy: 'he.zhujian',
    requestedAt: '2026-03-01T00:00:00.000Z',
  },
];

/** After givenScene: the ledger household's partition, its item, and the county's latest program answer. */
export function givenLedgerScene(): void {
  ddbMock.on(QueryCommand, { KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': PK } }).resolves({
    Items: ledgerItems,
  });
  ddbMock
    .on(QueryCommand, { IndexName: 'GSI1', ExpressionAttributeValues: { ':pk': `PROGRAMS#${HOME.county}` } })
    .resolves({
      Items: [{ ...programItem(), GSI1PK: `PROGRAMS#${HOME.county}`, GSI1SK: `2025#${demoProgram.programId}` }],
    });
  ddbMock.on(GetCommand, { Key: { PK, SK: 'MH' } }).resolves({ Item: ledgerHousehold });
  ddbMock.on(BatchGetCommand).resolves({ Responses: {} });
}

type Handler = (event: ApiEvent, ctx: typeof context) => Promise<ApiResponse>;
export type Request = { handler: Handler; event: Omit<Parameters<typeof apiEvent>[0] & object, 'claims'> };

const handler: Handler = monitoringHandlerWith(testDependencies());
const onLedger = { id: LEDGER_ID };
const action = (name: string): Request => ({
  handler,
  event: {
    method: 'POST',
    path: `/monitoring/cases/${LEDGER_ID}/actions/${name}`,
    pathParameters: onLedger,
    body: MONITORING_BODY_EXAMPLES[`POST /monitoring/cases/{id}/actions/${name}` as RouteKey],
  },
});

/** How to call each monitoring route that a rule governs. */
export const MONITORING_REQUESTS: Partial<Record<RouteKey, Request>> = {
  'POST /monitoring/rosters': {
    handler,
    event: { method: 'POST', path: '/monitoring/rosters', body: MONITORING_BODY_EXAMPLES['POST /monitoring/rosters'] },
  },
  'GET /monitoring/rosters/{id}': {
    handler,
    event: { path: `/monitoring/rosters/${HOME.county}-${MONTH}`, pathParameters: { id: `${HOME.county}-${MONTH}` } },
  },
  'GET /monitoring/cases': {
    handler,
    event: { path: '/monitoring/cases', query: { county: HOME.county, month: MONTH, township: HOME.township } },
  },
  'POST /monitoring/cases': {
    handler,
    event: { method: 'POST', path: '/monitoring/cases', body: MONITORING_BODY_EXAMPLES['POST /monitoring/cases'] },
  },
  'GET /monitoring/cases/{id}': {
    handler,
    event: { path: `/monitoring/cases/${LEDGER_ID}`, pathParameters: onLedger },
  },
  'POST /monitoring/cases/{id}/actions/check': action('check'),
  'POST /monitoring/cases/{id}/actions/request-reappraisal': action('request-reappraisal'),
  'POST /monitoring/cases/{id}/actions/choose-measure': action('choose-measure'),
  'POST /monitoring/cases/{id}/actions/close': action('close'),
  'POST /monitoring/cases/{id}/actions/visit': action('visit'),
  'POST /monitoring/cases/{id}/photos': {
    handler,
    event: {
      method: 'POST',
      path: `/monitoring/cases/${LEDGER_ID}/photos`,
      pathParameters: onLedger,
      body: MONITORING_BODY_EXAMPLES['POST /monitoring/cases/{id}/photos'],
    },
  },
  'POST /monitoring/cases/{id}/photos/{photoId}/confirm': {
    handler,
    event: {
      method: 'POST',
      path: `/monitoring/cases/${LEDGER_ID}/photos/ph-4e1f/confirm`,
      pathParameters: { ...onLedger, photoId: 'ph-4e1f' },
    },
  },
  'GET /monitoring/tasks': { handler, event: { path: '/monitoring/tasks', query: { township: HOME.township } } },
  'GET /reports/monitoring': {
    handler,
    event: { path: '/reports/monitoring', query: { county: HOME.county, month: MONTH } },
  },
  'GET /monitoring/settings/{county}': {
    handler,
    event: { path: `/monitoring/settings/${HOME.county}`, pathParameters: { county: HOME.county } },
  },
  'PUT /monitoring/settings/{county}': {
    handler,
    event: {
      method: 'PUT',
      path: `/monitoring/settings/${HOME.county}`,
      pathParameters: { county: HOME.county },
      body: MONITORING_BODY_EXAMPLES['PUT /monitoring/settings/{county}'],
    },
  },
  'GET /households/{id}/status-code': {
    handler,
    event: { path: `/households/${HOUSEHOLD_ID}/status-code`, pathParameters: { id: HOUSEHOLD_ID } },
  },
  'POST /households/{id}/status-code': {
    handler,
    event: {
      method: 'POST',
      path: `/households/${HOUSEHOLD_ID}/status-code`,
      pathParameters: { id: HOUSEHOLD_ID },
      body: { reissue: false },
    },
  },
};
