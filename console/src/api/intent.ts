/**
 * One `Idempotency-Key` per user intent. Submitting the same thing again after a lost answer (a
 * timeout, a dropped connection, a 5xx) is the same intent and reuses the key, so the API acts
 * once and answers as the first time; changing what is sent, or succeeding, starts a new intent.
 * Keys live in sessionStorage so a retry after a reload of the page is still the same intent.
 */
const STORE_KEY = 'anju.intents';

interface Intent {
  key: string;
  body: string;
}

type Store = Record<string, Intent>;

function load(): Store {
  try {
    return JSON.parse(sessionStorage.getItem(STORE_KEY) ?? '{}') as Store;
  } catch {
    return {};
  }
}

function save(store: Store): void {
  try {
    sessionStorage.setItem(STORE_KEY, JSON.stringify(store));
  } catch {
    // Storage full or blocked: the intent still holds for this page's life below.
  }
}

const memory: Store = {};

/** Stable JSON (sorted keys) so the same body is recognised whatever the order it was built in. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function newKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/**
 * The key for sending `body` as the intent `scope` (e.g. `release-installment/<household>`): the
 * same key as the last unfinished attempt of that scope with the same body, a new one otherwise.
 */
export function intentKey(scope: string, body: unknown): string {
  const store = { ...load(), ...memory };
  const text = canonical(body);
  const previous = store[scope];
  if (previous && previous.body === text) return previous.key;
  const intent = { key: newKey(), body: text };
  memory[scope] = intent;
  save({ ...load(), [scope]: intent });
  return intent.key;
}

/** The intent succeeded (or was refused for good): the next submit is a new intent. */
export function finishIntent(scope: string): void {
  delete memory[scope];
  const store = load();
  delete store[scope];
  save(store);
}

/** Whether a failure leaves the outcome unknown, so a retry must be the same intent. */
export function outcomeUnknown(error: unknown): boolean {
  const candidate = error as { kind?: string; status?: number } | undefined;
  if (!candidate) return true;
  return candidate.kind === 'network' || candidate.kind === 'timeout' || (candidate.status ?? 0) >= 500;
}
