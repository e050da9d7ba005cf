/**
 * Who is calling: the actor from the JWT claims that API Gateway's authorizer verified. Roles come
 * from `cognito:groups`, which API Gateway hands over as the string "[a b]"; a JSON array string
 * or a real array are accepted too, so local and AWS tokens read the same.
 */
import { UnauthorizedError } from '../../domain/errors';
import { Actor, ROLES, type Role } from '../../domain/model';
import type { ApiEvent } from './responses';

type ClaimValue = string | number | boolean | string[] | undefined;

export function groupsOf(claim: ClaimValue): string[] {
  if (claim === undefined || claim === null) return [];
  if (Array.isArray(claim)) return claim.map(String);
  const text = String(claim).trim();
  if (text === '') return [];
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // Not JSON: the API Gateway form "[construction finance]".
    }
    return text
      .slice(1, text.endsWith(']') ? -1 : undefined)
      .split(/[\s,]+/)
      .filter((group) => group !== '');
  }
  return text.split(/[\s,]+/).filter((group) => group !== '');
}

function optionalString(value: ClaimValue): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

/** The actor of an API call; throws UnauthorizedError when the claims are missing or invalid. */
export function actorOf(event: ApiEvent): Actor {
  const claims = event.requestContext?.authorizer?.jwt?.claims as Record<string, ClaimValue> | undefined;
  const username = optionalString(claims?.['cognito:username']) ?? optionalString(claims?.username);
  if (!claims || !username) throw new UnauthorizedError();
  const parsed = Actor.safeParse({
    username,
    // Other groups a user pool may carry are not Anju roles and grant nothing here.
    roles: groupsOf(claims['cognito:groups']).filter((group): group is Role =>
      (ROLES as readonly string[]).includes(group),
    ),
    county: optionalString(claims['custom:county']),
    township: optionalString(claims['custom:township']),
  });
  if (!parsed.success) {
    throw new UnauthorizedError({
      zh: '登录凭证中的角色或辖区无效',
      en: 'The token carries invalid roles or jurisdiction',
    });
  }
  return parsed.data;
}
