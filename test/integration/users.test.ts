/**
 * Staff accounts on the local stack, through the HTTP API and the twin's OpenID Connect issuer: an administrator
 * creates an account, the person signs in through the issuer's login page with PKCE (the first sign-in links the
 * account), is disabled and then refused; a township administrator cannot create a county account; nobody changes
 * their own authority; every change is an event of the account's chain, verified.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoProgram } from '../../contract/examples';
import { api, eventually, login } from '../../tools/api-client/client';
import { oidcSignIn } from '../../tools/api-client/oidc';
import { type RunningStack, startStack } from '../../twin/stack-process';

const COUNTY = demoProgram.county.code;
const TOWNSHIP = demoProgram.townships[0]?.code ?? '';
const PASSWORD = 'a-long-pass-2026';

let stack: RunningStack;
let countyAdmin: ReturnType<typeof api>;
let oidc: { issuer: string; clientId: string };

/** The county's IT office creates the person's sign-in at the issuer (a Keycloak's admin console elsewhere). */
async function issuerAccount(username: string, displayName: string): Promise<void> {
  const answer = await api(stack.url).post('/local/identity/accounts', { username, displayName, password: PASSWORD });
  expect(answer.status).toBe(200);
}

async function signIn(username: string, password = PASSWORD): Promise<string> {
  const { idToken } = await oidcSignIn({ ...oidc, redirectUri: `${stack.url}/`, username, password });
  return idToken;
}

beforeAll(async () => {
  stack = await startStack({ fastWaits: true });
  countyAdmin = api(stack.url, await login(stack.url, 'sun.guanli'));
  const config = (await api(stack.url).get<{ oidc: { issuer: string; clientId: string } }>('/config.json')).body;
  oidc = { issuer: config.oidc.issuer, clientId: config.oidc.clientId };
});

afterAll(async () => {
  await stack?.discard();
});

describe('a staff account from creation to refusal', () => {
  let token = '';

  it('is created by the county administrator, unlinked until the person signs in', async () => {
    const created = await countyAdmin.post('/users', {
      username: 'mo.zhijian',
      displayName: '莫新',
      roles: ['inspector'],
      county: COUNTY,
      township: TOWNSHIP,
    });
    expect(created).toMatchObject({ status: 201, body: { username: 'mo.zhijian', linked: false, enabled: true } });
  });

  it('signs in through the issuer with PKCE; the first sign-in links the account and answers the name', async () => {
    await issuerAccount('mo.zhijian', '莫新');
    await expect(signIn('mo.zhijian', 'wrong-password')).rejects.toThrow(/refused/);
    token = await signIn('mo.zhijian');
    const me = await api(stack.url, token).get('/me');
    expect(me).toMatchObject({
      status: 200,
      body: { username: 'mo.zhijian', displayName: '莫新', roles: ['inspector'], township: TOWNSHIP },
    });
    expect((await api(stack.url, token).get(`/tasks?township=${TOWNSHIP}`)).status).toBe(200);
  });

  it('is refused within the staleness bound once disabled, on every function', async () => {
    const disabled = await countyAdmin.patch('/users/mo.zhijian', { enabled: false });
    expect(disabled).toMatchObject({ status: 200, body: { enabled: false } });
    const refused = await eventually(
      async () => {
        const answer = await api(stack.url, token).get(`/tasks?township=${TOWNSHIP}`);
        return answer.status === 403 ? answer : undefined;
      },
      15_000,
      'the disabled account refused',
    );
    expect(refused.body).toMatchObject({ message: { zh: expect.stringContaining('已停用') } });
    expect((await api(stack.url, token).get('/me')).status).toBe(403);
  });

  it('keeps every change in the account chain, verified', async () => {
    const history = await countyAdmin.get<{ chainVerified: boolean; events: { type: string; actor: string }[] }>(
      '/users/mo.zhijian/history',
    );
    expect(history.status).toBe(200);
    expect(history.body.chainVerified).toBe(true);
    expect(history.body.events.map((event) => [event.type, event.actor])).toEqual([
      ['create', 'sun.guanli'],
      ['link', 'mo.zhijian'],
      ['change', 'sun.guanli'],
    ]);
  });
});

describe('who may manage whom', () => {
  let townshipAdmin: ReturnType<typeof api>;

  beforeAll(async () => {
    const created = await countyAdmin.post('/users', {
      username: 'nong.guanli',
      displayName: '农丽',
      roles: ['admin'],
      county: COUNTY,
      township: TOWNSHIP,
    });
    expect(created.status).toBe(201);
    await issuerAccount('nong.guanli', '农丽');
    townshipAdmin = api(stack.url, await signIn('nong.guanli'));
    expect((await townshipAdmin.get('/me')).status).toBe(200);
  });

  it('lets a township administrator add staff to the township and nowhere else', async () => {
    const own = await townshipAdmin.post('/users', {
      username: 'lu.minzheng',
      displayName: '陆芳',
      roles: ['civil-affairs'],
      county: COUNTY,
      township: TOWNSHIP,
    });
    const countyLevel = await townshipAdmin.post('/users', {
      username: 'lu.caizheng',
      displayName: '陆军',
      roles: ['finance'],
      county: COUNTY,
    });
    expect(own.status).toBe(201);
    expect(countyLevel.status).toBe(403);
    expect((await countyAdmin.get('/users/lu.caizheng/history')).status).toBe(404);
  });

  it('never lets anyone change their own roles or jurisdiction', async () => {
    const promote = await townshipAdmin.patch('/users/nong.guanli', { jurisdiction: { county: COUNTY } });
    const roles = await countyAdmin.patch('/users/sun.guanli', { roles: ['admin', 'finance'] });
    expect(promote.status).toBe(403);
    expect(roles.status).toBe(403);
    const me = await townshipAdmin.get('/me');
    expect(me.body).toMatchObject({ township: TOWNSHIP, roles: ['admin'] });
  });

  it('answers people by name to the staff of the county', async () => {
    const clerk = api(stack.url, await login(stack.url, 'he.zhujian'));
    const names = await clerk.get('/users/names?usernames=sun.guanli,lu.minzheng,nobody');
    expect(names.body).toEqual({ names: { 'sun.guanli': '孙磊（系统管理员）', 'lu.minzheng': '陆芳' } });
  });

  it('shows a leader the reports and households of the county, and lets them act on nothing', async () => {
    const leader = api(stack.url, await login(stack.url, 'deng.lingdao'));
    expect((await leader.get(`/reports/progress?county=${COUNTY}`)).status).toBe(200);
    expect((await leader.get(`/households?county=${COUNTY}`)).status).toBe(200);
    expect((await leader.put(`/programs/${demoProgram.programId}`, demoProgram)).status).toBe(403);
    expect((await leader.get('/users')).status).toBe(403);
  });
});
