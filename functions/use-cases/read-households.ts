/**
 * Reading household files and lists, always within the caller's jurisdiction:
 * - one file: any role in its county (township staff: their township);
 * - a list: by county or township, optionally by phase, newest first, a page at a time;
 * - the printable ledger card of an archived household, rendered from the stored file with photo
 *   links presigned for this answer (the copy archived in S3 links the photos by key instead).
 */
import { HouseholdListQuery } from '../../contract/requests';
import type { HouseholdFileView, HouseholdPage } from '../../contract/views';
import { ForbiddenError, NotFoundError, parseOrThrow } from '../../domain/errors';
import type { Actor, Household } from '../../domain/model';
import { canRead, householdNotFound, isCountyLevel, isVisibleTo } from '../../domain/rules/access';
import { hashIdNumber, normalizeIdNumber } from '../../domain/rules/idNumber';
import type { HouseholdFile, HouseholdRecord, SearchTarget, Store } from '../store';
import type { Dependencies } from './dependencies';
import { householdFileViewWithLinks, householdView } from './views';

type Reads = Pick<Dependencies, 'store' | 'evidence'>;

/**
 * The file, for a caller who may read it. Outside the caller's reach a household answers as if it did not exist: a
 * 403 for another township's household and a 404 for a made-up id would tell which ids exist.
 */
export async function readableFile(store: Store, actor: Actor, householdId: string): Promise<HouseholdFile> {
  const file = await store.households.file(householdId);
  if (!file || !isVisibleTo(actor, file.household)) throw householdNotFound(householdId);
  return file;
}

/** The household record (no events or records), for a caller who may read it; as `readableFile` otherwise. */
export async function readableRecord(store: Store, actor: Actor, householdId: string): Promise<HouseholdRecord> {
  return visibleRecord(actor, householdId, await store.households.record(householdId));
}

/** A household record read some other way, under the same rule: 404 when absent or outside the caller's reach. */
export function visibleRecord(actor: Actor, householdId: string, record: HouseholdRecord | undefined): HouseholdRecord {
  if (!record || !isVisibleTo(actor, record.household)) throw householdNotFound(householdId);
  return record;
}

export async function readHousehold(
  { store, evidence }: Reads,
  actor: Actor,
  householdId: string,
  now: Date = new Date(),
): Promise<HouseholdFileView> {
  return householdFileViewWithLinks(evidence, await readableFile(store, actor, householdId), now);
}

/** The printable ledger card of an archived household; not found before it is archived. */
export async function readLedgerCard({ store, evidence }: Reads, actor: Actor, householdId: string, now = new Date()) {
  const file = await readableFile(store, actor, householdId);
  if (file.household.phase !== 'archived') {
    throw new NotFoundError({
      zh: '该户尚未归档，台帐卡在归档时生成',
      en: 'The household is not archived yet; its ledger card is written at archive',
    });
  }
  const program = await store.programs.get(file.household.programId);
  return evidence.renderLedgerCard(file, now, program);
}

export const OUTSIDE_COUNTY = { zh: '不在您所属的县', en: 'Outside your county' };

/** Whether the caller reads the whole county (county staff, auditors, admins). */
export function readsCountyWide(actor: Actor): boolean {
  return isCountyLevel(actor) || actor.roles.some((role) => role === 'auditor' || role === 'admin');
}

/** A township belongs to the county whose 6-digit code starts its 9-digit code. */
export function townshipInCounty(township: string, county: string): boolean {
  return township.startsWith(county);
}

/**
 * The area a read of household lists covers: the caller's own county; the township asked for if
 * the caller may read it; without one, the whole county for county-level readers and the caller's
 * own township for township staff.
 */
export function readScope(
  actor: Actor,
  asked: { county?: string; township?: string },
): { county: string; township?: string } {
  const county = actor.county;
  if (county === undefined || actor.roles.length === 0) throw new ForbiddenError(OUTSIDE_COUNTY);
  if (asked.county !== undefined && asked.county !== county) throw new ForbiddenError(OUTSIDE_COUNTY);
  if (asked.township === undefined) return { county, township: readsCountyWide(actor) ? undefined : actor.township };
  if (!townshipInCounty(asked.township, county)) throw new ForbiddenError(OUTSIDE_COUNTY);
  const access = canRead(actor, { county, township: asked.township });
  if (!access.ok) throw access.error;
  return { county, township: asked.township };
}

/**
 * `GET /households`: the newest first list of an area (and phase), or with `q` / `village` a search, always within
 * the caller's jurisdiction and always masked.
 */
export async function listHouseholdsFor(
  { store }: Pick<Dependencies, 'store'>,
  actor: Actor,
  rawQuery: unknown,
): Promise<HouseholdPage> {
  const query = parseOrThrow(HouseholdListQuery, rawQuery);
  const scope = readScope(actor, query);
  if (query.q !== undefined || query.village !== undefined) return searchHouseholds(store, actor, scope, query);
  const page = await store.households.list({ ...scope, phase: query.phase }, query.cursor, query.limit);
  return { items: page.items.map(householdView), cursor: page.cursor };
}

const ID_NUMBER = /^\d{17}[\dX]$/;

/** An exact ID number as people type it (spaces, a lower-case x), or undefined when the text is not one. */
function idNumberIn(text: string): string | undefined {
  const id = normalizeIdNumber(text.replace(/\s+/g, ''));
  return ID_NUMBER.test(id) ? id : undefined;
}

/** `者楼村` is found as `者楼村` or `者楼`. */
function sameVillageName(name: string, typed: string): boolean {
  return name === typed || name === `${typed}村` || name.replace(/村$/, '') === typed;
}

/** The villages of the county's programs (in the scope's township, when it has one) that bear the typed name. */
async function villagesNamed(store: Store, scope: { county: string; township?: string }, typed: string) {
  const codes = new Set<string>();
  for (const program of await store.programs.ofCounty(scope.county)) {
    for (const township of program.townships) {
      if (scope.township !== undefined && township.code !== scope.township) continue;
      for (const village of township.villages) if (sameVillageName(village.name, typed)) codes.add(village.code);
    }
  }
  return [...codes].sort();
}

/**
 * The search (docs/data-access.md, "Search"): each kind of text is one index query on the households' search items,
 * sorted by the head's name, never a scan:
 * - an 18-character ID number: the hash of the number (GSI4 `IDH#`), whatever became of the household;
 * - `village=` (a code): that village's households (GSI2 `HV#`), narrowed to names that begin with `q` if given;
 * - `q` naming a village of the county's programs: that village's (or those villages') households;
 * - otherwise the households whose head's name begins with `q`, in the township (GSI3 `HNT#`) or county (GSI1 `HN#`).
 * Households outside the caller's jurisdiction are never answered (an ID number may belong to another county's
 * household); `phase` narrows the page after it is read.
 */
async function searchHouseholds(
  store: Store,
  actor: Actor,
  scope: { county: string; township?: string },
  query: ReturnType<typeof HouseholdListQuery.parse>,
): Promise<HouseholdPage> {
  const typed = query.q;
  const idNumber = typed === undefined ? undefined : idNumberIn(typed);
  let targets: SearchTarget[];
  let namePrefix: string | undefined;
  if (idNumber !== undefined) {
    targets = [{ idHash: hashIdNumber(idNumber) }];
  } else if (query.village !== undefined) {
    targets = [{ villageCode: query.village }];
    namePrefix = typed;
  } else {
    const villages = typed === undefined ? [] : await villagesNamed(store, scope, typed);
    if (villages.length > 0) {
      targets = villages.map((villageCode) => ({ villageCode }));
    } else {
      targets = [scope.township === undefined ? { county: scope.county } : { township: scope.township }];
      namePrefix = typed;
    }
  }
  const page = await store.households.search(targets, namePrefix, query.cursor, query.limit);
  const within = (h: Household) =>
    h.county === scope.county &&
    (scope.township === undefined || h.township === scope.township) &&
    canRead(actor, h).ok &&
    (query.phase === undefined || h.phase === query.phase);
  return { items: page.items.filter(within).map(householdView), cursor: page.cursor };
}

/** Every household of a county, page by page (the reports that read them all: the funds report, the audit). */
export async function everyHouseholdOfCounty(store: Store, county: string): Promise<Household[]> {
  const households: Household[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.households.list({ county }, cursor, 100);
    households.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return households;
}
