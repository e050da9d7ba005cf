/**
 * The staff-accounts part of the contract: what `GET /users`, `POST /users`, `PATCH /users/{username}`, the
 * account's history and the names lookup take and answer (routes in routes.ts).
 */
import { z } from 'zod';
import { CountyCode, ProvinceCode, Role, TownshipCode } from '../domain/model';
import { DisplayName, USER_EVENT_TYPES, Username } from '../domain/users';

// ---------------------------------------------------------------- requests

export const UsersQuery = z.strictObject({
  /** With neither county nor township: the accounts at the province's own level (province administrators). */
  province: ProvinceCode.optional(),
  county: CountyCode.optional(),
  township: TownshipCode.optional(),
  cursor: z.string().max(2000).optional(),
});

export const UserPath = z.object({ username: Username });

const Email = z.email('电子邮箱格式不正确 / not an e-mail address');

export const CreateUserBody = z.strictObject({
  username: Username,
  displayName: DisplayName,
  roles: z.array(Role).min(1, '至少选择一个角色 / choose at least one role'),
  /** Absent: the county's province (its code's first two digits). */
  province: ProvinceCode.optional(),
  county: CountyCode.optional(),
  township: TownshipCode.optional(),
  /** Cognito mode: where the invitation with the temporary password goes (required there). */
  email: Email.optional(),
  /** OpenID Connect mode: the issuer's subject, to link at once instead of at the person's first sign-in. */
  subject: z.string().trim().min(1).max(255).optional(),
});
export type CreateUserBody = z.infer<typeof CreateUserBody>;

export const PatchUserBody = z
  .strictObject({
    displayName: DisplayName.optional(),
    roles: z.array(Role).min(1, '至少选择一个角色 / choose at least one role').optional(),
    /** The whole new place: a county-level account has no township, a province-level one no county. */
    jurisdiction: z
      .strictObject({
        province: ProvinceCode.optional(),
        county: CountyCode.optional(),
        township: TownshipCode.optional(),
      })
      .optional(),
    enabled: z.boolean().optional(),
    email: Email.optional(),
    /** OpenID Connect mode: forget the linked subject; the person's next sign-in links again. */
    unlink: z.literal(true).optional(),
    /** Cognito mode: Cognito mails a code to set a new password. */
    resetPassword: z.literal(true).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: '没有要修改的内容 / nothing to change' });
export type PatchUserBody = z.infer<typeof PatchUserBody>;

export const NamesQuery = z.strictObject({
  usernames: z
    .string()
    .max(4000)
    .transform((text) => [...new Set(text.split(',').map((name) => name.trim()))].filter((name) => name !== ''))
    .pipe(z.array(z.string().max(64)).max(200))
    .meta({ description: 'User names, comma-separated (at most 200)' }),
});

// ---------------------------------------------------------------- answers

export const StaffUserView = z
  .object({
    username: z.string(),
    displayName: z.string(),
    roles: z.array(Role),
    province: z.string(),
    county: z.string().optional(),
    township: z.string().optional(),
    enabled: z.boolean(),
    email: z.string().optional(),
    /** Signed in at least once (or linked by an administrator): the issuer's subject is known. */
    linked: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
  })
  .meta({ id: 'StaffUser' });
export type StaffUserView = z.infer<typeof StaffUserView>;

export const StaffPage = z
  .object({ items: z.array(StaffUserView), cursor: z.string().optional() })
  .meta({ id: 'StaffPage' });

export const UserEventView = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    actor: z.string(),
    type: z.enum(USER_EVENT_TYPES),
    details: z.record(z.string(), z.unknown()),
    hash: z.string(),
  })
  .meta({ id: 'UserEvent' });

export const UserHistory = z
  .object({
    user: StaffUserView,
    events: z.array(UserEventView),
    /** The chain recomputed from the first event: intact, and as long as the account's version. */
    chainVerified: z.boolean(),
  })
  .meta({ id: 'UserHistory' });

export const UserNames = z
  .object({
    /** User name -> display name, for the accounts the caller may see (others are left out). */
    names: z.record(z.string(), z.string()),
  })
  .meta({ id: 'UserNames' });
