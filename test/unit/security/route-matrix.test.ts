/**
 * Every route of the contract x every role x every place a caller may sit, against the real
 * handlers with mocked DynamoDB, S3 and Step Functions. The expected verdict of each row comes from
 * the contract's `access` of the route (support/routes.ts); the actions route is checked per action
 * by authorization-matrix.test.ts from the contract's access of each action. A denied call is a 403
 * that writes nothing (a 404 on a household the caller may not read: it answers as a missing one); an allowed one gets past authorization (whatever the scene then answers,
 * never 401/403/5xx).
 */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { beforeEach, describe, expect, it, test } from 'vitest';
import { demoApplication, demoProgram } from '../../../contract/examples';
import { CONTRACT_ROUTES, isPublic, type RouteKey } from '../../../contract/routes';
import { ROLES } from '../../../domain/model';
import { userChange } from '../../../domain/users';
import { outsideIssuerAccounts } from '../../../functions/accounts';
import { handlerWith as actionsHandlerWith } from '../../../functions/api/actions';
import { handlerWith as fundsHandlerWith } from '../../../functions/api/funds';
import { handlerWith as householdsHandlerWith } from '../../../functions/api/households';
import { handlerWith as meHandlerWith } from '../../../functions/api/me';
import { handlerWith as noticesHandlerWith } from '../../../functions/api/notices';
import { handlerWith as photosHandlerWith } from '../../../functions/api/photos';
import { handlerWith as programsHandlerWith } from '../../../functions/api/programs';
import { handlerWith as reportsHandlerWith } from '../../../functions/api/reports';
import { handlerWith as tasksHandlerWith } from '../../../functions/api/tasks';
import { handlerWith as usersHandlerWith } from '../../../functions/api/users';
import type { ApiEvent, ApiResponse } from '../../../functions/http/responses';
import { userItem } from '../../../functions/store/items';
import { apiEvent, context } from '../functions/support/api';
import { testDependencies } from '../functions/support/dependencies';
import { HOUSEHOLD_ID, NOW } from '../functions/support/fixtures';
import { batchGetsFromGets, ddbMock, withMocksAtFixedTime } from '../functions/support/mocks';
import { givenLedgerScene, MONITORING_REQUESTS } from './support/monitoring';
import { RULED } from './support/routes';
import { claimsFor, givenScene, HOME, OTHER_COUNTY, OTHER_TOWNSHIP, type Place, SCENES } from './support/scenes';

const actionsHandler = actionsHandlerWith(testDependencies());
const fundsHandler = fundsHandlerWith(testDependencies());
const householdsHandler = householdsHandlerWith(testDependencies());
const meHandler = meHandlerWith(testDependencies());
const noticesHandler = noticesHandlerWith(testDependencies());
const photosHandler = photosHandlerWith(testDependencies());
const programsHandler = programsHandlerWith(testDependencies());
const reportsHandler = reportsHandlerWith(testDependencies());
const tasksHandler = tasksHandlerWith(testDependencies());
const usersHandler = usersHandlerWith(testDependencies(), outsideIssuerAccounts);

/** The staff account the users routes act on: township staff of the household's township. */
const TARGET = userChange(
  undefined,
  {
    username: 'target.staff',
    displayName: '韦小明',
    roles: ['civil-affairs'],
    province: HOME.county.slice(0, 2),
    county: HOME.county,
    township: HOME.township,
    enabled: true,
  },
  { at: NOW.toISOString(), actor: 'sun.guanli', type: 'create' },
);

const PLACES: readonly Place[] = [
  { name: "township staff of the household's township", ...HOME },
  { name: 'township staff of another township of the county', county: HOME.county, township: OTHER_TOWNSHIP },
  { name: 'township staff of another county', county: OTHER_COUNTY, township: `${OTHER_COUNTY}100` },
  { name: "county staff of the household's county", county: HOME.county },
  { name: 'county staff of another county', county: OTHER_COUNTY },
];

type Handler = (event: ApiEvent, ctx: typeof context) => Promise<ApiResponse>;
type Request = { handler: Handler; event: Omit<Parameters<typeof apiEvent>[0] & object, 'claims'> };

/** An application to a village of the household's township, so only the caller decides the verdict. */
const homeApplication = (() => {
  for (let n = 0; n < 500; n += 1) {
    const application = demoApplication(n);
    const township = demoProgram.townships.find((t) => t.villages.some((v) => v.code === application.villageCode));
    if (township?.code === HOME.township) return application;
  }
  throw new Error(`no demo application in ${HOME.township}`);
})();

const onHousehold = { id: HOUSEHOLD_ID };
const payment = { householdId: HOUSEHOLD_ID, installment: '0' };

/** How to call each route that a rule (not a per-action table) governs. */
const REQUESTS: Partial<Record<RouteKey, Request>> = {
  'GET /me': { handler: meHandler, event: { path: '/me' } },
  'GET /programs': { handler: programsHandler, event: { path: '/programs', query: { county: HOME.county } } },
  'GET /households/import-template': {
    handler: householdsHandler,
    event: { path: '/households/import-template', query: {} },
  },
  'GET /programs/{programId}': {
    handler: programsHandler,
    event: { path: `/programs/${demoProgram.programId}`, pathParameters: { programId: demoProgram.programId } },
  },
  'PUT /programs/{programId}': {
    handler: programsHandler,
    event: {
      method: 'PUT',
      path: `/programs/${demoProgram.programId}`,
      pathParameters: { programId: demoProgram.programId },
      body: demoProgram,
    },
  },
  'POST /households': {
    handler: householdsHandler,
    event: { method: 'POST', path: '/households', body: homeApplication },
  },
  'GET /households': {
    handler: householdsHandler,
    event: { path: '/households', query: { county: HOME.county, township: HOME.township } },
  },
  'GET /households/{id}': {
    handler: householdsHandler,
    event: { path: `/households/${HOUSEHOLD_ID}`, pathParameters: onHousehold },
  },
  'GET /households/{id}/ledger-card': {
    handler: householdsHandler,
    event: { path: `/households/${HOUSEHOLD_ID}/ledger-card`, pathParameters: onHousehold },
  },
  'POST /households/{id}/reveal': {
    handler: householdsHandler,
    event: {
      method: 'POST',
      path: `/households/${HOUSEHOLD_ID}/reveal`,
      pathParameters: onHousehold,
      body: { field: 'idNumber', reason: '核对身份' },
    },
  },
  'GET /tasks': { handler: tasksHandler, event: { path: '/tasks', query: { township: HOME.township } } },
  'GET /tasks/counts': {
    handler: tasksHandler,
    event: { path: '/tasks/counts', query: { township: HOME.township } },
  },
  'GET /payments': {
    handler: fundsHandler,
    event: { path: '/payments', query: { county: HOME.county, status: 'awaiting-approval' } },
  },
  'POST /payments/{householdId}/{installment}/approve': {
    handler: fundsHandler,
    event: { method: 'POST', path: `/payments/${HOUSEHOLD_ID}/0/approve`, pathParameters: payment },
  },
  'POST /payments/{householdId}/{installment}/retry': {
    handler: fundsHandler,
    event: { method: 'POST', path: `/payments/${HOUSEHOLD_ID}/0/retry`, pathParameters: payment },
  },
  'GET /payments/batch': { handler: fundsHandler, event: { path: '/payments/batch', query: { county: HOME.county } } },
  'POST /payments/results': {
    handler: fundsHandler,
    event: {
      method: 'POST',
      path: '/payments/results',
      query: { county: HOME.county },
      body: 'reference,account,amount,status\n',
      headers: { 'content-type': 'text/csv' },
    },
  },
  'GET /reports/funds': { handler: fundsHandler, event: { path: '/reports/funds', query: { county: HOME.county } } },
  'GET /reports/progress': {
    handler: reportsHandler,
    event: {
      path: '/reports/progress',
      query: { county: HOME.county, program: demoProgram.programId, township: HOME.township },
    },
  },
  'GET /reports/audit': {
    handler: reportsHandler,
    event: { path: '/reports/audit', query: { county: HOME.county, from: '2026-01-01', to: '2026-03-31' } },
  },
  'POST /rosters': {
    handler: programsHandler,
    event: {
      method: 'POST',
      path: '/rosters',
      body: {
        county: HOME.county,
        kind: 'relocation',
        year: 2019,
        title: '易地扶贫搬迁名单',
        rows: [{ 姓名: '王五', 身份证号: demoApplication(11).head.idNumber }],
      },
    },
  },
  'GET /rosters': { handler: programsHandler, event: { path: '/rosters', query: { county: HOME.county } } },
  'GET /rosters/{rosterId}': {
    handler: programsHandler,
    event: { path: '/rosters/ro-1', pathParameters: { rosterId: 'ro-1' } },
  },
  'GET /reports/households': {
    handler: reportsHandler,
    event: { path: '/reports/households', query: { county: HOME.county, township: HOME.township } },
  },
  'GET /notices': {
    handler: noticesHandler,
    event: { path: '/notices', query: { county: HOME.county, township: HOME.township } },
  },
  'POST /programs/{programId}/progress-counters/rebuild': {
    handler: programsHandler,
    event: {
      method: 'POST',
      path: `/programs/${demoProgram.programId}/progress-counters/rebuild`,
      pathParameters: { programId: demoProgram.programId },
    },
  },
  'GET /users': {
    handler: usersHandler,
    event: { path: '/users', query: { county: HOME.county, township: HOME.township } },
  },
  'POST /users': {
    handler: usersHandler,
    event: {
      method: 'POST',
      path: '/users',
      body: {
        username: 'new.staff',
        displayName: '新同事',
        roles: ['inspector'],
        county: HOME.county,
        township: HOME.township,
      },
    },
  },
  'PATCH /users/{username}': {
    handler: usersHandler,
    event: {
      method: 'PATCH',
      path: '/users/target.staff',
      pathParameters: { username: 'target.staff' },
      body: { roles: ['inspector'] },
    },
  },
  'GET /users/{username}/history': {
    handler: usersHandler,
    event: { path: '/users/target.staff/history', pathParameters: { username: 'target.staff' } },
  },
  'GET /users/names': { handler: usersHandler, event: { path: '/users/names', query: { usernames: 'target.staff' } } },
  'POST /households/{id}/overrides': {
    handler: actionsHandler,
    event: {
      method: 'POST',
      path: `/households/${HOUSEHOLD_ID}/overrides`,
      pathParameters: onHousehold,
      body: { version: SCENES.inspect.household.version, flag: 'stage-too-soon', reason: '县住建局现场核实，同意放行' },
    },
  },
  'POST /households/{id}/photos': {
    handler: photosHandler,
    event: {
      method: 'POST',
      path: `/households/${HOUSEHOLD_ID}/photos`,
      pathParameters: onHousehold,
      body: {
        step: 'milestone-inspection',
        kind: 'during',
        contentType: 'image/jpeg',
        size: 245_760,
        sha256: 'a'.repeat(64),
      },
    },
  },
  'POST /households/{id}/photos/{photoId}/confirm': {
    handler: photosHandler,
    event: {
      method: 'POST',
      path: `/households/${HOUSEHOLD_ID}/photos/ph-during-1/confirm`,
      pathParameters: { ...onHousehold, photoId: 'ph-during-1' },
    },
  },
  ...MONITORING_REQUESTS,
};

/** A caller who may not read the household is answered as if it did not exist (404), not with a 403. */
const readsTheHousehold = RULED.find(({ route }) => route === 'GET /households/{id}')?.allowed;
// A ledger household of the monitoring (`/monitoring/cases/{id}`) is not a renovation household.
const onOneHousehold = (route: RouteKey) => /^\S+ \/(households|payments)\/\{(id|householdId)\}/.test(route);
function refusalOf(route: RouteKey, role: (typeof ROLES)[number], place: Place): number {
  // A roster of a county the caller does not read answers as a missing one, like a household.
  if (route === 'GET /rosters/{rosterId}') return 404;
  return onOneHousehold(route) && !readsTheHousehold?.(role, place) ? 404 : 403;
}

const rows = RULED.flatMap(({ route, allowed }) =>
  ROLES.flatMap((role) =>
    PLACES.map((place) => {
      const verdict = allowed(role, place);
      return {
        route,
        role,
        place,
        allowed: verdict,
        label: `${route}: ${role}, ${place.name}`,
        verdict: verdict ? 'allowed' : 'denied',
      };
    }),
  ),
);

function writesSent(): number {
  return (
    ddbMock.commandCalls(TransactWriteCommand).length +
    ddbMock.commandCalls(PutCommand).length +
    ddbMock.commandCalls(UpdateCommand).length +
    ddbMock.commandCalls(DeleteCommand).length
  );
}

withMocksAtFixedTime(NOW);

describe('the route table', () => {
  it('governs every route of the contract: public, one rule, or one rule per action', () => {
    const governed = CONTRACT_ROUTES.filter(
      (route) => isPublic(route.spec) || RULED.some((ruled) => ruled.route === route.key) || 'byAction' in route.spec,
    );
    expect(governed.map((route) => route.key)).toEqual(CONTRACT_ROUTES.map((route) => route.key));
  });

  it('leaves only the health check and this document public', () => {
    const open = CONTRACT_ROUTES.filter((route) => isPublic(route.spec)).map((route) => route.key);
    expect(open.sort()).toEqual(['GET /health', 'GET /openapi.json', 'POST /public/status']);
  });

  it('has a request for every route a rule governs, and every rule both allows and denies someone', () => {
    expect(Object.keys(REQUESTS).sort()).toEqual(RULED.map(({ route }) => route).sort());
    // Open to anyone signed in: who they are, the names of their county's staff, and the blank import template.
    const signedInOnly: readonly RouteKey[] = ['GET /me', 'GET /users/names', 'GET /households/import-template'];
    for (const { route } of RULED.filter(({ route }) => !signedInOnly.includes(route))) {
      const verdicts = rows.filter((row) => row.route === route).map((row) => row.allowed);
      expect(verdicts, route).toContain(true);
      expect(verdicts, route).toContain(false);
    }
  });
});

describe('every route x role x place', () => {
  beforeEach(() => {
    givenScene(SCENES.inspect);
    ddbMock.on(GetCommand, { Key: { PK: 'ROSTER#ro-1', SK: 'ROSTER' } }).resolves({
      Item: {
        rosterId: 'ro-1',
        county: HOME.county,
        kind: 'relocation',
        year: 2019,
        title: '易地扶贫搬迁名单',
        importedBy: 'wang.minzheng',
        importedAt: '2026-01-05T02:00:00.000Z',
        entries: 1,
        repeated: 0,
        rejectedRows: 0,
        errors: [],
      },
    });
    // The advance was released by one finance officer and waits for another's approval (maker-checker).
    ddbMock.on(GetCommand, { Key: { PK: `HH#${HOUSEHOLD_ID}`, SK: 'PAY#00' } }).resolves({
      Item: {
        PK: `HH#${HOUSEHOLD_ID}`,
        SK: 'PAY#00',
        entity: 'payment',
        householdId: HOUSEHOLD_ID,
        installment: 0,
        amount: 1_050_000,
        status: 'released',
        reference: `${HOUSEHOLD_ID}-00`,
        releasedBy: 'chen.caizheng',
        releasedAt: '2026-03-01T02:00:00.000Z',
      },
    });
    ddbMock.on(UpdateCommand).resolves({});
    const target = userItem({ user: TARGET.after, lastHash: TARGET.event.hash });
    ddbMock.on(GetCommand, { Key: { PK: 'USER#target.staff', SK: 'USER' } }).resolves({ Item: target });
    ddbMock.on(GetCommand, { Key: { PK: 'USER#new.staff', SK: 'USER' } }).resolves({});
    ddbMock
      .on(QueryCommand, { IndexName: 'GSI1', ExpressionAttributeValues: { ':pk': `STAFF#${HOME.county}` } })
      .resolves({
        Items: [target],
      });
    ddbMock.on(QueryCommand, { KeyConditionExpression: 'PK = :pk AND begins_with(SK, :ev)' }).resolves({
      Items: [{ PK: 'USER#target.staff', SK: 'EV#000001', entity: 'user-event', ...TARGET.event }],
    });
    givenLedgerScene();
    // Batch reads (the staff list's users, a photo's household and photo) answer as the items' own reads do.
    batchGetsFromGets();
  });

  test.each(rows)('$label is $verdict', async ({ route, role, place, allowed }) => {
    // Prepare
    const request = REQUESTS[route];
    if (!request) throw new Error(`no request for ${route}`);

    // Act
    const response = (await request.handler(
      apiEvent({ ...request.event, claims: claimsFor(role, place) }),
      context,
    )) as APIGatewayProxyStructuredResultV2;
    const status = response.statusCode ?? 0;
    const body = String(response.body).slice(0, 300);

    // Assess
    if (allowed) {
      expect([401, 403], body).not.toContain(status);
      expect(status, body).toBeLessThan(500);
    } else {
      expect(status, body).toBe(refusalOf(route, role, place));
      expect(writesSent()).toBe(0);
    }
  });
});
