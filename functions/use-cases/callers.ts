/**
 * Who calls: the account Anju's users table links to the token's subject. The token (checked by API Gateway's JWT
 * authorizer: issuer, audience, signature) proves only who signed in; roles and jurisdiction come from the
 * account, whatever the token claims, in Cognito and OpenID Connect mode alike.
 *
 * Each container remembers a subject's account for `freshForMs` (USERS_FRESH_FOR_MS, 10 s): a change an
 * administrator makes (a role taken away, an account disabled) holds on every function within that time, and at
 * once on the container that made it. A subject with no account is never remembered.
 */
import { ConflictError, ForbiddenError } from '../../domain/errors';
import type { StaffUser } from '../../domain/users';
import { userChange } from '../../domain/users';
import type { UserStore } from '../store';

/** What the verified token says: the issuer's subject, and the person's sign-in name and name when it has them. */
export interface SignIn {
  readonly subject: string;
  /** The claim `Callers.signInNameClaim` names (`cognito:username`, or the issuer's `preferred_username`). */
  readonly signInName?: string;
}

export interface Callers {
  /** The claim that carries the person's sign-in name at the issuer (it links a first sign-in to its account). */
  readonly signInNameClaim: string;
  /** The enabled account linked to the subject; ForbiddenError (403) when there is none or it is disabled. */
  userOf(signIn: SignIn): Promise<StaffUser>;
  /** Drops what this container remembers of an account (after changing it). */
  forget(username: string): void;
}

/** The subject is not linked to any account yet (or any more). */
export class NotLinkedError extends ForbiddenError {
  constructor() {
    super({
      zh: '您的登录账号尚未开通安居权限：请先在安居工作台登录一次，仍无权限请联系本县系统管理员',
      en: 'Your sign-in has no Anju account yet: open the Anju console once; if that does not help, ask your county administrator',
    });
  }
}

export class DisabledAccountError extends ForbiddenError {
  constructor() {
    super({
      zh: '您的账号已停用，请联系本县系统管理员',
      en: 'Your account is disabled; ask your county administrator',
    });
  }
}

export const USERS_FRESH_FOR_MS = 10_000;

export function callersFrom(
  users: UserStore,
  options: { signInNameClaim: string; freshForMs?: number; clock?: () => number },
): Callers {
  const freshForMs = options.freshForMs ?? USERS_FRESH_FOR_MS;
  const clock = options.clock ?? Date.now;
  const remembered = new Map<string, { user: StaffUser; until: number }>();
  return {
    signInNameClaim: options.signInNameClaim,
    async userOf({ subject }) {
      const now = clock();
      const hit = remembered.get(subject);
      let user = hit && hit.until > now ? hit.user : undefined;
      if (!user) {
        user = await users.bySubject(subject);
        if (!user) {
          remembered.delete(subject);
          throw new NotLinkedError();
        }
        if (freshForMs > 0) remembered.set(subject, { user, until: now + freshForMs });
      }
      if (!user.enabled) throw new DisabledAccountError();
      return user;
    },
    forget(username) {
      for (const [subject, entry] of remembered) if (entry.user.username === username) remembered.delete(subject);
    },
  };
}

/**
 * The first sign-in of a person whose account an administrator created before knowing their subject: the account
 * named by the token's sign-in name claim, enabled and not linked yet, is linked to the subject (an event of its
 * chain, by the person themselves). The claim chooses only which unlinked account; the account's authority is the
 * administrator's. So the issuer must not let people change that claim themselves (docs/deploy.md).
 */
export async function linkOnFirstSignIn(users: UserStore, signIn: SignIn, at: string): Promise<boolean> {
  if (signIn.signInName === undefined) return false;
  const record = await users.get(signIn.signInName.trim().toLowerCase());
  if (!record || record.user.subject !== undefined) return false;
  // Not linked, but disabled before the person ever signed in: say so rather than "no account".
  if (!record.user.enabled) throw new DisabledAccountError();
  const change = userChange(
    record,
    { ...record.user, subject: signIn.subject },
    { at, actor: record.user.username, type: 'link' },
  );
  try {
    await users.commit(record, change);
  } catch (error) {
    // Another first request of the same person linked it a moment before: what it linked is read next.
    if (!(error instanceof ConflictError)) throw error;
  }
  return true;
}

/** Callers that link a first sign-in before answering (GET /me, the console's first call). */
export function linkingCallers(callers: Callers, users: UserStore, clock: () => Date = () => new Date()): Callers {
  return {
    signInNameClaim: callers.signInNameClaim,
    forget: (username) => callers.forget(username),
    async userOf(signIn) {
      try {
        return await callers.userOf(signIn);
      } catch (error) {
        if (!(error instanceof NotLinkedError)) throw error;
        if (!(await linkOnFirstSignIn(users, signIn, clock().toISOString()))) throw error;
        return callers.userOf(signIn);
      }
    },
  };
}
