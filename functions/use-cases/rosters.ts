/**
 * Outside rosters (`POST /rosters`, `GET /rosters`, `GET /rosters/{rosterId}`):
 * 1. the caller is county-level civil-affairs or construction staff of the roster's county (civil affairs keeps the
 *    低保 and 特困 lists; the construction bureau its earlier beneficiaries and the relocation list it is sent);
 * 2. every row is checked (name, ID number with its check digit, year); a bad row is reported at its line, the good
 *    ones are kept; a sheet without one good row is a 400;
 * 3. the roster and its entries are stored (each person's entry beside the files' claims on that person), so every
 *    application from now on, and every county approval, is matched against it (domain/rules/persons.ts).
 */
import { randomUUID } from 'node:crypto';
import type { RosterList, RosterView } from '../../contract/views';
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors';
import { parseRosterRows, type RosterImportBody } from '../../domain/import/rosters';
import type { Actor } from '../../domain/model';
import { canActInJurisdiction, canReadCountyReports } from '../../domain/rules/access';
import { logger } from '../config/logger';
import type { Roster } from '../store';
import type { Dependencies } from './dependencies';

const IMPORTING_ROLES = ['civil-affairs', 'construction'] as const;
const ERRORS_KEPT = 200;

function assertImporter(actor: Actor, county: string): void {
  const decisions = IMPORTING_ROLES.map((role) =>
    canActInJurisdiction(actor, { role, level: 'county' }, { county, township: '' }),
  );
  if (decisions.some((decision) => decision.ok)) return;
  const denied = decisions.find((decision) => !decision.ok);
  throw denied && !denied.ok ? denied.error : new ForbiddenError();
}

function assertReader(actor: Actor, county: string): void {
  const access = canReadCountyReports(actor, county);
  if (!access.ok) throw access.error;
}

export async function importRoster(
  { store }: Pick<Dependencies, 'store'>,
  actor: Actor,
  body: RosterImportBody,
  now: Date = new Date(),
): Promise<RosterView> {
  assertImporter(actor, body.county);
  const parsed = parseRosterRows(body.rows, { today: now });
  if (parsed.entries.length === 0) {
    throw new ValidationError(
      parsed.errors.slice(0, ERRORS_KEPT).map((error) => ({
        path: error.line === 1 ? `rows.${error.field}` : `rows.${error.line - 2}.${error.field}`,
        message: { zh: `第${error.line}行：${error.message.zh}`, en: `Line ${error.line}: ${error.message.en}` },
      })),
      { messages: { zh: '名单中没有一行可以导入', en: 'No row of the roster can be imported' } },
    );
  }
  const rejectedRows = new Set(parsed.errors.map((error) => error.line)).size;
  const roster: Roster = {
    rosterId: `ro-${randomUUID()}`,
    county: body.county,
    kind: body.kind,
    year: body.year,
    title: body.title,
    importedBy: actor.username,
    importedAt: now.toISOString(),
    entries: parsed.entries.length,
    repeated: parsed.repeated,
    rejectedRows,
    errors: parsed.errors.slice(0, ERRORS_KEPT),
  };
  await store.rosters.importRoster(roster, parsed.entries);
  logger.info('roster imported', {
    rosterId: roster.rosterId,
    county: roster.county,
    kind: roster.kind,
    entries: roster.entries,
    rejectedRows,
  });
  return roster;
}

export async function listRosters(
  { store }: Pick<Dependencies, 'store'>,
  actor: Actor,
  county: string,
): Promise<RosterList> {
  assertReader(actor, county);
  const rosters = await store.rosters.listForCounty(county);
  return { items: rosters.map(({ errors: _errors, ...roster }) => roster) };
}

export async function readRoster(
  { store }: Pick<Dependencies, 'store'>,
  actor: Actor,
  rosterId: string,
): Promise<RosterView> {
  const roster = await store.rosters.get(rosterId);
  // Another county's roster answers as a missing one.
  if (!roster || !canReadCountyReports(actor, roster.county).ok) {
    throw new NotFoundError({ zh: `名单 ${rosterId} 不存在`, en: `There is no roster ${rosterId}` });
  }
  return roster;
}
