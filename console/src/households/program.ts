import type { ProgramConfig } from '../../../domain/model';
import { getJson } from '../api/client';
import type { Household, Page } from '../api/types';

const PROGRAM_KEY = 'anju.program';

/** The program the user last worked on (their current program), if any: reports are about it. */
export function rememberedProgramId(): string | undefined {
  return localStorage.getItem(PROGRAM_KEY) ?? undefined;
}

/** The program the user last worked on; otherwise the one of the newest household they can see. */
export async function preferredProgramId(county: string | undefined): Promise<string | undefined> {
  const remembered = localStorage.getItem(PROGRAM_KEY);
  if (remembered) return remembered;
  const query = new URLSearchParams({ limit: '1' });
  if (county) query.set('county', county);
  const page = await getJson<Page<Household>>(`/households?${query}`);
  return page.items[0]?.programId;
}

export function rememberProgram(programId: string): void {
  localStorage.setItem(PROGRAM_KEY, programId);
}

export function loadProgram(programId: string): Promise<ProgramConfig> {
  return getJson<ProgramConfig>(`/programs/${encodeURIComponent(programId)}`);
}
