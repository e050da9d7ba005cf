import { ArnFormat, CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { buildDefinition, SUBSTITUTIONS } from '../../process/asl-builder';
import { RENOVATION } from '../../process/renovation';
import { AnjuFunction, logicalIdOf } from './anju-function';

/**
 * Logical id and name of the state machine. They are the same so that its ARN can be written
 * without referring to the resource (see `stateMachineArn`) and resolves to the same value in
 * AWS and in the local runtime, which names a state machine by its logical id.
 */
export const STATE_MACHINE_NAME = 'RenovationWorkflow';

export interface RenovationStateMachineProps {
  readonly table: ITable;
  readonly bucket: IBucket;
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

  constructor(scope: Construct, id: string, props: RenovationStateMachineProps) {
    super(scope, id);
    this.stateMachineArn = Stack.of(this).formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: STATE_MACHINE_NAME,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    this.recordTaskFn = new AnjuFunction(this, 'RecordTaskFn', {
      entry: 'state-machine/record-task',
      description: 'Callback task: records the pending human step with its task token',
    })
      .bindTable(props.table, 'RW')
      .bindBucket(props.bucket, 'NONE')
      // Re-sends a stored decision to the token it is given (a resync after a restart, a redelivery).
      .bindStateMachine(this.stateMachineArn, ['respond']);
    this.systemTaskFn = new AnjuFunction(this, 'SystemTaskFn', {
      entry: 'state-machine/system-task',
      description: 'System steps: open and close the public notice, archive the household file',
    })
      .bindTable(props.table, 'RW')
      // Archive writes the ledger cards into the bucket.
      .bindBucket(props.bucket, 'RW')
      .bindStateMachine(this.stateMachineArn, []);
    this.outboxSweeperFn = new AnjuFunction(this, 'OutboxSweeperFn', {
      entry: 'schedules/outbox-sweeper',
      description: 'Re-sends stored but unacknowledged decisions (transactional outbox)',
      timeout: Duration.seconds(60),
    })
      .bindTable(props.table, 'RW')
      .bindBucket(props.bucket, 'NONE')
      // `start` restarts a household at its phase when its execution is gone.
      .bindStateMachine(this.stateMachineArn, ['respond', 'start']);

    this.logGroup = new LogGroup(this, 'ExecutionLogs', {
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: STATE_MACHINE_NAME,
      stateMachineType: StateMachineType.STANDARD,
      comment: 'One execution per household through the renovation process',
      definitionBody: DefinitionBody.fromString(JSON.stringify(buildDefinition(RENOVATION))),
      definitionSubstitutions: {
        [SUBSTITUTIONS.recordTask]: this.recordTaskFn.functionArn,
        [SUBSTITUTIONS.systemTask]: this.systemTaskFn.functionArn,
      },
      tracingEnabled: true,
      // Execution data would copy decisions (and the personal data in them) into the logs.
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: false },
    });
    const cfn = this.stateMachine.node.defaultChild;
    if (CfnResource.isCfnResource(cfn)) cfn.overrideLogicalId(STATE_MACHINE_NAME);
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
