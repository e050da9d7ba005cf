import { createHash, randomUUID } from 'node:crypto';
import {
  Agent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import { resolve } from 'node:path';
import S3rver from 's3rver';
import { type CfnTemplate, type CorsRule, resourcesOfType, stringList } from '../../assembly/cfn-types';
import { assertWritableFolder } from '../../data-folder';
import { isRecord } from '../../json';
import { BodyTooLargeError, listen, type RunningServer, readBody } from '../../net/http';
import { PRESIGN_QUERY_PARAMS, type ReceivedRequest, type Verification, verifySigV4 } from './sigv4';

/**
 * Local S3: s3rver keeps the objects in a folder, but accepts any signature. So it listens on an internal loopback
 * port, and the public endpoint is a small front that verifies every request's SigV4 signature (header or presigned
 * form, signed Content-Type and Content-Length included) before piping it through.
 *
 * Clients: use `forcePathStyle: true` and `requestChecksumCalculation: 'WHEN_REQUIRED'`. With an IP endpoint
 * (http://127.0.0.1:port) the SDK's S3 endpoint rules already choose path style (checked with @aws-sdk/client-s3
 * 3.1173: the request goes to /bucket/key, not to bucket.127.0.0.1), but a `localhost` endpoint would be turned into
 * bucket.localhost, so setting the option keeps clients independent of the host name. Presigned URLs only bind the
 * Content-Type when the caller asks for it: `getSignedUrl(client, command, { signableHeaders: new Set(['content-type']) })`
 * (the presigner leaves content-type unsigned by default, on AWS as here).
 */

export interface LocalS3 {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Decides a signed request instead of the plain signature check: the signer's identity, its IAM permission and
 * injected faults (twin/iam/s3-gate.ts). Answers as `verifySigV4` does.
 */
export type S3Gate = (request: ReceivedRequest) => Promise<Verification>;

export interface BucketSpec {
  logicalId: string;
  name: string;
  cors?: CorsRule[];
}

/** Bodies whose SHA-256 the client signed are buffered to check it; larger ones are refused rather than held. */
const MAX_HASHED_BODY_BYTES = 256 * 1024 * 1024;
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'expect', 'te'];

export async function startS3(opts: {
  dataDir: string;
  port?: number;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  buckets: { name: string; cors?: CorsRule[] }[];
  log?: (line: string) => void;
  gate?: S3Gate;
}): Promise<LocalS3> {
  const log = opts.log ?? (() => undefined);
  const directory = resolve(opts.dataDir);
  assertWritableFolder(directory, 'S3 data folder');
  const corsByBucket = new Map(opts.buckets.map((bucket) => [bucket.name, bucket.cors ?? []]));

  const backend = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    // Path-style only: the front forwards the client's Host (an IP or localhost), never a bucket host name.
    vhostBuckets: false,
    configureBuckets: opts.buckets.map((bucket) => ({
      name: bucket.name,
      configs: bucket.cors !== undefined && bucket.cors.length > 0 ? [corsXml(bucket.cors)] : [],
    })),
  });
  const backendAddress = await backend.run();
  // The front reuses its connections to s3rver. Node's server closes a connection idle for 5 s, and a request sent on
  // it at that moment fails with ECONNRESET (a 502 to an inspector's upload, seen in the 1,000-household benchmark).
  // s3rver is only reached through this front, on loopback: let it keep idle connections until the stack stops.
  if (backend.httpServer) backend.httpServer.keepAliveTimeout = 0;
  const agent = new Agent({ keepAlive: true });

  const context: FrontContext = {
    backendPort: backendAddress.port,
    agent,
    region: opts.region,
    credentials: opts.credentials,
    corsByBucket,
    log,
    ...(opts.gate ? { gate: opts.gate } : {}),
  };
  const front = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res, context).catch((error: unknown) => {
      log(
        `local S3 front failed on ${req.method} ${req.url}: ${error instanceof Error ? error.message : String(error)}`,
      );
      if (res.headersSent) res.destroy();
      else sendError(req, res, context, 500, 'InternalError', 'The local S3 front failed; see the runtime log.');
    });
  };

  const stopBackend = async () => {
    agent.destroy();
    // s3rver's close waits for every keep-alive socket and unread body: end them first, and let s3rver log the
    // answers cut short (a few ticks later) before close() removes its logger's transport.
    backend.httpServer?.closeAllConnections();
    await new Promise((later) => setTimeout(later, 10));
    await backend.close();
  };
  let server: RunningServer;
  try {
    server = await listen(front, opts.port ?? 0);
  } catch (error) {
    await stopBackend();
    throw error;
  }

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      const closing = server.close();
      await stopBackend();
      await closing;
    })();
    return stopped;
  };
  return { endpoint: `http://127.0.0.1:${server.port}`, stop };
}

/**
 * The `AWS::S3::Bucket` resources of a synthesized template, with their literal CORS rules. An
 * allowed origin built from a CloudFront distribution's domain (the console on AWS) becomes
 * `consoleOrigins`: locally the console is served by the API server at its own origin.
 */
export function bucketsFromTemplate(
  template: CfnTemplate,
  bucketName: (logicalId: string) => string,
  consoleOrigins: readonly string[] = [],
): BucketSpec[] {
  const distributions = resourcesOfType(template, 'AWS::CloudFront::Distribution').map(([id]) => id);
  const namesDistribution = (value: unknown) =>
    typeof value !== 'string' && distributions.some((id) => JSON.stringify(value).includes(`"${id}"`));
  return resourcesOfType(template, 'AWS::S3::Bucket').map(([logicalId, resource]) => {
    const corsConfiguration = resource.Properties?.CorsConfiguration;
    const rules =
      isRecord(corsConfiguration) && Array.isArray(corsConfiguration.CorsRules) ? corsConfiguration.CorsRules : [];
    const cors = rules.filter(isRecord).flatMap((rule): CorsRule[] => {
      const origins: unknown[] = Array.isArray(rule.AllowedOrigins) ? rule.AllowedOrigins : [];
      const allowedOrigins = [
        ...new Set([...stringList(origins), ...(origins.some(namesDistribution) ? consoleOrigins : [])]),
      ];
      const allowedMethods = stringList(rule.AllowedMethods);
      if (allowedOrigins.length === 0 || allowedMethods.length === 0) return [];
      const allowedHeaders = stringList(rule.AllowedHeaders);
      const exposedHeaders = stringList(rule.ExposedHeaders);
      return [
        {
          AllowedOrigins: allowedOrigins,
          AllowedMethods: allowedMethods,
          ...(allowedHeaders.length > 0 ? { AllowedHeaders: allowedHeaders } : {}),
          ...(exposedHeaders.length > 0 ? { ExposedHeaders: exposedHeaders } : {}),
          ...(typeof rule.MaxAge === 'number' ? { MaxAge: rule.MaxAge } : {}),
          ...(typeof rule.Id === 'string' ? { Id: rule.Id } : {}),
        },
      ];
    });
    return { logicalId, name: bucketName(logicalId), ...(cors.length > 0 ? { cors } : {}) };
  });
}

interface FrontContext {
  backendPort: number;
  agent: Agent;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  corsByBucket: Map<string, CorsRule[]>;
  log: (line: string) => void;
  gate?: S3Gate;
}

async function handle(req: IncomingMessage, res: ServerResponse, context: FrontContext): Promise<void> {
  const url = req.url ?? '/';
  const questionMark = url.indexOf('?');
  const rawPath = questionMark < 0 ? url : url.slice(0, questionMark);
  const rawQuery = questionMark < 0 ? '' : url.slice(questionMark + 1);
  const method = req.method ?? 'GET';

  // A CORS preflight carries no credentials, on AWS too: s3rver answers it from the bucket's CORS rules.
  // A browser sends it to the presigned URL itself: without the signature parameters, which s3rver
  // would otherwise check on its own (and refuse) before the CORS rules.
  if (method === 'OPTIONS') return forward(req, res, context, rawPath + withoutAuthentication(rawQuery), undefined);

  const contentHash = firstHeader(req.headers, 'x-amz-content-sha256') ?? '';
  if (contentHash.startsWith('STREAMING-') || /aws-chunked/i.test(firstHeader(req.headers, 'content-encoding') ?? ''))
    return sendError(
      req,
      res,
      context,
      400,
      'InvalidRequest',
      'Streaming (aws-chunked) uploads are not supported by the local S3: create the client with ' +
        "requestChecksumCalculation: 'WHEN_REQUIRED' (or set AWS_REQUEST_CHECKSUM_CALCULATION=WHEN_REQUIRED).",
    );

  const received = { method, rawPath, rawQuery, headers: req.headers };
  const verification = context.gate
    ? await context.gate(received)
    : await verifySigV4(received, { credentials: context.credentials, region: context.region, service: 's3' });
  if (!verification.ok)
    return sendError(req, res, context, verification.status, verification.code, verification.message);

  // S3 conditional write (the API signs `If-None-Match: *` into every photo upload): evidence is never
  // overwritten. s3rver ignores the header, so the front checks, one write per key at a time.
  if (method === 'PUT' && firstHeader(req.headers, 'if-none-match')?.trim() === '*') {
    return oneWriteAtATime(`${context.backendPort}${rawPath}`, async () => {
      if (await objectExists(context, rawPath))
        return sendError(
          req,
          res,
          context,
          412,
          'PreconditionFailed',
          'At least one of the pre-conditions you specified did not hold',
        );
      return store(req, res, context, verification, rawPath + withoutAuthentication(rawQuery));
    });
  }
  return store(req, res, context, verification, rawPath + withoutAuthentication(rawQuery));
}

const writesInFlight = new Map<string, Promise<void>>();

/** Runs `work` after every earlier write to the same key finished, so two conditional PUTs cannot both see no object. */
async function oneWriteAtATime(key: string, work: () => Promise<void>): Promise<void> {
  const before = writesInFlight.get(key) ?? Promise.resolve();
  const mine = before.then(work, work);
  const tail = mine.catch(() => {});
  writesInFlight.set(key, tail);
  try {
    await mine;
  } finally {
    if (writesInFlight.get(key) === tail) writesInFlight.delete(key);
  }
}

/** HEAD on its own connection: a pooled keep-alive socket that the backend just closed would fail the upload. */
function objectExists(context: FrontContext, rawPath: string): Promise<boolean> {
  return new Promise((done, fail) => {
    const probe = httpRequest(
      { host: '127.0.0.1', port: context.backendPort, method: 'HEAD', path: rawPath, agent: false },
      (answer) => {
        answer.resume();
        if (answer.statusCode === 200 || answer.statusCode === 404) done(answer.statusCode === 200);
        else fail(new Error(`HEAD ${rawPath} answered ${answer.statusCode}`));
      },
    );
    probe.once('error', fail);
    probe.end();
  });
}

/** Checks a signed payload hash against the body when the request carries one, then forwards it. */
async function store(
  req: IncomingMessage,
  res: ServerResponse,
  context: FrontContext,
  verification: Extract<Awaited<ReturnType<typeof verifySigV4>>, { ok: true }>,
  forwardUrl: string,
): Promise<void> {
  if (verification.form === 'header' && /^[0-9a-f]{64}$/i.test(verification.payloadHash)) {
    let body: Buffer;
    try {
      body = await readBody(req, MAX_HASHED_BODY_BYTES);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      return sendError(
        req,
        res,
        context,
        400,
        'EntityTooLarge',
        'A body with a signed SHA-256 is limited to 256 MiB here.',
      );
    }
    const actual = createHash('sha256').update(body).digest('hex');
    if (actual !== verification.payloadHash.toLowerCase())
      return sendError(
        req,
        res,
        context,
        400,
        'XAmzContentSHA256Mismatch',
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
      );
    return forward(req, res, context, forwardUrl, body);
  }
  return forward(req, res, context, forwardUrl, undefined);
}

/** Pipes the request to s3rver (the body from `body` when it was already read) and its answer back. */
function forward(
  req: IncomingMessage,
  res: ServerResponse,
  context: FrontContext,
  url: string,
  body: Buffer | undefined,
): Promise<void> {
  return new Promise((done) => {
    const headers: OutgoingHttpHeaders = withoutHopByHop(req.headers);
    delete headers.authorization;
    if (body !== undefined) headers['content-length'] = String(body.length);
    const upstream = httpRequest(
      { host: '127.0.0.1', port: context.backendPort, method: req.method, path: url, headers, agent: context.agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers));
        answer.pipe(res);
        answer.once('end', () => done());
        answer.once('error', () => {
          res.destroy();
          done();
        });
      },
    );
    upstream.once('error', (error) => {
      context.log(`local S3 backend unreachable for ${req.method} ${url}: ${error.message}`);
      if (res.headersSent) res.destroy();
      else sendError(req, res, context, 502, 'InternalError', 'The local S3 storage did not answer.');
      done();
    });
    // A client that goes away mid-upload must not leave a half-written request hanging on the backend.
    req.once('aborted', () => upstream.destroy());
    if (body === undefined) req.pipe(upstream);
    else upstream.end(body);
  });
}

function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  context: FrontContext,
  status: number,
  code: string,
  message: string,
): void {
  const requestId = randomUUID();
  if (status < 500) context.log(`local S3 refused ${req.method} ${req.url?.split('?')[0]}: ${code}: ${message}`);
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(code)}</Code>` +
    `<Message>${escapeXml(message)}</Message><RequestId>${requestId}</RequestId></Error>`;
  const headers: OutgoingHttpHeaders = {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(xml),
    'x-amz-request-id': requestId,
    ...corsHeadersFor(req, context),
  };
  // The body of a refused upload is not read: close the connection instead of draining megabytes.
  if (!req.complete) headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : xml);
  req.resume();
}

/** Lets a browser read a refusal (s3rver adds these headers to the answers it gives itself). */
function corsHeadersFor(req: IncomingMessage, context: FrontContext): OutgoingHttpHeaders {
  const origin = firstHeader(req.headers, 'origin');
  if (origin === undefined) return {};
  const bucket = decodeURIComponent((req.url ?? '/').split('?')[0]?.split('/')[1] ?? '');
  const rules = context.corsByBucket.get(bucket) ?? [];
  const rule = rules.find(
    (candidate) =>
      candidate.AllowedMethods.includes(req.method ?? '') &&
      candidate.AllowedOrigins.some((allowed) => wildcardMatch(allowed, origin)),
  );
  if (rule === undefined) return {};
  return {
    'access-control-allow-origin': rule.AllowedOrigins.includes('*') ? '*' : origin,
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
    ...(rule.ExposedHeaders === undefined ? {} : { 'access-control-expose-headers': rule.ExposedHeaders.join(', ') }),
  };
}

function wildcardMatch(pattern: string, value: string): boolean {
  const escaped = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`).test(value);
}

function withoutAuthentication(rawQuery: string): string {
  const kept = rawQuery.split('&').filter((pair) => {
    if (pair === '') return false;
    const name = pair.split('=')[0] ?? '';
    try {
      return !PRESIGN_QUERY_PARAMS.includes(decodeURIComponent(name));
    } catch {
      return true;
    }
  });
  return kept.length === 0 ? '' : `?${kept.join('&')}`;
}

function withoutHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const copy: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.includes(name) && !name.startsWith('proxy-')) copy[name] = value;
  }
  return copy;
}

function corsXml(rules: CorsRule[]): string {
  const elements = (tag: string, values: string[] | undefined) =>
    (values ?? []).map((value) => `<${tag}>${escapeXml(value)}</${tag}>`).join('');
  const body = rules
    .map(
      (rule) =>
        '<CORSRule>' +
        (rule.Id === undefined ? '' : `<ID>${escapeXml(rule.Id)}</ID>`) +
        elements('AllowedOrigin', rule.AllowedOrigins) +
        elements('AllowedMethod', rule.AllowedMethods) +
        elements('AllowedHeader', rule.AllowedHeaders) +
        elements('ExposeHeader', rule.ExposedHeaders) +
        (rule.MaxAge === undefined ? '' : `<MaxAgeSeconds>${rule.MaxAge}</MaxAgeSeconds>`) +
        '</CORSRule>',
    )
    .join('');
  return `<CORSConfiguration>${body}</CORSConfiguration>`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

function firstHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
