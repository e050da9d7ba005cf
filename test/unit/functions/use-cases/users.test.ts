import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminResetUserPasswordCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { BatchGetCommand, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type StaffUser, userChange } from '../../../../domain/users';
import { cognitoAccounts, outsideIssuerAccounts } from '../../../../functions/accounts';
import { handlerWith } from '../../../../functions/api/users';
import { userItem } from '../../../../functions/store/items';
import { apiEvent, context, reply } from '../support/api';
import { signedIn } from '../support/callers';
import { testDependencies } from '../support/dependencies';
import { NOW } from '../support/fixtures';
import { ddbMock, withMocksAtFixedTime } from '../support/mocks';

const COUNTY = '522327';
const TOWNSHIP = '522327100';
const cognito = mockClient(CognitoIdentityProviderClient);
const oidcUsers = handlerWith(testDependencies(), outsideIssuerAccounts);
const cognitoUsers = handlerWith(
  testDependencies(),
  cognitoAccounts('cn-north-1_pool', new CognitoIdentityProviderClient({ region: 'cn-north-1' })),
);

const countyAdmin = () => signedIn({ username: 'sun.guanli', roles: ['admin'], county: COUNTY });
const townshipAdmin = () => signedIn({ username: 'town.admin', roles: ['admin'], county: COUNTY, township: TOWNSHIP });

function stored(user: Partial<StaffUser> & { username: string }) {
  const { after, event } = userChange(
    undefined,
    {
      displayName: '张敏',
      roles: ['civil-affairs'],
      province: '52',
      county: COUNTY,
      township: TOWNSHIP,
      enabled: true,
      ...user,
    },
    { at: NOW.toISOString(), actor: 'sun.guanli', type: 'create' },
  );
  ddbMock
    .on(GetCommand, { Key: { PK: `USER#${user.username}`, SK: 'USER' } })
    .resolves({ Item: userItem({ user: after, lastHash: event.hash }) });
  return { after, event };
}

const transactions = () => ddbMock.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems);

withMocksAtFixedTime(NOW);
beforeEach(() => {
  cognito.reset();
  ddbMock.on(GetCommand).resolves({});
  ddbMock.on(TransactWriteCommand).resolves({});
});

const newClerk = { username: 'huang.minzheng', displayName: '黄丽', roles: ['civil-affairs'], county: COUNTY };

describe('creating a staff account', () => {
  it("writes a county admin's new township account with its first event, to be linked at first sign-in", async () => {
    const answer = reply(
      await oidcUsers(
        apiEvent({
          method: 'POST',
          path: '/users',
          claims: countyAdmin(),
          body: { ...newClerk, township: TOWNSHIP },
        }),
        context,
      ),
    );

    expect(answer).toMatchObject({ status: 201, body: { username: 'huang.minzheng', linked: false, province: '52' } });
    const [items] = transactions();
    expect(items?.[1]?.Put?.Item).toMatchObject({ SK: 'EV#000001', type: 'create', actor: 'sun.guanli' });
  });

  it('refuses a township admin creating a county-level account, writing nothing', async () => {
    const answer = reply(
      await oidcUsers(apiEvent({ method: 'POST', path: '/users', claims: townshipAdmin(), body: newClerk }), context),
    );

    expect(answer.status).toBe(403);
    expect(transactions()).toHaveLength(0);
  });

  it('invites the person through the user pool in Cognito mode and links its subject at once', async () => {
    cognito.on(AdminCreateUserCommand).resolves({ User: { Attributes: [{ Name: 'sub', Value: 'cog-sub-1' }] } });

    const answer = reply(
      await cognitoUsers(
        apiEvent({
          method: 'POST',
          path: '/users',
          claims: countyAdmin(),
          body: { ...newClerk, email: 'huang@example.gov.cn' },
        }),
        context,
      ),
    );

    expect(answer).toMatchObject({ status: 201, body: { linked: true } });
    expect(cognito.commandCalls(AdminCreateUserCommand)[0]?.args[0].input).toMatchObject({
      UserPoolId: 'cn-north-1_pool',
      Username: 'huang.minzheng',
      DesiredDeliveryMediums: ['EMAIL'],
    });
    expect(transactions()[0]?.[2]?.Put?.Item).toMatchObject({ PK: 'SUB#cog-sub-1', roles: ['civil-affairs'] });
  });

  it('asks for an e-mail in Cognito mode, in both languages', async () => {
    const answer = reply(
      await cognitoUsers(apiEvent({ method: 'POST', path: '/users', claims: countyAdmin(), body: newClerk }), context),
    );

    expect(answer).toMatchObject({ status: 400, body: { fields: [{ path: 'email' }] } });
    expect(cognito.commandCalls(AdminCreateUserCommand)).toHaveLength(0);
  });

  it('refuses a user name that is taken', async () => {
    stored({ username: 'huang.minzheng' });

    const answer = reply(
      await oidcUsers(apiEvent({ method: 'POST', path: '/users', claims: countyAdmin(), body: newClerk }), context),
    );

    expect(answer.status).toBe(409);
  });
});

describe('changing a staff account', () => {
  const patch = (handler: typeof oidcUsers, username: string, claims: Record<string, string>, body: unknown) =>
    handler(
      apiEvent({ method: 'PATCH', path: `/users/${username}`, pathParameters: { username }, claims, body }),
      context,
    ).then(reply);

  it('disables an account in the user pool first, then records the change on its chain', async () => {
    const { event } = stored({ username: 'zhang.minzheng' });
    cognito.on(AdminDisableUserCommand).resolves({});

    const answer = await patch(cognitoUsers, 'zhang.minzheng', countyAdmin(), { enabled: false });

    expect(answer).toMatchObject({ status: 200, body: { enabled: false, version: 2 } });
    expect(cognito.commandCalls(AdminDisableUserCommand)).toHaveLength(1);
    expect(transactions()[0]?.[1]?.Put?.Item).toMatchObject({
      SK: 'EV#000002',
      type: 'change',
      prevHash: event.hash,
      details: { enabled: { from: true, to: false } },
    });
  });

  it('never lets an administrator change their own roles, place or state, whatever the body says', async () => {
    stored({ username: 'sun.guanli', roles: ['admin'], township: undefined });

    for (const body of [
      { roles: ['admin', 'finance'] },
      { jurisdiction: { province: '52' } },
      { enabled: false },
      { unlink: true },
    ]) {
      expect((await patch(oidcUsers, 'sun.guanli', countyAdmin(), body)).status).toBe(403);
    }
    expect(transactions()).toHaveLength(0);
    expect((await patch(oidcUsers, 'sun.guanli', countyAdmin(), { displayName: '孙磊' })).status).toBe(200);
  });

  it("refuses a township admin moving an account to the county level, and non-admins anyone's account", async () => {
    stored({ username: 'zhang.minzheng' });
    const clerk = signedIn({ username: 'he.zhujian', roles: ['construction'], county: COUNTY, township: TOWNSHIP });

    expect(
      (await patch(oidcUsers, 'zhang.minzheng', townshipAdmin(), { jurisdiction: { county: COUNTY } })).status,
    ).toBe(403);
    expect((await patch(oidcUsers, 'zhang.minzheng', clerk, { enabled: false })).status).toBe(403);
    expect(transactions()).toHaveLength(0);
  });

  it('resets a password through the user pool as an event, and tells OpenID Connect admins where passwords live', async () => {
    stored({ username: 'zhang.minzheng', subject: 'cog-1' });
    cognito.on(AdminResetUserPasswordCommand).resolves({});

    const reset = await patch(cognitoUsers, 'zhang.minzheng', countyAdmin(), { resetPassword: true });
    const elsewhere = await patch(oidcUsers, 'zhang.minzheng', countyAdmin(), { resetPassword: true });

    expect(reset.status).toBe(200);
    expect(transactions()[0]?.[1]?.Put?.Item).toMatchObject({ type: 'reset-password' });
    expect(elsewhere).toMatchObject({
      status: 400,
      body: { message: { zh: expect.stringContaining('统一身份认证') } },
    });
  });

  it('unlinks a subject in OpenID Connect mode, deleting its link with the change', async () => {
    stored({ username: 'zhang.minzheng', subject: 'kc-1' });

    const answer = await patch(oidcUsers, 'zhang.minzheng', countyAdmin(), { unlink: true });

    expect(answer).toMatchObject({ status: 200, body: { linked: false } });
    expect(transactions()[0]?.[2]?.Delete?.Key).toEqual({ PK: 'SUB#kc-1', SK: 'SUB' });
    expect(transactions()[0]?.[1]?.Put?.Item).toMatchObject({ type: 'unlink' });
  });
});

describe('reading accounts', () => {
  it("lists the caller's own jurisdiction by default", async () => {
    ddbMock.on(QueryCommand).resolves({ Items: [] });

    const answer = reply(await oidcUsers(apiEvent({ path: '/users', claims: townshipAdmin() }), context));

    expect(answer.status).toBe(200);
    expect(ddbMock.commandCalls(QueryCommand)[0]?.args[0].input.ExpressionAttributeValues).toEqual({
      ':pk': `STAFF#${COUNTY}`,
      ':prefix': `${TOWNSHIP}#`,
    });
  });

  it('answers the names of accounts the caller may see, leaving out other counties', async () => {
    const own = stored({ username: 'zhang.minzheng' });
    const far = stored({ username: 'far.away', displayName: '外县', county: '522328', township: undefined });
    ddbMock.on(BatchGetCommand).resolves({
      Responses: {
        'anju-test': [
          userItem({ user: own.after, lastHash: own.event.hash }),
          userItem({ user: far.after, lastHash: far.event.hash }),
        ],
      },
    });
    const clerk = signedIn({ username: 'he.zhujian', roles: ['construction'], county: COUNTY, township: TOWNSHIP });

    const answer = reply(
      await oidcUsers(
        apiEvent({ path: '/users/names', claims: clerk, query: { usernames: 'zhang.minzheng,far.away,nobody' } }),
        context,
      ),
    );

    expect(answer.body).toEqual({ names: { 'zhang.minzheng': '张敏' } });
  });

  it("verifies an account's chain in its history", async () => {
    const { after, event } = stored({ username: 'zhang.minzheng' });
    ddbMock.on(QueryCommand).resolves({ Items: [{ PK: 'USER#zhang.minzheng', SK: 'EV#000001', ...event }] });

    const answer = reply(
      await oidcUsers(
        apiEvent({
          path: '/users/zhang.minzheng/history',
          pathParameters: { username: after.username },
          claims: countyAdmin(),
        }),
        context,
      ),
    );

    expect(answer).toMatchObject({ status: 200, body: { chainVerified: true, events: [{ seq: 1, type: 'create' }] } });
  });
});
