/**
 * The answers index.html asks for before the app's JavaScript has arrived (its inline script):
 * `/config.json` and, with a session, `GET /me`. On the phone profile of issue 16 these would
 * otherwise wait for the bundle to download and run, then for each other, before the first screen
 * can be drawn. Each is taken once; a missing or failed one is asked again the ordinary way.
 */
import type { Me } from './types';

interface EarlyAnswers {
  config?: Promise<unknown>;
  me?: Promise<{ token: string; body: unknown } | undefined>;
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
