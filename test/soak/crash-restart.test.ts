/**
 * `npm run test:soak`: 200 households from registration to archive while the local stack is killed
 * with SIGKILL at 10 seeded random moments. Sizes: ANJU_SOAK_HOUSEHOLDS, ANJU_SOAK_KILLS; repeat a
 * run with ANJU_SOAK_SEED=<the printed seed>. Every start's output goes to a file in the temp folder, named in
 * the output, for reading what happened around a kill.
 */
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { expectEndedAsWithoutCrashes, runCrashSoak } from '../support/crash-soak';

const seed = Number(process.env.ANJU_SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31));
const households = Number(process.env.ANJU_SOAK_HOUSEHOLDS ?? 200);
const kills = Number(process.env.ANJU_SOAK_KILLS ?? 10);
let cleanup: (() => Promise<void>) | undefined;

afterAll(async () => {
  await cleanup?.();
});

describe('crash-restart soak', () => {
  it(`archives ${households} households through ${kills} SIGKILLs as a run without crashes would (seed ${seed})`, async () => {
    const logFile = path.join(os.tmpdir(), `anju-soak-${seed}.log`);
    console.log(
      `crash-restart soak seed: ${seed} (repeat with ANJU_SOAK_SEED=${seed}); the stacks' output: ${logFile}`,
    );
    const run = await runCrashSoak({
      households,
      kills,
      seed,
      logFile,
      log: (line) => console.log(line),
      onCleanup: (stop) => {
        cleanup = stop;
      },
    });

    expectEndedAsWithoutCrashes(run, kills);
  });
});
