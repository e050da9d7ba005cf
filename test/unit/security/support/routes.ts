/**
 * Who may call each route, read from the contract (contract/routes.ts, `access`): the one table the
 * route matrix is generated from. The contract states it from docs/api.md, domain.md and the access
 * rules in docs/design.md; the handlers enforce it on their own (domain/rules/access.ts and the use
 * cases), so the matrix compares two independent statements. The resource of every row sits at
 * HOME: the household's county and township.
 */
import { type Access, allows } from '../../../../contract/access';
import { CONTRACT_ROUTES, type RouteKey } from '../../../../contract/routes';
import type { Role } from '../../../../domain/model';
import { HOME, type Place } from './scenes';

export type Rule = (role: Role, place: Place) => boolean;

/** The contract's verdict for a caller holding `role` at `place`, on a resource at HOME. */
export function ruleOf(access: Access): Rule {
  return (role, place) => allows(access, { roles: [role], county: place.county, township: place.township }, HOME);
}

/** Every route behind the token with one rule for all its callers (the action route has one per action). */
export const RULED: readonly { route: RouteKey; allowed: Rule }[] = CONTRACT_ROUTES.flatMap((route) =>
  'access' in route.spec && !('public' in route.spec.access)
    ? [{ route: route.key, allowed: ruleOf(route.spec.access) }]
    : [],
);
