/**
 * The local identity provider: an OpenID Connect issuer like a county's own (a province's unified identity service,
 * a Keycloak), served by the twin at `/oidc` with `oidc-provider`: discovery
 * (`/oidc/.well-known/openid-configuration`), JWKS, the authorization endpoint with PKCE (S256, required of the
 * public console client), the token endpoint, and a login page with real accounts whose passwords are hashed with
 * argon2. Its ID tokens carry only who signed in (`sub`, `preferred_username`, `name`): roles and jurisdiction are
 * Anju's users table's. `POST /auth/dev-login` signs the same ID token without a password, for scripts and tests.
 *
 * The signing key (RS256), the cookie key and the accounts are kept in the data folder, so tokens and passwords
 * outlive a restart; sessions and codes live in memory (a restart signs people out of the issuer, not of the
 * console, whose token stays valid). Demo staff get the documented demo password at first start.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { hash, verify as verifyPassword } from '@node-rs/argon2';
import {
  createRemoteJWKSet,
  decodeJwt,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import Provider, { type Configuration, errors, type KoaContextWithOIDC } from 'oidc-provider';

import { DEMO_PASSWORD } from '../../tools/demo/users';

export { DEMO_PASSWORD };
export const ISSUER_PATH = '/oidc';
/** The console's client id when the template names no audience. */
export const DEFAULT_CLIENT_ID = 'anju-local-client';
export const TOKEN_LIFETIME_SECONDS = 12 * 60 * 60;
const ALGORITHM = 'RS256';

/**
 * Where the issuer keeps sessions, interactions, codes and grants: in memory, as oidc-provider's own quick-start
 * adapter does, written out so the twin says what it chose instead of printing that adapter's warning at each start.
 */
class MemoryAdapter {
  private static readonly items = new Map<string, { payload: Record<string, unknown>; expiresAt: number }>();
  constructor(private readonly model: string) {}
  private key(id: string): string {
    return `${this.model}:${id}`;
  }
  private live(key: string): Record<string, unknown> | undefined {
    const found = MemoryAdapter.items.get(key);
    if (!found) return undefined;
    if (found.expiresAt <= Date.now()) {
      MemoryAdapter.items.delete(key);
      return undefined;
    }
    return found.payload;
  }
  async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number): Promise<void> {
    const expiresAt = expiresIn === undefined ? Number.POSITIVE_INFINITY : Date.now() + expiresIn * 1000;
    MemoryAdapter.items.set(this.key(id), { payload, expiresAt });
  }
  async find(id: string) {
    return this.live(this.key(id));
  }
  async findByUid(uid: string) {
    return this.findBy('uid', uid);
  }
  async findByUserCode(userCode: string) {
    return this.findBy('userCode', userCode);
  }
  private findBy(field: string, value: string) {
    for (const key of MemoryAdapter.items.keys()) {
      if (!key.startsWith(`${this.model}:`)) continue;
      const payload = this.live(key);
      if (payload?.[field] === value) return payload;
    }
    return undefined;
  }
  async consume(id: string): Promise<void> {
    const payload = this.live(this.key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id: string): Promise<void> {
    MemoryAdapter.items.delete(this.key(id));
  }
  async revokeByGrantId(grantId: string): Promise<void> {
    for (const [key, { payload }] of MemoryAdapter.items)
      if (payload.grantId === grantId) MemoryAdapter.items.delete(key);
  }
}

export type LocalPerson = { readonly username: string; readonly displayName: string };

type StoredAccount = { username: string; displayName: string; subject: string; passwordHash: string };

export type IdentityProvider = {
  /** `http://127.0.0.1:<port>/oidc`: what the console discovers and every ID token's `iss`. */
  readonly issuer: string;
  /** The console's client id: the `aud` of its ID tokens and the audience the API checks. */
  readonly clientId: string;
  /** Serves `/oidc/*` (the issuer's endpoints and its login page). */
  handle(request: IncomingMessage, response: ServerResponse): void;
  /** An ID token for a local account as the issuer signs it at sign-in, without the password (dev-login). */
  issue(username: string): Promise<string>;
  /**
   * Verifies a token as API Gateway's JWT authorizer does: the issuer's JWKS from discovery, `iss`, `aud`, `exp`
   * (`iss` may also be this data folder's issuer under an earlier port, signed with the same key).
   */
  verify(token: string, audience?: readonly string[]): Promise<JWTPayload>;
  /** Adds or replaces an account of the issuer (its IT office's job at a real issuer). */
  saveAccount(account: LocalPerson & { password: string }): Promise<{ subject: string }>;
  account(username: string): { username: string; displayName: string; subject: string } | undefined;
};

/** A stable subject per user name, shaped like the UUIDs issuers use, so audit trails stay readable. */
export function subjectOf(username: string): string {
  const hex = createHash('sha256').update(`anju-local:${username}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

async function loadOrCreateKey(folder: string): Promise<JWK> {
  const file = path.join(folder, 'signing-key.json');
  const stored = readJson<JWK>(file);
  if (stored?.kty === 'RSA' && typeof stored.d === 'string' && stored.alg === ALGORITHM) return stored;
  const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), alg: ALGORITHM, use: 'sig', kid: randomBytes(8).toString('hex') };
  writeFileSync(file, JSON.stringify(jwk), { mode: 0o600 });
  return jwk;
}

function loadOrCreateSecret(folder: string): string {
  const file = path.join(folder, 'cookie-key.txt');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,"Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;background:#f0f2f5;margin:0;color:#1f1f1f}
main{max-width:360px;margin:10vh auto;background:#fff;padding:28px;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.12)}
h1{font-size:20px;margin:0 0 4px}p.sub{margin:0 0 20px;color:#595959;font-size:14px}
label{display:block;margin:14px 0 6px;font-size:14px}
input{box-sizing:border-box;width:100%;padding:9px 10px;font-size:16px;border:1px solid #8c8c8c;border-radius:6px}
button{margin-top:22px;width:100%;padding:10px;font-size:16px;background:#0958d9;color:#fff;border:0;border-radius:6px;cursor:pointer}
.error{background:#fff1f0;border:1px solid #ffa39e;color:#a8071a;padding:8px 10px;border-radius:6px;font-size:14px}
.note{margin-top:18px;color:#595959;font-size:13px}
</style></head><body><main>${body}</main></body></html>`;
}

function loginPage(uid: string, failed: boolean, username = ''): string {
  return page(
    '安居 · 统一身份认证',
    `<h1>统一身份认证</h1><p class="sub">登录安居（农村危房改造）工作台 · Sign in to Anju</p>
${failed ? '<p class="error" role="alert" data-testid="oidc-error">用户名或密码不正确 · Wrong user name or password</p>' : ''}
<form method="post" action="${ISSUER_PATH}/interaction/${escapeHtml(uid)}/login" autocomplete="on">
<label for="username">用户名 · User name</label>
<input id="username" name="username" autocomplete="username" required value="${escapeHtml(username)}" autofocus>
<label for="password">密码 · Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" data-testid="oidc-submit">登录 · Sign in</button>
</form>
<p class="note">本机演示环境：演示账号的密码见 README。Local twin: demo accounts use the demo password in the README.</p>`,
  );
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 16 * 1024) break;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export type IdentityOptions = {
  readonly dataDir: string;
  /** The twin's own origin, `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** The console's client id (the template's JWT audience). @default DEFAULT_CLIENT_ID */
  readonly clientId?: string;
  /** Accounts that exist with DEMO_PASSWORD from the first start on. */
  readonly demoPeople?: readonly LocalPerson[];
};

/** Starts the issuer (keys and accounts from the data folder; the demo password hashed once per data folder). */
export async function createIdentityProvider(options: IdentityOptions): Promise<IdentityProvider> {
  const folder = path.join(options.dataDir, 'identity');
  mkdirSync(folder, { recursive: true });
  const issuer = `${options.origin}${ISSUER_PATH}`;
  const clientId = options.clientId || DEFAULT_CLIENT_ID;
  const jwk = await loadOrCreateKey(folder);
  const signingKey = await importJWK(jwk, ALGORITHM);
  const accountsFile = path.join(folder, 'accounts.json');
  const accounts = new Map<string, StoredAccount>(
    Object.entries(readJson<Record<string, StoredAccount>>(accountsFile) ?? {}),
  );
  const persist = () =>
    writeFileSync(accountsFile, JSON.stringify(Object.fromEntries(accounts), null, 1), { mode: 0o600 });
  const missing = (options.demoPeople ?? []).filter((person) => !accounts.has(person.username));
  if (missing.length > 0) {
    // One argon2 hash for the one demo password (about 30 ms): a start does not hash it per account.
    const demoHash = await hash(DEMO_PASSWORD);
    for (const person of missing) {
      accounts.set(person.username, { ...person, subject: subjectOf(person.username), passwordHash: demoHash });
    }
    persist();
  }
  const bySubject = (subject: string) => [...accounts.values()].find((account) => account.subject === subject);
  // A restart may serve the same data folder on another port: tokens it signed before (same key) stay valid, as they
  // do across a restart on AWS. The issuers this folder was served as are remembered (the last 20).
  const issuersFile = path.join(folder, 'issuers.json');
  const issuers = [issuer, ...(readJson<string[]>(issuersFile) ?? []).filter((known) => known !== issuer)].slice(0, 20);
  writeFileSync(issuersFile, JSON.stringify(issuers));

  const origins = [options.origin, options.origin.replace('127.0.0.1', 'localhost')];
  // The console served by the twin, and by `npm run dev:console` (Vite's port) through its proxy.
  const redirectUris = [...origins, 'http://localhost:5173', 'http://127.0.0.1:5173'].map((origin) => `${origin}/`);
  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_name: '安居工作台',
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: redirectUris,
        post_logout_redirect_uris: redirectUris,
      },
    ],
    adapter: MemoryAdapter,
    jwks: { keys: [jwk] },
    cookies: { keys: [loadOrCreateSecret(folder)] },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
    // Like Keycloak: the profile claims ride in the ID token, which is what the console sends to the API.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    pkce: { required: () => true },
    ttl: { IdToken: TOKEN_LIFETIME_SECONDS, AccessToken: TOKEN_LIFETIME_SECONDS, Interaction: 3600 },
    interactions: { url: (_ctx, interaction) => `${ISSUER_PATH}/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const account = bySubject(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: async () => ({ sub, name: account.displayName, preferred_username: account.username }),
      };
    },
    // The console is the issuer's own first-party client: signing in is consent.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const session = ctx.oidc.session;
      const client = ctx.oidc.client;
      if (!session?.accountId || !client) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid profile offline_access');
      grant.addOIDCClaims(['name', 'preferred_username']);
      await grant.save();
      return grant;
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page(
        '安居 · 登录出错',
        `<h1>登录出错 · Sign-in failed</h1><p class="error" role="alert">${escapeHtml(String(out.error_description ?? out.error))}</p><p class="note"><a href="${escapeHtml(options.origin)}/">返回安居工作台 · Back to Anju</a></p>`,
      );
    },
  };
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();

  async function interaction(request: IncomingMessage, response: ServerResponse, rest: string): Promise<void> {
    const [uid = '', action] = rest.split('/');
    response.setHeader('cache-control', 'no-store');
    try {
      const details = await provider.interactionDetails(request, response);
      if (details.uid !== uid) throw new errors.SessionNotFound('interaction mismatch');
      if (request.method === 'POST' && action === 'login') {
        const form = await readForm(request);
        const username = (form.get('username') ?? '').trim().toLowerCase();
        const account = accounts.get(username);
        const ok = account !== undefined && (await verifyPassword(account.passwordHash, form.get('password') ?? ''));
        if (!account || !ok) {
          response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          response.end(loginPage(uid, true, username));
          return;
        }
        await provider.interactionFinished(
          request,
          response,
          { login: { accountId: account.subject } },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(loginPage(uid, false));
    } catch {
      response.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
      response.end(
        page(
          '安居 · 登录已过期',
          `<h1>登录页面已过期 · This sign-in expired</h1><p class="note"><a href="${escapeHtml(options.origin)}/">重新登录 · Sign in again</a></p>`,
        ),
      );
    }
  }

  let keys: ReturnType<typeof createRemoteJWKSet> | undefined;
  async function remoteKeys() {
    if (keys) return keys;
    // As API Gateway does: the issuer's discovery document names its JWKS.
    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
      issuer?: string;
      jwks_uri?: string;
    };
    if (discovery.issuer !== issuer || !discovery.jwks_uri)
      throw new Error('the discovery document names another issuer');
    keys = createRemoteJWKSet(new URL(discovery.jwks_uri));
    return keys;
  }

  return {
    issuer,
    clientId,
    handle(request, response) {
      const url = request.url ?? '/';
      const rest = url.slice(ISSUER_PATH.length);
      if (rest.startsWith('/interaction/')) {
        void interaction(request, response, rest.slice('/interaction/'.length).split('?')[0] ?? '');
        return;
      }
      // Mounted under /oidc: oidc-provider finds its mount path from originalUrl (as under Express).
      Object.assign(request, { originalUrl: url, url: rest === '' ? '/' : rest });
      void callback(request, response);
    },
    async issue(username) {
      const account = accounts.get(username);
      if (!account) throw new RangeError(`no local account ${username}`);
      return new SignJWT({
        preferred_username: account.username,
        name: account.displayName,
        auth_time: Math.floor(Date.now() / 1000),
      })
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT', ...(jwk.kid ? { kid: jwk.kid } : {}) })
        .setSubject(account.subject)
        .setIssuer(issuer)
        .setAudience(clientId)
        .setIssuedAt()
        .setJti(randomBytes(12).toString('hex'))
        .setExpirationTime(`${TOKEN_LIFETIME_SECONDS}s`)
        .sign(signingKey);
    },
    async verify(token, audience) {
      const audiences = audience && audience.length > 0 ? [...audience] : [clientId];
      // API Gateway accepts an ID token by its `aud` and an access token (no `aud`) by its `client_id`.
      const unverified = decodeJwt(token);
      const byClientId = unverified.aud === undefined && typeof unverified.client_id === 'string';
      const { payload } = await jwtVerify(token, await remoteKeys(), {
        algorithms: [ALGORITHM],
        issuer: issuers,
        ...(byClientId ? {} : { audience: audiences }),
      });
      if (byClientId && !audiences.includes(String(payload.client_id))) {
        throw new Error('the token was issued for another client');
      }
      return payload;
    },
    async saveAccount({ username, displayName, password }) {
      const existing = accounts.get(username);
      const subject = existing?.subject ?? subjectOf(username);
      accounts.set(username, { username, displayName, subject, passwordHash: await hash(password) });
      persist();
      return { subject };
    },
    account(username) {
      const found = accounts.get(username);
      return found ? { username: found.username, displayName: found.displayName, subject: found.subject } : undefined;
    },
  };
}

/**
 * Claims as API Gateway (HTTP API, JWT authorizer) hands them to Lambda: every value a string,
 * lists in the form `[a b]`.
 */
export function claimsAsApiGatewayStrings(payload: JWTPayload): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) claims[key] = `[${value.map(String).join(' ')}]`;
    else if (typeof value === 'object') claims[key] = JSON.stringify(value);
    else claims[key] = String(value);
  }
  return claims;
}

/** The scopes API Gateway lists for a token: the space-separated `scope` claim of an access token. */
export function scopesOf(payload: JWTPayload): string[] | null {
  return typeof payload.scope === 'string' && payload.scope.trim() !== '' ? payload.scope.trim().split(/\s+/) : null;
}
