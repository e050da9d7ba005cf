/** The signed-in user's token, kept for the browser tab only (sessionStorage). */
const TOKEN_KEY = 'anju.token';
type Listener = () => void;
const listeners = new Set<Listener>();

export function currentToken(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

export function startSession(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
  for (const listener of listeners) listener();
}

export function endSession(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  for (const listener of listeners) listener();
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
