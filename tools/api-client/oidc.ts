/**
 * Signing in as a browser does, without one: the authorization code flow with PKCE (S256) against an OpenID Connect
 * issuer's discovery document, its login form, and its token endpoint. For tests and scripts that must prove the
 * real sign-in works (most use `login`, the twin's dev login).
 */
import { createHash, randomBytes } from 'node:crypto';

type Discovery = { issuer: string; authorization_endpoint: string; token_endpoint: string };

/** Cookies per host, as a browser keeps them across redirects. */
function cookieJar() {
  const cookies = new Map<string, string>();
  return {
    header: () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
    keep(response: Response) {
      for (const line of response.headers.getSetCookie()) {
        const [pair = ''] = line.split(';');
        const at = pair.indexOf('=');
        if (at > 0) cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
      }
    },
  };
}

/**
 * Signs `username` in with `password` at `issuer` for the public client `clientId`, returning the ID token the
 * console would send to the API. Throws with the login page's answer when the password is refused.
 */
export async function oidcSignIn(options: {
  issuer: string;
  clientId: string;
  redirectUri: string;
  username: string;
  password: string;
}): Promise<{ idToken: string; refreshToken?: string }> {
  const discovery = (await (await fetch(`${options.issuer}/.well-known/openid-configuration`)).json()) as Discovery;
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const jar = cookieJar();
  const authorize = new URL(discovery.authorization_endpoint);
  authorize.search = new URLSearchParams({
    client_id: options.clientId,
    response_type: 'code',
    redirect_uri: options.redirectUri,
    scope: 'openid profile',
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();

  const backHome = (url: URL | undefined) =>
    url !== undefined && `${url.origin}${url.pathname}` === options.redirectUri;
  let next: URL | undefined = authorize;
  let form: { username: string; password: string } | undefined;
  for (let hop = 0; hop < 10 && next; hop += 1) {
    if (backHome(next)) break;
    const response: Response = await fetch(next, {
      redirect: 'manual',
      headers: { cookie: jar.header(), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { method: 'POST', body: new URLSearchParams(form).toString() } : {}),
    });
    jar.keep(response);
    form = undefined;
    const location = response.headers.get('location');
    if (location) {
      next = new URL(location, next);
      continue;
    }
    const page = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
    if (!action || /role="alert"/.test(page)) throw new Error(`the issuer refused the sign-in: ${page.slice(0, 300)}`);
    form = { username: options.username, password: options.password };
    next = new URL(action.replaceAll('&amp;', '&'), next);
  }
  if (!next || !backHome(next)) throw new Error('the sign-in did not come back to the console');
  const code = next.searchParams.get('code');
  if (!code || next.searchParams.get('state') !== state) throw new Error(`no code in ${next.href}`);
  const token = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: options.clientId,
      code,
      redirect_uri: options.redirectUri,
      code_verifier: verifier,
    }).toString(),
  });
  const answer = (await token.json()) as { id_token?: string; refresh_token?: string; error?: string };
  if (!answer.id_token) throw new Error(`the token endpoint answered ${token.status} ${answer.error ?? ''}`);
  return { idToken: answer.id_token, ...(answer.refresh_token ? { refreshToken: answer.refresh_token } : {}) };
}
