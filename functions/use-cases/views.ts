/**
 * What the API shows of stored records. Task tokens never leave the server: whoever holds one
 * could complete a step without any of the checks.
 */
import { isOverdue } from '../../domain/rules/calendar';
import type { Evidence, PhotoLinks } from '../evidence';
import type { HouseholdFile, Task } from '../store';

export interface TaskView {
  householdId: string;
  step: Task['step'];
  status: Task['status'];
  role?: Task['role'];
  jurisdiction?: string;
  county: string;
  township: string;
  dueAt?: string;
  createdAt: string;
  overdue: boolean;
}

export function taskView(task: Task, now: Date): TaskView {
  return {
    householdId: task.householdId,
    step: task.step,
    status: task.status,
    role: task.role,
    jurisdiction: task.jurisdiction,
    county: task.county,
    township: task.township,
    dueAt: task.dueAt,
    createdAt: task.createdAt,
    overdue: task.status === 'open' && task.dueAt !== undefined && isOverdue(task.dueAt, now.toISOString()),
  };
}

/** A flag on a photo or an inspection, listed together so the signer sees every one at a glance. */
export interface FlagView {
  source: 'photo' | 'inspection';
  /** The photo id, or `{milestone}#{round}` of the inspection. */
  ref: string;
  flag: string;
}

export function flagsOf(file: Pick<HouseholdFile, 'photos' | 'inspections'>): FlagView[] {
  return [
    ...file.photos.flatMap((photo) =>
      photo.flags.map((flag): FlagView => ({ source: 'photo', ref: photo.photoId, flag })),
    ),
    ...file.inspections.flatMap((inspection) =>
      (inspection.flags ?? []).map(
        (flag): FlagView => ({ source: 'inspection', ref: `${inspection.milestone}#${inspection.round}`, flag }),
      ),
    ),
  ];
}

const NO_LINKS: PhotoLinks = { previewUrl: null, originalUrl: null };

/**
 * The household file as the API shows it. Every photo carries `previewUrl` and `originalUrl`,
 * presigned afresh for each answer (`links`, from `photoLinks`); both null until it is confirmed.
 */
export function householdFileView(file: HouseholdFile, now: Date, links: ReadonlyMap<string, PhotoLinks>) {
  const { household } = file;
  return {
    householdId: household.householdId,
    phase: household.phase,
    version: household.version,
    household,
    task: file.task && file.task.status === 'open' ? taskView(file.task, now) : null,
    timeline: [...file.events].sort((a, b) => a.seq - b.seq),
    photos: file.photos.map((photo) => ({ ...photo, ...(links.get(photo.photoId) ?? NO_LINKS) })),
    payments: file.payments,
    inspections: file.inspections,
    objections: file.objections,
    flags: flagsOf(file),
  };
}
export type HouseholdFileView = ReturnType<typeof householdFileView>;

/** The view with fresh photo links. */
export async function householdFileViewWithLinks(
  evidence: Pick<Evidence, 'photoLinks'>,
  file: HouseholdFile,
  now: Date,
): Promise<HouseholdFileView> {
  return householdFileView(file, now, await evidence.photoLinks(file.photos));
}
