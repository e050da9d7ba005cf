/**
 * Who signed a request: the SigV4 signature is checked with the one verifier of the twin (`twin/services/s3/sigv4.ts`,
 * the S3 front's), against the secret of the access key it names, and a session's token must come with it
 * (signed), as AWS checks temporary credentials. The answer names the caller for IAM.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { parseQuery, type ReceivedRequest, verifySigV4 } from '../services/s3/sigv4';
import type { Caller } from './authorizer';
import type { CredentialStore } from './credentials';

export type Authenticated = {
  readonly ok: true;
  readonly caller: Caller;
  readonly accessKeyId: string;
  readonly form: 'header' | 'query';
  readonly payloadHash: string;
  /** When the request was signed (`X-Amz-Date`). */
  readonly signedAt: Date;
};
export type Refused = { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

/** JSON services (DynamoDB, Step Functions) answer authentication failures with these codes. */
const JSON_SERVICE_CODES: Record<string, string> = {
  SignatureDoesNotMatch: 'InvalidSignatureException',
  InvalidAccessKeyId: 'UnrecognizedClientException',
  AccessDenied: 'MissingAuthenticationTokenException',
  RequestTimeTooSkewed: 'InvalidSignatureException',
};

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function signingDateOf(request: ReceivedRequest, query: string | undefined): Date {
  const text = query ?? header(request.headers, 'x-amz-date') ?? '';
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) return new Date();
  const [, year, month, day, hour, minute, second] = match.map(Number);
  return new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1, hour ?? 0, minute ?? 0, second ?? 0));
}

export async function authenticate(
  request: ReceivedRequest,
  options: {
    readonly store: CredentialStore;
    readonly region: string;
    /** The signing name: `dynamodb`, `states`, `s3`. */
    readonly service: string;
    readonly bodySha256?: string;
  },
): Promise<Authenticated | Refused> {
  const json = options.service !== 's3';
  const verification = await verifySigV4(request, {
    credentials: (accessKeyId) => {
      const known = options.store.lookup(accessKeyId);
      return known ? { accessKeyId, secretAccessKey: known.secretAccessKey } : undefined;
    },
    region: options.region,
    service: options.service,
    ...(options.bodySha256 === undefined ? {} : { bodySha256: options.bodySha256 }),
  });
  if (!verification.ok) {
    const code = json ? (JSON_SERVICE_CODES[verification.code] ?? verification.code) : verification.code;
    const message =
      code === 'UnrecognizedClientException'
        ? 'The security token included in the request is invalid.'
        : verification.message;
    return { ok: false, status: json ? 400 : verification.status, code, message };
  }
  // A client may send the body's hash in x-amz-content-sha256: the signature then covers that header, not the body.
  if (options.bodySha256 !== undefined && verification.payloadHash !== options.bodySha256) {
    return {
      ok: false,
      status: 400,
      code: json ? 'InvalidSignatureException' : 'XAmzContentSHA256Mismatch',
      message: 'The request signature we calculated does not match the signature you provided.',
    };
  }
  const known = options.store.lookup(verification.accessKeyId);
  if (!known) return { ok: false, status: 403, code: 'InvalidAccessKeyId', message: 'Unknown access key.' };
  const query = parseQuery(request.rawQuery) ?? {};
  const queryText = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : undefined);
  const queryToken = queryText('X-Amz-Security-Token');
  const token = verification.form === 'query' ? queryToken : header(request.headers, 'x-amz-security-token');
  if (known.sessionToken !== undefined && token !== known.sessionToken) {
    return json
      ? {
          ok: false,
          status: 400,
          code: 'UnrecognizedClientException',
          message: 'The security token included in the request is invalid.',
        }
      : {
          ok: false,
          status: 400,
          code: 'InvalidToken',
          message: 'The provided token is malformed or otherwise invalid.',
        };
  }
  const queryDate = verification.form === 'query' ? queryText('X-Amz-Date') : undefined;
  return {
    ok: true,
    caller: known.caller,
    accessKeyId: verification.accessKeyId,
    form: verification.form,
    payloadHash: verification.payloadHash,
    signedAt: signingDateOf(request, queryDate),
  };
}
