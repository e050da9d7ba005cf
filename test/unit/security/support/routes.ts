/**
 * Who may call each route of the API construct: the one table the route matrix is generated from.
 * Written from docs/api.md, domain.md and the access rules in docs/design.md ("a step is done by
 * the role that owns it, within its own county/township"; county-level users act on every township
 * of their county; auditors and admins read the whole county), never read back from the handlers.
 * A route of `infra/constructs/api.ts` missing here fails the matrix.
 */
import type { Role } from '../../../../domain/model';
import { HOME, OWNERS, type Place } from './scenes';

export type Rule = (role: Role, place: Place) => boolean;

const inHomeCounty = (place: Place) => place.county === HOME.county;
const countyLevel = (place: Place) => place.township === undefined;
/** Township-level work on the household: its township's staff or its county's staff. */
const overTheHousehold = (place: Place) =>
  inHomeCounty(place) && (countyLevel(place) || place.township === HOME.township);
const readsCountyWide = (role: Role, place: Place) => countyLevel(place) || role === 'auditor' || role === 'admin';
/** Reading the household's files and lists: its township's staff, and those who read the county. */
const readsTheHousehold: Rule = (role, place) =>
  inHomeCounty(place) && (readsCountyWide(role, place) || place.township === HOME.township);

/** Roles that take photos as evidence (inspections, appraisals, supervision, acceptance). */
const PHOTO_TAKERS: readonly Role[] = ['inspector', 'construction', 'civil-affairs'];

export const ROUTE_ACCESS = {
  'GET /health': { public: true },
  'GET /openapi.json': { public: true },
  /** Who am I: anyone signed in. */
  'GET /me': { allowed: () => true },
  /** A program's configuration: any staff of its county reads it; only its county's admin changes it. */
  'GET /programs/{programId}': { allowed: (_role, place) => inHomeCounty(place) },
  'PUT /programs/{programId}': { allowed: (role, place) => role === 'admin' && inHomeCounty(place) },
  /** An application is filed by civil affairs, or by construction staff who found the household. */
  'POST /households': {
    allowed: (role, place) => (role === 'civil-affairs' || role === 'construction') && overTheHousehold(place),
  },
  /** Lists and files: any role within the jurisdiction; auditors and admins county-wide. */
  'GET /households': { allowed: readsTheHousehold },
  'GET /households/{id}': { allowed: readsTheHousehold },
  'GET /households/{id}/ledger-card': { allowed: readsTheHousehold },
  /** A township's work queue: its own staff and the county's. */
  'GET /tasks': { allowed: (_role, place) => overTheHousehold(place) },
  /** Per action: OWNERS (the workflow description's owner of each step), checked action by action. */
  'POST /households/{id}/actions/{action}': { perAction: OWNERS },
  /** Money moves only through county finance staff of the household's county (maker-checker, bank files). */
  'POST /payments/{householdId}/{installment}/approve': {
    allowed: (role, place) => role === 'finance' && inHomeCounty(place) && countyLevel(place),
  },
  'POST /payments/{householdId}/{installment}/retry': {
    allowed: (role, place) => role === 'finance' && inHomeCounty(place) && countyLevel(place),
  },
  'GET /payments/batch': { allowed: (role, place) => role === 'finance' && inHomeCounty(place) && countyLevel(place) },
  'POST /payments/results': {
    allowed: (role, place) => role === 'finance' && inHomeCounty(place) && countyLevel(place),
  },
  /** County reports: county staff, auditors and admins of that county (leaders read progress and funds). */
  'GET /reports/funds': { allowed: (role, place) => inHomeCounty(place) && readsCountyWide(role, place) },
  'GET /reports/progress': { allowed: (role, place) => inHomeCounty(place) && readsCountyWide(role, place) },
  /** The masked household list: as the list it exports, a township's staff export their own township. */
  'GET /reports/households': { allowed: readsTheHousehold },
  /** The public notice list of an area: its staff, as for the household list. */
  'GET /notices': { allowed: readsTheHousehold },
  /** Recounting the progress counters: only the county's admin. */
  'POST /programs/{programId}/progress-counters/rebuild': {
    allowed: (role, place) => role === 'admin' && inHomeCounty(place),
  },
  /** Photo evidence: the photo-taking roles over the household's township. */
  'POST /households/{id}/photos': { allowed: (role, place) => PHOTO_TAKERS.includes(role) && overTheHousehold(place) },
  'POST /households/{id}/photos/{photoId}/confirm': {
    allowed: (role, place) => PHOTO_TAKERS.includes(role) && overTheHousehold(place),
  },
} as const satisfies Record<string, { public: true } | { allowed: Rule } | { perAction: typeof OWNERS }>;

export type RouteKey = keyof typeof ROUTE_ACCESS;
