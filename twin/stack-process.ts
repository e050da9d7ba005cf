/**
 * The twin as a child process, the way `npm start` runs it (`node .build/twin-start.mjs`, built by
 * `scripts/build-local.mjs`), for integration tests and benchmarks: started on free ports and a data
 * folder of its own, stopped, or killed with SIGKILL and started again on the same data folder.
 * The child is a process group leader: killing the group takes DynamoDB Local's JVM with it,
 * as a crash of the machine would.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  /** What the twin reports of itself (`GET /local/twin`): faults injected and requests IAM refused so far. */
  twin(): Promise<TwinReport>;
  /** Sends a signal to the whole process group and waits until the main process is gone. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /**
   * A crash of the application: SIGKILL to the stack's Node process (API, functions, workflow, S3 front), then,
   * once nothing can write through it, SIGKILL to DynamoDB Local's JVM. DynamoDB Local killed in the same instant
   * can lose the last write it acknowledged (`npm run bench:dynamodb-kill`); DynamoDB itself does not, so a test
   * of the application's guarantees must not count that loss against them.
   */
  crash(): Promise<void>;
  /**
   * Stops cleanly (SIGTERM), killing the group if it does not exit in time. Then fails if IAM refused any request
   * while the stack ran (unless started with `allowAccessDenied`): every test run through the twin checks that
   * the template grants each function what it calls.
   */
  stop(): Promise<void>;
  /** Stops cleanly and removes the data folder: the end of a stack that will not be started again. */
  discard(): Promise<void>;
};

export type TwinReport = {
  faults: { total: number; byFault: { fault: string; count: number }[] };
  accessDenied: { count: number; recent: { caller: string; action: string; resource: string }[] };
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
  /** A template to run instead of `cdk.out/`'s (ANJU_TEMPLATE), e.g. one with a grant removed (`templateWithout`). */
  readonly templateFile?: string;
  /** The test expects IAM to refuse something: `stop()` does not fail on refusals. */
  readonly allowAccessDenied?: boolean;
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

/**
 * A copy of the synthesized template (synthesized first when stale) in which the role of every function whose
 * logical id contains `functionId` no longer holds `action`: the action is taken out of each statement of the
 * role's policies (a statement left with no action goes). Returns the file for `startStack({ templateFile })`;
 * throws when there was nothing to remove, so a renamed grant cannot make the test pass without a refusal.
 */
export async function templateWithout(functionId: string, action: string): Promise<string> {
  await ensureSynthesized();
  const template = JSON.parse(readFileSync(path.join(ROOT, 'cdk.out', 'AnjuStack.template.json'), 'utf8')) as {
    Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  };
  const roleOf = (fn: { Properties?: Record<string, unknown> }) =>
    (fn.Properties?.Role as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];
  const roles = new Set(
    Object.entries(template.Resources)
      .filter(([id, resource]) => resource.Type === 'AWS::Lambda::Function' && id.includes(functionId))
      .map(([, resource]) => roleOf(resource)),
  );
  let removed = 0;
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const attached = (resource.Properties?.Roles as { Ref?: string }[] | undefined) ?? [];
    if (!attached.some((role) => roles.has(role.Ref))) continue;
    const document = resource.Properties?.PolicyDocument as { Statement: { Action: string | string[] }[] };
    document.Statement = document.Statement.flatMap((statement) => {
      const actions = [statement.Action].flat();
      const kept = actions.filter((each) => each !== action);
      removed += actions.length - kept.length;
      return kept.length === 0 ? [] : [{ ...statement, Action: kept }];
    });
  }
  if (removed === 0) throw new Error(`no policy of a function named like ${functionId} grants ${action}`);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'anju-template-')), 'AnjuStack.template.json');
  writeFileSync(file, JSON.stringify(template));
  return file;
}

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
      ...(options.templateFile ? { ANJU_TEMPLATE: options.templateFile } : {}),
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
  const twin = async (): Promise<TwinReport> => {
    const answer = await fetch(`${url}/local/twin`);
    if (!answer.ok) throw new Error(`GET /local/twin answered ${answer.status}`);
    return (await answer.json()) as TwinReport;
  };
  const stop = async () => {
    const denied =
      options.allowAccessDenied || child.exitCode !== null || child.signalCode !== null
        ? undefined
        : await twin().then(
            (report) => report.accessDenied,
            () => undefined,
          );
    // npm passes no signal on to the script it runs: the whole group is told.
    if (options.viaNpmStart) group.signal('SIGTERM');
    else child.kill('SIGTERM');
    await group.stopWithin(STOP_TIMEOUT_MS);
    process.removeListener('exit', killOnExit);
    if (denied && denied.count > 0) {
      const lines = denied.recent.map((d) => `  ${d.caller} may not ${d.action} on ${d.resource}`);
      throw new Error(
        `IAM refused ${denied.count} request(s) while the stack ran: a grant is missing in infra/ (or twin/iam/requests.ts maps a request wrongly):\n${lines.join('\n')}`,
      );
    }
  };
  return {
    url,
    endpoints: { dynamodb: endpoint('dynamodb'), s3: endpoint('s3'), sfn: endpoint('sfn') },
    dataDir,
    pid: child.pid ?? 0,
    output: () => output,
    twin,
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
