/**
 * Flags with consequences. A flag is something found on the file that deserves a second look: a
 * reused or far photo, a too-short build, a person already on another file or on the relocation
 * list. Each kind is `warn` (shown wherever the household is shown) or `block` (the step that
 * relies on it does not go on) as the program's flag policy says, with defaults below.
 *
 * A blocked step goes on only through an override: a second person, of a higher level than the
 * staff who gather the evidence (county-level staff of the household's county), holding a role
 * that answers for that kind of flag, grants it with a reason, and the grant is an event of the
 * household's audit chain. The override covers the flags of that kind present when it is granted
 * (a photo confirmed later is not covered), never one the grantor raised themself, and the grantor
 * cannot be the one who then carries out the blocked step (谁核查、谁签字、谁负责: two names on it).
 *
 * A block never stops a rejection, a send-back or a failed inspection: only the forward outcome
 * of a step (approve, pass, qualify, release) is held.
 */
import { z } from 'zod';
import { Version } from '../actions';
import { bilingualIssue, ConflictError, ForbiddenError } from '../errors';
import { FLAG_TITLES } from '../labels';
import type { Action, Actor, Override, RaisedFlag, Role } from '../model';
import { FLAG_KINDS, FlagKind, type FlagPolicy, type FlagSubject, flagLevel, subjectOf } from './flag-kinds';

export * from './flag-kinds';

/** The `ref` of a flag on the household itself (its persons, its account). */
export const HOUSEHOLD_REF = 'household';

/**
 * The steps a blocking flag holds. A photo's flags hold the step that cites the photo as its
 * evidence; a step's or the household's flags hold the approval and every payment after them.
 */
export const BLOCKED_ACTIONS: Readonly<Record<FlagSubject, readonly Action[]>> = {
  photo: ['appraise-safety', 'inspect', 'accept'],
  step: ['county-approve', 'release-installment'],
  household: ['county-approve', 'release-installment'],
};

/**
 * Who answers for a kind of flag at the county: the works and their evidence are the
 * construction bureau's and the county quality station's (县质监站), the persons and rosters civil
 * affairs' and the construction bureau's, which runs the program.
 */
export const OVERRIDING_ROLES: Readonly<Record<FlagSubject, readonly Role[]>> = {
  photo: ['construction', 'inspector'],
  step: ['construction', 'inspector'],
  household: ['civil-affairs', 'construction'],
};

// ---------------------------------------------------------------- overrides

/** `POST /households/{id}/overrides`. */
export const OverrideBody = z.strictObject({
  /** The household version the grantor saw: the flags they judged. */
  version: Version,
  flag: FlagKind,
  /** One flag of that kind (a photo id, an inspection); absent: every flag of that kind on the file. */
  ref: z.string().min(1).max(120).optional(),
  reason: z
    .string()
    .trim()
    .max(2000)
    .refine(
      (reason) => reason.length >= 5,
      bilingualIssue({
        zh: '请写明放行理由（至少5个字）',
        en: 'Give the reason for letting the step go on (at least 5 characters)',
      }),
    ),
});
export type OverrideBody = z.infer<typeof OverrideBody>;

function sameFlag(a: Pick<RaisedFlag, 'kind' | 'ref'>, b: Pick<RaisedFlag, 'kind' | 'ref'>): boolean {
  return a.kind === b.kind && a.ref === b.ref;
}

/** The override covering the flag, if one does; with `notBy`, only one another person granted. */
export function overrideOf(
  flag: Pick<RaisedFlag, 'kind' | 'ref'>,
  overrides: readonly Override[],
  notBy?: string,
): Override | undefined {
  return overrides.find(
    (override) =>
      override.flag === flag.kind && override.refs.includes(flag.ref) && (notBy === undefined || override.by !== notBy),
  );
}

/** Every role that may override some kind of flag (the contract's access of the override route). */
export const OVERRIDERS: readonly Role[] = [...new Set(Object.values(OVERRIDING_ROLES).flat())];

/** Whether the step's outcome moves the file forward (only forward outcomes are ever held). */
export function isForward(action: Action, body: Readonly<Record<string, unknown>>): boolean {
  switch (action) {
    case 'appraise-safety':
      return body.grade === 'C' || body.grade === 'D';
    case 'township-review':
    case 'county-approve':
      return body.decision === 'approve';
    case 'inspect':
    case 'accept':
      return body.result === 'pass';
    case 'release-installment':
      return true;
    default:
      return false;
  }
}

/** The flags that bear on an action: the cited photos' flags, and the file's own for approval and money. */
export function flagsBearingOn(
  action: Action,
  flags: readonly RaisedFlag[],
  citedPhotoIds: readonly string[] = [],
): RaisedFlag[] {
  return flags.filter((flag) => {
    if (!BLOCKED_ACTIONS[flag.subject].includes(action)) return false;
    return flag.subject !== 'photo' || citedPhotoIds.includes(flag.ref);
  });
}

export interface BlockCheck {
  action: Action;
  body: Readonly<Record<string, unknown>>;
  flags: readonly RaisedFlag[];
  overrides: readonly Override[];
  policy?: FlagPolicy | undefined;
  /** Who carries out the step: an override they granted themself does not count. */
  actor: string;
  citedPhotoIds?: readonly string[];
}

/** The flags that hold this step: blocking by policy, bearing on it, and not overridden by another person. */
export function blockingFlags(check: BlockCheck): RaisedFlag[] {
  if (!isForward(check.action, check.body)) return [];
  return flagsBearingOn(check.action, check.flags, check.citedPhotoIds).filter(
    (flag) => flagLevel(check.policy, flag.kind) === 'block' && !overrideOf(flag, check.overrides, check.actor),
  );
}

/** The refusal of a held step: which flags, and what to do about them. */
export function blockedByFlags(
  flags: readonly RaisedFlag[],
  overrides: readonly Override[],
  actor: string,
): ConflictError {
  const kinds = [...new Set(flags.map((flag) => flag.kind))];
  const selfGranted = flags.some((flag) => overrideOf(flag, overrides) && !overrideOf(flag, overrides, actor));
  const titles = {
    zh: kinds.map((k) => FLAG_TITLES[k].zh).join('；'),
    en: kinds.map((k) => FLAG_TITLES[k].en).join('; '),
  };
  return new ConflictError({
    zh: `以下提示须经县级人员核实放行后才能办理：${titles.zh}${selfGranted ? '（放行人不能本人办理此步骤）' : ''}`,
    en: `This step is held until county staff review and override: ${titles.en}${selfGranted ? ' (whoever granted the override cannot carry out the step)' : ''}`,
  });
}

export type OverrideCheck = { ok: true; override: Override } | { ok: false; error: ForbiddenError | ConflictError };

export interface OverrideRequest {
  grantor: Actor;
  /** The household's county. */
  county: string;
  flags: readonly RaisedFlag[];
  overrides: readonly Override[];
  policy?: FlagPolicy | undefined;
  body: Pick<OverrideBody, 'flag' | 'ref' | 'reason'>;
  /** ISO time of the grant. */
  now: string;
}

/**
 * Whether `grantor` may override the flags of `body.flag` (one, when `ref` is given), and the
 * override if so: county-level staff of the household's county holding a role that answers for
 * the kind; only blocking flags, only those not yet overridden, never one the grantor raised.
 */
export function grantOverride(request: OverrideRequest): OverrideCheck {
  const { grantor, body } = request;
  const subject = subjectOf(body.flag);
  const roles = OVERRIDING_ROLES[subject];
  const mayOverrideAny = OVERRIDERS.some((r) => grantor.roles.includes(r));
  if (!mayOverrideAny || grantor.county !== request.county || grantor.township !== undefined) {
    return {
      ok: false,
      error: new ForbiddenError({
        zh: `放行须由本县县级${OVERRIDERS.join('、')}人员办理`,
        en: `An override is granted by county-level ${OVERRIDERS.join(', ')} staff of the household's county`,
      }),
    };
  }
  const present = request.flags.filter(
    (flag) => flag.kind === body.flag && (body.ref === undefined || flag.ref === body.ref),
  );
  if (present.length === 0) {
    return {
      ok: false,
      error: new ConflictError({
        zh: `该户档案没有此提示：${FLAG_TITLES[body.flag].zh}`,
        en: `The household file has no such flag: ${FLAG_TITLES[body.flag].en}`,
      }),
    };
  }
  if (flagLevel(request.policy, body.flag) !== 'block') {
    return {
      ok: false,
      error: new ConflictError({
        zh: '该类提示按本项目规则仅作提醒，不阻止办理，无需放行',
        en: "The program's policy makes this kind a warning: it holds nothing, so there is nothing to override",
      }),
    };
  }
  const role = roles.find((r) => grantor.roles.includes(r));
  if (role === undefined) {
    return {
      ok: false,
      error: new ForbiddenError({
        zh: `此类提示须由县级${roles.join('、')}人员核实放行`,
        en: `This kind of flag is overridden by county-level ${roles.join(' or ')} staff`,
      }),
    };
  }
  const open = present.filter((flag) => !overrideOf(flag, request.overrides));
  if (open.length === 0) {
    const by = overrideOf(present[0] as RaisedFlag, request.overrides)?.by ?? '';
    return {
      ok: false,
      error: new ConflictError({ zh: `该提示已由 ${by} 放行`, en: `The flag was already overridden by ${by}` }),
    };
  }
  if (open.some((flag) => flag.raisedBy === grantor.username)) {
    return {
      ok: false,
      error: new ForbiddenError({
        zh: '提示由您本人经办的记录引起，须由另一名县级人员核实放行',
        en: 'You recorded what raised this flag; another county officer must override it',
      }),
    };
  }
  return {
    ok: true,
    override: {
      flag: body.flag,
      refs: open.map((flag) => flag.ref),
      reason: body.reason,
      by: grantor.username,
      role,
      at: request.now,
    },
  };
}

/** How a household's flags stand, for lists, queues and reports. */
export interface FlagSummary {
  /** Kinds present, in the order of FLAG_KINDS. */
  kinds: FlagKind[];
  /** Flags that hold a step under the policy and are not overridden. */
  blocking: number;
  /** Flags that only warn. */
  warnings: number;
  overridden: number;
}

export function summarizeFlags(
  flags: readonly RaisedFlag[],
  overrides: readonly Override[],
  policy?: FlagPolicy | undefined,
): FlagSummary {
  const present = new Set(flags.map((flag) => flag.kind));
  let blocking = 0;
  let warnings = 0;
  let overridden = 0;
  for (const flag of flags) {
    if (overrideOf(flag, overrides)) overridden += 1;
    else if (flagLevel(policy, flag.kind) === 'block') blocking += 1;
    else warnings += 1;
  }
  return { kinds: FLAG_KINDS.filter((kind) => present.has(kind)), blocking, warnings, overridden };
}

/** Adds flags not already on the file (same kind and ref), keeping the first raising. */
export function mergeFlags(existing: readonly RaisedFlag[], raised: readonly RaisedFlag[]): RaisedFlag[] {
  const merged = [...existing];
  for (const flag of raised) if (!merged.some((seen) => sameFlag(seen, flag))) merged.push(flag);
  return merged;
}
