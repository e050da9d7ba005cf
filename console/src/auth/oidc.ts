/**
 * Sign-in with an OpenID Connect issuer (a province's unified identity service, a county's Keycloak, the local
 * twin's): the authorization code flow with PKCE through `oidc-client-ts`, which reads the issuer's discovery
 * document. The console sends the ID token to the API: it proves who signed in, and Anju's users table says what
 * they may do. Loaded only in OpenID Connect mode (its own chunk), so the first screen stays light elsewhere.
 */
import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { OidcConfig } from '../api/config';
import { isOidcCallback } from './callback';

/** Where the issuer sends the browser back: the console's own page, without its hash route. */
function redirectUri(oidc: OidcConfig): string {
  return oidc.redirectUri ?? `${window.location.origin}${window.location.pathname}`;
}

function manager(oidc: OidcConfig): UserManager {
  return new UserManager({
    authority: oidc.issuer,
    client_id: oidc.clientId,
    redirect_uri: redirectUri(oidc),
    post_logout_redirect_uri: redirectUri(oidc),
    response_type: 'code',
    scope: oidc.scopes.join(' '),
    // The ID token carries the person's name; nothing else is fetched.
    loadUserInfo: false,
    // The session lives in api/session.ts (shared by tabs); oidc-client-ts keeps only the sign-in's state here.
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
}

export async function startOidcLogin(oidc: OidcConfig): Promise<void> {
  await manager(oidc).signinRedirect();
}

/**
 * Completes a redirect back from the issuer: the ID token, or undefined when this page was not opened by one;
 * throws when the answer does not match the sign-in this tab started.
 */
export async function finishOidcLogin(oidc: OidcConfig): Promise<string | undefined> {
  if (!isOidcCallback()) return undefined;
  try {
    const user = await manager(oidc).signinRedirectCallback();
    if (!user.id_token) throw new Error('the issuer sent no ID token');
    return user.id_token;
  } finally {
    window.history.replaceState(null, '', window.location.pathname + window.location.hash);
  }
}

/** Ends the issuer's session too, so the next person at this PC signs in with their own password. */
export async function oidcLogout(oidc: OidcConfig, idToken: string | undefined): Promise<void> {
  await manager(oidc).signoutRedirect(idToken ? { id_token_hint: idToken } : {});
}
