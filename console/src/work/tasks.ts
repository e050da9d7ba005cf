import { getJson } from '../api/client';
import type { Page, Phase, TaskView } from '../api/types';
import { rememberSummary } from '../common/places';

/** Every page of the caller's queue: a queue is a few hundred tasks at most, one county's work. */
export async function loadAllTasks(step?: Phase): Promise<TaskView[]> {
  const tasks: TaskView[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ limit: '100' });
    if (step) query.set('step', step);
    if (cursor) query.set('cursor', cursor);
    const page = await getJson<Page<TaskView>>(`/tasks?${query}`);
    tasks.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  for (const task of tasks) {
    if (task.headName && task.villageCode) {
      rememberSummary({
        householdId: task.householdId,
        headName: task.headName,
        villageCode: task.villageCode,
        ...(task.programId ? { programId: task.programId } : {}),
      });
    }
  }
  return tasks;
}

/** Overdue first, then the nearest deadline. */
export function byUrgency(a: TaskView, b: TaskView): number {
  if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
  return (a.dueAt ?? '9999').localeCompare(b.dueAt ?? '9999');
}
