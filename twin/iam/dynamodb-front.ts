/**
 * The endpoint functions reach DynamoDB at (`AWS_ENDPOINT_URL_DYNAMODB`): a front before DynamoDB Local, which
 * checks no signature and no permission. For each request it verifies the SigV4 signature and the session token,
 * finds the caller's role, maps the operation and its tables and indexes to IAM actions and ARNs
 * (`requests.ts`), refuses what the role's policies do not allow with DynamoDB's own `AccessDeniedException`,
 * injects the faults `ANJU_FAULTS` asks for, and passes the rest through unchanged.
 *
 * It is also where a request's origin is known: each call is reported to `observe` with the caller and the
 * invocation's X-Ray trace id (the benchmark counts DynamoDB requests per invocation here).
 */
import { createHash, randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultInjector } from '../faults/faults';
import { authenticate } from './authenticate';
import type { Authorizer, Caller } from './authorizer';
import type { CredentialStore } from './credentials';
import { type ArnScope, dynamodbRequests, type PartitionKeyOf } from './requests';

export type DynamoCall = {
  readonly caller: Caller;
  /** The `Root=` part of the invocation's trace header, when a function made the call. */
  readonly traceRoot?: string;
  readonly operation: string;
  readonly requestBytes: number;
  readonly responseBytes: number;
  readonly requestBody: string;
  readonly status: number;
};

export type DynamoFrontOptions = {
  readonly port: number;
  /** DynamoDB Local's own endpoint. */
  readonly backend: string;
  readonly scope: ArnScope;
  readonly credentials: CredentialStore;
  readonly authorizer: Authorizer;
  readonly faults?: FaultInjector;
  readonly partitionKeyOf?: PartitionKeyOf;
  readonly observe?: (call: DynamoCall) => void;
  readonly log?: (line: string) => void;
};

export type DynamoFront = { readonly endpoint: string; stop(): Promise<void> };

/** A BatchWriteItem may carry 16 MB. */
const MAX_BODY_BYTES = 20 * 1024 * 1024;
const CONTENT_TYPE = 'application/x-amz-json-1.0';
/** The error namespaces DynamoDB answers with (the SDK only reads the part after '#'). */
const NAMESPACE: Record<string, string> = {
  AccessDeniedException: 'com.amazon.coral.service',
  UnrecognizedClientException: 'com.amazon.coral.service',
  InvalidSignatureException: 'com.amazon.coral.service',
  MissingAuthenticationTokenException: 'com.amazon.coral.service',
  ThrottlingException: 'com.amazon.coral.availability',
};

function sendError(
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
  extra: Readonly<Record<string, unknown>> = {},
): number {
  const namespace = NAMESPACE[code] ?? 'com.amazonaws.dynamodb.v20120810';
  const body = JSON.stringify({ __type: `${namespace}#${code}`, message, ...extra });
  response.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(body);
  return Buffer.byteLength(body);
}

function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.removeAllListeners('data');
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => resolve(Buffer.concat(chunks)));
    request.once('error', reject);
  });
}

function traceRootOf(header: string | string[] | undefined): string | undefined {
  const text = Array.isArray(header) ? header[0] : header;
  return text === undefined ? undefined : (/Root=([^;]+)/.exec(text)?.[1] ?? undefined);
}

export async function startDynamoFront(options: DynamoFrontOptions): Promise<DynamoFront> {
  const log = options.log ?? (() => {});
  const backend = new URL(options.backend);
  const agent = new http.Agent({ keepAlive: true });

  /** Sends the request on to DynamoDB Local and resolves with its whole answer. */
  const forward = (request: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const upstream = http.request(
        {
          host: backend.hostname,
          port: backend.port,
          method: request.method,
          path: request.url,
          headers: { ...request.headers, host: backend.host, 'content-length': String(body.length) },
          agent,
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.once('end', () =>
            resolve({ status: answer.statusCode ?? 500, headers: answer.headers, body: Buffer.concat(chunks) }),
          );
          answer.once('error', reject);
        },
      );
      upstream.once('error', reject);
      upstream.end(body);
    });

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const target = request.headers['x-amz-target'];
    const operation = (typeof target === 'string' ? target : '').replace(/^DynamoDB_\d+\./, '');
    const body = await readBody(request);
    if (body === undefined) {
      sendError(response, 413, 'RequestEntityTooLarge', 'Request must be smaller than 16 MB.');
      return;
    }
    const url = request.url ?? '/';
    const questionMark = url.indexOf('?');
    const identity = await authenticate(
      {
        method: request.method ?? 'POST',
        rawPath: questionMark < 0 ? url : url.slice(0, questionMark),
        rawQuery: questionMark < 0 ? '' : url.slice(questionMark + 1),
        headers: request.headers,
      },
      {
        store: options.credentials,
        region: options.scope.region,
        service: 'dynamodb',
        bodySha256: createHash('sha256').update(body).digest('hex'),
      },
    );
    if (!identity.ok) {
      sendError(response, identity.status, identity.code, identity.message);
      return;
    }
    let parsed: Record<string, unknown>;
    try {
      const value: unknown = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
      parsed =
        value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
    } catch {
      sendError(response, 400, 'SerializationException', 'Start of structure or map found where not expected.');
      return;
    }
    const report = (status: number, responseBytes: number) =>
      options.observe?.({
        caller: identity.caller,
        ...(traceRootOf(request.headers['x-amzn-trace-id']) === undefined
          ? {}
          : { traceRoot: traceRootOf(request.headers['x-amzn-trace-id']) }),
        operation,
        requestBytes: body.length,
        responseBytes,
        requestBody: body.toString('utf8'),
        status,
      });

    const mapped = dynamodbRequests(operation, parsed, options.scope, options.partitionKeyOf);
    if ('unmapped' in mapped) {
      log(
        `[iam] refused ${operation}: the twin does not know which IAM actions ${mapped.unmapped} needs (twin/iam/requests.ts)`,
      );
      report(
        400,
        sendError(response, 400, 'AccessDeniedException', `The local twin cannot authorize ${mapped.unmapped}.`),
      );
      return;
    }
    const decision = options.authorizer.authorizeAll(identity.caller, mapped.requests);
    if (!decision.allowed) {
      report(400, sendError(response, 400, 'AccessDeniedException', decision.message));
      return;
    }
    const items = Array.isArray(parsed.TransactItems) ? parsed.TransactItems.length : 1;
    const before = options.faults?.dynamodb(operation, 'before', items);
    if (before) {
      report(before.status, sendError(response, before.status, before.code, before.message, before.body));
      return;
    }
    const answer = await forward(request, body);
    // Applied, then lost: the caller cannot tell whether the write happened.
    const after = answer.status === 200 ? options.faults?.dynamodb(operation, 'after', items) : undefined;
    if (after) {
      report(after.status, sendError(response, after.status, after.code, after.message, after.body));
      return;
    }
    const headers = { ...answer.headers };
    delete headers.connection;
    delete headers['keep-alive'];
    delete headers['transfer-encoding'];
    headers['content-length'] = String(answer.body.length);
    response.writeHead(answer.status, headers);
    response.end(answer.body);
    report(answer.status, answer.body.length);
  };

  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log(
        `[dynamodb] front failed on ${request.headers['x-amz-target']}: ${error instanceof Error ? error.message : String(error)}`,
      );
      if (response.headersSent) response.destroy();
      else sendError(response, 500, 'InternalServerError', 'The local DynamoDB did not answer.');
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      });
      return stopped;
    },
  };
}
