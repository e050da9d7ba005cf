/**
 * What the API shows of stored records, in the shapes of the contract's views
 * (contract/views.ts). Task tokens never leave the server: whoever holds one could complete a
 * step without any of the checks.
 */
import type { FlagView, HouseholdFileView, TaskView } from '../../contract/views';
import { isOverdue } from '../../domain/rules/calendar';
import type { Evidence, PhotoLinks } from '../evidence';
import type { HouseholdFile, Task } from '../store';

export type { HouseholdFileView };

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
export function householdFileView(
  file: HouseholdFile,
  now: Date,
  links: ReadonlyMap<string, PhotoLinks>,
): HouseholdFileView {
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

/** The view with fresh photo links. */
export async function householdFileViewWithLinks(
  evidence: Pick<Evidence, 'photoLinks'>,
  file: HouseholdFile,
  now: Date,
): Promise<HouseholdFileView> {
  return householdFileView(file, now, await evidence.photoLinks(file.photos));
}
