/**
 * Who is calling: the subject of the token API Gateway's JWT authorizer verified (issuer, audience, signature), and
 * the account Anju's users table links to it (use-cases/callers.ts). No other claim grants anything: roles and
 * jurisdiction are the account's.
 */
import { UnauthorizedError } from '../../domain/errors';
import type { SignIn } from '../use-cases/callers';
import type { ApiEvent } from './responses';

type ClaimValue = string | number | boolean | string[] | undefined;

function optionalString(value: ClaimValue): string | undefined {
  if (value === undefined || value === null || Array.isArray(value)) return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

/** The sign-in of an API call; throws UnauthorizedError (401) when the authorizer passed no subject. */
export function signInOf(event: ApiEvent, signInNameClaim: string): SignIn {
  const claims = event.requestContext?.authorizer?.jwt?.claims as Record<string, ClaimValue> | undefined;
  const subject = optionalString(claims?.sub);
  if (!claims || !subject) throw new UnauthorizedError();
  const signInName = optionalString(claims[signInNameClaim]);
  return { subject, ...(signInName === undefined ? {} : { signInName }) };
}
