/**
 * Temporary credentials, as STS gives a Lambda function for its role: an access key id starting `ASIA`, a secret
 * key, and a session token that must accompany every signed request. They are minted at each start and live only
 * in memory; a local service knows the caller from the access key id its signature names.
 *
 * The session token is as long as the ones Lambda hands out (about 1,100 characters of base64 for a Lambda
 * role; STS documents no fixed size), so a presigned URL, which carries it as `X-Amz-Security-Token`, is as long
 * locally as on AWS.
 */
import { randomBytes } from 'node:crypto';
import type { SigningCredentials } from '../services/s3/sigv4';
import type { Caller } from './authorizer';

/** The keys of the person running the twin (tests, tools, the operator's own scripts): not evaluated by IAM. */
export const OPERATOR_CREDENTIALS: SigningCredentials = {
  accessKeyId: 'anjulocal',
  secretAccessKey: 'anjulocalsecret',
};

/** 825 random bytes are 1,100 characters of base64. */
const SESSION_TOKEN_BYTES = 825;
const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export type SessionCredentials = SigningCredentials & {
  readonly sessionToken: string;
  readonly roleArn: string;
  readonly sessionName: string;
};

export type KnownKey = { readonly secretAccessKey: string; readonly sessionToken?: string; readonly caller: Caller };

function accessKeyId(): string {
  const bytes = randomBytes(16);
  let id = 'ASIA';
  for (const byte of bytes) id += KEY_ALPHABET[byte % KEY_ALPHABET.length];
  return id;
}

export class CredentialStore {
  private readonly keys = new Map<string, KnownKey>([
    [
      OPERATOR_CREDENTIALS.accessKeyId,
      { secretAccessKey: OPERATOR_CREDENTIALS.secretAccessKey, caller: { kind: 'operator' } },
    ],
  ]);

  /** New credentials for a session of `roleArn` named `sessionName` (Lambda names it after the function). */
  mint(roleArn: string, sessionName: string): SessionCredentials {
    const credentials: SessionCredentials = {
      accessKeyId: accessKeyId(),
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(SESSION_TOKEN_BYTES).toString('base64'),
      roleArn,
      sessionName,
    };
    this.keys.set(credentials.accessKeyId, {
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
      caller: { kind: 'role', roleArn, sessionName },
    });
    return credentials;
  }

  lookup(accessKeyId: string): KnownKey | undefined {
    return this.keys.get(accessKeyId);
  }

  /** The environment variables a function's sandbox signs with. */
  static environmentOf(credentials: SessionCredentials): Record<string, string> {
    return {
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SESSION_TOKEN: credentials.sessionToken,
    };
  }
}
