/**
 * The public notice list (公示名单) of a county, township or village, for staff of that area:
 * 1. check the caller reads that area (county staff: their county; township staff: their township);
 * 2. read the households of the area in each phase from the public notice on, one index query per
 *    phase (GSI4 `T#{township}#P#{phase}` for a township or village, GSI2 `C#{county}#P#{phase}`
 *    for a county), never a scan; a village keeps only its own households;
 * 3. count each household's objections (8 count queries at a time) and name township and village
 *    from the program;
 * 4. answer the lines with personal data masked, in board order.
 */
import { NoticeQuery } from '../../contract/requests';
import { parseOrThrow, ValidationError } from '../../domain/errors';
import type { Actor, Household, ProgramConfig } from '../../domain/model';
import { NOTICED_PHASES, type NoticeList, noticeEntry, sortNotice } from '../../domain/public-notice';
import type { Store } from '../store';
import type { Dependencies } from './dependencies';
import { readScope } from './read-households';

const PAGE = 100;
const AT_ONCE = 8;

async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return results;
}

async function allInPhase(store: Store, filter: { county: string; township?: string; phase: Household['phase'] }) {
  const households: Household[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.households.list(filter, cursor, PAGE);
    households.push(...page.items);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return households;
}

export async function publicNoticeFor(
  { store }: Pick<Dependencies, 'store'>,
  actor: Actor,
  rawQuery: unknown,
): Promise<NoticeList> {
  const query = parseOrThrow(NoticeQuery, rawQuery);
  // A village code starts with its township's code (12 digits, then 9).
  const askedTownship = query.township ?? query.village?.slice(0, 9);
  if (query.village !== undefined && askedTownship !== undefined && !query.village.startsWith(askedTownship)) {
    throw ValidationError.field('village', {
      zh: `村 ${query.village} 不属于乡镇 ${askedTownship}`,
      en: `Village ${query.village} is not in township ${askedTownship}`,
    });
  }
  const { county, township } = readScope(actor, { county: query.county, township: askedTownship });

  const lists = await Promise.all(NOTICED_PHASES.map((phase) => allInPhase(store, { county, township, phase })));
  const households = lists.flat().filter((h) => query.village === undefined || h.villageCode === query.village);

  const programs = new Map<string, ProgramConfig | undefined>();
  for (const programId of new Set(households.map((h) => h.programId))) {
    programs.set(programId, await store.programs.get(programId));
  }
  const objections = await inBatches(households, AT_ONCE, (h) => store.households.countObjections(h.householdId));
  return {
    items: sortNotice(households.map((h, i) => noticeEntry(h, programs.get(h.programId), objections[i] ?? 0))),
  };
}
