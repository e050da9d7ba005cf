/**
 * The caller's work queue (`GET /tasks`): the pending human steps its roles own, in its township
 * (township staff) or county (county staff), earliest due first so overdue work comes first; and how many
 * there are per step (`GET /tasks/counts`).
 */
import { TaskCountsQuery, TaskQuery } from '../../contract/requests';
import type { TaskCounts, TaskPage } from '../../contract/views';
import { ForbiddenError, parseOrThrow } from '../../domain/errors';
import type { Actor, Phase } from '../../domain/model';
import { isCountyLevel } from '../../domain/rules/access';
import { summarizeFlags } from '../../domain/rules/flags';
import { type HumanStep, RENOVATION } from '../../process/renovation';
import type { WorkQueue } from '../store';
import type { Dependencies } from './dependencies';
import { OUTSIDE_COUNTY, townshipInCounty } from './read-households';
import { taskView } from './views';

function ownedSteps(actor: Actor): HumanStep[] {
  return RENOVATION.steps.filter((step): step is HumanStep => step.kind === 'human' && actor.roles.includes(step.role));
}

/**
 * The queues a caller's work comes from: per step its roles own (or the one asked for), the township's queue for
 * township staff, the county's (or the township asked for) for county staff; a county step is not in a township
 * user's work.
 */
function queuesOf(actor: Actor, query: { township?: string | undefined; step?: Phase | undefined }): WorkQueue[] {
  const county = actor.county;
  if (county === undefined) throw new ForbiddenError(OUTSIDE_COUNTY);
  if (query.township !== undefined) {
    const foreign =
      !townshipInCounty(query.township, county) || (!isCountyLevel(actor) && query.township !== actor.township);
    if (foreign)
      throw new ForbiddenError({ zh: '该乡镇不在您的辖区', en: 'The township is outside your jurisdiction' });
  }
  let steps = ownedSteps(actor);
  if (query.step !== undefined) {
    steps = steps.filter((step) => step.phase === query.step);
    if (steps.length === 0) {
      throw new ForbiddenError({ zh: '您的角色不办理该步骤', en: 'None of your roles acts on this step' });
    }
  }
  const queues: WorkQueue[] = [];
  for (const step of steps) {
    if (isCountyLevel(actor)) {
      queues.push(query.township ? { township: query.township, step: step.phase } : { county, step: step.phase });
    } else if (step.level === 'township' && actor.township) {
      // A county step is done by county staff: it is not in a township user's queue.
      queues.push({ township: actor.township, step: step.phase });
    }
  }
  return queues;
}

export async function workQueue(
  { store }: Pick<Dependencies, 'store'>,
  actor: Actor,
  rawQuery: unknown,
  now: Date = new Date(),
): Promise<TaskPage> {
  const query = parseOrThrow(TaskQuery, rawQuery);
  const queues = queuesOf(actor, query);
  if (queues.length === 0) return { items: [] };
  const page = await store.tasks.openInQueues(queues, query.cursor, query.limit);
  // The flags and money of each household of the page, as they stand now: one BatchGetItem.
  const records = await store.households.records(page.items.map((task) => task.householdId));
  const byId = new Map(records.map((record) => [record.household.householdId, record.household]));
  const policies = new Map<string, Awaited<ReturnType<typeof store.programs.get>>>();
  for (const programId of new Set(records.map((r) => r.household.programId))) {
    policies.set(programId, await store.programs.get(programId));
  }
  return {
    items: page.items.map((task) => {
      const household = byId.get(task.householdId);
      const view = taskView(task, now);
      if (!household) return view;
      const flags = summarizeFlags(
        household.flags ?? [],
        household.overrides ?? [],
        policies.get(household.programId)?.flagPolicy,
      );
      return {
        ...view,
        ...(flags.kinds.length > 0 ? { flags } : {}),
        ...(household.money ? { money: household.money } : {}),
      };
    }),
    cursor: page.cursor,
  };
}

/**
 * `GET /tasks/counts`: the caller's open and overdue tasks per step, for the menu and the queue's filters. Two
 * counting queries per step the caller acts on; no task is listed.
 */
export async function workCounts(
  { store }: Pick<Dependencies, 'store'>,
  actor: Actor,
  rawQuery: unknown,
  now: Date = new Date(),
): Promise<TaskCounts> {
  const query = parseOrThrow(TaskCountsQuery, rawQuery);
  const queues = queuesOf(actor, query);
  const at = now.toISOString();
  const steps = await Promise.all(
    queues.map(async (queue) => ({ step: queue.step, ...(await store.tasks.countInQueue(queue, at)) })),
  );
  return {
    steps,
    total: {
      open: steps.reduce((sum, step) => sum + step.open, 0),
      overdue: steps.reduce((sum, step) => sum + step.overdue, 0),
    },
  };
}
