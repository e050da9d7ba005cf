/**
 * Program configuration (`PROGRAM#{id}` / `CONFIG`), listed under its county in GSI1 (`PROGRAMS#{county}`).
 */
import type { ProgramConfig } from '../../domain/model';
import { keys, programItem, programOf, programsOfCountyPartition } from './items';
import type { Table } from './table';

export interface ProgramStore {
  get(programId: string): Promise<ProgramConfig | undefined>;
  put(config: ProgramConfig, updatedBy: string, at: string): Promise<void>;
  /** The county's most recent program (by year), for reports asked by county only. */
  latestOfCounty(county: string): Promise<ProgramConfig | undefined>;
}

export function dynamoProgramStore(table: Table): ProgramStore {
  return {
    // Eventually consistent: a program changes a few times a year.
    get: (programId) => table.find(keys.program(programId), programOf, false),

    async put(config, updatedBy, at) {
      await table.put({ Item: programItem(config, updatedBy, at) });
    },

    async latestOfCounty(county) {
      const page = await table.queryPage({
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': programsOfCountyPartition(county) },
        ScanIndexForward: false,
        Limit: 1,
      });
      const item = page.items[0];
      return item ? programOf(item) : undefined;
    },
  };
}

/**
 * The programs as a container remembers them for `freshForMs`: a program is read on almost every action and step
 * and changes a few times a year, so a change made through `PUT /programs/{id}` reaches the other functions' running
 * containers within that time (the container that wrote it sees it at once). A program not found is not remembered,
 * so a program created a moment ago is found on the next read.
 */
export function programsRememberedFor(
  programs: ProgramStore,
  freshForMs: number,
  clock: () => number = Date.now,
): ProgramStore {
  if (freshForMs <= 0) return programs;
  const remembered = new Map<string, { config: ProgramConfig; until: number }>();
  return {
    async get(programId) {
      const now = clock();
      const hit = remembered.get(programId);
      if (hit && hit.until > now) return hit.config;
      const config = await programs.get(programId);
      if (config) remembered.set(programId, { config, until: now + freshForMs });
      else remembered.delete(programId);
      return config;
    },
    async put(config, updatedBy, at) {
      await programs.put(config, updatedBy, at);
      remembered.delete(config.programId);
    },
    latestOfCounty: (county) => programs.latestOfCounty(county),
  };
}
