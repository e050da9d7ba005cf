/**
 * Staff accounts: Anju's own table of users. A token (Cognito's or a county's OpenID Connect issuer's) proves only
 * who signs in (its subject); what that person may do and where (roles, province, county, township, enabled)
 * is read from here, so no claim a user or an outside issuer could shape grants anything.
 *
 * Who may manage whom: an enabled administrator, over the accounts inside their own jurisdiction (a
 * province-level administrator: every account of the province; a county's: its county's and its townships';
 * a township's: that township's), and both before and after the change. Nobody changes their own roles,
 * jurisdiction, state or sign-in link, by any route. Each change is an event of the account's own hash chain,
 * sealed as a household's are (rules/audit.ts).
 */
import { z } from 'zod';
import { type Bilingual, ForbiddenError, ValidationError } from './errors';
import { type Actor, CountyCode, ProvinceCode, Role, TownshipCode } from './model';
import { chainEvent, GENESIS_HASH } from './rules/audit';

/** The sign-in name: Anju's key of the account, and at an outside issuer its user name (`preferred_username`). */
export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z0-9][a-z0-9._@-]{1,63}$/,
    'user name: 2 to 64 letters, digits and . _ @ - (用户名为2至64位字母、数字或 . _ @ -)',
  );

export const DisplayName = z.string().trim().min(1).max(40);

/** Where an account acts: a province (no county), a county (no township) or a township. */
export const Jurisdiction = z
  .object({
    province: ProvinceCode,
    county: CountyCode.optional(),
    township: TownshipCode.optional(),
  })
  .superRefine((place, ctx) => {
    if (place.county !== undefined && !place.county.startsWith(place.province)) {
      ctx.addIssue({ code: 'custom', path: ['county'], message: 'the county is not in the province' });
    }
    if (place.township !== undefined && place.county === undefined) {
      ctx.addIssue({ code: 'custom', path: ['county'], message: 'a township account needs its county' });
    }
    if (place.township !== undefined && place.county !== undefined && !place.township.startsWith(place.county)) {
      ctx.addIssue({ code: 'custom', path: ['township'], message: 'the township is not in the county' });
    }
  });
export type Jurisdiction = z.infer<typeof Jurisdiction>;

export type JurisdictionLevel = 'province' | 'county' | 'township';

export function levelOf(place: Jurisdiction): JurisdictionLevel {
  if (place.township !== undefined) return 'township';
  return place.county !== undefined ? 'county' : 'province';
}

export const StaffUser = z.object({
  username: Username,
  displayName: DisplayName,
  roles: z.array(Role).min(1),
  province: ProvinceCode,
  county: CountyCode.optional(),
  township: TownshipCode.optional(),
  enabled: z.boolean(),
  /** Where Cognito sends the invitation and password resets (Cognito mode). */
  email: z.email().optional(),
  /** The issuer's `sub` this account is linked to; absent until the person first signs in (or after an unlink). */
  subject: z.string().min(1).max(255).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Increments with every change; equals the `seq` of the account's latest event. */
  version: z.number().int().positive(),
});
export type StaffUser = z.infer<typeof StaffUser>;

export function jurisdictionOf(user: Pick<StaffUser, 'province' | 'county' | 'township'>): Jurisdiction {
  return {
    province: user.province,
    ...(user.county === undefined ? {} : { county: user.county }),
    ...(user.township === undefined ? {} : { township: user.township }),
  };
}

/** The caller an enabled account stands for. */
export function actorOfUser(user: StaffUser): Actor {
  return {
    username: user.username,
    roles: [...user.roles],
    province: user.province,
    ...(user.county === undefined ? {} : { county: user.county }),
    ...(user.township === undefined ? {} : { township: user.township }),
  };
}

// ---------------------------------------------------------------- who may manage whom

const denied = (messages: Bilingual) => new ForbiddenError(messages);

/** The jurisdiction of a caller; undefined when the caller has none an account could sit in. */
function callerJurisdiction(actor: Actor): Jurisdiction | undefined {
  const province = actor.province ?? actor.county?.slice(0, 2);
  if (province === undefined) return undefined;
  return jurisdictionOf({ province, county: actor.county, township: actor.township });
}

/** Whether an account at `target` sits inside `manager`'s jurisdiction. */
export function covers(manager: Jurisdiction, target: Jurisdiction): boolean {
  switch (levelOf(manager)) {
    case 'province':
      return target.province === manager.province;
    case 'county':
      return target.county === manager.county;
    case 'township':
      return target.township === manager.township;
  }
}

/** Throws unless `actor` is an administrator whose jurisdiction covers `target`. */
export function assertMayManage(actor: Actor, target: Jurisdiction): void {
  if (!actor.roles.includes('admin')) {
    throw denied({ zh: '只有系统管理员可以管理工作人员账号', en: 'Only administrators manage staff accounts' });
  }
  const own = callerJurisdiction(actor);
  if (!own || !covers(own, target)) {
    throw denied({
      zh: '该账号不在您管理的辖区内',
      en: 'That account is outside the jurisdiction you administer',
    });
  }
}

/** Whether `actor` may see `target` in lists and names: any staff member of the same county, or an admin over it. */
export function maySee(actor: Actor, target: Jurisdiction): boolean {
  if (actor.county !== undefined && target.county === actor.county) return true;
  const own = callerJurisdiction(actor);
  return actor.roles.includes('admin') && own !== undefined && covers(own, target);
}

/** What an administrator may change on an account (PATCH /users/{username}); absent: unchanged. */
export interface StaffPatch {
  displayName?: string;
  roles?: Role[];
  /** A new jurisdiction, whole (province, county and township together). */
  jurisdiction?: Jurisdiction;
  enabled?: boolean;
  email?: string;
  /** Forget the linked subject (OpenID Connect mode): the person's next sign-in links again. */
  unlink?: true;
  /** Send a new temporary password (Cognito mode). */
  resetPassword?: true;
}

const SELF: Bilingual = {
  zh: '不能修改自己的角色、辖区、账号状态或登录关联，请由上级或其他管理员办理',
  en: 'You cannot change your own roles, jurisdiction, account state or sign-in link; ask another administrator',
};

/**
 * The account after an administrator's patch, or a ForbiddenError: the manager must administer the account where
 * it is and where it goes, and may not touch their own authority (only their own display name and e-mail).
 */
export function patchedUser(actor: Actor, before: StaffUser, patch: StaffPatch): StaffUser {
  const own = actor.username === before.username;
  const touchesAuthority =
    patch.roles !== undefined ||
    patch.jurisdiction !== undefined ||
    patch.enabled !== undefined ||
    patch.unlink !== undefined ||
    patch.resetPassword !== undefined;
  if (own && touchesAuthority) throw denied(SELF);
  if (!own) assertMayManage(actor, jurisdictionOf(before));
  const place = patch.jurisdiction ?? jurisdictionOf(before);
  if (patch.jurisdiction !== undefined) assertMayManage(actor, place);
  const { subject: _subject, county: _county, township: _township, ...kept } = before;
  return StaffUser.parse({
    ...kept,
    ...(before.subject !== undefined && patch.unlink === undefined ? { subject: before.subject } : {}),
    ...place,
    ...(patch.displayName === undefined ? {} : { displayName: patch.displayName }),
    ...(patch.roles === undefined ? {} : { roles: uniqueRoles(patch.roles) }),
    ...(patch.enabled === undefined ? {} : { enabled: patch.enabled }),
    ...(patch.email === undefined ? {} : { email: patch.email }),
  });
}

export function uniqueRoles(roles: readonly Role[]): Role[] {
  return Role.options.filter((role) => roles.includes(role));
}

/** Throws a 400 naming the field when the jurisdiction does not hold together. */
export function checkedJurisdiction(place: unknown): Jurisdiction {
  const parsed = Jurisdiction.safeParse(place);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = String(issue?.path[0] ?? 'county');
  const messages: Record<string, Bilingual> = {
    county: { zh: '所填县不在所选省内，或乡镇账号缺少所属县', en: 'The county is not in the province, or is missing' },
    township: { zh: '所填乡镇不在所选县内', en: 'The township is not in the county' },
    province: { zh: '省份代码为2位数字', en: 'The province code is 2 digits' },
  };
  throw ValidationError.field(
    field,
    messages[field] ?? messages.county ?? { zh: '辖区无效', en: 'Invalid jurisdiction' },
  );
}

// ---------------------------------------------------------------- the account's audit chain

export const USER_EVENT_TYPES = ['create', 'change', 'link', 'unlink', 'reset-password'] as const;
export const UserEventType = z.enum(USER_EVENT_TYPES);
export type UserEventType = z.infer<typeof UserEventType>;

export const UserEvent = z.object({
  username: z.string(),
  seq: z.number().int().positive(),
  at: z.string(),
  /** Who made the change: an administrator's user name, the person themselves (`link`), or `bootstrap`. */
  actor: z.string(),
  type: UserEventType,
  /** Each changed field as `{ from, to }` (a new account: its fields as `to`). */
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});
export type UserEvent = z.infer<typeof UserEvent>;

/** The fields whose changes the chain records (the subject too: a link is evidence of who signed in as whom). */
const AUDITED = ['displayName', 'roles', 'province', 'county', 'township', 'enabled', 'email', 'subject'] as const;

/** `{ field: { from, to } }` for each audited field that differs. */
export function differences(before: StaffUser | undefined, after: StaffUser): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const field of AUDITED) {
    const from = before?.[field];
    const to = after[field];
    if (JSON.stringify(from) !== JSON.stringify(to)) {
      changes[field] = { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
    }
  }
  return changes;
}

/**
 * A change of an account: the account at its next version and the event that records it, sealed onto the chain
 * after `lastHash` (genesis for a new account).
 */
export function userChange(
  before: { user: StaffUser; lastHash: string } | undefined,
  after: Omit<StaffUser, 'version' | 'updatedAt' | 'createdAt'> & Partial<Pick<StaffUser, 'createdAt'>>,
  step: { at: string; actor: string; type: UserEventType; details?: Record<string, unknown> },
): { after: StaffUser; event: UserEvent } {
  const version = (before?.user.version ?? 0) + 1;
  const next = StaffUser.parse({
    ...after,
    createdAt: before?.user.createdAt ?? after.createdAt ?? step.at,
    updatedAt: step.at,
    version,
  });
  const prevHash = before?.lastHash ?? GENESIS_HASH;
  const unsealed = {
    username: next.username,
    seq: version,
    at: step.at,
    actor: step.actor,
    type: step.type,
    details: { ...differences(before?.user, next), ...step.details },
    prevHash,
  };
  return { after: next, event: { ...unsealed, hash: chainEvent(prevHash, unsealed) } };
}
