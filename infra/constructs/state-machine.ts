import { ArnFormat, CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { buildDefinition, lambdaInvokeResource, placeholder, SUBSTITUTIONS } from '../../process/asl-builder';
import { RENOVATION } from '../../process/renovation';
import { AnjuFunction, type FunctionDefaults, logicalIdOf } from './anju-function';

/** Logical id of the state machine (docs/design.md); the local twin and the tests find it by this id. */
export const STATE_MACHINE_LOGICAL_ID = 'RenovationWorkflow';

/**
 * Physical name of the state machine of a stage: `anju-<stage>-RenovationWorkflow`. Set rather
 * than generated so that its ARN can be written without referring to the resource (see
 * `stateMachineArn`); the local twin names a state machine by this name too.
 */
export function stateMachineName(prefix: string): string {
  return `${prefix}-${STATE_MACHINE_LOGICAL_ID}`;
}

export interface RenovationStateMachineProps {
  readonly table: ITable;
  readonly bucket: IBucket;
  /** `anju-<stage>`: the state machine's name starts with it. */
  readonly namePrefix: string;
  readonly functionDefaults: FunctionDefaults;
  /** Retention of the execution log group. */
  readonly logRetention: RetentionDays;
}

/**
 * The renovation workflow: one Standard execution per household, built from the declarative
 * description in `process/`; the callback-task and system-task functions it invokes; and the
 * outbox sweeper that re-sends stored but unacknowledged decisions every minute.
 */
export class RenovationStateMachine extends Construct {
  public readonly stateMachine: StateMachine;
  /** Known before the state machine exists: functions the definition invokes can hold it without a cycle. */
  public readonly stateMachineArn: string;
  public readonly recordTaskFn: AnjuFunction;
  public readonly systemTaskFn: AnjuFunction;
  public readonly outboxSweeperFn: AnjuFunction;
  public readonly sweepSchedule: Rule;
  public readonly logGroup: LogGroup;

  public readonly stateMachineName: string;

  constructor(scope: Construct, id: string, props: RenovationStateMachineProps) {
    super(scope, id);
    const defaults = props.functionDefaults;
    this.stateMachineName = stateMachineName(props.namePrefix);
    this.stateMachineArn = Stack.of(this).formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: this.stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    this.recordTaskFn = new AnjuFunction(this, 'RecordTaskFn', {
      entry: 'state-machine/record-task',
      description: 'Callback task: records the pending human step with its task token',
      defaults,
    })
      .bindTable(props.table, 'RW')
      .bindBucket(props.bucket, 'NONE')
      // Re-sends a stored decision to the token it is given (a resync after a restart, a redelivery).
      .bindStateMachine(this.stateMachineArn, ['respond']);
    this.systemTaskFn = new AnjuFunction(this, 'SystemTaskFn', {
      entry: 'state-machine/system-task',
      description: 'System steps: open and close the public notice, archive the household file',
      defaults,
    })
      .bindTable(props.table, 'RW')
      // Archive writes the ledger cards into the bucket.
      .bindBucket(props.bucket, 'RW')
      .bindStateMachine(this.stateMachineArn, []);
    this.outboxSweeperFn = new AnjuFunction(this, 'OutboxSweeperFn', {
      entry: 'schedules/outbox-sweeper',
      description: 'Re-sends stored but unacknowledged decisions (transactional outbox)',
      timeout: Duration.seconds(60),
      defaults,
    })
      .bindTable(props.table, 'RW')
      .bindBucket(props.bucket, 'NONE')
      // `start` restarts a household at its phase when its execution is gone.
      .bindStateMachine(this.stateMachineArn, ['respond', 'start']);

    this.logGroup = new LogGroup(this, 'ExecutionLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The task resources are substitutions that name the stack's partition: `arn:aws:` in global
    // regions, `arn:aws-cn:` in China, from the same definition text.
    const definition = buildDefinition(RENOVATION, {
      taskResources: {
        invoke: placeholder(SUBSTITUTIONS.invokeResource),
        callback: placeholder(SUBSTITUTIONS.callbackResource),
      },
    });
    const partition = Stack.of(this).partition;
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: this.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      comment: 'One execution per household through the renovation process',
      definitionBody: DefinitionBody.fromString(JSON.stringify(definition)),
      definitionSubstitutions: {
        [SUBSTITUTIONS.recordTask]: this.recordTaskFn.functionArn,
        [SUBSTITUTIONS.systemTask]: this.systemTaskFn.functionArn,
        [SUBSTITUTIONS.invokeResource]: lambdaInvokeResource(partition, false),
        [SUBSTITUTIONS.callbackResource]: lambdaInvokeResource(partition, true),
      },
      tracingEnabled: true,
      // Execution data would copy decisions (and the personal data in them) into the logs.
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: false },
    });
    const cfn = this.stateMachine.node.defaultChild;
    if (CfnResource.isCfnResource(cfn)) cfn.overrideLogicalId(STATE_MACHINE_LOGICAL_ID);
    this.recordTaskFn.grantInvoke(this.stateMachine);
    this.systemTaskFn.grantInvoke(this.stateMachine);

    this.sweepSchedule = new Rule(this, 'OutboxSweepSchedule', {
      description: 'Re-send decided but unacknowledged tasks',
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(this.outboxSweeperFn, { retryAttempts: 0 })],
    });

    const invokeReason = 'Invoking a task function is granted on its versions too (`:*`), as CDK grants it.';
    for (const fn of [this.recordTaskFn, this.systemTaskFn]) {
      Validations.of(this.stateMachine).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(fn)}.Arn>:*]`,
        reason: invokeReason,
      });
    }
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray tracing and CloudWatch Logs delivery take no resource-level permissions.',
    });
  }
}
