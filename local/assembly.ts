/**
 * Reads the synthesized cloud assembly (`cdk.out/`) and turns it into what the local runtime
 * brings up: functions with their bundles and resolved environments, HTTP routes, state machines
 * with resolved definitions, and schedules. Nothing here is declared a second time: every name,
 * route and variable comes from the template, with CloudFormation intrinsics resolved to the
 * local names below.
 *
 * Local names: a table is named by its logical id, a bucket by its lowercased logical id, a
 * function by its logical id (ARN `arn:aws:lambda:us-east-1:000000000000:function:<id>`), a state
 * machine's ARN is `arn:aws:states:us-east-1:000000000000:stateMachine:<id>`.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';
export const STACK_NAME = 'AnjuStack';
/** Folders whose changes make the synthesized assembly stale. */
export const SOURCE_FOLDERS = ['infra', 'functions', 'process', 'domain'] as const;

export type CfnResource = {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly Condition?: string;
};
export type CfnTemplate = {
  readonly Resources: Record<string, CfnResource>;
  readonly Parameters?: Record<string, { readonly Default?: unknown }>;
  readonly Conditions?: Record<string, unknown>;
};

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

export class AssemblyError extends Error {
  override readonly name = 'AssemblyError';
}

// ---------------------------------------------------------------- local names

export const functionArn = (name: string): string => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`;
export const stateMachineArn = (name: string): string =>
  `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${name}`;
export const bucketName = (logicalId: string): string => logicalId.toLowerCase().slice(0, 63).padEnd(3, '0');

/** The function name in a name, a partial ARN or a full ARN (with or without a qualifier). */
export function functionNameOf(nameOrArn: string): string {
  const marker = nameOrArn.indexOf('function:');
  const rest = marker >= 0 ? nameOrArn.slice(marker + 'function:'.length) : nameOrArn;
  return rest.split(':')[0] ?? rest;
}

// ---------------------------------------------------------------- intrinsic functions

const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Region': LOCAL_REGION,
  'AWS::AccountId': LOCAL_ACCOUNT,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': STACK_NAME,
  'AWS::StackId': `arn:aws:cloudformation:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stack/${STACK_NAME}/local`,
};

/** Marks a property that `AWS::NoValue` removed. */
const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

export type ResolveOptions = {
  /** The local API's URL, for `Fn::GetAtt [Api, ApiEndpoint]`. */
  readonly apiEndpoint?: string;
};

/** Resolves CloudFormation intrinsics in a template to the values the local runtime uses. */
export class IntrinsicResolver {
  constructor(
    private readonly template: CfnTemplate,
    private readonly options: ResolveOptions = {},
  ) {}

  resolve(value: unknown): unknown {
    const resolved = this.resolveValue(value);
    return resolved === NO_VALUE ? undefined : resolved;
  }

  resolveString(value: unknown, where: string): string {
    const resolved = this.resolve(value);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    throw new AssemblyError(`${where} did not resolve to a string (got ${JSON.stringify(resolved)})`);
  }

  ref(name: string): unknown {
    const pseudo = PSEUDO_PARAMETERS[name];
    if (pseudo !== undefined) return pseudo;
    if (name === 'AWS::NoValue') return NO_VALUE;
    if (name === 'AWS::NotificationARNs') return [];
    const parameter = this.template.Parameters?.[name];
    if (parameter) return parameter.Default ?? '';
    const resource = this.template.Resources[name];
    if (!resource) throw new AssemblyError(`Ref to '${name}', which the template does not define`);
    switch (resource.Type) {
      case 'AWS::S3::Bucket':
        return bucketName(name);
      case 'AWS::StepFunctions::StateMachine':
        return stateMachineArn(name);
      case 'AWS::Cognito::UserPool':
        return `${LOCAL_REGION}_${name}`;
      case 'AWS::SQS::Queue':
        return `https://sqs.${LOCAL_REGION}.amazonaws.com/${LOCAL_ACCOUNT}/${name}`;
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${name}`;
      default:
        // Tables, functions, roles, APIs, integrations, authorizers: the logical id is the local name.
        return name;
    }
  }

  getAtt(logicalId: string, attribute: string): unknown {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new AssemblyError(`Fn::GetAtt on '${logicalId}', which the template does not define`);
    const name = this.ref(logicalId);
    const prefix = `${LOCAL_REGION}:${LOCAL_ACCOUNT}`;
    switch (`${resource.Type}.${attribute}`) {
      case 'AWS::DynamoDB::Table.Arn':
        return `arn:aws:dynamodb:${prefix}:table/${logicalId}`;
      case 'AWS::DynamoDB::Table.StreamArn':
        return `arn:aws:dynamodb:${prefix}:table/${logicalId}/stream/local`;
      case 'AWS::S3::Bucket.Arn':
        return `arn:aws:s3:::${String(name)}`;
      case 'AWS::S3::Bucket.DomainName':
        return `${String(name)}.s3.amazonaws.com`;
      case 'AWS::S3::Bucket.RegionalDomainName':
        return `${String(name)}.s3.${LOCAL_REGION}.amazonaws.com`;
      case 'AWS::Lambda::Function.Arn':
        return functionArn(logicalId);
      case 'AWS::StepFunctions::StateMachine.Arn':
        return stateMachineArn(logicalId);
      case 'AWS::StepFunctions::StateMachine.Name':
        return logicalId;
      case 'AWS::IAM::Role.Arn':
        return `arn:aws:iam::${LOCAL_ACCOUNT}:role/${logicalId}`;
      case 'AWS::Cognito::UserPool.Arn':
        return `arn:aws:cognito-idp:${prefix}:userpool/${String(name)}`;
      case 'AWS::Cognito::UserPool.ProviderURL':
      case 'AWS::Cognito::UserPool.ProviderName':
        return `cognito-idp.${LOCAL_REGION}.amazonaws.com/${String(name)}`;
      case 'AWS::ApiGatewayV2::Api.ApiEndpoint':
        return this.options.apiEndpoint ?? 'http://127.0.0.1';
      case 'AWS::ApiGatewayV2::Api.ApiId':
        return logicalId;
      case 'AWS::Events::Rule.Arn':
        return `arn:aws:events:${prefix}:rule/${logicalId}`;
      case 'AWS::SQS::Queue.Arn':
        return `arn:aws:sqs:${prefix}:${logicalId}`;
      case 'AWS::Logs::LogGroup.Arn':
        return `arn:aws:logs:${prefix}:log-group:${logicalId}:*`;
      default:
        if (attribute === 'Arn') {
          const service = resource.Type.split('::')[1]?.toLowerCase() ?? 'unknown';
          return `arn:aws:${service}:${prefix}:${logicalId}`;
        }
        return `${logicalId}.${attribute}`;
    }
  }

  private resolveValue(value: unknown): unknown {
    if (Array.isArray(value)) {
      return value.map((item) => this.resolveValue(item)).filter((item) => item !== NO_VALUE);
    }
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [first] = entries;
    if (entries.length === 1 && first && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
      return this.intrinsic(first[0], first[1]);
    }
    const result: Record<string, unknown> = {};
    for (const [key, item] of entries) {
      const resolved = this.resolveValue(item);
      if (resolved !== NO_VALUE) result[key] = resolved;
    }
    return result;
  }

  private intrinsic(name: string, argument: unknown): unknown {
    switch (name) {
      case 'Ref':
        return this.ref(this.asString(this.resolveValue(argument), 'Ref'));
      case 'Fn::GetAtt': {
        const [logicalId, ...attribute] =
          typeof argument === 'string' ? argument.split('.') : this.asList(this.resolveValue(argument), name);
        return this.getAtt(this.asString(logicalId, name), attribute.map((a) => this.asString(a, name)).join('.'));
      }
      case 'Fn::Join': {
        const [separator, items] = this.asList(argument, name);
        const list = this.asList(this.resolveValue(items), name);
        return list.map((item) => this.scalar(item, name)).join(this.asString(separator, name));
      }
      case 'Fn::Sub': {
        if (typeof argument === 'string') return this.sub(argument, {});
        const [text, variables] = this.asList(argument, name);
        const resolvedVariables = this.resolveValue(variables ?? {});
        return this.sub(
          this.asString(this.resolveValue(text), name),
          typeof resolvedVariables === 'object' && resolvedVariables !== null
            ? (resolvedVariables as Record<string, unknown>)
            : {},
        );
      }
      case 'Fn::Select': {
        const [index, items] = this.asList(argument, name);
        const list = this.asList(this.resolveValue(items), name);
        return list[Number(this.resolveValue(index))];
      }
      case 'Fn::Split': {
        const [separator, text] = this.asList(argument, name);
        return this.asString(this.resolveValue(text), name).split(this.asString(separator, name));
      }
      case 'Fn::Base64':
        return Buffer.from(this.asString(this.resolveValue(argument), name)).toString('base64');
      case 'Fn::GetAZs':
        return [`${LOCAL_REGION}a`, `${LOCAL_REGION}b`, `${LOCAL_REGION}c`];
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = this.asList(argument, name);
        return this.condition(this.asString(condition, name))
          ? this.resolveValue(whenTrue)
          : this.resolveValue(whenFalse);
      }
      case 'Fn::Equals': {
        const [a, b] = this.asList(argument, name);
        return JSON.stringify(this.resolveValue(a)) === JSON.stringify(this.resolveValue(b));
      }
      case 'Fn::Not':
        return !this.truthy(this.asList(argument, name)[0]);
      case 'Fn::And':
        return this.asList(argument, name).every((item) => this.truthy(item));
      case 'Fn::Or':
        return this.asList(argument, name).some((item) => this.truthy(item));
      case 'Fn::ToJsonString':
        return JSON.stringify(this.resolveValue(argument));
      default:
        throw new AssemblyError(`the local runtime does not resolve ${name}`);
    }
  }

  private truthy(value: unknown): boolean {
    if (value && typeof value === 'object' && 'Condition' in value) {
      return this.condition(this.asString((value as { Condition: unknown }).Condition, 'Condition'));
    }
    return this.resolveValue(value) === true;
  }

  private condition(name: string): boolean {
    const definition = this.template.Conditions?.[name];
    if (definition === undefined) throw new AssemblyError(`the template has no condition '${name}'`);
    return this.resolveValue(definition) === true;
  }

  /** `${Name}` is a Ref (or variable), `${Name.Attr}` a GetAtt, `${!Text}` the literal `${Text}`. */
  private sub(text: string, variables: Record<string, unknown>): string {
    return text.replace(/\$\{([^}]*)\}/g, (_whole, inner: string) => {
      if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
      const key = inner.trim();
      if (Object.hasOwn(variables, key)) return this.scalar(variables[key], 'Fn::Sub');
      const dot = key.indexOf('.');
      if (dot > 0 && !key.startsWith('AWS::')) {
        return this.scalar(this.getAtt(key.slice(0, dot), key.slice(dot + 1)), 'Fn::Sub');
      }
      return this.scalar(this.ref(key), 'Fn::Sub');
    });
  }

  private scalar(value: unknown, where: string): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new AssemblyError(`${where} needs a string but got ${JSON.stringify(value)}`);
  }

  private asString(value: unknown, where: string): string {
    if (typeof value !== 'string') throw new AssemblyError(`${where} expects a string, got ${JSON.stringify(value)}`);
    return value;
  }

  private asList(value: unknown, where: string): unknown[] {
    if (!Array.isArray(value)) throw new AssemblyError(`${where} expects a list, got ${JSON.stringify(value)}`);
    return value;
  }
}

// ---------------------------------------------------------------- reading the template

function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The asset folder of a function: from `aws:asset:path` metadata, else from the assets manifest. */
function assetFolderOf(outdir: string, logicalId: string, resource: CfnResource, resolver: IntrinsicResolver): string {
  const assetPath = resource.Metadata?.['aws:asset:path'];
  if (typeof assetPath === 'string') return path.resolve(outdir, assetPath);
  const code = record(resource.Properties?.Code);
  const s3Key = code.S3Key === undefined ? undefined : resolver.resolve(code.S3Key);
  const hash = typeof s3Key === 'string' ? s3Key.replace(/\.zip$/, '') : undefined;
  const manifestFile = path.join(outdir, `${STACK_NAME}.assets.json`);
  if (hash && existsSync(manifestFile)) {
    const manifest = record(JSON.parse(readFileSync(manifestFile, 'utf8')));
    const source = record(record(record(manifest.files)[hash]).source);
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
    const code = record(properties.Code);
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
    const variables = record(resolver.resolve(record(properties.Environment).Variables ?? {}));
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
    const integration = template.Resources[integrationId];
    if (integration?.Type !== 'AWS::ApiGatewayV2::Integration') {
      throw new AssemblyError(`route ${routeKey} targets '${target}', which is not an integration of the template`);
    }
    const uri = resolver.resolveString(integration.Properties?.IntegrationUri, `${integrationId}.IntegrationUri`);
    const authorizationType = properties.AuthorizationType === 'JWT' ? 'JWT' : 'NONE';
    let authorizer: JwtAuthorizerSpec | undefined;
    if (authorizationType === 'JWT') {
      const authorizerId = resolver.resolveString(properties.AuthorizerId, `${logicalId}.AuthorizerId`);
      const jwt = record(template.Resources[authorizerId]?.Properties?.JwtConfiguration);
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
    const substitutions = record(resolver.resolve(properties.DefinitionSubstitutions ?? {}));
    for (const [key, value] of Object.entries(substitutions)) {
      definition = definition.split(`\${${key}}`).join(typeof value === 'string' ? value : JSON.stringify(value));
    }
    return { logicalId, name: logicalId, arn: stateMachineArn(logicalId), definition };
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
      const arn = record(target).Arn;
      if (typeof arn !== 'string' || !arn.includes(':function:')) continue;
      const input = record(target).Input;
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
    const manifest = record(JSON.parse(readFileSync(manifestFile, 'utf8')));
    const templateFile = record(record(record(manifest.artifacts)[STACK_NAME]).properties).templateFile;
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
