import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { SharpLayer } from './sharp-layer';

/** The repository root: entries, the lock file and tsconfig are resolved from here, not from the cwd. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Service name in every structured log line (Powertools logger), before the stage is added. */
export const SERVICE_NAME = 'anju';
/** CloudWatch namespace of Anju's own metrics (Powertools Metrics, embedded metric format). */
export const METRICS_NAMESPACE = 'Anju';

/** What every function of a stage shares. */
export interface FunctionDefaults {
  /** Retention of each function's log group. */
  readonly logRetention: RetentionDays;
  /**
   * Variables set on every function, e.g. `POWERTOOLS_SERVICE_NAME` (`anju-<stage>`: also the
   * `service` dimension of the custom metrics, so two stages in one account do not mix) and
   * `IDENTITY_MODE`.
   */
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * ESM bundles still meet CommonJS dependencies that call `require` for Node built-ins; esbuild
 * leaves those calls as they are, so the bundle defines `require` itself.
 */
const REQUIRE_SHIM = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * `NONE` sets the variable without any grant: every handler module reads its whole configuration
 * at start-up (`readConfig` in functions/config/config.ts), including names it never uses.
 */
export type DataAccess = 'RO' | 'RW' | 'NONE';
/**
 * What a function may do with the workflow: start executions, answer callback tasks (send the
 * decision of a human step) or describe the state machine (health check).
 */
export type WorkflowAccess = 'start' | 'respond' | 'describe';

export interface AnjuFunctionProps {
  /** Handler module under `functions/`, without extension, e.g. `api/health`. It exports `handler`. */
  readonly entry: string;
  readonly description?: string;
  /** @default 10 seconds */
  readonly timeout?: Duration;
  /** @default 512 MB */
  readonly memorySize?: number;
  /** @default INFO */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Log retention and the variables every function of the stage gets. @default one month, service `anju` */
  readonly defaults?: FunctionDefaults;
  /**
   * Image processing with sharp, a native module: the function imports it from this layer
   * (it stays out of the bundle) and runs on the layer's architecture (x86_64).
   * @default none: ARM64, everything in the bundle
   */
  readonly sharpLayer?: SharpLayer;
}

/**
 * The Lambda runtime of every function: the current Node.js LTS that Lambda offers (Node.js 22
 * reaches end of life in April 2027). The bundles target Node.js 22 syntax, so the local twin,
 * which runs them in-process on the Node.js 22 the repository pins, loads the very same files.
 */
export const FUNCTION_RUNTIME = Runtime.NODEJS_24_X;

/**
 * The one Lambda function shape of Anju: Node.js 24 on ARM64, an ESM bundle made by the local
 * esbuild (never Docker) with the AWS SDK inside it (the local runtime loads these bundles
 * in-process, so they must be self-contained; the one exception is sharp from its layer, which
 * resolves locally from the repository's node_modules), active tracing, its own log group with the
 * stage's retention that outlives the stack, and the logical id given as `id` (the local runtime
 * and docs/design.md name functions by it).
 *
 * Access is granted with intent methods that set the matching environment variable at the same time.
 */
export class AnjuFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: AnjuFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.defaults?.logRetention ?? RetentionDays.ONE_MONTH,
      // Logs are the record of who did what when something went wrong: deleting the stack keeps them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    super(scope, id, {
      entry: path.join(PROJECT_ROOT, 'functions', `${props.entry}.ts`),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: FUNCTION_RUNTIME,
      architecture: props.sharpLayer ? Architecture.X86_64 : Architecture.ARM_64,
      layers: props.sharpLayer ? [props.sharpLayer] : undefined,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        ...props.defaults?.environment,
        LOG_LEVEL: props.logLevel ?? 'INFO',
      },
      bundling: {
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: REQUIRE_SHIM,
        // The local twin runs these bundles on Node.js 22; Lambda runs them on FUNCTION_RUNTIME.
        target: 'node22',
        minify: true,
        sourceMap: false,
        externalModules: props.sharpLayer ? ['sharp'] : [],
        forceDockerBundling: false,
        tsconfig: path.join(PROJECT_ROOT, 'tsconfig.json'),
      },
    });
    const cfn = this.node.defaultChild;
    if (CfnResource.isCfnResource(cfn)) cfn.overrideLogicalId(id);

    const validations = Validations.of(this);
    validations.acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'The AWS managed basic execution policy only lets the function write its own logs.',
    });
    validations.acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Active tracing: X-Ray PutTraceSegments and PutTelemetryRecords have no resource-level permissions.',
    });
  }

  /** Sets `TABLE_NAME` and grants read (`RO`) or read-write (`RW`) access to the table and its indexes. */
  bindTable(table: ITable, access: DataAccess): this {
    this.addEnvironment('TABLE_NAME', table.tableName);
    if (access === 'RO') table.grantReadData(this);
    if (access === 'RW') table.grantReadWriteData(this);
    if (access !== 'NONE') {
      Validations.of(this).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(table)}.Arn>/index/*]`,
        reason: 'Work queues, lists and lookups read the GSIs of the single table (docs/data-access.md).',
      });
    }
    return this;
  }

  /**
   * Sets `EVIDENCE_BUCKET` and grants reading objects (`RO`) or also writing new ones (`RW`:
   * presigned uploads are signed with this function's role). Never delete: evidence is kept.
   */
  bindBucket(bucket: IBucket, access: DataAccess): this {
    this.addEnvironment('EVIDENCE_BUCKET', bucket.bucketName);
    if (access !== 'NONE') bucket.grantRead(this);
    if (access === 'RW') bucket.grantPut(this);
    if (access !== 'NONE') {
      const reason = 'Evidence keys are chosen per household and photo at run time; access stays inside this bucket.';
      const findings = [
        `Resource::<${logicalIdOf(bucket)}.Arn>/*`,
        'Action::s3:GetObject*',
        'Action::s3:GetBucket*',
        'Action::s3:List*',
        // grantPut includes aborting this function's own multipart uploads.
        ...(access === 'RW' ? ['Action::s3:Abort*'] : []),
      ];
      for (const finding of findings) Validations.of(this).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    }
    return this;
  }

  /**
   * Sets `STATE_MACHINE_ARN` and grants the listed workflow permissions. Takes the ARN rather than
   * the construct: the callback and system task functions are referenced by the state machine's
   * definition, so a reference back to the state machine resource would be a dependency cycle.
   */
  bindStateMachine(stateMachineArn: string, access: readonly WorkflowAccess[]): this {
    this.addEnvironment('STATE_MACHINE_ARN', stateMachineArn);
    const actions = access.flatMap((a) => WORKFLOW_ACTIONS[a]);
    // Task responses are authorized on the state machine too; the token names the execution.
    if (actions.length > 0) this.addToRolePolicy(new PolicyStatement({ actions, resources: [stateMachineArn] }));
    return this;
  }
}

/** The logical id cdk-nag prints in a finding such as `<Table.Arn>/index/*`. */
export function logicalIdOf(construct: Construct): string {
  const cfn = construct.node.defaultChild;
  if (!CfnResource.isCfnResource(cfn)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return String(Stack.of(construct).resolve(cfn.logicalId));
}

const WORKFLOW_ACTIONS: Record<WorkflowAccess, readonly string[]> = {
  start: ['states:StartExecution'],
  respond: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
  describe: ['states:DescribeStateMachine'],
};
