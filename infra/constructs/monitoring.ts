import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface MonitoringProps {
  readonly stateMachine: IStateMachine;
  readonly httpApi: IHttpApi;
  /** Server errors in five minutes that raise the API alarm. @default 5 */
  readonly apiServerErrorThreshold?: number;
}

/**
 * Alarms that mean a household stopped moving or staff cannot work: any failed or timed-out
 * execution (a person's delay never fails one, so a failure is always a defect), and API 5xx.
 * Alarm actions (SNS, chat) are left to the operator of each deployment.
 */
export class Monitoring extends Construct {
  public readonly executionsFailed: Alarm;
  public readonly executionsTimedOut: Alarm;
  public readonly apiServerErrors: Alarm;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    this.executionsFailed = new Alarm(this, 'ExecutionsFailed', {
      alarmDescription: 'A household execution failed: it no longer advances until restarted at its phase',
      metric: props.stateMachine.metricFailed({ period, statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.executionsTimedOut = new Alarm(this, 'ExecutionsTimedOut', {
      alarmDescription: 'A household execution timed out',
      metric: props.stateMachine.metricTimedOut({ period, statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.apiServerErrors = new Alarm(this, 'ApiServerErrors', {
      alarmDescription: 'The API answered with 5xx: never expected for anything a client sent',
      metric: props.httpApi.metricServerError({ period, statistic: 'Sum' }),
      threshold: props.apiServerErrorThreshold ?? 5,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
