/**
 * Steps the workflow runs by itself (`SystemTaskFn`):
 * - open-notice: the public notice starts; its end is the one county approval fixed (or now
 *   plus the program's notice days when missing);
 * - close-notice: the notice ends; with an objection still open the file goes to objection
 *   review, otherwise on to the agreement (recorded with an audit event);
 * - archive: the ledger card (台帐卡: household, timeline, payments) is written to the evidence
 *   bucket, as JSON and as a printable A4 page with the photos, and the file is archived.
 * Each is safe to run again: a household that already moved on is answered with its phase.
 */
import { z } from 'zod';
import { ConflictError, WORKFLOW_ERROR_NAMES, WorkflowError } from '../../domain/errors';
import type { Phase } from '../../domain/model';
import { auditedChange } from '../../domain/rules/audit';
import { transition } from '../../process/renovation';
import { logger } from '../config/logger';
import type { HouseholdFile } from '../store';
import type { Dependencies } from './dependencies';

export const SystemTaskInput = z.object({
  task: z.enum(['open-notice', 'close-notice', 'archive']),
  householdId: z.string().min(1),
});

const DAY_MS = 86_400_000;

type Needs = Pick<Dependencies, 'store' | 'evidence'>;

async function loadFile({ store }: Needs, householdId: string): Promise<HouseholdFile> {
  const file = await store.households.file(householdId);
  if (!file) throw new WorkflowError(WORKFLOW_ERROR_NAMES.HouseholdNotFound, `household ${householdId} does not exist`);
  return file;
}

/** Moves the household by a system step, conditioned on the version it was read at. */
async function moveBySystem(
  { store }: Needs,
  file: HouseholdFile,
  outcome: string,
  type: string,
  details: Record<string, unknown>,
  now: Date,
) {
  const next = transition(file.household.phase, outcome);
  const { after, event } = auditedChange(file, {
    at: now.toISOString(),
    actor: 'system',
    role: 'system',
    type,
    toPhase: next,
    details: { ...details, outcome },
  });
  await store.households.commit({ before: file.household, after, event });
  return next;
}

export async function openNotice(
  deps: Needs,
  householdId: string,
  now: Date = new Date(),
): Promise<{ endsAt: string }> {
  const { household } = await loadFile(deps, householdId);
  if (household.noticeEndsAt) return { endsAt: household.noticeEndsAt };
  const program = await deps.store.programs.get(household.programId);
  if (!program) {
    throw new WorkflowError(WORKFLOW_ERROR_NAMES.ProgramNotFound, `program ${household.programId} does not exist`);
  }
  return { endsAt: new Date(now.getTime() + program.noticeDays * DAY_MS).toISOString() };
}

/** Attempts of a system step whose household changed between its read and its write. */
const CLOSE_ATTEMPTS = 3;

export async function closeNotice(
  deps: Needs,
  householdId: string,
  now: Date = new Date(),
): Promise<{ outcome: string; next: Phase }> {
  for (let attempt = 1; ; attempt++) {
    const file = await loadFile(deps, householdId);
    // Closed already (a retry, or an execution restarted at a stale phase): catch up, decide nothing.
    if (file.household.phase !== 'public-notice') return { outcome: 'resync', next: file.household.phase };
    const open = file.objections.filter((objection) => objection.status === 'open');
    const outcome = open.length > 0 ? 'objections' : 'no-objection';
    try {
      const next = await moveBySystem(deps, file, outcome, 'close-notice', { openObjections: open.length }, now);
      logger.info('public notice closed', { householdId, next });
      return { outcome, next };
    } catch (error) {
      // An objection recorded at the last moment bumped the version: read again and decide again.
      if (!(error instanceof ConflictError) || attempt >= CLOSE_ATTEMPTS) throw error;
    }
  }
}

export async function archive(
  deps: Needs,
  householdId: string,
  now: Date = new Date(),
): Promise<{ next: Phase; key?: string }> {
  const { store, evidence } = deps;
  for (let attempt = 1; ; attempt++) {
    const file = await loadFile(deps, householdId);
    if (file.household.phase !== 'archiving') return { next: file.household.phase };
    const program = await store.programs.get(file.household.programId);
    // Written before the phase moves, so an archived household always has its card; writing it
    // again on a retry overwrites the same card (a new version under bucket versioning).
    const key = await evidence.writeLedgerCard(file, now);
    const printable = await evidence.writeLedgerCardHtml(file, now, program);
    try {
      const next = await moveBySystem(deps, file, 'archived', 'archive', { ledgerCard: key, printable }, now);
      return { next, key };
    } catch (error) {
      // A photo confirmed at the last moment bumped the version: write the card again with it.
      if (!(error instanceof ConflictError) || attempt >= CLOSE_ATTEMPTS) throw error;
    }
  }
}

export async function runSystemTask(deps: Needs, rawInput: unknown, now: Date = new Date()): Promise<unknown> {
  const parsed = SystemTaskInput.safeParse(rawInput);
  if (!parsed.success) {
    throw new WorkflowError(WORKFLOW_ERROR_NAMES.UnknownSystemTask, `unknown system task: ${parsed.error.message}`);
  }
  const { task, householdId } = parsed.data;
  if (task === 'open-notice') return openNotice(deps, householdId, now);
  if (task === 'close-notice') return closeNotice(deps, householdId, now);
  return archive(deps, householdId, now);
}
