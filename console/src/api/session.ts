/**
 * The signed-in user's token, kept in localStorage until it expires: it survives a reload and is
 * shared by every tab of the console, so opening a second tab neither logs the first out nor asks
 * to log in again. Logging out (or a token that expired) ends it in every tab.
 */
const TOKEN_KEY = 'anju.session';
/** Without an `exp` claim a session lasts a working day. */
const DEFAULT_LIFETIME_MS = 12 * 3_600_000;
type Listener = () => void;
const listeners = new Set<Listener>();

interface Stored {
  token: string;
  expiresAt: number;
}

/** The token's own expiry (`exp`, seconds) when it is a JWT. */
export function expiryOf(token: string, now: number = Date.now()): number {
  try {
    const payload = token.split('.')[1];
    if (payload) {
      const json = JSON.parse(atob(payload.replaceAll('-', '+').replaceAll('_', '/'))) as { exp?: unknown };
      if (typeof json.exp === 'number') return json.exp * 1000;
    }
  } catch {
    // Not a JWT: the default lifetime applies.
  }
  return now + DEFAULT_LIFETIME_MS;
}

function read(): Stored | undefined {
  try {
    const raw = localStorage.getItem(TOKEN_KEY);
    if (!raw) return undefined;
    const stored = JSON.parse(raw) as Partial<Stored>;
    if (typeof stored.token !== 'string' || typeof stored.expiresAt !== 'number') return undefined;
    return stored as Stored;
  } catch {
    return undefined;
  }
}

function notify(): void {
  for (const listener of listeners) listener();
}

export function currentToken(): string | undefined {
  const stored = read();
  if (!stored) return undefined;
  if (stored.expiresAt <= Date.now()) {
    localStorage.removeItem(TOKEN_KEY);
    return undefined;
  }
  return stored.token;
}

export function startSession(token: string): void {
  localStorage.setItem(TOKEN_KEY, JSON.stringify({ token, expiresAt: expiryOf(token) } satisfies Stored));
  notify();
}

export function endSession(): void {
  localStorage.removeItem(TOKEN_KEY);
  notify();
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// Another tab logged in or out: this tab follows.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (event) => {
    if (event.key === TOKEN_KEY || event.key === null) notify();
  });
}
