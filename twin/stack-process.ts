/**
 * The twin as a child process, the way `npm start` runs it (`node .build/twin-start.mjs`, built by
 * `scripts/build-local.mjs`), for integration tests and benchmarks: started on free ports and a data
 * folder of its own, stopped, or killed with SIGKILL and started again on the same data folder.
 * The child is a process group leader: killing the group takes DynamoDB Local's JVM with it,
 * as a crash of the machine would.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBundle, LOCAL_BUNDLE } from '../scripts/build-local.mjs';
import { ensureAssembly } from './assembly/assembly';
import { processGroup } from './process-group';

/** The nearest folder above this file with a package.json: this file also runs bundled, from `.build/`. */
function projectRoot(): string {
  let folder = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(folder, 'package.json'))) {
    const parent = path.dirname(folder);
    if (parent === folder) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    folder = parent;
  }
  return folder;
}

const ROOT = projectRoot();
const BIN = path.join(ROOT, 'node_modules', '.bin');
const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 20_000;
/** How long DynamoDB Local outlives the crashed Node process: its writes in flight commit well within it. */
const DATABASE_SETTLE_MS = 500;

export type RunningStack = {
  readonly url: string;
  /** The local services' endpoints, as the stack printed them. */
  readonly endpoints: { readonly dynamodb: string; readonly s3: string; readonly sfn: string };
  readonly dataDir: string;
  /** The process id of the group leader (the stack's Node process, or npm with `viaNpmStart`). */
  readonly pid: number;
  /** Everything the process printed so far (for failure messages). */
  output(): string;
  /** Sends a signal to the whole process group and waits until the main process is gone. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /**
   * A crash of the application: SIGKILL to the stack's Node process (API, functions, workflow, S3 front), then,
   * once nothing can write through it, SIGKILL to DynamoDB Local's JVM. DynamoDB Local killed in the same instant
   * can lose the last write it acknowledged (`npm run bench:dynamodb-kill`); DynamoDB itself does not, so a test
   * of the application's guarantees must not count that loss against them.
   */
  crash(): Promise<void>;
  /** Stops cleanly (SIGTERM), killing the group if it does not exit in time. */
  stop(): Promise<void>;
  /** Stops cleanly and removes the data folder: the end of a stack that will not be started again. */
  discard(): Promise<void>;
};

export type StartOptions = {
  /** Reuse a data folder (restart tests); default: a fresh temporary folder. */
  readonly dataDir?: string;
  readonly fastWaits?: boolean;
  readonly env?: Record<string, string>;
  /** Appends everything the process prints to this file as well (the soak keeps every start's log in one file). */
  readonly logFile?: string;
  /** Starts it as a newcomer does, with `npm start --silent` and its checks (the start-up benchmark). */
  readonly viaNpmStart?: boolean;
};

let synthesized: Promise<boolean> | undefined;
let built: Promise<string> | undefined;

/** Synthesizes `cdk.out/` once per process when it is stale, before any child starts. */
export function ensureSynthesized(): Promise<boolean> {
  synthesized ??= ensureAssembly(ROOT);
  return synthesized;
}

/** Bundles the twin once per process when a source changed, before any child starts. */
export function ensureLocalBuilt(): Promise<string> {
  built ??= buildBundle();
  return built;
}

/** The command `npm start` ends with: the bundled stack on the project's Node, source maps on for stack traces. */
const LOCAL_STACK_COMMAND = {
  file: path.join(BIN, 'node'),
  args: ['--enable-source-maps', LOCAL_BUNDLE],
} as const;

/** A fresh temporary data folder; remove it with `removeDataDir`. */
export function makeDataDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'anju-it-'));
}

export function removeDataDir(dataDir: string): void {
  rmSync(dataDir, { recursive: true, force: true });
}

export async function startStack(options: StartOptions = {}): Promise<RunningStack> {
  await Promise.all([ensureSynthesized(), ensureLocalBuilt()]);
  const dataDir = options.dataDir ?? makeDataDir();
  const [file, args] = options.viaNpmStart
    ? ['npm', ['start', '--silent']]
    : [LOCAL_STACK_COMMAND.file, [...LOCAL_STACK_COMMAND.args]];
  const child = spawn(file, args, {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PATH: `${BIN}${path.delimiter}${process.env.PATH ?? ''}`,
      PORT: '0',
      ANJU_DATA_DIR: dataDir,
      ANJU_FAST_WAITS: options.fastWaits === false ? '0' : '1',
      ANJU_LOG: 'info',
      ...options.env,
    },
  });
  let output = '';
  const logFile = options.logFile;
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-200_000);
    if (logFile) appendFileSync(logFile, chunk);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const group = processGroup(child);
  // A test that fails before stop() must not leave the stack running after the test process ends.
  const killOnExit = () => group.signal('SIGKILL');
  process.once('exit', killOnExit);

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      group.signal('SIGKILL');
      reject(new Error(`the stack was not ready within ${READY_TIMEOUT_MS} ms; its output:\n${output}`));
    }, READY_TIMEOUT_MS);
    const onData = () => {
      const match = /ANJU_READY url=(\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    void group.leaderGone.then(() => {
      clearTimeout(timer);
      reject(new Error(`the stack exited before it was ready (code ${child.exitCode}); its output:\n${output}`));
    });
  });

  const endpoint = (name: string) => new RegExp(`ANJU_ENDPOINTS .*\\b${name}=(\\S+)`).exec(output)?.[1] ?? '';
  const stop = async () => {
    // npm passes no signal on to the script it runs: the whole group is told.
    if (options.viaNpmStart) group.signal('SIGTERM');
    else child.kill('SIGTERM');
    await group.stopWithin(STOP_TIMEOUT_MS);
    process.removeListener('exit', killOnExit);
  };
  return {
    url,
    endpoints: { dynamodb: endpoint('dynamodb'), s3: endpoint('s3'), sfn: endpoint('sfn') },
    dataDir,
    pid: child.pid ?? 0,
    output: () => output,
    async kill(signal) {
      group.signal(signal);
      await group.leaderGone;
      if (signal === 'SIGKILL') process.removeListener('exit', killOnExit);
    },
    async crash() {
      child.kill('SIGKILL');
      await group.leaderGone;
      // Writes DynamoDB Local received before the Node process died finish their commit.
      await new Promise((resolve) => setTimeout(resolve, DATABASE_SETTLE_MS));
      group.signal('SIGKILL');
      await group.allGone();
      process.removeListener('exit', killOnExit);
    },
    stop,
    async discard() {
      await stop();
      removeDataDir(dataDir);
    },
  };
}
