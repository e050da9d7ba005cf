/**
 * The local identity provider: it issues the same JWTs as the Cognito user pool of the stack
 * (an ID token with `sub`, `cognito:username`, `cognito:groups`, `custom:county`,
 * `custom:township`, `iss`, `aud`, `token_use`, 12 h expiry) for the seeded demo users, and
 * verifies them for the local JWT authorizer. The signing key is generated at first start and
 * kept in the data folder, so tokens stay valid across restarts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeJwt, type JWTPayload, jwtVerify, SignJWT } from 'jose';

export type DevUser = {
  readonly username: string;
  readonly displayName: string;
  readonly roles: readonly string[];
  readonly county: string;
  readonly township?: string;
};

/** Used when the template has no JWT authorizer to copy the issuer and audience from. */
export const DEFAULT_ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_local';
export const DEFAULT_AUDIENCE = 'anju-local-client';
export const TOKEN_LIFETIME_SECONDS = 12 * 60 * 60;
const ALGORITHM = 'HS256';

export type IdentityProvider = {
  readonly issuer: string;
  readonly audience: string;
  /** A signed ID token for the user, valid 12 hours. */
  issue(user: DevUser): Promise<string>;
  /** The verified claims, or throws when the token is forged, expired or for another issuer or audience. */
  verify(token: string, expected?: { issuer?: string; audience?: readonly string[] }): Promise<JWTPayload>;
};

/** Cognito's `sub` is a UUID; a stable one per user name keeps audit trails readable across restarts. */
export function subjectOf(username: string): string {
  const hex = createHash('sha256').update(`anju-local:${username}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function loadOrCreateKey(dataDir: string): Uint8Array {
  const folder = path.join(dataDir, 'identity');
  const file = path.join(folder, 'signing-key.json');
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { alg?: string; secret?: string };
    if (stored.alg === ALGORITHM && typeof stored.secret === 'string' && stored.secret.length >= 64) {
      return Buffer.from(stored.secret, 'hex');
    }
  }
  mkdirSync(folder, { recursive: true });
  const secret = randomBytes(32);
  writeFileSync(file, JSON.stringify({ alg: ALGORITHM, secret: secret.toString('hex') }), { mode: 0o600 });
  return secret;
}

export function createIdentityProvider(options: {
  readonly dataDir: string;
  readonly issuer?: string;
  readonly audience?: string;
}): IdentityProvider {
  const key = loadOrCreateKey(options.dataDir);
  const issuer = options.issuer || DEFAULT_ISSUER;
  const audience = options.audience || DEFAULT_AUDIENCE;
  return {
    issuer,
    audience,
    issue(user) {
      const claims: JWTPayload = {
        'cognito:username': user.username,
        'cognito:groups': [...user.roles],
        'custom:county': user.county,
        ...(user.township ? { 'custom:township': user.township } : {}),
        name: user.displayName,
        token_use: 'id',
        auth_time: Math.floor(Date.now() / 1000),
      };
      return new SignJWT(claims)
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT', kid: 'anju-local' })
        .setSubject(subjectOf(user.username))
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setJti(randomBytes(12).toString('hex'))
        .setExpirationTime(`${TOKEN_LIFETIME_SECONDS}s`)
        .sign(key);
    },
    async verify(token, expected) {
      const audiences = expected?.audience && expected.audience.length > 0 ? [...expected.audience] : [audience];
      // API Gateway accepts an ID token by its `aud` and an access token (no `aud`) by its `client_id`.
      const unverified = decodeJwt(token);
      const byClientId = unverified.aud === undefined && typeof unverified.client_id === 'string';
      const { payload } = await jwtVerify(token, key, {
        algorithms: [ALGORITHM],
        issuer: expected?.issuer || issuer,
        ...(byClientId ? {} : { audience: audiences }),
      });
      if (byClientId && !audiences.includes(String(payload.client_id))) {
        throw new Error('the token was issued for another client');
      }
      return payload;
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
