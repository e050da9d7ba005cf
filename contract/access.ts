/**
 * Who may call a route, as data. The use cases enforce it (domain/rules/access.ts and the checks
 * beside each use case); the route x role x place matrix (test/unit/security/) calls the real
 * handlers and compares their answers with `allows`, so a handler that lets in a caller the
 * contract does not name fails there.
 *
 * Jurisdiction follows docs/design.md: a step is done by the role that owns it within its own
 * county or township; county-level users (no township) act on every township of their county.
 */
import type { Role } from '../domain/model';

/** How far from the resource (a household, a program, a county's reports) a caller may sit. */
export type Reach =
  /** Any user of the resource's county, township staff included. */
  | 'county'
  /** The staff of the resource's township, and the county-level staff of its county. */
  | 'township'
  /** County-level staff of the resource's county only. */
  | 'county-level';

export type Access =
  /** No token needed (API Gateway lets the call through without the authorizer). */
  | { readonly public: true }
  /** Anyone with a valid token. */
  | { readonly signedIn: true }
  | {
      /** Roles that may call; 'any' is every Anju role. */
      readonly roles: 'any' | readonly Role[];
      readonly within: Reach;
      /** Roles whose township-level holders still read the whole county (auditors, admins). */
      readonly countyWide?: readonly Role[];
    };

export const PUBLIC = { public: true } as const satisfies Access;
export const SIGNED_IN = { signedIn: true } as const satisfies Access;

/** The caller as the JWT claims place it. */
export interface Caller {
  readonly roles: readonly Role[];
  readonly county?: string;
  /** Absent for county-level staff. */
  readonly township?: string;
}

/** Where the resource sits. */
export interface Place {
  readonly county: string;
  readonly township?: string;
}

/** Whether the contract lets `caller` call a route with this access on a resource at `place`. */
export function allows(access: Access, caller: Caller, place: Place): boolean {
  if ('public' in access || 'signedIn' in access) return true;
  const held = access.roles === 'any' ? caller.roles : caller.roles.filter((role) => access.roles.includes(role));
  if (held.length === 0 || caller.county !== place.county) return false;
  const countyWide = caller.township === undefined || held.some((role) => access.countyWide?.includes(role) ?? false);
  switch (access.within) {
    case 'county':
      return true;
    case 'township':
      return countyWide || caller.township === place.township;
    case 'county-level':
      return countyWide;
  }
}
