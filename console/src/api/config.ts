/** Where the API is and how people sign in: `/config.json` next to the console, read once at start. */
import { earlyConfig } from './early';

export interface CognitoConfig {
  domain: string;
  clientId: string;
  region: string;
  redirectUri: string;
}

/** A county's OpenID Connect issuer (AWS China, or any stage given -c oidcIssuer), and the local twin's. */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  /** Absent (locally): this page's own address, whichever host and port it was opened on. */
  redirectUri?: string;
  scopes: string[];
}

export interface ConsoleConfig {
  apiUrl: string;
  auth: 'local' | 'cognito' | 'oidc';
  cognito?: CognitoConfig;
  oidc?: OidcConfig;
}

const LOCAL: ConsoleConfig = { apiUrl: '', auth: 'local' };
let loaded: ConsoleConfig = LOCAL;

function parse(value: unknown): ConsoleConfig | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const raw = value as Record<string, unknown>;
  const apiUrl = typeof raw.apiUrl === 'string' ? raw.apiUrl.replace(/\/+$/, '') : '';
  if (raw.auth === 'cognito' && typeof raw.cognito === 'object' && raw.cognito !== null) {
    const c = raw.cognito as Record<string, unknown>;
    if ([c.domain, c.clientId, c.region, c.redirectUri].every((v) => typeof v === 'string')) {
      return { apiUrl, auth: 'cognito', cognito: c as unknown as CognitoConfig };
    }
  }
  if (raw.auth === 'oidc' && typeof raw.oidc === 'object' && raw.oidc !== null) {
    const o = raw.oidc as Record<string, unknown>;
    if (typeof o.issuer === 'string' && typeof o.clientId === 'string') {
      return {
        apiUrl,
        auth: 'oidc',
        oidc: {
          issuer: o.issuer,
          clientId: o.clientId,
          ...(typeof o.redirectUri === 'string' ? { redirectUri: o.redirectUri } : {}),
          scopes: Array.isArray(o.scopes) ? o.scopes.map(String) : ['openid', 'profile'],
        },
      };
    }
  }
  return { apiUrl, auth: 'local' };
}

/** Local mode when the file is missing or unreadable: the stack serves the API on the same origin. */
export async function loadConfig(): Promise<ConsoleConfig> {
  const fetchedEarly = parse(await earlyConfig());
  if (fetchedEarly) {
    loaded = fetchedEarly;
    return loaded;
  }
  try {
    const response = await fetch('./config.json', { cache: 'no-store' });
    loaded = (response.ok ? parse(await response.json()) : undefined) ?? LOCAL;
  } catch {
    loaded = LOCAL;
  }
  return loaded;
}

export function config(): ConsoleConfig {
  return loaded;
}

export function apiUrl(): string {
  return loaded.apiUrl;
}
