/**
 * The kinds of flag and their levels: a leaf the model (a program's flag policy, a household's
 * raised flags) and the rules (domain/rules/flags.ts) both read.
 */
import { z } from 'zod';

/** Flags of one photo, raised when it is confirmed. */
export const PHOTO_FLAGS = [
  'duplicate-image',
  'near-duplicate-image',
  'near-duplicate-stage',
  'gps-far',
  'gps-missing',
  'capture-time-missing',
  'capture-time-future',
  'capture-time-outside-window',
] as const;
/** Flags of a recorded step (an appraisal, an inspection, the acceptance): its dates against the others. */
export const STEP_FLAGS = [
  'stage-too-soon',
  'capture-stage-too-soon',
  'capture-date-mismatch',
  'build-period-too-short',
] as const;
/** Flags of the household: its persons, its account and the rosters they are on. */
export const HOUSEHOLD_FLAGS = [
  'person-already-claimed',
  'roster-relocation',
  'roster-past-beneficiary',
  'category-not-on-roster',
  'bank-account-shared',
  'split-household',
] as const;

export const FLAG_KINDS = [...PHOTO_FLAGS, ...STEP_FLAGS, ...HOUSEHOLD_FLAGS] as const;
export const FlagKind = z.enum(FLAG_KINDS);
export type FlagKind = z.infer<typeof FlagKind>;

export const FlagSubject = z.enum(['photo', 'step', 'household']);
export type FlagSubject = z.infer<typeof FlagSubject>;

export const FlagLevel = z.enum(['warn', 'block']);
export type FlagLevel = z.infer<typeof FlagLevel>;

/** A program's choice per kind; kinds it does not name keep the default level. */
export const FlagPolicy = z.partialRecord(FlagKind, FlagLevel);
export type FlagPolicy = z.infer<typeof FlagPolicy>;

export function subjectOf(kind: FlagKind): FlagSubject {
  if ((PHOTO_FLAGS as readonly string[]).includes(kind)) return 'photo';
  if ((STEP_FLAGS as readonly string[]).includes(kind)) return 'step';
  return 'household';
}

/**
 * What a county audit bureau would not let pass unexamined blocks by default; what has an
 * innocent everyday cause (a phone without GPS, the same viewpoint at two stages, a household
 * not yet on this month's 低保 list) warns.
 */
export const DEFAULT_FLAG_LEVELS: Readonly<Record<FlagKind, FlagLevel>> = {
  'duplicate-image': 'block',
  'near-duplicate-image': 'block',
  'near-duplicate-stage': 'warn',
  'gps-far': 'block',
  'gps-missing': 'warn',
  'capture-time-missing': 'warn',
  'capture-time-future': 'block',
  'capture-time-outside-window': 'block',
  'stage-too-soon': 'block',
  'capture-stage-too-soon': 'block',
  'capture-date-mismatch': 'warn',
  'build-period-too-short': 'block',
  'person-already-claimed': 'block',
  'roster-relocation': 'block',
  'roster-past-beneficiary': 'block',
  'category-not-on-roster': 'warn',
  'bank-account-shared': 'block',
  'split-household': 'warn',
};

export function flagLevel(policy: FlagPolicy | undefined, kind: FlagKind): FlagLevel {
  return policy?.[kind] ?? DEFAULT_FLAG_LEVELS[kind];
}
