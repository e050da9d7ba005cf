/**
 * The answers index.html asks for before the app's JavaScript has arrived (its inline script):
 * `/config.json` and, with a session, `GET /me` and the first screen's reads. On the phone profile
 * of issue 16 these would otherwise wait for the bundle to download and run, then for each other,
 * before the first screen can be drawn. Each is taken once; a missing or failed one is asked again
 * the ordinary way.
 */
import type { Me } from './types';

type EarlyAnswer = Promise<{ token: string; body: unknown } | undefined>;

interface EarlyAnswers {
  config?: Promise<unknown>;
  me?: EarlyAnswer;
  /** The first screen's reads, by path as the screen asks it. */
  gets?: Record<string, EarlyAnswer | undefined>;
}

declare global {
  interface Window {
    __anjuEarly?: EarlyAnswers;
  }
}

function early(): EarlyAnswers {
  return typeof window === 'undefined' ? {} : (window.__anjuEarly ?? {});
}

/** The body of `/config.json` as index.html fetched it; undefined when it did not (or failed). */
export async function earlyConfig(): Promise<unknown> {
  const answers = early();
  const pending = answers.config;
  answers.config = undefined;
  return pending ? await pending : undefined;
}

/** `GET /me` as index.html asked it, if it was asked with this token and succeeded. */
export async function earlyMe(token: string): Promise<Me | undefined> {
  const answers = early();
  const pending = answers.me;
  answers.me = undefined;
  const answer = pending ? await pending : undefined;
  return answer?.token === token ? (answer.body as Me) : undefined;
}

/** A read the first screen did not take at once is stale by the time another screen asks it. */
const EARLY_READS_KEPT_MS = 60_000;

/** A `GET` of the first screen as index.html asked it with this token, taken once; undefined otherwise. */
export async function earlyGet(path: string, token: string | undefined): Promise<unknown> {
  if (typeof performance !== 'undefined' && performance.now() > EARLY_READS_KEPT_MS) return undefined;
  const gets = early().gets;
  const pending = gets?.[path];
  if (!gets || !pending) return undefined;
  gets[path] = undefined;
  const answer = await pending;
  return token !== undefined && answer?.token === token ? answer.body : undefined;
}
