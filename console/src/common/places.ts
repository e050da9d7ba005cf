/**
 * Names of places and households for every screen: townships and villages from the programs'
 * area lists (`GET /programs/{id}`), households by their head's name and village. Codes and ids are
 * what the API sends; people read these names instead.
 */
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { ProgramConfig } from '../../../domain/model';
import { getJson } from '../api/client';

type Listener = () => void;
const listeners = new Set<Listener>();
let version = 0;
function changed(): void {
  version += 1;
  for (const listener of listeners) listener();
}
function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const programs = new Map<string, Promise<ProgramConfig | undefined>>();
const loadedPrograms = new Map<string, ProgramConfig>();
const townshipNames = new Map<string, string>();
const villages = new Map<string, { name: string; township: string }>();

/** The program's configuration, fetched once per page; undefined when it cannot be read. */
export function ensureProgram(programId: string | undefined): Promise<ProgramConfig | undefined> {
  if (!programId) return Promise.resolve(undefined);
  let pending = programs.get(programId);
  if (!pending) {
    pending = getJson<ProgramConfig>(`/programs/${encodeURIComponent(programId)}`).then(
      (program) => {
        loadedPrograms.set(programId, program);
        for (const township of program.townships) {
          townshipNames.set(township.code, township.name);
          for (const village of township.villages)
            villages.set(village.code, { name: village.name, township: township.code });
        }
        changed();
        return program;
      },
      () => {
        // A failed read may be a dropped connection: the next screen asks again.
        programs.delete(programId);
        return undefined;
      },
    );
    programs.set(programId, pending);
  }
  return pending;
}

export function loadedProgram(programId: string | undefined): ProgramConfig | undefined {
  return programId ? loadedPrograms.get(programId) : undefined;
}

export interface Places {
  township: (code: string | undefined) => string;
  village: (code: string | undefined) => string;
  /** `者楼镇 坡头村`: township and village of a village code. */
  place: (villageCode: string | undefined) => string;
  /** Every township and village known so far, for pickers. */
  townships: () => { code: string; name: string; villages: { code: string; name: string }[] }[];
  program: (programId: string | undefined) => ProgramConfig | undefined;
}

const DASH = '—';

function places(): Places {
  return {
    township: (code) => (code ? (townshipNames.get(code) ?? DASH) : DASH),
    village: (code) => (code ? (villages.get(code)?.name ?? DASH) : DASH),
    place: (code) => {
      const village = code ? villages.get(code) : undefined;
      return village ? `${townshipNames.get(village.township) ?? ''} ${village.name}`.trim() : DASH;
    },
    townships: () =>
      [...townshipNames].map(([code, name]) => ({
        code,
        name,
        villages: [...villages].filter(([, v]) => v.township === code).map(([vc, v]) => ({ code: vc, name: v.name })),
      })),
    program: (programId) => loadedProgram(programId),
  };
}

/** Place names that re-render the screen when a program's area list arrives. */
export function usePlaces(programIds: readonly (string | undefined)[] = []): Places {
  const current = useSyncExternalStore(subscribe, () => version);
  const key = programIds.filter(Boolean).join(',');
  useEffect(() => {
    for (const id of key.split(',')) if (id) void ensureProgram(id);
  }, [key]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new version means new names
  return useMemo(places, [current]);
}

// ---------------------------------------------------------------- households by name

export interface HouseholdSummary {
  householdId: string;
  headName: string;
  villageCode: string;
  programId?: string;
}

const summaries = new Map<string, HouseholdSummary>();
const pendingSummaries = new Set<string>();

/** Remembers what a list or a file already told about a household, so no screen fetches it again. */
export function rememberHousehold(household: {
  householdId: string;
  head: { name: string };
  villageCode: string;
  programId?: string;
}): void {
  const known = summaries.get(household.householdId);
  if (known && known.headName === household.head.name) return;
  summaries.set(household.householdId, {
    householdId: household.householdId,
    headName: household.head.name,
    villageCode: household.villageCode,
    ...(household.programId ? { programId: household.programId } : {}),
  });
  void ensureProgram(household.programId);
  changed();
}

/** What the API sends in a row that already names the household (a task, a payment of the second round). */
export function rememberSummary(summary: HouseholdSummary): void {
  if (summaries.has(summary.householdId)) return;
  summaries.set(summary.householdId, summary);
  void ensureProgram(summary.programId);
  changed();
}

async function fetchSummaries(ids: readonly string[]): Promise<void> {
  const missing = ids.filter((id) => !summaries.has(id) && !pendingSummaries.has(id));
  for (const id of missing) pendingSummaries.add(id);
  // A few at a time: a page of a queue, never a flood.
  for (let i = 0; i < missing.length; i += 6) {
    await Promise.all(
      missing.slice(i, i + 6).map(async (id) => {
        try {
          const file = await getJson<{ household: Parameters<typeof rememberHousehold>[0] }>(
            `/households/${encodeURIComponent(id)}`,
          );
          rememberHousehold(file.household);
        } catch {
          // The row keeps its short reference until a later screen reads the household.
        } finally {
          pendingSummaries.delete(id);
        }
      }),
    );
  }
}

/** Households by name for the rows on screen: fetched when a row does not carry the name itself. */
export function useHouseholds(ids: readonly string[]): (id: string) => HouseholdSummary | undefined {
  const current = useSyncExternalStore(subscribe, () => version);
  const key = ids.join(',');
  useEffect(() => {
    if (key) void fetchSummaries(key.split(','));
  }, [key]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new version means new names
  return useMemo(() => (id: string) => summaries.get(id), [current]);
}
