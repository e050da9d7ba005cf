import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oidcSignIn } from '../../../../tools/api-client/oidc';
import {
  claimsAsApiGatewayStrings,
  createIdentityProvider,
  DEMO_PASSWORD,
  type IdentityProvider,
  subjectOf,
} from '../../../../twin/services/identity';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'anju-identity-'));
const people = [{ username: 'he.zhujian', displayName: '何勇' }];
let server: Server;
let origin = '';
let idp: IdentityProvider;

/** A provider over `folder` on a server of its own (a restart of the twin on another port). */
async function serve(folder: string) {
  let provider: IdentityProvider | undefined;
  const other = createServer((request, response) => provider?.handle(request, response));
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  const at = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  provider = await createIdentityProvider({ dataDir: folder, origin: at, clientId: 'anju-console' });
  return { idp: provider, close: () => new Promise((resolve) => other.close(resolve)) };
}

beforeAll(async () => {
  server = createServer((request, response) => idp.handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  idp = await createIdentityProvider({ dataDir, origin, clientId: 'anju-console', demoPeople: people });
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the local OpenID Connect issuer', () => {
  it('signs ID tokens that say who signed in and nothing of roles or places, valid 12 hours', async () => {
    const claims = decodeJwt(await idp.issue('he.zhujian'));
    expect(claims).toMatchObject({
      iss: `${origin}/oidc`,
      aud: 'anju-console',
      sub: subjectOf('he.zhujian'),
      preferred_username: 'he.zhujian',
      name: '何勇',
    });
    expect(Object.keys(claims).filter((claim) => claim.includes(':'))).toEqual([]);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(12 * 60 * 60);
  });

  it('verifies as API Gateway does: signature from the JWKS, issuer and audience; a restart keeps the key', async () => {
    const token = await idp.issue('he.zhujian');
    await expect(idp.verify(token)).resolves.toMatchObject({ preferred_username: 'he.zhujian' });
    await expect(idp.verify(token, ['another-client'])).rejects.toThrow();
    const restarted = await createIdentityProvider({ dataDir, origin, clientId: 'anju-console' });
    await expect(idp.verify(await restarted.issue('he.zhujian'))).resolves.toBeTruthy();
    // Started again on another port: tokens of the earlier port, same key, are still this issuer's.
    const moved = await serve(dataDir);
    try {
      await expect(moved.idp.verify(token)).resolves.toMatchObject({ iss: `${origin}/oidc` });
    } finally {
      await moved.close();
    }
    const stranger = await createIdentityProvider({
      dataDir: mkdtempSync(path.join(os.tmpdir(), 'anju-identity-other-')),
      origin,
      clientId: 'anju-console',
      demoPeople: people,
    });
    await expect(idp.verify(await stranger.issue('he.zhujian'))).rejects.toThrow();
  });

  it('refuses a token signed by another key, even with the same claims', async () => {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = await exportJWK(privateKey);
    const forged = await new SignJWT({ preferred_username: 'he.zhujian' })
      .setProtectedHeader({ alg: 'RS256', kid: String(jwk.kid ?? 'x') })
      .setSubject(subjectOf('he.zhujian'))
      .setIssuer(`${origin}/oidc`)
      .setAudience('anju-console')
      .setExpirationTime('1h')
      .sign(privateKey);
    await expect(idp.verify(forged)).rejects.toThrow();
  });

  it('signs a person in with the code flow and PKCE, refusing a wrong password', async () => {
    const flow = {
      issuer: `${origin}/oidc`,
      clientId: 'anju-console',
      redirectUri: `${origin}/`,
      username: 'he.zhujian',
    };

    const { idToken } = await oidcSignIn({ ...flow, password: DEMO_PASSWORD });

    await expect(idp.verify(idToken)).resolves.toMatchObject({ sub: subjectOf('he.zhujian'), name: '何勇' });
    await expect(oidcSignIn({ ...flow, password: 'wrong-password' })).rejects.toThrow(/refused/);
  });

  it('gives demo staff the demo password, and new accounts their own', async () => {
    expect(DEMO_PASSWORD.length).toBeGreaterThanOrEqual(8);
    const { subject } = await idp.saveAccount({
      username: 'new.staff',
      displayName: '新同事',
      password: 'pw-12345678',
    });
    expect(idp.account('new.staff')).toEqual({ username: 'new.staff', displayName: '新同事', subject });
    await expect(idp.issue('nobody')).rejects.toThrow(RangeError);
  });
});

describe('claimsAsApiGatewayStrings', () => {
  it('turns lists into the [a b] form and every value into a string', () => {
    expect(claimsAsApiGatewayStrings({ groups: ['a', 'b'], n: 1, ok: true, skip: undefined })).toEqual({
      groups: '[a b]',
      n: '1',
      ok: 'true',
    });
  });
});
