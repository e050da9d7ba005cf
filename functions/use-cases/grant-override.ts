/**
 * A second person lets a held step go on (`POST /households/{id}/overrides`):
 * 1. load the household file (missing or outside the caller's reach: not found);
 * 2. check the grantor saw the current version of the file (the flags they judged);
 * 3. check the grant (domain/rules/flags.ts): county-level staff of the household's county in a
 *    role that answers for the kind, a blocking flag of that kind on the file not yet overridden,
 *    none of it raised by the grantor;
 * 4. store the override on the household and as an `override` event of its hash chain, in one
 *    transaction conditioned on the version; the phase does not move: the held step is taken by
 *    its owner afterwards, and never by the grantor.
 */
import { ConflictError } from '../../domain/errors';
import type { Actor } from '../../domain/model';
import { auditedChange } from '../../domain/rules/audit';
import { grantOverride, type OverrideBody } from '../../domain/rules/flags';
import { logger } from '../config/logger';
import { fileAfter, type HouseholdChange, STALE_VERSION } from '../store';
import type { Dependencies } from './dependencies';
import { readableFile } from './read-households';
import { type HouseholdFileView, householdFileViewWithLinks } from './views';

export async function grantFlagOverride(
  { store, evidence }: Pick<Dependencies, 'store' | 'evidence'>,
  actor: Actor,
  householdId: string,
  body: OverrideBody,
  now: Date = new Date(),
): Promise<HouseholdFileView> {
  const file = await readableFile(store, actor, householdId);
  const { household } = file;
  if (body.version !== household.version) throw new ConflictError(STALE_VERSION);
  const program = await store.programs.get(household.programId);
  if (!program) throw new Error(`program ${household.programId} of household ${householdId} is missing`);

  const at = now.toISOString();
  const granted = grantOverride({
    grantor: actor,
    county: household.county,
    flags: household.flags ?? [],
    overrides: household.overrides ?? [],
    policy: program.flagPolicy,
    body,
    now: at,
  });
  if (!granted.ok) throw granted.error;
  const { override } = granted;

  const { after, event } = auditedChange(file, {
    at,
    actor: actor.username,
    role: override.role,
    type: 'override',
    changes: { overrides: [...(household.overrides ?? []), override] },
    details: { flag: override.flag, refs: override.refs, reason: override.reason },
  });
  const change: HouseholdChange = { before: household, after, event };
  await store.households.commit(change);
  logger.info('flag overridden', {
    householdId,
    flag: override.flag,
    refs: override.refs.length,
    version: after.version,
  });
  return householdFileViewWithLinks(evidence, fileAfter(file, change), now);
}
