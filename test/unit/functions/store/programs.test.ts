import { describe, expect, it } from 'vitest';
import { demoProgram } from '../../../../contract/examples';
import type { ProgramConfig } from '../../../../domain/model';
import { type ProgramStore, programsRememberedFor } from '../../../../functions/store';

/** A program store that counts its reads; `stored` is what the table holds. */
function countingStore(stored: Map<string, ProgramConfig>) {
  const reads: string[] = [];
  const store: ProgramStore = {
    get: async (programId) => {
      reads.push(programId);
      return stored.get(programId);
    },
    put: async (config) => {
      stored.set(config.programId, config);
    },
    latestOfCounty: async () => undefined,
  };
  return { store, reads };
}

describe('programsRememberedFor', () => {
  it('answers a program from memory until it is older than the freshness bound, then reads it again', async () => {
    // Prepare
    const stored = new Map([[demoProgram.programId, demoProgram]]);
    const { store, reads } = countingStore(stored);
    let now = 1_000;
    const programs = programsRememberedFor(store, 60_000, () => now);

    // Act
    await programs.get(demoProgram.programId);
    now += 59_999;
    const remembered = await programs.get(demoProgram.programId);
    stored.set(demoProgram.programId, { ...demoProgram, noticeDays: 9 });
    now += 1;
    const fresh = await programs.get(demoProgram.programId);

    // Assess
    expect(remembered?.noticeDays).toBe(demoProgram.noticeDays);
    expect(fresh?.noticeDays).toBe(9);
    expect(reads).toHaveLength(2);
  });

  it('does not remember a program it did not find, and forgets one it writes', async () => {
    const stored = new Map<string, ProgramConfig>();
    const { store, reads } = countingStore(stored);
    const programs = programsRememberedFor(store, 60_000, () => 0);

    expect(await programs.get(demoProgram.programId)).toBeUndefined();
    stored.set(demoProgram.programId, demoProgram);
    expect(await programs.get(demoProgram.programId)).toEqual(demoProgram);
    await programs.put({ ...demoProgram, noticeDays: 9 }, 'admin', '2026-01-01T00:00:00.000Z');
    expect((await programs.get(demoProgram.programId))?.noticeDays).toBe(9);
    expect(reads).toHaveLength(3);
  });

  it('reads every time with no freshness bound', async () => {
    const { store, reads } = countingStore(new Map([[demoProgram.programId, demoProgram]]));
    const programs = programsRememberedFor(store, 0);

    await programs.get(demoProgram.programId);
    await programs.get(demoProgram.programId);

    expect(reads).toHaveLength(2);
  });
});
