/**
 * A small client of Anju's HTTP API for scripts, tests and benchmarks: the local dev login, JSON
 * requests as one user, and polling until the API shows what an asynchronous step produces.
 */

/** A token for a demo user from the local twin's `POST /auth/dev-login`. */
export async function login(url: string, username: string): Promise<string> {
  const response = await fetch(`${url}/auth/dev-login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  if (!response.ok) throw new Error(`login of ${username} answered ${response.status}`);
  const { token } = (await response.json()) as { token: string };
  return token;
}

export type ApiAnswer<T = unknown> = { status: number; body: T; headers: Headers };

/** A small JSON client for one user. */
export function api(url: string, token?: string) {
  async function call<T = unknown>(
    method: string,
    route: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiAnswer<T>> {
    const response = await fetch(`${url}${route}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON: keep the text.
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }
  return {
    get: <T = unknown>(route: string) => call<T>('GET', route),
    post: <T = unknown>(route: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>('POST', route, body, headers),
    put: <T = unknown>(route: string, body?: unknown) => call<T>('PUT', route, body),
  };
}

/** Polls `probe` every `everyMs` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
  what = 'a condition',
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
