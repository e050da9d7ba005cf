/**
 * `npm start`: brings the synthesized stack up on this machine.
 *
 * 1. Synthesize `cdk.out/` when it is missing or older than the sources.
 * 2. Bind the API port first (a taken port fails at once), answering 503 until ready.
 * 3. Start DynamoDB Local, the S3 server and the Step Functions service on free loopback ports,
 *    with their data under the data folder; create the template's tables.
 * 4. Prepare a sandbox per function with its resolved environment and its role's credentials (twin/iam/).
 * 5. Serve the template's routes; seed the demo program through the API itself when missing (and,
 *    with `--demo` or ANJU_DEMO=1, the 600-household demo county: tools/demo/county-loader.ts).
 * 6. Recover unfinished executions; run scheduled functions (the outbox sweeper) as EventBridge would.
 * 7. Print the URL, the demo users, the start-to-ready time and `ANJU_READY url=...`.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoProgram } from '../contract/examples';
import { loadDemoCounty } from '../tools/demo/county-loader';
import { seedProgram } from '../tools/demo/seed-program';
import { demoUsers } from '../tools/demo/users';
import { assemblyFromTemplate, ensureAssembly, type LocalAssembly, readAssembly } from './assembly/assembly';
import type { CfnTemplate } from './assembly/cfn-types';
import { LOCAL_ACCOUNT, LOCAL_REGION, STACK_NAME } from './assembly/local-names';
import { ConfigError, type LocalConfig, loadConfig } from './config';
import { assertWritableFolder } from './data-folder';
import { FaultInjector } from './faults/faults';
import { twinRoutes } from './faults/twin-routes';
import { OPERATOR_CREDENTIALS } from './iam/credentials';
import type { DynamoCall } from './iam/dynamodb-front';
import { startSandboxes } from './iam/sandbox';
import { createTwinIam, type TwinIam } from './iam/twin-iam';
import { FAST_EXECUTION_MAX_SECONDS, STANDARD_EXECUTION_MAX_SECONDS } from './limits/limits';
import { listen, PortInUseError, type RunningServer } from './net/http';
import { freePort } from './net/ports';
import { restartAtParkedStep } from './recovery';
import { createApiHandler, placeholderPage } from './services/api-gateway';
import { consoleSite } from './services/console';
import { ensureTables, type LocalDynamo, startDynamo, tablesFromTemplate } from './services/dynamodb';
import { createIdentityProvider, type IdentityProvider } from './services/identity';
import { commonLambdaEnvironment, type LambdaRuntime } from './services/lambda';
import { bucketsFromTemplate, type LocalS3, startS3 } from './services/s3/s3';
import { startSchedules } from './services/scheduler';
import { startStepFunctions } from './services/stepfunctions/stepfunctions';

export type LocalStackOptions = Partial<LocalConfig> & {
  /** The repository root (where `cdk.out/` and `node_modules/` are). */
  readonly root?: string;
  /** Where human-readable lines go (default: stdout). */
  readonly print?: (line: string) => void;
  /** Told of every request that reaches DynamoDB, with its caller and invocation (the lifecycle benchmark counts them). */
  readonly observeDynamo?: (call: DynamoCall) => void;
};

export type LocalStack = {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly assembly: LocalAssembly;
  readonly lambdas: LambdaRuntime;
  readonly identity: IdentityProvider;
  readonly endpoints: { readonly dynamodb: string; readonly s3: string; readonly sfn: string };
  /** Milliseconds from the call to ready (synthesis excluded). */
  readonly readyMs: number;
  readonly synthMs: number;
  /** Where the start-up time went, e.g. `services 4.1 s`. */
  readonly timings: readonly string[];
  /** IAM from the template: roles, the evaluator and the refusals so far. */
  readonly iam: TwinIam;
  /** The faults injected so far (ANJU_FAULTS). */
  readonly faults: FaultInjector;
  stop(): Promise<void>;
};

/** A problem a newcomer can fix; its message is one sentence and no stack trace is printed. */
export class StartError extends Error {
  override readonly name = 'StartError';
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Functions that a route, a state machine or a schedule can reach; CDK's own helpers are left out. */
function reachableFunctions(assembly: LocalAssembly): Set<string> {
  const names = new Set<string>();
  for (const route of assembly.routes) names.add(route.functionName);
  for (const schedule of assembly.schedules) names.add(schedule.functionName);
  for (const fn of assembly.functions) {
    if (assembly.stateMachines.some((machine) => machine.definition.includes(fn.arn))) names.add(fn.name);
  }
  return names;
}

/** Starts the whole local stack in this process; `stop()` ends every part it started. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const startedAt = performance.now();
  const config: LocalConfig = { ...loadConfig(), ...stripUndefined(options) };
  const root = options.root ?? ROOT;
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const info = config.log === 'quiet' ? () => {} : print;
  const stoppers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stoppers.splice(0).reverse()) {
      await stop().catch((error: unknown) => print(`while stopping: ${String(error)}`));
    }
  };

  try {
    assertWritableFolder(config.dataDir, 'data folder');
  } catch {
    throw new StartError(
      `Anju cannot write to its data folder ${config.dataDir}: fix its permissions or start with ANJU_DATA_DIR=<another folder> npm start.`,
    );
  }

  // The port first: a newcomer with another program on 3000 learns it before anything slow starts.
  let handler: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) => {
    response.writeHead(503, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ message: 'Anju is starting' }));
  };
  let api: RunningServer;
  try {
    api = await listen((request, response) => handler(request, response), config.port);
  } catch (error) {
    if (error instanceof PortInUseError) {
      throw new StartError(
        `Port ${config.port} is in use: stop the other program or start with PORT=${config.port + 1} npm start.`,
      );
    }
    throw error;
  }
  stoppers.push(api.close);
  const url = `http://127.0.0.1:${api.port}`;
  let starting: Promise<unknown> = Promise.resolve();

  try {
    const synthStarted = performance.now();
    const synthesized = await ensureAssembly(root);
    const synthMs = synthesized ? Math.round(performance.now() - synthStarted) : 0;
    if (synthesized) info(`synthesized ${STACK_NAME} in ${(synthMs / 1000).toFixed(1)} s`);
    const assembly = config.templateFile
      ? assemblyFromTemplate(
          path.join(root, 'cdk.out'),
          JSON.parse(readFileSync(config.templateFile, 'utf8')) as CfnTemplate,
          { apiEndpoint: url },
        )
      : readAssembly(path.join(root, 'cdk.out'), { apiEndpoint: url });
    if (config.templateFile) info(`running the template ${config.templateFile} (ANJU_TEMPLATE)`);
    const faults = new FaultInjector(config.faults);
    if (faults.enabled) {
      print(faults.describe());
      stoppers.push(async () => print(faults.summary()));
    }
    // Every AWS call is checked against the template's policies, as on AWS (twin/iam/).
    const iam = createTwinIam(assembly, { faults, log: print });

    const timings: string[] = [];
    let mark = performance.now();
    const lap = (what: string) => {
      const now = performance.now();
      timings.push(`${what} ${((now - mark) / 1000).toFixed(1)} s`);
      mark = now;
    };
    // Ports first, so the endpoints are known before anything starts: each function's sandbox gets them.
    const [dynamoPort, s3Port, sfnPort, dynamoLocalPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const endpoints = {
      dynamodb: `http://127.0.0.1:${dynamoPort}`,
      s3: `http://127.0.0.1:${s3Port}`,
      sfn: `http://127.0.0.1:${sfnPort}`,
    };
    const services = Promise.all([
      // DynamoDB Local checks no signature: functions reach it through the IAM front on the published port.
      startDynamo({ dataDir: path.join(config.dataDir, 'dynamodb'), port: dynamoLocalPort, log: print }).then(
        async (dynamo: LocalDynamo) => {
          stoppers.push(() => dynamo.stop());
          await ensureTables(
            dynamo.endpoint,
            tablesFromTemplate(assembly.template, (logicalId) => logicalId),
          );
          const front = await iam.startDynamoFront({
            port: dynamoPort,
            backend: dynamo.endpoint,
            ...(options.observeDynamo ? { observe: options.observeDynamo } : {}),
          });
          stoppers.push(() => front.stop());
        },
      ),
      startS3({
        dataDir: path.join(config.dataDir, 's3'),
        port: s3Port,
        region: LOCAL_REGION,
        credentials: OPERATOR_CREDENTIALS,
        gate: iam.s3Gate,
        // The console's browser uploads come from the API's own origin (the CloudFront origin on AWS).
        buckets: bucketsFromTemplate(assembly.template, (logicalId) => logicalId.toLowerCase(), [
          url,
          url.replace('127.0.0.1', 'localhost'),
        ]),
        log: info,
      }).then((s3: LocalS3) => {
        stoppers.push(() => s3.stop());
      }),
    ]);
    // A failure of a service is reported after the functions load; it must not go unhandled meanwhile.
    services.catch(() => {});
    starting = services;

    // The twin's own tools in this process (the demo county loader) reach the services as the operator.
    Object.assign(process.env, commonLambdaEnvironment(endpoints));
    const reachable = reachableFunctions(assembly);
    const lambdas = await startSandboxes(
      assembly.functions.filter((fn) => reachable.has(fn.name)),
      {
        commonEnvironment: commonLambdaEnvironment(endpoints),
        extraEnvironment: config.log === 'quiet' ? { POWERTOOLS_LOG_LEVEL: 'WARN' } : {},
        environmentFor: (spec) => iam.environmentFor(spec),
        // A sandbox costs about 40 MB: start each at its function's first invocation (a cold start), as Lambda does.
        lazy: true,
      },
    );
    stoppers.push(() => lambdas.stop());
    lap('functions');
    await services;
    lap('DynamoDB Local and S3');

    const sfn = await startStepFunctions({
      dataDir: path.join(config.dataDir, 'stepfunctions'),
      port: sfnPort,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
      stateMachines: assembly.stateMachines.map(({ arn, name, definition }) => ({ arn, name, definition })),
      invokeLambda: (functionName: string, payload: unknown, stateMachineArn: string) =>
        iam.invokeAsStateMachine(stateMachineArn, functionName, () => lambdas.invoke(functionName, payload)),
      fastWaits: config.fastWaits,
      gate: iam.stepFunctionsGate,
      maxExecutionMs:
        1000 *
        (config.executionMaxSeconds ??
          (config.fastWaits ? FAST_EXECUTION_MAX_SECONDS : STANDARD_EXECUTION_MAX_SECONDS)),
      log: info,
      recoveryInput: restartAtParkedStep,
    });
    stoppers.push(() => sfn.stop());

    const jwtRoute = assembly.routes.find((route) => route.authorizer);
    const identity = createIdentityProvider({
      dataDir: config.dataDir,
      ...(jwtRoute?.authorizer?.issuer ? { issuer: jwtRoute.authorizer.issuer } : {}),
      ...(jwtRoute?.authorizer?.audience[0] ? { audience: jwtRoute.authorizer.audience[0] } : {}),
    });
    handler = twinRoutes(
      { faults, iam: iam.authorizer },
      createApiHandler({
        routes: assembly.routes,
        lambdas,
        identity,
        devUsers: demoUsers,
        site: consoleSite({
          distDir: path.join(root, 'console', 'dist'),
          missingPage: () => placeholderPage(demoUsers),
        }),
        logRequest:
          config.log === 'quiet'
            ? undefined
            : ({ method, path: p, status, ms }) => print(`${method} ${p} ${status} ${ms}ms`),
        logError: (message, error) =>
          print(
            `${message}: ${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error)}`,
          ),
      }),
    );

    const admin = demoUsers.find((user) => user.roles.includes('admin'));
    if (!admin) throw new Error('the demo users have no admin to seed the demo program with');
    const adminToken = await identity.issue(admin);
    const seeded = (await seedProgram(url, adminToken, demoProgram)) === 'seeded';
    info(`demo program ${demoProgram.programId} ${seeded ? 'seeded' : 'is in place'}`);
    const recovered = await sfn.recover();
    if (recovered > 0) info(`recovered ${recovered} unfinished execution(s)`);
    lap('seed and recovery');
    if (config.demoHouseholds > 0) {
      // After recovery: a second start finds the households in place and starts nothing twice.
      info(await loadDemoCounty({ url, adminToken, assembly, count: config.demoHouseholds }));
      lap('demo county');
    }

    const stopSchedules = startSchedules({
      schedules: assembly.schedules,
      lambdas,
      fastWaits: config.fastWaits,
      // EventBridge invokes through the function's resource policy (its AWS::Lambda::Permission for the rule).
      mayInvoke: (schedule) => iam.mayScheduleInvoke(schedule.logicalId, schedule.functionName),
      log: print,
    });
    stoppers.push(async () => stopSchedules());

    const readyMs = Math.round(performance.now() - startedAt - synthMs);
    return {
      url,
      port: api.port,
      dataDir: config.dataDir,
      assembly,
      lambdas,
      identity,
      endpoints,
      readyMs,
      synthMs,
      timings,
      iam,
      faults,
      stop: stopAll,
    };
  } catch (error) {
    // Let services still starting finish, so that stopping them leaves no JVM behind.
    await starting.catch(() => {});
    await stopAll();
    throw error;
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function printBanner(stack: LocalStack): void {
  const lines = [
    '',
    `Anju is running at ${stack.url}  (ready in ${(stack.readyMs / 1000).toFixed(1)} s: ${stack.timings.join(', ')})`,
    `Data folder: ${stack.dataDir}`,
    'Demo users (POST /auth/dev-login {"username": "..."}):',
    ...demoUsers.map(
      (user) =>
        `  ${user.username.padEnd(16)} ${user.roles.join(',').padEnd(14)} ${user.township ?? user.county}  ${user.displayName}`,
    ),
    `API description: ${stack.url}/openapi.json    Stop: Ctrl+C`,
    '',
    // For tests that talk to the local services directly (e.g. a replayed task token to Step Functions).
    `ANJU_ENDPOINTS dynamodb=${stack.endpoints.dynamodb} s3=${stack.endpoints.s3} sfn=${stack.endpoints.sfn}`,
    `ANJU_READY url=${stack.url}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The message to print for a failed start: one sentence for problems a newcomer can fix. */
function describeStartFailure(error: unknown): string {
  if (error instanceof StartError || error instanceof ConfigError) return error.message;
  if (error instanceof Error && /Java 17/.test(error.message)) {
    return 'Anju needs Java 17 for DynamoDB Local: run `apt-get install -y openjdk-17-jre-headless` (or install Java 17) and try again.';
  }
  return `Anju could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}

/** `npm start`: starts the stack, prints the banner, stops cleanly on Ctrl-C or SIGTERM (entry: `twin/start.ts`). */
export async function runFromCommandLine(): Promise<void> {
  let stack: LocalStack;
  try {
    // `npm start -- --demo` is the same as ANJU_DEMO=1.
    stack = await startLocalStack(
      process.argv.includes('--demo') ? { demoHouseholds: loadConfig().demoHouseholds || 600 } : {},
    );
  } catch (error) {
    process.stderr.write(`${describeStartFailure(error)}\n`);
    process.exit(1);
  }
  printBanner(stack);
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping Anju...\n`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    stack.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
