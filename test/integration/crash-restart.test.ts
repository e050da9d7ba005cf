/**
 * The crash-restart soak in small (12 households, 3 kills) so `npm test` exercises it; the full run
 * is `npm run test:soak`. Repeat a failing run with `ANJU_SOAK_SEED=<the printed seed>`.
 */
import { afterAll, describe, it } from 'vitest';
import { expectEndedAsWithoutCrashes, runCrashSoak } from '../support/crash-soak';

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

    expectEndedAsWithoutCrashes(run, 3);
  }, 1_500_000);
});
