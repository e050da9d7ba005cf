/**
 * Staff accounts (GET /users, POST /users, PATCH /users/{username}, the account's history, names for user names).
 * Administrators manage the accounts inside their own jurisdiction and never their own authority (domain/users.ts);
 * every change is one event of the account's own hash chain, written with the account in one transaction.
 */
import type { CreateUserBody, PatchUserBody, StaffUserView } from '../../contract/users';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors';
import type { Actor } from '../../domain/model';
import { verifyChain } from '../../domain/rules/audit';
import {
  assertMayManage,
  checkedJurisdiction,
  type Jurisdiction,
  jurisdictionOf,
  maySee,
  patchedUser,
  type StaffUser,
  type UserEvent,
  type UserEventType,
  uniqueRoles,
  userChange,
} from '../../domain/users';
import type { SignInAccounts } from '../accounts';
import type { Dependencies } from './dependencies';

export type UsersDependencies = Pick<Dependencies, 'store' | 'callers'> & { readonly accounts: SignInAccounts };

export function userView(user: StaffUser): StaffUserView {
  const { subject, ...shown } = user;
  return { ...shown, linked: subject !== undefined };
}

const NOT_ADMIN = new ForbiddenError({
  zh: '只有系统管理员可以管理工作人员账号',
  en: 'Only administrators manage staff accounts',
});

/** A place from codes, the wider codes filled from the narrower (a township's county is its first six digits). */
function placeOf(codes: { province?: string; county?: string; township?: string }): Jurisdiction {
  const county = codes.county ?? codes.township?.slice(0, 6);
  const province = codes.province ?? county?.slice(0, 2);
  if (province === undefined) {
    throw ValidationError.field('county', { zh: '请选择所属县（或省）', en: 'Choose the county (or province)' });
  }
  return checkedJurisdiction({
    province,
    ...(county === undefined ? {} : { county }),
    ...(codes.township === undefined ? {} : { township: codes.township }),
  });
}

/**
 * Lists the accounts of a place: the one asked for, or by default the caller's own jurisdiction.
 * 1. Only administrators list accounts, and only inside their jurisdiction.
 * 2. A township's accounts, a county's (its townships' included) or a province's own level, a page at a time.
 */
export async function listUsers(
  deps: UsersDependencies,
  actor: Actor,
  query: { province?: string; county?: string; township?: string; cursor?: string },
): Promise<{ items: StaffUserView[]; cursor?: string }> {
  if (!actor.roles.includes('admin')) throw NOT_ADMIN;
  const asked = query.township ?? query.county ?? query.province;
  const place = asked === undefined ? placeOf(actor) : placeOf(query);
  assertMayManage(actor, place);
  const page = await deps.store.users.list(place, query.cursor === undefined ? {} : { cursor: query.cursor });
  return { items: page.items.map(userView), ...(page.cursor === undefined ? {} : { cursor: page.cursor }) };
}

/**
 * Creates a staff account.
 * 1. The place must hold together and sit inside the administrator's jurisdiction; the user name must be free.
 * 2. Cognito mode: the user pool creates the sign-in and mails the invitation; its subject links the account.
 *    OpenID Connect mode: the subject given, or none until the person's first sign-in.
 * 3. The account and its first event are written together.
 */
export async function createUser(
  deps: UsersDependencies,
  actor: Actor,
  body: CreateUserBody,
  at: string,
): Promise<StaffUserView> {
  if (!actor.roles.includes('admin')) throw NOT_ADMIN;
  const place = placeOf(body);
  assertMayManage(actor, place);
  if (await deps.store.users.get(body.username)) {
    throw new ConflictError({ zh: '该用户名已被使用', en: 'That user name is taken' });
  }
  if (deps.accounts.mode === 'cognito' && body.subject !== undefined) {
    throw ValidationError.field('subject', {
      zh: '使用本系统用户池登录时，登录标识由系统生成，不能填写',
      en: "With the stack's user pool the subject is Cognito's own: leave it out",
    });
  }
  const created = await deps.accounts.create({
    username: body.username,
    displayName: body.displayName,
    ...(body.email === undefined ? {} : { email: body.email }),
  });
  const subject = created.subject ?? body.subject;
  const change = userChange(
    undefined,
    {
      username: body.username,
      displayName: body.displayName,
      roles: uniqueRoles(body.roles),
      ...place,
      enabled: true,
      ...(body.email === undefined ? {} : { email: body.email }),
      ...(subject === undefined ? {} : { subject }),
    },
    { at, actor: actor.username, type: 'create' },
  );
  await deps.store.users.commit(undefined, change);
  return userView(change.after);
}

/**
 * Changes an account.
 * 1. Never one's own roles, jurisdiction, state, link or password; an administrator's account where it is and
 *    where it goes must both be inside their jurisdiction.
 * 2. Cognito mode: the user pool follows first (disable, enable, reset, name and e-mail), so the pool never lets in
 *    someone the table has refused: a table write that then fails leaves the pool at least as strict.
 * 3. The account and its event are written together; this container forgets what it remembered of the account.
 */
export async function patchUser(
  deps: UsersDependencies,
  actor: Actor,
  username: string,
  body: PatchUserBody,
  at: string,
): Promise<StaffUserView> {
  if (!actor.roles.includes('admin') && actor.username !== username) throw NOT_ADMIN;
  const record = await deps.store.users.get(username);
  if (!record) throw new NotFoundError({ zh: '没有这个账号', en: 'No such account' });
  if (body.unlink && deps.accounts.mode === 'cognito') {
    throw ValidationError.field('unlink', {
      zh: '使用本系统用户池登录时无需解除关联：请停用账号或重置密码',
      en: "With the stack's user pool there is no link to undo: disable the account or reset its password",
    });
  }
  const after = patchedUser(actor, record.user, {
    ...(body.displayName === undefined ? {} : { displayName: body.displayName }),
    ...(body.roles === undefined ? {} : { roles: body.roles }),
    ...(body.jurisdiction === undefined ? {} : { jurisdiction: placeOf(body.jurisdiction) }),
    ...(body.enabled === undefined ? {} : { enabled: body.enabled }),
    ...(body.email === undefined ? {} : { email: body.email }),
    ...(body.unlink ? { unlink: true } : {}),
    ...(body.resetPassword ? { resetPassword: true } : {}),
  });
  const before = record.user;
  if (body.enabled !== undefined) await deps.accounts.setEnabled(username, body.enabled);
  if (after.displayName !== before.displayName || after.email !== before.email) {
    await deps.accounts.updateProfile(username, {
      ...(after.displayName === before.displayName ? {} : { displayName: after.displayName }),
      ...(after.email === before.email || after.email === undefined ? {} : { email: after.email }),
    });
  }
  if (body.resetPassword) await deps.accounts.resetPassword(username);
  const type: UserEventType = body.resetPassword ? 'reset-password' : body.unlink ? 'unlink' : 'change';
  const unchanged = JSON.stringify({ ...after, version: 0 }) === JSON.stringify({ ...before, version: 0 });
  if (unchanged && type === 'change') return userView(before);
  const change = userChange(record, after, { at, actor: actor.username, type });
  await deps.store.users.commit(record, change);
  deps.callers.forget(username);
  return userView(change.after);
}

/** An account's events with its chain verified from the first event to its current version (administrators). */
export async function userHistory(
  deps: UsersDependencies,
  actor: Actor,
  username: string,
): Promise<{ user: StaffUserView; events: Omit<UserEvent, 'prevHash' | 'username'>[]; chainVerified: boolean }> {
  if (!actor.roles.includes('admin')) throw NOT_ADMIN;
  const record = await deps.store.users.get(username);
  if (!record) throw new NotFoundError({ zh: '没有这个账号', en: 'No such account' });
  assertMayManage(actor, jurisdictionOf(record.user));
  const events = await deps.store.users.events(username);
  return {
    user: userView(record.user),
    events: events.map(({ prevHash: _prevHash, username: _username, ...event }) => event),
    chainVerified: verifyChain(events, record.user.version).ok,
  };
}

/** People's names for user names: the accounts of the caller's county, and those an administrator manages. */
export async function namesOf(
  deps: Pick<Dependencies, 'store'>,
  actor: Actor,
  usernames: readonly string[],
): Promise<{ names: Record<string, string> }> {
  const users = await deps.store.users.many(usernames);
  const names: Record<string, string> = {};
  for (const user of users) if (maySee(actor, jurisdictionOf(user))) names[user.username] = user.displayName;
  return { names };
}
