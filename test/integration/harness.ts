/**
 * Starts the local stack for integration tests as a child process (`node .build/local-start.mjs`,
 * built by `scripts/build-local.mjs`), the way `npm start` runs it, so a test can SIGKILL it and
 * start it again on the same data folder.
 * The child is a process group leader: killing the group takes DynamoDB Local's JVM with it,
 * as a crash of the machine would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoProgram, demoUsers, exampleActionBody } from '../../domain/demo';
import type { Action, AuditEvent, Household, HouseholdApplication, Phase, Role } from '../../domain/model';
import { ensureAssembly } from '../../local/assembly';
import { buildBundle, LOCAL_BUNDLE } from '../../scripts/build-local.mjs';

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
   * while the stack ran (unless started with `allowAccessDenied`): every test run through the harness checks that
   * the template grants each function what it calls.
   */
  stop(): Promise<void>;
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
  /** A template to run instead of `cdk.out/`'s (ANJU_TEMPLATE), e.g. one with a grant removed (`templateWithout`). */
  readonly templateFile?: string;
  /** The test expects IAM to refuse something: `stop()` does not fail on refusals. */
  readonly allowAccessDenied?: boolean;
};

let synthesized: Promise<boolean> | undefined;
let built: Promise<string> | undefined;

/** Synthesizes `cdk.out/` once per test file when it is stale, before any child starts. */
export function ensureSynthesized(): Promise<boolean> {
  synthesized ??= ensureAssembly(ROOT);
  return synthesized;
}

/** Bundles the local stack once per test file when a source changed, before any child starts. */
export function ensureLocalBuilt(): Promise<string> {
  built ??= buildBundle();
  return built;
}

/** The command `npm start` ends with: the bundled stack on the project's Node, source maps on for stack traces. */
export const LOCAL_STACK_COMMAND = {
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

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Resolves once no process of the child's group is left (the JVM dies a moment after its signal). */
async function waitUntilGroupGone(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  for (let i = 0; i < 100; i += 1) {
    try {
      process.kill(-child.pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

export async function startStack(options: StartOptions = {}): Promise<RunningStack> {
  await Promise.all([ensureSynthesized(), ensureLocalBuilt()]);
  const dataDir = options.dataDir ?? makeDataDir();
  const child = spawn(LOCAL_STACK_COMMAND.file, [...LOCAL_STACK_COMMAND.args], {
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
  const gone = exited(child);
  // A test that fails before stop() must not leave the stack running after the test process ends.
  const killOnExit = () => signalGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      signalGroup(child, 'SIGKILL');
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
    void gone.then(() => {
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
  return {
    url,
    endpoints: { dynamodb: endpoint('dynamodb'), s3: endpoint('s3'), sfn: endpoint('sfn') },
    dataDir,
    output: () => output,
    twin,
    async kill(signal) {
      signalGroup(child, signal);
      await gone;
      if (signal === 'SIGKILL') process.removeListener('exit', killOnExit);
    },
    async crash() {
      child.kill('SIGKILL');
      await gone;
      // Writes DynamoDB Local received before the Node process died finish their commit.
      await new Promise((resolve) => setTimeout(resolve, DATABASE_SETTLE_MS));
      signalGroup(child, 'SIGKILL');
      await waitUntilGroupGone(child);
      process.removeListener('exit', killOnExit);
    },
    async stop() {
      const denied =
        options.allowAccessDenied || child.exitCode !== null || child.signalCode !== null
          ? undefined
          : await twin().then(
              (report) => report.accessDenied,
              () => undefined,
            );
      child.kill('SIGTERM');
      const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), STOP_TIMEOUT_MS);
      await gone;
      clearTimeout(timer);
      // Anything left in the group (it should be nothing) goes too.
      signalGroup(child, 'SIGKILL');
      process.removeListener('exit', killOnExit);
      if (denied && denied.count > 0) {
        const lines = denied.recent.map((d) => `  ${d.caller} may not ${d.action} on ${d.resource}`);
        throw new Error(
          `IAM refused ${denied.count} request(s) while the stack ran: a grant is missing in infra/ (or twin/iam/requests.ts maps a request wrongly):\n${lines.join('\n')}`,
        );
      }
    },
  };
}

export async function login(url: string, username: string): Promise<string> {
  const response = await fetch(`${url}/auth/dev-login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  if (!response.ok) throw new Error(`login of ${username} answered ${response.status}`);
  const { token } = (await response.json()) as { token: string };
  return token;
}

export type ApiAnswer<T = unknown> = { status: number; body: T; headers: Headers };

/** A small JSON client for one user. */
export function api(url: string, token?: string) {
  async function call<T = unknown>(
    method: string,
    route: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiAnswer<T>> {
    const response = await fetch(`${url}${route}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON: keep the text.
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }
  return {
    get: <T = unknown>(route: string) => call<T>('GET', route),
    post: <T = unknown>(route: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>('POST', route, body, headers),
    put: <T = unknown>(route: string, body?: unknown) => call<T>('PUT', route, body),
  };
}

/** Polls `probe` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  what = 'a condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// ---------------------------------------------------------------- driving a household through the API

export type ActingUser = { readonly username: string; readonly token: string };
export type ActingUsers = {
  readonly townshipCivilAffairs: ActingUser;
  readonly townshipConstruction: ActingUser;
  readonly countyConstruction: ActingUser;
};

export type HouseholdView = {
  householdId: string;
  phase: Phase;
  version: number;
  household: Household;
  task: { step: Phase; role?: string; status: string } | null;
  timeline: AuditEvent[];
};

/** The demo staff who act on an application: civil affairs and construction of its township, county construction. */
export async function usersForApplication(url: string, application: HouseholdApplication): Promise<ActingUsers> {
  const township = demoProgram.townships.find((t) => t.villages.some((v) => v.code === application.villageCode));
  const pick = async (role: Role, townshipCode: string | undefined): Promise<ActingUser> => {
    const user = demoUsers.find((u) => u.roles.includes(role) && u.township === townshipCode);
    if (!user) throw new Error(`no demo ${role} user for ${townshipCode ?? 'the county'}`);
    return { username: user.username, token: await login(url, user.username) };
  };
  return {
    townshipCivilAffairs: await pick('civil-affairs', township?.code),
    townshipConstruction: await pick('construction', township?.code),
    countyConstruction: await pick('construction', undefined),
  };
}

export async function householdFile(url: string, token: string, householdId: string): Promise<HouseholdView> {
  const answer = await api(url, token).get<HouseholdView>(`/households/${householdId}`);
  if (answer.status !== 200) throw new Error(`GET /households/${householdId} answered ${answer.status}`);
  return answer.body;
}

/** Waits until the household's pending step shows in the user's work queue (`GET /tasks`). */
export function waitForTask(url: string, token: string, householdId: string, step: Phase, timeoutMs = 30_000) {
  return eventually(
    async () => {
      const answer = await api(url, token).get<{ items: { householdId: string; step: Phase }[] }>(
        `/tasks?step=${step}`,
      );
      if (answer.status !== 200)
        throw new Error(`GET /tasks answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      return answer.body.items.find((task) => task.householdId === householdId && task.step === step);
    },
    timeoutMs,
    `the ${step} task of ${householdId} in the queue`,
  );
}

type PlannedStep = { readonly action: Action; readonly by: keyof ActingUsers; body(version: number): unknown };

/** Who acts on each human step of the approval half, with a valid body. */
const PLAN: Partial<Record<Phase, PlannedStep>> = {
  'safety-appraisal': {
    action: 'appraise-safety',
    by: 'townshipConstruction',
    // Without photo ids: photos need an upload, which these tests do not exercise.
    body: (version) => ({ version, grade: 'D', technician: '罗建国', appraisedOn: '2025-03-10', findings: '整体危险' }),
  },
  'village-appraisal': {
    action: 'village-appraisal',
    by: 'townshipCivilAffairs',
    body: (v) => exampleActionBody('village-appraisal', v),
  },
  'township-review': {
    action: 'township-review',
    by: 'townshipConstruction',
    body: (v) => exampleActionBody('township-review', v),
  },
  'county-approval': {
    action: 'county-approve',
    by: 'countyConstruction',
    body: (v) => exampleActionBody('county-approve', v),
  },
  agreement: {
    action: 'sign-agreement',
    by: 'townshipConstruction',
    body: (v) => exampleActionBody('sign-agreement', v),
  },
};

/**
 * Acts on each step in turn, each by its owner after its task showed in that owner's queue,
 * until the household reaches `stopAt` (or, for `agreement-signed`, until the agreement is signed).
 * The public notice passes by itself (fast waits). Returns who acted on which phase, in order.
 */
export async function drive(
  url: string,
  users: ActingUsers,
  householdId: string,
  stopAt: Phase | 'agreement-signed',
): Promise<{ username: string; phase: Phase }[]> {
  const actors: { username: string; phase: Phase }[] = [];
  for (;;) {
    const file = await householdFile(url, users.townshipConstruction.token, householdId);
    if (file.phase === stopAt) return actors;
    if (file.phase === 'public-notice') {
      await eventually(
        async () => {
          const now = await householdFile(url, users.townshipConstruction.token, householdId);
          return now.phase === 'public-notice' ? undefined : now.phase;
        },
        60_000,
        `the end of the public notice of ${householdId}`,
      );
      continue;
    }
    const step = PLAN[file.phase];
    if (!step) {
      if (stopAt === 'agreement-signed' && actors.length > 0) return actors;
      throw new Error(`no planned step for phase ${file.phase} of ${householdId}`);
    }
    const user = users[step.by];
    await waitForTask(url, user.token, householdId, file.phase);
    const current = await householdFile(url, user.token, householdId);
    const answer = await api(url, user.token).post<HouseholdView>(
      `/households/${householdId}/actions/${step.action}`,
      step.body(current.version),
    );
    if (answer.status !== 200) {
      throw new Error(`${step.action} by ${user.username} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    }
    actors.push({ username: user.username, phase: file.phase });
    if (stopAt === 'agreement-signed' && file.phase === 'agreement') return actors;
  }
}
