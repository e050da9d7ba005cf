/**
 * The case follows the renovation (called by the renovation's `archive` step, before the household moves to
 * `archived`, so an archived household's case is always closed, as its ledger card is always written): the
 * renovated household is found on the county's ledger by its head's ID number, or added to it; its open case that
 * follows this household is closed (销号) by renovation, signed by the acceptance; the follow-up visits are scheduled
 * at the months the program sets after the acceptance; one event records it on the ledger household's chain. All in
 * one transaction, and safe to run again: a renovation already recorded on the ledger household changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { chinaToday } from '../../../domain/china-time';
import { ConflictError } from '../../../domain/errors';
import { CATEGORY_TITLES } from '../../../domain/labels';
import type { Category, ProgramConfig } from '../../../domain/model';
import type { FollowUpVisit, LedgerCase, LedgerHousehold, MonitoredCategory } from '../../../domain/monitoring/model';
import { followUpVisits, monthOf } from '../../../domain/monitoring/rules';
import { hashIdNumber } from '../../../domain/rules/idNumber';
import { ledgerTransition } from '../../../process/monitoring';
import { logger } from '../../config/logger';
import type { HouseholdFile, LedgerWrite, Store } from '../../store';
import { ledgerChange } from './common';

const LEDGER_CATEGORY: Readonly<Partial<Record<Category, MonitoredCategory>>> = {
  'minimum-living-guarantee': 'minimum-living-guarantee',
  'extremely-poor': 'extremely-poor',
  'registered-poor': 'relapse-monitoring',
};

/** The acceptance that passed: its China day and who signed it. */
function acceptanceOf(file: HouseholdFile, now: Date): { on: string; by: string; photoIds: string[] } {
  const accepted = [...file.events]
    .reverse()
    .find((event) => event.type === 'accept' && (event.details as { outcome?: unknown }).outcome === 'pass');
  const photoIds = (accepted?.details as { photoIds?: unknown } | undefined)?.photoIds;
  return {
    on: chinaToday(accepted ? new Date(accepted.at) : now),
    by: accepted?.actor ?? 'system',
    photoIds: Array.isArray(photoIds) ? photoIds.map(String) : [],
  };
}

const ATTEMPTS = 3;

/** Where an accepted renovation leads its case, from the process description. */
function closedStage(): 'closed' {
  const next = ledgerTransition('renovation', 'accepted');
  if (next !== 'closed') throw new Error(`an accepted renovation leads its case to ${next}`);
  return next;
}

export async function followRenovationToArchive(
  store: Store,
  file: HouseholdFile,
  program: ProgramConfig | undefined,
  now: Date = new Date(),
): Promise<void> {
  const renovated = file.household;
  const at = now.toISOString();
  const idHash = hashIdNumber(renovated.head.idNumber);
  const acceptance = acceptanceOf(file, now);
  for (let attempt = 1; ; attempt++) {
    const ledgerId = (await store.monitoring.ledgerIdsOf(renovated.county, [idHash])).get(idHash);
    const ledger = ledgerId ? await store.monitoring.file(ledgerId) : undefined;
    if (ledger?.household.renovations.some((r) => r.householdId === renovated.householdId)) return;

    const id = ledger?.household.ledgerId ?? `mh-${randomUUID()}`;
    const base: Omit<LedgerHousehold, 'version' | 'updatedAt'> = ledger
      ? (({ version: _v, updatedAt: _u, ...rest }) => rest)(ledger.household)
      : {
          ledgerId: id,
          county: renovated.county,
          township: renovated.township,
          villageCode: renovated.villageCode,
          head: { name: renovated.head.name, idNumber: renovated.head.idNumber },
          persons: renovated.members.length + 1,
          ...(renovated.head.phone ? { phone: renovated.head.phone } : {}),
          category: LEDGER_CATEGORY[renovated.category] ?? 'county-named',
          categoryName: CATEGORY_TITLES[renovated.category].zh,
          source: 'renovation',
          grades: [],
          renovations: [],
          createdAt: at,
        };
    const writes: LedgerWrite[] = [];
    if (!ledger) writes.push({ kind: 'id-lookup', county: renovated.county, idHash, ledgerId: id });

    const followed: LedgerCase | undefined = ledger?.cases.find(
      (c) => c.stage === 'renovation' && c.measure?.renovation?.householdId === renovated.householdId,
    );
    const household = { ...base };
    if (followed) {
      const { dueOn: _due, ...rest } = followed;
      writes.push({
        kind: 'case-changed',
        fromStage: followed.stage,
        case: {
          ...rest,
          stage: closedStage(),
          closing: {
            measure: 'renovation',
            closedAt: at,
            closedMonth: monthOf(at),
            closedBy: 'system',
            // The acceptance team signed the acceptance (its event names the inspector): the closing cites it.
            signedBy: '竣工验收组',
            signedOn: acceptance.on,
            arrangement: `危房改造竣工验收合格并归档（${program?.name ?? renovated.programId}）`,
            photoIds: acceptance.photoIds,
          },
        },
      });
      if (household.openCaseId === followed.caseId) delete household.openCaseId;
    }
    const visits: FollowUpVisit[] = followUpVisits(acceptance.on, program?.followUpMonths).map((planned) => ({
      ledgerId: id,
      householdId: renovated.householdId,
      county: renovated.county,
      township: renovated.township,
      villageCode: renovated.villageCode,
      headName: renovated.head.name,
      months: planned.months,
      acceptedOn: acceptance.on,
      dueOn: planned.dueOn,
      status: 'open',
    }));
    writes.push(...visits.map((visit) => ({ kind: 'visit-scheduled' as const, visit })));
    household.renovations = [
      ...household.renovations,
      { householdId: renovated.householdId, programId: renovated.programId, acceptedOn: acceptance.on, archivedAt: at },
    ];
    const { after, event } = ledgerChange(ledger, household, {
      at,
      actor: 'system',
      role: 'system',
      type: 'renovation-accepted',
      details: {
        householdId: renovated.householdId,
        programId: renovated.programId,
        acceptedOn: acceptance.on,
        ...(followed ? { caseId: followed.caseId, outcome: 'accepted', acceptedBy: acceptance.by } : {}),
        visits: visits.map((v) => ({ months: v.months, dueOn: v.dueOn })),
      },
    });
    try {
      await store.monitoring.commit({ ...(ledger ? { before: ledger.household } : {}), after, event, writes });
      logger.info('renovation recorded on the ledger', {
        householdId: renovated.householdId,
        ledgerId: id,
        caseClosed: followed?.caseId,
        visits: visits.length,
      });
      return;
    } catch (error) {
      // The ledger household changed (a check, a photo) between the read and the write: read it again.
      if (!(error instanceof ConflictError) || attempt >= ATTEMPTS) throw error;
    }
  }
}
