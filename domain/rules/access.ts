/**
 * Who may act where (domain.md: "a step is done by the role that owns it, within its own
 * county/township"). Holding the role is required: `admin` manages configuration but does not
 * act on households, and `auditor` only reads. A county-level user has no township claim.
 */
import { type Bilingual, ForbiddenError, NotFoundError } from '../errors';
import { householdReference, ROLE_TITLES } from '../labels';
import type { Actor, Role } from '../model';

export type JurisdictionLevel = 'township' | 'county';
export type AccessDecision = { ok: true } | { ok: false; error: ForbiddenError };

interface Place {
  county: string;
  township: string;
}

const allowed: AccessDecision = { ok: true };
const denied = (messages: Bilingual): AccessDecision => ({ ok: false, error: new ForbiddenError(messages) });

export function isCountyLevel(actor: Actor): boolean {
  return actor.township === undefined;
}

export function canActInJurisdiction(
  actor: Actor,
  required: { role: Role; level: JurisdictionLevel },
  household: Place,
): AccessDecision {
  if (!actor.roles.includes(required.role)) {
    const role = ROLE_TITLES[required.role];
    return denied({ zh: `此操作需要${role.zh}人员办理`, en: `This step is done by ${role.en} staff` });
  }
  if (actor.county === undefined || actor.county !== household.county) {
    return denied({ zh: '该农户不在您所属的县', en: 'The household is outside your county' });
  }
  if (required.level === 'county') {
    if (!isCountyLevel(actor)) {
      return denied({ zh: '此操作须由县级人员办理', en: 'This step is done by county staff' });
    }
    return allowed;
  }
  if (!isCountyLevel(actor) && actor.township !== household.township) {
    return denied({ zh: '该农户不在您所属的乡镇', en: 'The household is outside your township' });
  }
  return allowed;
}

/**
 * Reading a household file: any role within its jurisdiction. Auditors and admins read the
 * whole county even when they carry a township claim.
 */
export function canRead(actor: Actor, household: Place): AccessDecision {
  if (actor.roles.length === 0) return denied({ zh: '您没有任何角色', en: 'You hold no role' });
  if (actor.county === undefined || actor.county !== household.county) {
    return denied({ zh: '该农户不在您所属的县', en: 'The household is outside your county' });
  }
  const countyWide = isCountyLevel(actor) || actor.roles.some((r) => r === 'auditor' || r === 'admin');
  if (!countyWide && actor.township !== household.township) {
    return denied({ zh: '该农户不在您所属的乡镇', en: 'The household is outside your township' });
  }
  return allowed;
}

/**
 * The answer for a household that does not exist, and the same answer for one the caller may not
 * read: a 403 for another township's household and a 404 for a made-up id would let staff tell
 * which ids exist. A caller who may read the household still gets a 403 for a step it may not take.
 */
export function householdNotFound(householdId: string): NotFoundError {
  const reference = householdReference(householdId);
  return new NotFoundError({ zh: `找不到档案号为 ${reference} 的农户`, en: `There is no household ${reference}` });
}

/** Whether the household exists for this caller: it may read it. */
export function isVisibleTo(actor: Actor, household: Place): boolean {
  return canRead(actor, household).ok;
}

/** The code stored on a pending task: the township for township steps, the county otherwise. */
export function taskJurisdiction(level: JurisdictionLevel, household: Place): string {
  return level === 'county' ? household.county : household.township;
}

/**
 * Reading a county's reports and exports (progress, funds, household list): county staff of any
 * role, and auditors or admins of the county even with a township claim (leaders read through
 * these). Township staff read their own township's households through the household list.
 */
export function canReadCountyReports(actor: Actor, county: string): AccessDecision {
  if (actor.roles.length === 0) return denied({ zh: '您没有任何角色', en: 'You hold no role' });
  if (actor.county === undefined || actor.county !== county) {
    return denied({ zh: '不在您所属的县', en: 'Outside your county' });
  }
  const countyWide = isCountyLevel(actor) || actor.roles.some((r) => r === 'auditor' || r === 'admin');
  if (!countyWide) return denied({ zh: '报表仅限县级人员查阅', en: 'County reports are for county-level staff' });
  return allowed;
}

export type ReportScope = { ok: true; township?: string } | { ok: false; error: ForbiddenError };

/**
 * Reading a program's progress report: county staff, auditors and admins read the county or any one
 * of its townships; township staff read their own township (the default for them), never another.
 */
export function progressReportScope(actor: Actor, county: string, township?: string): ReportScope {
  if (actor.roles.length === 0)
    return { ok: false, error: new ForbiddenError({ zh: '您没有任何角色', en: 'You hold no role' }) };
  if (actor.county === undefined || actor.county !== county) {
    return { ok: false, error: new ForbiddenError({ zh: '不在您所属的县', en: 'Outside your county' }) };
  }
  const countyWide = isCountyLevel(actor) || actor.roles.some((r) => r === 'auditor' || r === 'admin');
  if (countyWide) return township === undefined ? { ok: true } : { ok: true, township };
  if (township !== undefined && township !== actor.township) {
    return {
      ok: false,
      error: new ForbiddenError({ zh: '只能查阅本乡镇的报表', en: "Township staff read their own township's report" }),
    };
  }
  return { ok: true, township: actor.township };
}
