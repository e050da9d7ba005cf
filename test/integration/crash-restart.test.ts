/**
 * The crash-restart soak in small (12 households, 3 kills) so `npm test` exercises it; the full run
 * is `npm run test:soak`. Repeat a failing run with `ANJU_SOAK_SEED=<the printed seed>`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { problemsOf, runCrashSoak } from '../support/crash-soak';

const seed = Number(process.env.ANJU_SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31));
let cleanup: (() => Promise<void>) | undefined;

afterAll(async () => {
  await cleanup?.();
});

describe('households through the whole workflow while the stack is killed at random', () => {
  it(`ends every household as a run without crashes would (seed ${seed})`, async () => {
    console.log(`crash-restart soak seed: ${seed} (repeat with ANJU_SOAK_SEED=${seed})`);
    const run = await runCrashSoak({
      households: 12,
      kills: 3,
      seed,
      log: (line) => console.log(line),
      onCleanup: (stop) => {
        cleanup = stop;
      },
    });

    expect(run.kills).toBe(3);
    expect(run.reference.phase).toBe('archived');
    expect(run.households.flatMap(({ index, file }) => problemsOf(index, file, run.reference))).toEqual([]);
    expect(run.openTasks).toEqual([]);
    const approved = [run.reference, ...run.households.map((h) => h.file)].reduce(
      (sum, file) => sum + (file.household.approvedSubsidy ?? 0),
      0,
    );
    expect(run.fundsReport.total.released).toBe(approved);
  }, 1_500_000);
});
