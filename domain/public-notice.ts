/**
 * The public notice (公示) list of an area, as posted on the village board: the household head's
 * name as in real notices, the ID number masked, never a bank account; category, grade, mode and
 * the approved subsidy; when the notice runs and how many objections were recorded.
 */
import { z } from 'zod';
import { Category, Fen, Grade, type Household, Mode, PHASES, Phase, type ProgramConfig } from './model';
import { maskIdNumber } from './rules/idNumber';

/** Phases from the public notice on (rejected excluded): households the county approved and posted. */
export const NOTICED_PHASES: readonly Phase[] = PHASES.slice(PHASES.indexOf('public-notice')).filter(
  (phase) => phase !== 'rejected',
);

const DAY_MS = 86_400_000;

export const NoticeEntry = z
  .object({
    householdId: z.string(),
    headName: z.string(),
    idNumberMasked: z.string().meta({ example: '522327********0012' }),
    /** The village's name from the program (its code when the program does not name it). */
    village: z.string(),
    villageCode: z.string(),
    township: z.string(),
    townshipCode: z.string(),
    category: Category,
    grade: Grade.nullable(),
    mode: Mode.nullable(),
    subsidyFen: Fen.nullable(),
    /** `public-notice` while it runs; a later phase once it closed. */
    phase: Phase,
    noticeStartsAt: z.string().nullable(),
    noticeEndsAt: z.string().nullable(),
    /** Objections recorded during the notice, whatever their outcome. */
    objections: z.number().int().nonnegative(),
  })
  .meta({ id: 'NoticeEntry' });
export type NoticeEntry = z.infer<typeof NoticeEntry>;

export const NoticeList = z.object({ items: z.array(NoticeEntry) }).meta({ id: 'NoticeList' });
export type NoticeList = z.infer<typeof NoticeList>;

/**
 * One line of the notice. The start is stored at county approval; for households approved before
 * it was stored, it is the end less the program's notice days (how approval computed the end).
 */
export function noticeEntry(household: Household, program: ProgramConfig | undefined, objections: number): NoticeEntry {
  const township = program?.townships.find((t) => t.code === household.township);
  const village = township?.villages.find((v) => v.code === household.villageCode);
  const endsAt = household.noticeEndsAt ?? null;
  const startsAt =
    household.noticeStartsAt ??
    (endsAt !== null && program !== undefined
      ? new Date(Date.parse(endsAt) - program.noticeDays * DAY_MS).toISOString()
      : null);
  return {
    householdId: household.householdId,
    headName: household.head.name,
    idNumberMasked: maskIdNumber(household.head.idNumber),
    village: village?.name ?? household.villageCode,
    villageCode: household.villageCode,
    township: township?.name ?? household.township,
    townshipCode: household.township,
    category: household.category,
    grade: household.grade ?? null,
    mode: household.mode ?? null,
    subsidyFen: household.approvedSubsidy ?? null,
    phase: household.phase,
    noticeStartsAt: startsAt,
    noticeEndsAt: endsAt,
    objections,
  };
}

/** Board order: by township and village, then by when the notice began, then by household. */
export function sortNotice(entries: NoticeEntry[]): NoticeEntry[] {
  const key = (e: NoticeEntry) => `${e.townshipCode}#${e.villageCode}#${e.noticeStartsAt ?? ''}#${e.householdId}`;
  return [...entries].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
