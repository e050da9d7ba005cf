import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeJwt, SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { claimsAsApiGatewayStrings, createIdentityProvider, subjectOf } from '../../../../twin/services/identity';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'anju-identity-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const user = {
  username: 'he.zhujian',
  displayName: '何勇',
  roles: ['construction'],
  county: '522327',
  township: '522327100',
};

describe('local identity provider', () => {
  it('issues Cognito-shaped ID tokens valid for 12 hours', async () => {
    const idp = createIdentityProvider({ dataDir, issuer: 'https://issuer.example', audience: 'client-1' });
    const claims = decodeJwt(await idp.issue(user));
    expect(claims).toMatchObject({
      sub: subjectOf('he.zhujian'),
      'cognito:username': 'he.zhujian',
      'cognito:groups': ['construction'],
      'custom:county': '522327',
      'custom:township': '522327100',
      iss: 'https://issuer.example',
      aud: 'client-1',
      token_use: 'id',
    });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(12 * 60 * 60);
  });

  it('verifies its own tokens across restarts (the key is kept in the data folder)', async () => {
    const token = await createIdentityProvider({ dataDir }).issue(user);
    const restarted = createIdentityProvider({ dataDir });
    await expect(restarted.verify(token)).resolves.toMatchObject({ 'cognito:username': 'he.zhujian' });
  });

  it('rejects a token signed with another key, for another audience, or expired', async () => {
    const idp = createIdentityProvider({ dataDir });
    const forged = await new SignJWT({ 'cognito:groups': ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(idp.issuer)
      .setAudience(idp.audience)
      .setExpirationTime('1h')
      .sign(new Uint8Array(32).fill(7));
    await expect(idp.verify(forged)).rejects.toThrow();
    const token = await idp.issue(user);
    await expect(idp.verify(token, { audience: ['another-client'] })).rejects.toThrow();
    await expect(idp.verify(token, { issuer: 'https://elsewhere.example' })).rejects.toThrow();
  });

  it('a county-level user has no township claim', async () => {
    const idp = createIdentityProvider({ dataDir });
    const claims = decodeJwt(
      await idp.issue({ username: 'li.zhujian', displayName: '李军', roles: ['construction'], county: '522327' }),
    );
    expect(claims).not.toHaveProperty('custom:township');
  });
});

describe('claimsAsApiGatewayStrings', () => {
  it('renders every claim as a string and lists as [a b], as API Gateway does', () => {
    expect(
      claimsAsApiGatewayStrings({
        'cognito:groups': ['construction', 'finance'],
        exp: 1700000000,
        email_verified: true,
        sub: 's',
      }),
    ).toEqual({
      'cognito:groups': '[construction finance]',
      exp: '1700000000',
      email_verified: 'true',
      sub: 's',
    });
  });
});
