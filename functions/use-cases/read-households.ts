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
import type { Actor } from '../../domain/model';
import { canRead, householdNotFound, isCountyLevel, isVisibleTo } from '../../domain/rules/access';
import type { HouseholdFile, Store } from '../store';
import type { Dependencies } from './dependencies';
import { householdFileViewWithLinks } from './views';

type Reads = Pick<Dependencies, 'store' | 'evidence'>;

/** The file, for a caller who may read it. */
async function readableFile(store: Store, actor: Actor, householdId: string): Promise<HouseholdFile> {
  const file = await store.households.file(householdId);
  // Outside the caller's reach a household answers as if it did not exist.
  if (!file || !isVisibleTo(actor, file.household)) throw householdNotFound(householdId);
  return file;
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

export async function listHouseholdsFor(
  { store }: Pick<Dependencies, 'store'>,
  actor: Actor,
  rawQuery: unknown,
): Promise<HouseholdPage> {
  const query = parseOrThrow(HouseholdListQuery, rawQuery);
  const { county, township } = readScope(actor, query);
  return store.households.list({ county, township, phase: query.phase }, query.cursor, query.limit);
}
