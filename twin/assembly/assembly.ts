/**
 * Reads the synthesized cloud assembly (`cdk.out/`) and turns it into what the twin brings up:
 * functions with their bundles and resolved environments, HTTP routes, state machines with resolved
 * definitions, and schedules. Nothing here is declared a second time: every name, route and variable
 * comes from the template, with CloudFormation intrinsics resolved (intrinsics.ts) to the twin's
 * local names (local-names.ts). Synthesizes first when the template is older than its sources.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { asRecord } from '../json';
import { AssemblyError, type CfnResource, type CfnTemplate, resourcesOfType } from './cfn-types';
import { IntrinsicResolver, type ResolveOptions } from './intrinsics';
import { functionArn, functionNameOf, STACK_NAME, stateMachineArn } from './local-names';

/** Folders whose changes make the synthesized assembly stale. */
export const SOURCE_FOLDERS = ['infra', 'functions', 'contract', 'process', 'domain'] as const;

export type FunctionSpec = {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  /** Absolute path of the bundle's entry file (`cdk.out/asset.<hash>/index.mjs`). */
  readonly entryFile: string;
  /** Name of the exported handler (`handler` for `index.handler`). */
  readonly handlerExport: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** `Architectures[0]` of the template (Lambda's default when absent is x86_64); it sets the price, not local behaviour. */
  readonly architecture: 'arm64' | 'x86_64';
};

export type JwtAuthorizerSpec = { readonly issuer: string; readonly audience: readonly string[] };

export type RouteSpec = {
  readonly routeKey: string;
  /** Upper-case method, or `ANY`; `$default` routes have method `ANY` and path `$default`. */
  readonly method: string;
  readonly path: string;
  readonly authorizationType: 'JWT' | 'NONE';
  readonly authorizer?: JwtAuthorizerSpec;
  readonly authorizationScopes: readonly string[];
  readonly functionName: string;
};

export type StateMachineSpec = {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  /** The ASL definition with every substitution applied, as JSON text. */
  readonly definition: string;
};

export type ScheduleSpec = {
  readonly logicalId: string;
  readonly everyMs: number;
  readonly functionName: string;
  /** The target's constant `Input`, parsed, when the rule sets one. */
  readonly input?: unknown;
};

export type LocalAssembly = {
  readonly outdir: string;
  readonly template: CfnTemplate;
  readonly functions: readonly FunctionSpec[];
  readonly routes: readonly RouteSpec[];
  readonly stateMachines: readonly StateMachineSpec[];
  readonly schedules: readonly ScheduleSpec[];
};

// ---------------------------------------------------------------- reading the template

/** The asset folder of a function: from `aws:asset:path` metadata, else from the assets manifest. */
function assetFolderOf(outdir: string, logicalId: string, resource: CfnResource, resolver: IntrinsicResolver): string {
  const assetPath = resource.Metadata?.['aws:asset:path'];
  if (typeof assetPath === 'string') return path.resolve(outdir, assetPath);
  const code = asRecord(resource.Properties?.Code);
  const s3Key = code.S3Key === undefined ? undefined : resolver.resolve(code.S3Key);
  const hash = typeof s3Key === 'string' ? s3Key.replace(/\.zip$/, '') : undefined;
  const manifestFile = path.join(outdir, `${STACK_NAME}.assets.json`);
  if (hash && existsSync(manifestFile)) {
    const manifest = asRecord(JSON.parse(readFileSync(manifestFile, 'utf8')));
    const source = asRecord(asRecord(asRecord(manifest.files)[hash]).source);
    if (typeof source.path === 'string') return path.resolve(outdir, source.path);
  }
  throw new AssemblyError(`cannot find the bundle of function ${logicalId} in ${outdir}`);
}

/** A function without a Runtime is a container image; those and non-Node.js runtimes are not loaded. */
export function isNodeRuntime(runtime: unknown): boolean {
  return typeof runtime === 'string' && runtime.startsWith('nodejs');
}

function functionsOf(outdir: string, template: CfnTemplate, resolver: IntrinsicResolver): FunctionSpec[] {
  const functions: FunctionSpec[] = [];
  for (const [logicalId, resource] of resourcesOfType(template, 'AWS::Lambda::Function')) {
    const properties = resource.Properties ?? {};
    const code = asRecord(properties.Code);
    // Inline code (CDK's small custom resources) has no bundle to load.
    if (code.ZipFile !== undefined) continue;
    // Only Node.js bundles load in-process; others (the Python function of CDK's BucketDeployment,
    // which copies the console to S3 on AWS) serve nothing locally.
    if (!isNodeRuntime(resolver.resolve(properties.Runtime))) continue;
    const folder = assetFolderOf(outdir, logicalId, resource, resolver);
    const handler = resolver.resolveString(properties.Handler ?? 'index.handler', `${logicalId}.Handler`);
    const dot = handler.lastIndexOf('.');
    const fileBase = dot > 0 ? handler.slice(0, dot) : 'index';
    const handlerExport = dot > 0 ? handler.slice(dot + 1) : handler;
    const entryFile = ['.mjs', '.js', '.cjs']
      .map((extension) => path.join(folder, `${fileBase}${extension}`))
      .find((candidate) => existsSync(candidate));
    if (!entryFile) throw new AssemblyError(`function ${logicalId}: no ${fileBase}.mjs or ${fileBase}.js in ${folder}`);
    const variables = asRecord(resolver.resolve(asRecord(properties.Environment).Variables ?? {}));
    const environment: Record<string, string> = {};
    for (const [key, value] of Object.entries(variables)) {
      environment[key] = typeof value === 'string' ? value : JSON.stringify(value);
    }
    functions.push({
      logicalId,
      name: logicalId,
      arn: functionArn(logicalId),
      entryFile,
      handlerExport,
      environment,
      timeoutSeconds: Number(resolver.resolve(properties.Timeout) ?? 3),
      memoryMb: Number(resolver.resolve(properties.MemorySize) ?? 128),
      architecture:
        (Array.isArray(properties.Architectures) ? properties.Architectures[0] : undefined) === 'arm64'
          ? 'arm64'
          : 'x86_64',
    });
  }
  return functions;
}

function routesOf(template: CfnTemplate, resolver: IntrinsicResolver): RouteSpec[] {
  const routes: RouteSpec[] = [];
  for (const [logicalId, resource] of resourcesOfType(template, 'AWS::ApiGatewayV2::Route')) {
    const properties = resource.Properties ?? {};
    const routeKey = resolver.resolveString(properties.RouteKey, `${logicalId}.RouteKey`);
    const target = resolver.resolveString(properties.Target, `${logicalId}.Target`);
    const integrationId = target.replace(/^integrations\//, '');
    const integration = template.Resources?.[integrationId];
    if (integration?.Type !== 'AWS::ApiGatewayV2::Integration') {
      throw new AssemblyError(`route ${routeKey} targets '${target}', which is not an integration of the template`);
    }
    const uri = resolver.resolveString(integration.Properties?.IntegrationUri, `${integrationId}.IntegrationUri`);
    const authorizationType = properties.AuthorizationType === 'JWT' ? 'JWT' : 'NONE';
    let authorizer: JwtAuthorizerSpec | undefined;
    if (authorizationType === 'JWT') {
      const authorizerId = resolver.resolveString(properties.AuthorizerId, `${logicalId}.AuthorizerId`);
      const jwt = asRecord(template.Resources?.[authorizerId]?.Properties?.JwtConfiguration);
      const audience = resolver.resolve(jwt.Audience ?? []);
      authorizer = {
        issuer: resolver.resolveString(jwt.Issuer ?? '', `${authorizerId}.JwtConfiguration.Issuer`),
        audience: Array.isArray(audience) ? audience.map(String) : [],
      };
    }
    const scopes = resolver.resolve(properties.AuthorizationScopes ?? []);
    const space = routeKey.indexOf(' ');
    routes.push({
      routeKey,
      method: space > 0 ? routeKey.slice(0, space).toUpperCase() : 'ANY',
      path: space > 0 ? routeKey.slice(space + 1) : routeKey,
      authorizationType,
      ...(authorizer ? { authorizer } : {}),
      authorizationScopes: Array.isArray(scopes) ? scopes.map(String) : [],
      functionName: functionNameOf(uri.replace(/\/invocations$/, '').replace(/^.*\/functions\//, '')),
    });
  }
  return routes;
}

function stateMachinesOf(template: CfnTemplate, resolver: IntrinsicResolver): StateMachineSpec[] {
  return resourcesOfType(template, 'AWS::StepFunctions::StateMachine').map(([logicalId, resource]) => {
    const properties = resource.Properties ?? {};
    let definition =
      properties.Definition !== undefined
        ? JSON.stringify(resolver.resolve(properties.Definition))
        : resolver.resolveString(properties.DefinitionString, `${logicalId}.DefinitionString`);
    const substitutions = asRecord(resolver.resolve(properties.DefinitionSubstitutions ?? {}));
    for (const [key, value] of Object.entries(substitutions)) {
      definition = definition.split(`\${${key}}`).join(typeof value === 'string' ? value : JSON.stringify(value));
    }
    const name = resolver.stateMachineNameOf(logicalId);
    return { logicalId, name, arn: stateMachineArn(name), definition };
  });
}

const RATE_UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

function schedulesOf(template: CfnTemplate, resolver: IntrinsicResolver): ScheduleSpec[] {
  const schedules: ScheduleSpec[] = [];
  for (const [logicalId, resource] of resourcesOfType(template, 'AWS::Events::Rule')) {
    const properties = resource.Properties ?? {};
    const expression = resolver.resolve(properties.ScheduleExpression);
    const rate = typeof expression === 'string' ? /^rate\((\d+)\s+(minute|hour|day)s?\)$/.exec(expression) : null;
    if (!rate?.[1] || !rate[2] || properties.State === 'DISABLED') continue;
    const everyMs = Number(rate[1]) * (RATE_UNITS[rate[2]] ?? 60_000);
    const targets = resolver.resolve(properties.Targets ?? []);
    for (const target of Array.isArray(targets) ? targets : []) {
      const arn = asRecord(target).Arn;
      if (typeof arn !== 'string' || !arn.includes(':function:')) continue;
      const input = asRecord(target).Input;
      schedules.push({
        logicalId,
        everyMs,
        functionName: functionNameOf(arn),
        ...(typeof input === 'string' ? { input: JSON.parse(input) } : {}),
      });
    }
  }
  return schedules;
}

/** Reads `cdk.out/` (already synthesized) into what the local runtime starts. */
export function readAssembly(outdir: string, options: ResolveOptions = {}): LocalAssembly {
  const templateFile = templateFileOf(outdir);
  if (!existsSync(templateFile)) {
    throw new AssemblyError(`${templateFile} is missing: run \`npx cdk synth --quiet\` first.`);
  }
  const template = JSON.parse(readFileSync(templateFile, 'utf8')) as CfnTemplate;
  return assemblyFromTemplate(outdir, template, options);
}

/** Like `readAssembly` for a template already in memory (bundles are looked up under `outdir`). */
export function assemblyFromTemplate(
  outdir: string,
  template: CfnTemplate,
  options: ResolveOptions = {},
): LocalAssembly {
  const resolver = new IntrinsicResolver(template, options);
  return {
    outdir,
    template,
    functions: functionsOf(outdir, template, resolver),
    routes: routesOf(template, resolver),
    stateMachines: stateMachinesOf(template, resolver),
    schedules: schedulesOf(template, resolver),
  };
}

function templateFileOf(outdir: string): string {
  const manifestFile = path.join(outdir, 'manifest.json');
  if (existsSync(manifestFile)) {
    const manifest = asRecord(JSON.parse(readFileSync(manifestFile, 'utf8')));
    const templateFile = asRecord(asRecord(asRecord(manifest.artifacts)[STACK_NAME]).properties).templateFile;
    if (typeof templateFile === 'string') return path.join(outdir, templateFile);
  }
  return path.join(outdir, `${STACK_NAME}.template.json`);
}

// ---------------------------------------------------------------- synthesis

function newestMtime(folder: string): number {
  if (!existsSync(folder)) return 0;
  const stat = statSync(folder);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(folder, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** True when the template is missing or older than any source the stack is built from. */
export function isAssemblyStale(root: string, outdir = path.join(root, 'cdk.out')): boolean {
  const templateFile = templateFileOf(outdir);
  if (!existsSync(templateFile)) return true;
  const built = statSync(templateFile).mtimeMs;
  const sources = [...SOURCE_FOLDERS.map((folder) => path.join(root, folder)), path.join(root, 'cdk.json')];
  return sources.some((source) => newestMtime(source) > built);
}

/** Runs the project's own `cdk synth --quiet` (offline: no notices, no telemetry). */
export function synthesize(root: string): Promise<void> {
  const bin = path.join(root, 'node_modules', '.bin');
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(bin, 'cdk'), ['synth', '--quiet', '--no-notices'], {
      cwd: root,
      env: {
        ...process.env,
        PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
        CDK_DISABLE_CLI_TELEMETRY: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (error) => reject(new AssemblyError(`could not run cdk synth: ${error.message}`)));
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new AssemblyError(`cdk synth failed (exit ${code}):\n${output.trim()}`));
    });
  });
}

/** Synthesizes when needed; returns whether it did. */
export async function ensureAssembly(root: string): Promise<boolean> {
  if (!isAssemblyStale(root)) return false;
  await synthesize(root);
  return true;
}
