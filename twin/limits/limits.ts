/**
 * AWS limits the twin enforces, so that code meets them locally before it meets them on AWS:
 * - a Standard execution lives at most one year, then ends TIMED_OUT;
 * - a state's input or output, an execution's input and a task's answer hold at most 256 KB (UTF-8);
 * - task tokens are as long as Step Functions makes them (several hundred characters; the API accepts up to
 *   2,048), so whatever stores one (an outbox entry, an idempotency record) meets the sizes it will meet on AWS.
 */
import { randomBytes } from 'node:crypto';

/** One year: the longest a Standard workflow execution runs. */
export const STANDARD_EXECUTION_MAX_SECONDS = 365 * 24 * 60 * 60;
/** With ANJU_FAST_WAITS and no ANJU_EXECUTION_MAX_SECONDS: longer than any test, far shorter than a year. */
export const FAST_EXECUTION_MAX_SECONDS = 60 * 60;
/** 256 KB, counted in UTF-8 bytes, for state input and output, execution input and task output. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

/** The size Step Functions counts for a payload: its JSON text in UTF-8. */
export function payloadBytes(value: unknown): number {
  return Buffer.byteLength(typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null'), 'utf8');
}

/** Characters of a local task token: within what the API accepts and as long as the tokens AWS hands out. */
export const TASK_TOKEN_LENGTH = 1024;
/** What the service takes for a token at all; anything else answers InvalidToken (as before, shorter strings too). */
export const TASK_TOKEN_FORMAT = /^[A-Za-z0-9_-]{64,2048}$/;

/**
 * A task token for a callback task of `executionArn`. Like an AWS token it names its execution (AWS's is
 * encrypted; this one is only encoded), so the service can tell which state machine a SendTaskSuccess is
 * about even after the task is gone; the rest is random.
 */
export function mintTaskToken(executionArn: string): string {
  const bytes = (TASK_TOKEN_LENGTH / 4) * 3;
  const arn = Buffer.from(executionArn, 'utf8');
  const header = Buffer.alloc(2);
  header.writeUInt16BE(arn.length);
  const filler = randomBytes(Math.max(32, bytes - 2 - arn.length));
  return Buffer.concat([header, arn, filler]).toString('base64url');
}

/** The execution a token was minted for, or undefined when it is not a token of this service. */
export function executionOfTaskToken(token: string): string | undefined {
  if (!TASK_TOKEN_FORMAT.test(token)) return undefined;
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length < 2) return undefined;
  const length = bytes.readUInt16BE(0);
  if (length === 0 || bytes.length < 2 + length + 32) return undefined;
  const arn = bytes.subarray(2, 2 + length).toString('utf8');
  return /^arn:[\w-]+:states:[\w-]+:\d{12}:execution:[^:]+:[^:]+$/.test(arn) ? arn : undefined;
}
