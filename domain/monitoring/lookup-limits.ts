/**
 * How often the household's own view may be asked (`POST /public/status`), so that nobody can guess
 * codes: per source address and per ID number, in fixed windows. The counters live in the table
 * (one item per scope, key and window, removed by DynamoDB's TTL after the window), so the limit
 * holds across every Lambda container on AWS; API Gateway's route throttling is the outer guard.
 * Neither the address nor the ID number is stored: only a hash of it, and only for the window.
 */
import { createHash } from 'node:crypto';

export type LimitScope = 'source' | 'id-number';

export interface LookupLimit {
  readonly windowSeconds: number;
  readonly max: number;
}

/**
 * A township office may help many villagers from one address (and mobile networks share addresses),
 * so the source limit is generous; an ID number is looked up a few times a day at most by its
 * household, so ten tries a day leave a guesser one chance in ten million per day.
 */
export const LOOKUP_LIMITS: Readonly<Record<LimitScope, LookupLimit>> = {
  source: { windowSeconds: 3600, max: 60 },
  'id-number': { windowSeconds: 86_400, max: 10 },
};

/** Counters outlive their window by this much before TTL may remove them (TTL deletes within about two days). */
const KEEP_AFTER_WINDOW_SECONDS = 3600;

export interface LimitWindow {
  /** Start of the window, epoch seconds. */
  start: number;
  /** The counter's TTL, epoch seconds. */
  expiresAt: number;
  /** When a refused caller may try again (ISO). */
  retryAt: string;
}

export function limitWindow(limit: LookupLimit, now: Date): LimitWindow {
  const seconds = Math.floor(now.getTime() / 1000);
  const start = seconds - (seconds % limit.windowSeconds);
  return {
    start,
    expiresAt: start + limit.windowSeconds + KEEP_AFTER_WINDOW_SECONDS,
    retryAt: new Date((start + limit.windowSeconds) * 1000).toISOString(),
  };
}

/** The counter's key: a salted hash (the scope is the salt), never the address or the number itself. */
export function limitKey(scope: LimitScope, value: string): string {
  return createHash('sha256').update(`anju-lookup/${scope}/${value}`, 'utf8').digest('hex').slice(0, 40);
}
