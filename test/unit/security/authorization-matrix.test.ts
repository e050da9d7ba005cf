/**
 * Every action x every role x every place a caller may sit, against the real handlers with mocked
 * DynamoDB and Step Functions. The expected answer of each row is the contract's access of the
 * action or route (contract/routes.ts), never read back from the code under test; the contract's
 * access of each action is itself checked against OWNERS (docs/api.md) and the process description.
 */
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, test } from 'vitest';
import { demoProgram, exampleActionBody } from '../../../contract/examples';
import { ROUTES } from '../../../contract/routes';
import { ACTIONS, type Action, ROLES, type Role } from '../../../domain/model';
import { handlerWith as actionsHandlerWith } from '../../../functions/api/actions';
import { handlerWith as fundsHandlerWith } from '../../../functions/api/funds';
import { handlerWith as householdsHandlerWith } from '../../../functions/api/households';
import { handlerWith as tasksHandlerWith } from '../../../functions/api/tasks';
import { rolesOfAction, stepForAction } from '../../../process/renovation';
import { apiEvent, context, reply } from '../functions/support/api';
import { testDependencies } from '../functions/support/dependencies';
import { HOUSEHOLD_ID, NOW } from '../functions/support/fixtures';
import { ddbMock, sfnMock, withMocksAtFixedTime } from '../functions/support/mocks';
import { ruleOf } from './support/routes';
import {
  claimsFor,
  givenScene,
  HOME,
  OTHER_COUNTY,
  OTHER_TOWNSHIP,
  OWNERS,
  type Place,
  SCENES,
} from './support/scenes';

const actionsHandler = actionsHandlerWith(testDependencies());
const fundsHandler = fundsHandlerWith(testDependencies());
const householdsHandler = householdsHandlerWith(testDependencies());
const tasksHandler = tasksHandlerWith(testDependencies());

const PLACES: readonly Place[] = [
  { name: "township staff of the household's township", ...HOME },
  { name: 'township staff of another township of the county', county: HOME.county, township: OTHER_TOWNSHIP },
  { name: 'township staff of another county', county: OTHER_COUNTY, township: `${OTHER_COUNTY}100` },
  { name: "county staff of the household's county", county: HOME.county },
  { name: 'county staff of another county', county: OTHER_COUNTY },
];

const ACTION_ROUTE = ROUTES['POST /households/{id}/actions/{action}'];

/** docs/design.md: county-level steps need county staff; township steps accept the township and its county. */
function mayAct(action: Action, role: Role, place: Place): boolean {
  return ruleOf(ACTION_ROUTE.byAction[action].access)(role, place);
}

/** A file: any role of its county; township staff only their township, unless auditor or admin. */
const mayReadFile = ruleOf(ROUTES['GET /households/{id}'].access);

/** The work queue of a township: its own staff and the county's staff. */
const mayReadQueue = ruleOf(ROUTES['GET /tasks'].access);

/** The funds report covers the county: county staff, auditors and admins of that county. */
const mayReadFunds = ruleOf(ROUTES['GET /reports/funds'].access);

interface Row {
  readonly role: Role;
  readonly place: Place;
  readonly allowed: boolean;
}

const verdict = (allowed: boolean) => (allowed ? 'allowed' : 'denied');

const actionRows = ACTIONS.flatMap((action) =>
  ROLES.flatMap((role) => PLACES.map((place) => ({ action, role, place, allowed: mayAct(action, role, place) }))),
);

const everyCaller: Row[] = ROLES.flatMap((role) => PLACES.map((place) => ({ role, place, allowed: false })));

withMocksAtFixedTime(NOW);

describe('the ownership table', () => {
  it.each(ACTIONS)('states the roles and level the workflow description gives %s', (action) => {
    const step = stepForAction(action);
    expect({ roles: [...rolesOfAction(step)].sort(), level: step.level }).toEqual({
      roles: [...OWNERS[action].roles].sort(),
      level: OWNERS[action].level,
    });
  });

  it.each(ACTIONS)('is what the contract lets call %s', (action) => {
    const { access } = ACTION_ROUTE.byAction[action];
    expect('roles' in access ? { roles: [...access.roles].sort(), within: access.within } : access).toEqual({
      roles: [...OWNERS[action].roles].sort(),
      within: OWNERS[action].level === 'county' ? 'county-level' : 'township',
    });
  });

  it('lets someone act on every action and refuses most callers', () => {
    for (const action of ACTIONS) {
      const rows = actionRows.filter((row) => row.action === action);
      expect(rows.some((row) => row.allowed)).toBe(true);
      expect(rows.some((row) => !row.allowed)).toBe(true);
    }
  });
});

describe('POST /households/{id}/actions/{action}', () => {
  test.each(
    actionRows.map((row) => ({
      ...row,
      label: `${row.action} by ${row.role}, ${row.place.name}`,
      verdict: verdict(row.allowed),
    })),
  )('$label is $verdict', async ({ action, role, place, allowed }) => {
    // Prepare
    const scene = SCENES[action];
    givenScene(scene);

    // Act
    const result = reply(
      await actionsHandler(
        apiEvent({
          method: 'POST',
          path: `/households/${HOUSEHOLD_ID}/actions/${action}`,
          pathParameters: { id: HOUSEHOLD_ID, action },
          body: exampleActionBody(action, scene.household.version),
          claims: claimsFor(role, place),
        }),
        context,
      ),
    );

    // Assess
    if (allowed) {
      expect({ status: result.status, body: result.body }).toMatchObject({ status: 200 });
      expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(1);
    } else if (mayReadFile(role, place)) {
      expect(result.status).toBe(403);
      expect(result.body.error).toBe('ForbiddenError');
      expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
      expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    } else {
      // Outside the caller's reach the household answers as a missing one: no 403 to tell it exists.
      expect(result.status).toBe(404);
      expect(result.body.error).toBe('NotFoundError');
      expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
      expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    }
  });
});

describe('read routes', () => {
  beforeEach(() => {
    givenScene(SCENES['township-review']);
  });

  const label = (row: Row) => ({ ...row, label: `${row.role}, ${row.place.name}`, verdict: verdict(row.allowed) });

  test.each(everyCaller.map((row) => label({ ...row, allowed: mayReadFile(row.role, row.place) })))(
    'GET /households/{id}: $label is $verdict',
    async ({ role, place, allowed }) => {
      const result = reply(
        await householdsHandler(
          apiEvent({
            path: `/households/${HOUSEHOLD_ID}`,
            pathParameters: { id: HOUSEHOLD_ID },
            claims: claimsFor(role, place),
          }),
          context,
        ),
      );

      // A household the caller may not read answers as a missing one.
      expect(result.status).toBe(allowed ? 200 : 404);
      if (allowed) expect(result.body.householdId).toBe(HOUSEHOLD_ID);
    },
  );

  test.each(everyCaller.map((row) => label({ ...row, allowed: mayReadQueue(row.role, row.place) })))(
    "GET /tasks?township=<the household's>: $label is $verdict",
    async ({ role, place, allowed }) => {
      const result = reply(
        await tasksHandler(
          apiEvent({ path: '/tasks', query: { township: HOME.township }, claims: claimsFor(role, place) }),
          context,
        ),
      );

      expect(result.status).toBe(allowed ? 200 : 403);
    },
  );

  test.each(everyCaller.map((row) => label({ ...row, allowed: mayReadFunds(row.role, row.place) })))(
    "GET /reports/funds?county=<the household's>: $label is $verdict",
    async ({ role, place, allowed }) => {
      const result = reply(
        await fundsHandler(
          apiEvent({
            path: '/reports/funds',
            query: { county: HOME.county, program: demoProgram.programId },
            claims: claimsFor(role, place),
          }),
          context,
        ),
      );

      expect(result.status).toBe(allowed ? 200 : 403);
      if (allowed) expect(result.body.county).toBe(HOME.county);
    },
  );
});
