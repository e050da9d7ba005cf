/**
 * A child started as the leader of its own process group (`spawn(..., { detached: true })`), so that one signal
 * reaches everything it started: the twin's Node process and DynamoDB Local's JVM, or npm and the script it runs.
 */
import type { ChildProcess } from 'node:child_process';

export type ProcessGroup = {
  /** Resolves when the leader has exited. */
  readonly leaderGone: Promise<void>;
  /** Sends `signal` to every process of the group; a group already gone is not an error. */
  signal(signal: NodeJS.Signals): void;
  /** Resolves once no process of the group is left (a JVM dies a moment after its signal), or after 5 s. */
  allGone(): Promise<void>;
  /**
   * After a stop signal: waits for the leader, SIGKILLs the group if it takes longer than `timeoutMs`, and then
   * SIGKILLs whatever of the group is still there (it should be nothing).
   */
  stopWithin(timeoutMs: number): Promise<void>;
};

export function processGroup(child: ChildProcess): ProcessGroup {
  const leaderGone =
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, name);
    } catch {
      // The group is already gone.
    }
  };
  return {
    leaderGone,
    signal,
    async allGone() {
      if (child.pid === undefined) return;
      for (let i = 0; i < 100; i += 1) {
        try {
          process.kill(-child.pid, 0);
        } catch {
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stopWithin(timeoutMs) {
      const timer = setTimeout(() => signal('SIGKILL'), timeoutMs);
      await leaderGone;
      clearTimeout(timer);
      signal('SIGKILL');
    },
  };
}
