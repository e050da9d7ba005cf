/**
 * The unit tests' users table: a test names its caller (roles and place) and gets the claims of a token for them;
 * the handlers read that caller's authority from here through the real `callersFrom` (use-cases/callers.ts), as
 * they read it from DynamoDB in the functions, so the claims carry nothing but the subject and the sign-in name.
 */
import type { Actor } from '../../../../domain/model';
import type { StaffUser } from '../../../../domain/users';
import type { UserStore } from '../../../../functions/store';
import { type Callers, callersFrom } from '../../../../functions/use-cases/callers';

const accounts = new Map<string, StaffUser>();

/** Puts the caller's account in the test users table and answers the claims of a token of theirs. */
export function signedIn(
  actor: Omit<Actor, 'province'> & { province?: string; enabled?: boolean; displayName?: string },
): Record<string, string> {
  const subject = `sub-${actor.username}`;
  const province = actor.province ?? actor.county?.slice(0, 2) ?? '52';
  accounts.set(subject, {
    username: actor.username,
    displayName: actor.displayName ?? actor.username,
    roles: [...actor.roles],
    province,
    ...(actor.county === undefined ? {} : { county: actor.county }),
    ...(actor.township === undefined ? {} : { township: actor.township }),
    enabled: actor.enabled ?? true,
    subject,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    version: 1,
  });
  return { sub: subject, 'cognito:username': actor.username };
}

const unused = async () => {
  throw new Error('the unit tests read callers only');
};

const testUsers: UserStore = {
  bySubject: async (subject) => accounts.get(subject),
  get: unused,
  list: unused,
  many: unused,
  events: unused,
  commit: unused,
};

/** The callers of the unit tests: every request reads the test users table (nothing remembered). */
export function testCallers(): Callers {
  return callersFrom(testUsers, { signInNameClaim: 'cognito:username', freshForMs: 0 });
}
