/**
 * The household record, not the running process, is the source of truth: a local stack killed
 * with SIGKILL (DynamoDB Local's JVM included) and started again on the same data folder finds
 * every household, audit event and pending step where it was, and the workflow carries on.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { demoApplication } from '../../contract/examples';
import { eventually } from '../../tools/api-client/client';
import { driveTo, householdFile, registerHousehold, waitForTask } from '../../tools/api-client/household-driver';
import { staffFor } from '../../tools/api-client/staff';
import { makeDataDir, type RunningStack, removeDataDir, startStack } from '../../twin/stack-process';

const running: RunningStack[] = [];
const dataDirs: string[] = [];

async function start(dataDir: string, fastWaits: boolean): Promise<RunningStack> {
  const stack = await startStack({ dataDir, fastWaits });
  running.push(stack);
  return stack;
}

afterAll(async () => {
  for (const stack of running) await stack.kill('SIGKILL');
  for (const dataDir of dataDirs) removeDataDir(dataDir);
});

describe('restart after SIGKILL', () => {
  it('keeps the household, its audit trail and its pending task, and the workflow continues', async () => {
    const dataDir = makeDataDir();
    dataDirs.push(dataDir);
    const application = demoApplication(21);

    const first = await start(dataDir, true);
    let users = await staffFor(first.url, application.villageCode);
    const householdId = await registerHousehold(first.url, users, application);
    await driveTo(first.url, users, householdId, 'township-review');
    await waitForTask(first.url, users.construction.token, householdId, 'township-review');
    const before = await householdFile(first.url, users.construction.token, householdId);
    await first.kill('SIGKILL');

    const second = await start(dataDir, true);
    // Tokens are signed with the key kept in the data folder, but log in again as a user would.
    users = await staffFor(second.url, application.villageCode);
    const after = await householdFile(second.url, users.construction.token, householdId);
    expect(after.phase).toBe('township-review');
    expect(after.version).toBe(before.version);
    expect(after.timeline).toEqual(before.timeline);
    expect(after.task?.step).toBe('township-review');
    // The recovered execution records the step again (with a fresh task token) and it is in the queue.
    await waitForTask(second.url, users.construction.token, householdId, 'township-review');

    await driveTo(second.url, users, householdId, 'agreement-signed');
    const done = await householdFile(second.url, users.construction.token, householdId);
    expect(['installment-release', 'milestone-inspection', 'final-acceptance']).toContain(done.phase);
    expect(done.timeline.slice(0, before.timeline.length)).toEqual(before.timeline);
    await second.stop();
  });

  it('finishes a public notice that was running when the process was killed', async () => {
    const dataDir = makeDataDir();
    dataDirs.push(dataDir);
    const application = demoApplication(22);

    // Real waits: the notice lasts days, so the kill surely lands inside it.
    const first = await start(dataDir, false);
    let users = await staffFor(first.url, application.villageCode);
    const householdId = await registerHousehold(first.url, users, application);
    await driveTo(first.url, users, householdId, 'public-notice');
    // Let the execution reach the timed wait (the notice is opened by a system step).
    await eventually(async () => {
      const file = await householdFile(first.url, users.construction.token, householdId);
      return file.household.noticeEndsAt ?? undefined;
    });
    await first.kill('SIGKILL');

    const second = await start(dataDir, true);
    users = await staffFor(second.url, application.villageCode);
    const phase = await eventually(
      async () => {
        const file = await householdFile(second.url, users.construction.token, householdId);
        return file.phase === 'public-notice' ? undefined : file.phase;
      },
      60_000,
      'the recovered notice to close',
    );
    expect(phase).toBe('agreement');
    await waitForTask(second.url, users.construction.token, householdId, 'agreement');
    await second.stop();
  });
});
