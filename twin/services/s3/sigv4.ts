import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * SigV4 verification for the local S3 front: the signature is recomputed with the same signer the SDK uses
 * (`@smithy/signature-v4`, S3 flavour: no double path encoding) over the request as received.
 */

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A request as it arrived: the path and query still percent-encoded exactly as the client sent them. */
export interface ReceivedRequest {
  method: string;
  rawPath: string;
  rawQuery: string;
  headers: IncomingHttpHeaders;
}

export type Verification =
  | { ok: true; form: 'header' | 'query'; accessKeyId: string; payloadHash: string }
  | { ok: false; status: number; code: string; message: string };

type SignableRequest = Parameters<SignatureV4['presign']>[0];
type Query = Record<string, string | string[]>;

const ALGORITHM = 'AWS4-HMAC-SHA256';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const MAX_SKEW_MS = 15 * 60 * 1000;
const MAX_PRESIGNED_SECONDS = 7 * 24 * 60 * 60;
/** The query parameters that carry a presigned request's authentication; the rest of the query is signed content. */
export const PRESIGN_QUERY_PARAMS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token',
];

const refuse = (status: number, code: string, message: string): Verification => ({ ok: false, status, code, message });
const accessDenied = (message: string) => refuse(403, 'AccessDenied', message);
const mismatch = () =>
  refuse(
    403,
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  );

export async function verifySigV4(
  request: ReceivedRequest,
  expected: {
    /** The one key pair accepted, or a lookup of the secret behind an access key id (undefined: unknown key). */
    credentials: SigningCredentials | ((accessKeyId: string) => SigningCredentials | undefined);
    region: string;
    service: string;
    now?: Date;
    /**
     * The SHA-256 (hex) of the body as received, for services whose clients sign the body's hash without sending
     * it in `x-amz-content-sha256` (DynamoDB, Step Functions); S3 clients always send the header.
     */
    bodySha256?: string;
  },
): Promise<Verification> {
  const query = parseQuery(request.rawQuery);
  if (query === undefined) return refuse(400, 'InvalidArgument', 'The query string is not valid percent-encoding.');
  const authorization = headerValue(request.headers, 'authorization');
  const presigned = 'X-Amz-Algorithm' in query;
  if (authorization !== undefined && presigned)
    return refuse(
      400,
      'InvalidArgument',
      'Only one auth mechanism allowed: the Authorization header or a presigned URL.',
    );
  if (authorization === undefined && !presigned)
    return accessDenied(
      'Anonymous requests are refused: sign the request with SigV4 (an SDK client or a presigned URL).',
    );

  const fields = presigned ? presignedFields(query) : headerFields(authorization ?? '', request.headers);
  if ('ok' in fields) return fields;
  const { credential, signedHeaders, signature, amzDate } = fields;
  const form = presigned ? 'query' : 'header';

  if (fields.algorithm !== ALGORITHM)
    return refuse(400, 'InvalidArgument', `Only ${ALGORITHM} signatures are accepted.`);
  const [accessKeyId, scopeDate, scopeRegion, scopeService, terminator, ...extra] = credential.split('/');
  if (accessKeyId === undefined || terminator !== 'aws4_request' || extra.length > 0)
    return refuse(
      400,
      'AuthorizationHeaderMalformed',
      'The credential must look like KEY/yyyymmdd/region/s3/aws4_request.',
    );
  const credentials =
    typeof expected.credentials === 'function'
      ? expected.credentials(accessKeyId)
      : expected.credentials.accessKeyId === accessKeyId
        ? expected.credentials
        : undefined;
  if (credentials === undefined)
    return refuse(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  if (scopeRegion !== expected.region || scopeService !== expected.service)
    return refuse(
      400,
      'AuthorizationHeaderMalformed',
      `The credential scope must name region ${expected.region} and service ${expected.service}.`,
    );
  const signingDate = parseAmzDate(amzDate);
  if (signingDate === undefined || scopeDate !== amzDate.slice(0, 8))
    return accessDenied('X-Amz-Date must be a yyyymmddThhmmssZ time on the day of the credential scope.');

  const now = (expected.now ?? new Date()).getTime();
  if (signedHeaders.length === 0 || !signedHeaders.includes('host'))
    return accessDenied('The host header must be among the signed headers.');

  let computed: string | undefined;
  let payloadHash: string;
  const signer = new SignatureV4({
    credentials,
    region: expected.region,
    service: expected.service,
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = headerValue(request.headers, name);
    if (value !== undefined) headers[name] = value;
  }
  const base = { method: request.method, protocol: 'http:', hostname: 'localhost', path: request.rawPath };

  if (presigned) {
    const expires = Number(query['X-Amz-Expires']);
    if (!Number.isInteger(expires) || expires < 1 || expires > MAX_PRESIGNED_SECONDS)
      return refuse(400, 'AuthorizationQueryParametersError', 'X-Amz-Expires must be between 1 and 604800 seconds.');
    if (signingDate.getTime() - now > MAX_SKEW_MS) return accessDenied('Request is not valid yet.');
    if (signingDate.getTime() + expires * 1000 < now) return accessDenied('Request has expired.');
    const queryHash = query['X-Amz-Content-Sha256'];
    payloadHash = typeof queryHash === 'string' ? queryHash : UNSIGNED_PAYLOAD;
    const signedQuery: Query = {};
    for (const [name, value] of Object.entries(query)) {
      if (!PRESIGN_QUERY_PARAMS.includes(name) || name === 'X-Amz-Security-Token') signedQuery[name] = value;
    }
    // The signer takes the payload hash from this header; it is neither signed (unless the client did) nor moved
    // into the query, so the canonical request is exactly the client's.
    const hashHeader: Record<string, string> = signedHeaders.includes('x-amz-content-sha256')
      ? {}
      : { 'x-amz-content-sha256': payloadHash };
    const toSign: SignableRequest = { ...base, query: signedQuery, headers: { ...headers, ...hashHeader } };
    const result = await signer.presign(toSign, {
      signingDate,
      expiresIn: expires,
      signableHeaders: new Set(signedHeaders),
      unsignableHeaders: new Set(Object.keys(hashHeader)),
      unhoistableHeaders: new Set([...signedHeaders, ...Object.keys(hashHeader)]),
    });
    const value = result.query?.['X-Amz-Signature'];
    computed = typeof value === 'string' ? value : undefined;
  } else {
    if (Math.abs(signingDate.getTime() - now) > MAX_SKEW_MS)
      return refuse(
        403,
        'RequestTimeTooSkewed',
        'The difference between the request time and the current time is too large.',
      );
    const hashValue = headerValue(request.headers, 'x-amz-content-sha256') ?? expected.bodySha256;
    if (hashValue === undefined)
      return refuse(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256.');
    payloadHash = hashValue;
    // The signer would add x-amz-date and x-amz-content-sha256 to the signed headers: keep them out when the client
    // did not sign them.
    const notSigned = ['x-amz-date', 'x-amz-content-sha256'].filter((name) => !signedHeaders.includes(name));
    const toSign: SignableRequest = {
      ...base,
      query,
      headers: { ...headers, 'x-amz-content-sha256': payloadHash },
    };
    const result = await signer.sign(toSign, {
      signingDate,
      signableHeaders: new Set(signedHeaders),
      unsignableHeaders: new Set(notSigned),
    });
    const auth = result.headers.authorization ?? '';
    computed = /Signature=([0-9a-f]+)/.exec(auth)?.[1];
  }

  if (computed === undefined || !sameText(computed, signature)) return mismatch();
  return { ok: true, form, accessKeyId, payloadHash };
}

interface SignatureFields {
  algorithm: string;
  credential: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
}

function presignedFields(query: Query): SignatureFields | Verification {
  const get = (name: string) => {
    const value = query[name];
    return typeof value === 'string' ? value : undefined;
  };
  const algorithm = get('X-Amz-Algorithm');
  const credential = get('X-Amz-Credential');
  const signedHeaders = get('X-Amz-SignedHeaders');
  const signature = get('X-Amz-Signature');
  const amzDate = get('X-Amz-Date');
  if (
    algorithm === undefined ||
    credential === undefined ||
    signedHeaders === undefined ||
    signature === undefined ||
    amzDate === undefined ||
    get('X-Amz-Expires') === undefined
  )
    return refuse(
      400,
      'AuthorizationQueryParametersError',
      'A presigned URL needs X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders and X-Amz-Signature.',
    );
  return { algorithm, credential, signedHeaders: signedHeaders.split(';'), signature, amzDate };
}

function headerFields(authorization: string, headers: IncomingHttpHeaders): SignatureFields | Verification {
  const space = authorization.indexOf(' ');
  const algorithm = space < 0 ? authorization : authorization.slice(0, space);
  const components = new Map<string, string>();
  for (const part of authorization.slice(space + 1).split(',')) {
    const equals = part.indexOf('=');
    if (equals > 0) components.set(part.slice(0, equals).trim(), part.slice(equals + 1).trim());
  }
  const credential = components.get('Credential');
  const signedHeaders = components.get('SignedHeaders');
  const signature = components.get('Signature');
  const amzDate = headerValue(headers, 'x-amz-date');
  if (credential === undefined || signedHeaders === undefined || signature === undefined)
    return refuse(
      400,
      'AuthorizationHeaderMalformed',
      'The authorization header needs three components: Credential, SignedHeaders and Signature.',
    );
  if (amzDate === undefined) return accessDenied('AWS authentication requires a valid x-amz-date header.');
  return { algorithm, credential, signedHeaders: signedHeaders.split(';'), signature, amzDate };
}

/**
 * Decodes a raw query string the way SigV4 sees it: '+' stays a plus (SDKs encode spaces as %20) and a bare key
 * (`?uploads`) has the empty value. Undefined when a component is not valid percent-encoding.
 */
export function parseQuery(rawQuery: string): Query | undefined {
  const query: Query = {};
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent(equals < 0 ? pair : pair.slice(0, equals));
      value = equals < 0 ? '' : decodeURIComponent(pair.slice(equals + 1));
    } catch {
      return undefined;
    }
    const previous = query[name];
    if (previous === undefined) query[name] = value;
    else query[name] = Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return query;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function parseAmzDate(amzDate: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  const date = new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 0, hour ?? 0, minute ?? 0, second ?? 0));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
