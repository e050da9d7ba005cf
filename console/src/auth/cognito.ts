/**
 * Sign-in on AWS: Cognito's hosted UI with the authorization code flow and PKCE (RFC 7636), so the
 * console holds no client secret. The ID token carries the role groups and jurisdiction claims.
 */
import type { CognitoConfig } from '../api/config';

const VERIFIER_KEY = 'anju.pkce.verifier';
const STATE_KEY = 'anju.pkce.state';

function base64Url(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function randomString(): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(32)));
}

function origin(cognito: CognitoConfig): string {
  return cognito.domain.startsWith('https://') ? cognito.domain.replace(/\/+$/, '') : `https://${cognito.domain}`;
}

export async function startCognitoLogin(cognito: CognitoConfig): Promise<void> {
  const verifier = randomString();
  const state = randomString();
  sessionStorage.setItem(VERIFIER_KEY, verifier);
  sessionStorage.setItem(STATE_KEY, state);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: cognito.clientId,
    redirect_uri: cognito.redirectUri,
    scope: 'openid profile',
    state,
    code_challenge: base64Url(digest),
    code_challenge_method: 'S256',
  });
  window.location.assign(`${origin(cognito)}/oauth2/authorize?${query}`);
}

/**
 * Completes a redirect back from the hosted UI: returns the ID token, undefined when the page was
 * not opened by such a redirect; throws when the answer does not match the request this tab made.
 */
export async function finishCognitoLogin(cognito: CognitoConfig): Promise<string | undefined> {
  const params = new URLSearchParams(window.location.search);
  const code = params.get('code');
  if (!code) return undefined;
  const verifier = sessionStorage.getItem(VERIFIER_KEY);
  if (!verifier || params.get('state') !== sessionStorage.getItem(STATE_KEY)) throw new Error('state mismatch');
  sessionStorage.removeItem(VERIFIER_KEY);
  sessionStorage.removeItem(STATE_KEY);
  window.history.replaceState(null, '', window.location.pathname + window.location.hash);
  const response = await fetch(`${origin(cognito)}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: cognito.clientId,
      code,
      redirect_uri: cognito.redirectUri,
      code_verifier: verifier,
    }),
  });
  if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
  const tokens = (await response.json()) as { id_token?: string };
  if (!tokens.id_token) throw new Error('no id token');
  return tokens.id_token;
}

export function cognitoLogoutUrl(cognito: CognitoConfig): string {
  const query = new URLSearchParams({ client_id: cognito.clientId, logout_uri: cognito.redirectUri });
  return `${origin(cognito)}/logout?${query}`;
}
