import { Duration, Validations } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { type ITable, Operation } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from './anju-function';

/**
 * Anju's own metrics (namespace `Anju`, dimension `service` = `anju-<stage>`). `published: false`
 * marks a placeholder: the dashboard shows where it will appear, no function publishes it yet.
 */
export const BUSINESS_METRICS = {
  outboxOldestAge: {
    name: 'OutboxOldestAgeSeconds',
    label: '发件箱最旧条目 Oldest outbox entry (s)',
    statistic: 'Maximum',
    published: true,
  },
  actionsRecorded: {
    name: 'ActionsRecorded',
    label: '办理动作 Actions recorded',
    statistic: 'Sum',
    published: false,
  },
  paymentsReleased: {
    name: 'PaymentsReleased',
    label: '拨付 Payments released',
    statistic: 'Sum',
    published: false,
  },
  flagsRaised: {
    name: 'FlagsRaised',
    label: '预警标记 Flags raised',
    statistic: 'Sum',
    published: false,
  },
  taskQueueOldestAge: {
    name: 'TaskQueueOldestAgeSeconds',
    label: '待办最久 Oldest open task (s)',
    statistic: 'Maximum',
    published: false,
  },
} as const;

/** A decision not delivered for this long means the sweeper cannot deliver it (it retries every minute). */
export const OUTBOX_AGE_ALARM_SECONDS = 600;

/** The DynamoDB operations whose system errors raise the alarm (an alarm's math takes at most 10 metrics). */
const TABLE_OPERATIONS = [
  Operation.GET_ITEM,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.DELETE_ITEM,
  Operation.QUERY,
  Operation.SCAN,
  Operation.BATCH_GET_ITEM,
  Operation.BATCH_WRITE_ITEM,
  Operation.TRANSACT_GET_ITEMS,
  Operation.TRANSACT_WRITE_ITEMS,
];

export interface MonitoredFunction {
  /** The logical id (docs/design.md): it names the function's alarms. */
  readonly id: string;
  readonly fn: IFunction;
}

export interface MonitoringProps {
  /** `anju-<stage>`: the dashboard's name and the `service` dimension of Anju's own metrics. */
  readonly namePrefix: string;
  /** Subscribed by e-mail to the alarm topic (the address confirms the subscription). */
  readonly alarmEmail?: string;
  readonly functions: readonly MonitoredFunction[];
  readonly table: ITable;
  readonly indexNames: readonly string[];
  readonly stateMachine: IStateMachine;
  readonly httpApi: IHttpApi;
  /** Server errors in five minutes that raise the API alarm. @default 5 */
  readonly apiServerErrorThreshold?: number;
  /** p99 latency of the API, in milliseconds, that raises the latency alarm when held 15 minutes. @default 5000 */
  readonly apiLatencyP99Ms?: number;
}

/**
 * What tells the operator that households stopped moving or staff cannot work: an SNS topic (with
 * the e-mail of `-c alarmEmail`) that every alarm notifies on alarm and on recovery; alarms on
 * every function's errors and throttles, table throttling and system errors, failed, timed-out and
 * throttled executions, the outbox's oldest entry, API server errors and p99 latency; and one
 * dashboard of the business and the system.
 */
export class Monitoring extends Construct {
  public readonly topic: Topic;
  public readonly dashboard: Dashboard;
  public readonly alarms: Alarm[] = [];
  public readonly executionsFailed: Alarm;
  public readonly executionsTimedOut: Alarm;
  public readonly executionsThrottled: Alarm;
  public readonly apiServerErrors: Alarm;
  public readonly apiLatency: Alarm;
  public readonly outboxAge: Alarm;

  private readonly props: MonitoringProps;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.props = props;
    this.topic = new Topic(this, 'AlarmTopic', { displayName: `Anju ${props.namePrefix} alarms`, enforceSSL: true });
    if (props.alarmEmail !== undefined) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names and numbers, no personal data; CloudWatch alarms cannot publish to a topic under the AWS managed SNS key.',
    });

    const period = Duration.minutes(5);
    const onePeriod = { evaluationPeriods: 1, threshold: 1 } as const;

    for (const { id: fnId, fn } of props.functions) {
      this.alarm(`${fnId}Errors`, {
        description: `${fnId} 运行出错（未处理的异常或超时） / ${fnId} failed with an unhandled error or a timeout`,
        metric: fn.metricErrors({ period, statistic: 'Sum' }),
        ...onePeriod,
      });
      this.alarm(`${fnId}Throttles`, {
        description: `${fnId} 被限流（并发额度用尽） / ${fnId} was throttled: the account's concurrency is used up`,
        metric: fn.metricThrottles({ period, statistic: 'Sum' }),
        ...onePeriod,
      });
    }

    const throttleEvents = (metricName: string) =>
      new MathExpression({
        expression: ['t', ...props.indexNames.map((_, i) => `i${i}`)].join(' + '),
        usingMetrics: {
          t: props.table.metric(metricName, { period, statistic: 'Sum' }),
          ...Object.fromEntries(
            props.indexNames.map((indexName, i) => [
              `i${i}`,
              props.table.metric(metricName, {
                period,
                statistic: 'Sum',
                dimensionsMap: { TableName: props.table.tableName, GlobalSecondaryIndexName: indexName },
              }),
            ]),
          ),
        },
        label: metricName,
        period,
      });
    this.alarm('TableReadThrottles', {
      description: '数据表读取被限流 / DynamoDB throttled reads of the table or its indexes',
      metric: throttleEvents('ReadThrottleEvents'),
      ...onePeriod,
    });
    this.alarm('TableWriteThrottles', {
      description: '数据表写入被限流 / DynamoDB throttled writes of the table or its indexes',
      metric: throttleEvents('WriteThrottleEvents'),
      ...onePeriod,
    });
    this.alarm('TableSystemErrors', {
      description: 'DynamoDB 服务端错误 / DynamoDB answered with server errors',
      metric: props.table.metricSystemErrorsForOperations({ operations: TABLE_OPERATIONS, period }),
      ...onePeriod,
    });

    this.executionsFailed = this.alarm('ExecutionsFailed', {
      description:
        '有户的流程执行失败，需在其阶段重新启动 / A household execution failed: it no longer advances until restarted at its phase',
      metric: props.stateMachine.metricFailed({ period, statistic: 'Sum' }),
      ...onePeriod,
    });
    this.executionsTimedOut = this.alarm('ExecutionsTimedOut', {
      description: '有户的流程执行超时 / A household execution timed out',
      metric: props.stateMachine.metricTimedOut({ period, statistic: 'Sum' }),
      ...onePeriod,
    });
    this.executionsThrottled = this.alarm('ExecutionsThrottled', {
      description: 'Step Functions 限流 / Step Functions throttled the workflow',
      metric: props.stateMachine.metricThrottled({ period, statistic: 'Sum' }),
      ...onePeriod,
    });

    this.outboxAge = this.alarm('OutboxOldestAge', {
      description: `已作出的决定超过 ${OUTBOX_AGE_ALARM_SECONDS / 60} 分钟未送达流程，或发件箱清扫已停止 / A stored decision has not reached the workflow for ${OUTBOX_AGE_ALARM_SECONDS / 60} minutes, or the outbox sweeper stopped`,
      metric: this.businessMetric('outboxOldestAge', period),
      threshold: OUTBOX_AGE_ALARM_SECONDS,
      evaluationPeriods: 2,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      // The sweeper publishes every minute, zero included: silence means it is not running.
      missing: TreatMissingData.BREACHING,
    });

    this.apiServerErrors = this.alarm('ApiServerErrors', {
      description:
        '接口返回 5xx：客户端发送的任何内容都不应导致 / The API answered with 5xx: never expected for anything a client sent',
      metric: props.httpApi.metricServerError({ period, statistic: 'Sum' }),
      threshold: props.apiServerErrorThreshold ?? 5,
      evaluationPeriods: 1,
    });
    this.apiLatency = this.alarm('ApiLatencyP99', {
      description: '接口响应慢（p99 持续 15 分钟超限） / The API is slow: p99 latency over the limit for 15 minutes',
      metric: props.httpApi.metricLatency({ period, statistic: 'p99' }),
      threshold: props.apiLatencyP99Ms ?? 5000,
      evaluationPeriods: 3,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    this.dashboard = this.buildDashboard();
  }

  /** One of Anju's own metrics for this stage. */
  businessMetric(key: keyof typeof BUSINESS_METRICS, period = Duration.minutes(5)): Metric {
    const spec = BUSINESS_METRICS[key];
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: spec.name,
      dimensionsMap: { service: this.props.namePrefix },
      statistic: spec.statistic,
      label: spec.published ? spec.label : `${spec.label} (placeholder: not published yet)`,
      period,
    });
  }

  private alarm(
    id: string,
    spec: {
      description: string;
      metric: IMetric;
      threshold: number;
      evaluationPeriods: number;
      comparison?: ComparisonOperator;
      missing?: TreatMissingData;
    },
  ): Alarm {
    const alarm = new Alarm(this, id, {
      alarmDescription: spec.description,
      metric: spec.metric,
      threshold: spec.threshold,
      evaluationPeriods: spec.evaluationPeriods,
      comparisonOperator: spec.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: spec.missing ?? TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
    return alarm;
  }

  private buildDashboard(): Dashboard {
    const { props } = this;
    const hour = Duration.hours(1);
    const fiveMinutes = Duration.minutes(5);
    const placeholders = Object.values(BUSINESS_METRICS)
      .filter((spec) => !spec.published)
      .map((spec) => `\`${spec.name}\``)
      .join(', ');
    const dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.namePrefix,
      defaultInterval: Duration.days(7),
    });
    const fnMetrics = (metric: (fn: IFunction) => IMetric) => props.functions.map(({ fn }) => metric(fn));
    dashboard.addWidgets(
      new TextWidget({
        markdown: `# 安居 Anju · ${props.namePrefix}\n业务 Business (namespace \`${METRICS_NAMESPACE}\`, service \`${props.namePrefix}\`). Placeholders until their functions publish them: ${placeholders}.`,
        width: 24,
        height: 2,
      }),
      new GraphWidget({
        title: '户流程 Households: executions started / succeeded',
        left: [
          props.stateMachine.metricStarted({ period: hour, statistic: 'Sum', label: '开始 Started' }),
          props.stateMachine.metricSucceeded({ period: hour, statistic: 'Sum', label: '结束 Finished' }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: '办理与拨付 Actions, releases and flags',
        left: [
          this.businessMetric('actionsRecorded', hour),
          this.businessMetric('paymentsReleased', hour),
          this.businessMetric('flagsRaised', hour),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: '队列时长 Queue ages (s)',
        left: [this.businessMetric('outboxOldestAge', fiveMinutes), this.businessMetric('taskQueueOldestAge', hour)],
        leftAnnotations: [{ value: OUTBOX_AGE_ALARM_SECONDS, label: 'outbox alarm' }],
        width: 8,
      }),
      new TextWidget({ markdown: '## 系统 System', width: 24, height: 1 }),
      new AlarmStatusWidget({ title: '告警 Alarms', alarms: this.alarms, width: 24, height: 4 }),
      new GraphWidget({
        title: 'API requests, 4xx, 5xx',
        left: [
          props.httpApi.metricCount({ period: fiveMinutes, statistic: 'Sum' }),
          props.httpApi.metricClientError({ period: fiveMinutes, statistic: 'Sum' }),
          props.httpApi.metricServerError({ period: fiveMinutes, statistic: 'Sum' }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'API latency p50 / p99 (ms)',
        left: [
          props.httpApi.metricLatency({ period: fiveMinutes, statistic: 'p50' }),
          props.httpApi.metricLatency({ period: fiveMinutes, statistic: 'p99' }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Step Functions failed / timed out / throttled',
        left: [
          props.stateMachine.metricFailed({ period: fiveMinutes, statistic: 'Sum' }),
          props.stateMachine.metricTimedOut({ period: fiveMinutes, statistic: 'Sum' }),
          props.stateMachine.metricThrottled({ period: fiveMinutes, statistic: 'Sum' }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Lambda errors by function',
        left: fnMetrics((fn) => fn.metricErrors({ period: fiveMinutes, statistic: 'Sum' })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Lambda throttles by function',
        left: fnMetrics((fn) => fn.metricThrottles({ period: fiveMinutes, statistic: 'Sum' })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Lambda duration p99 by function (ms)',
        left: fnMetrics((fn) => fn.metricDuration({ period: fiveMinutes, statistic: 'p99' })),
        width: 8,
      }),
      new GraphWidget({
        title: 'DynamoDB consumed capacity units',
        left: [
          props.table.metricConsumedReadCapacityUnits({ period: fiveMinutes, statistic: 'Sum' }),
          props.table.metricConsumedWriteCapacityUnits({ period: fiveMinutes, statistic: 'Sum' }),
        ],
        width: 12,
      }),
      new SingleValueWidget({
        title: 'DynamoDB throttled requests (table)',
        metrics: [
          props.table.metric('ReadThrottleEvents', { period: hour, statistic: 'Sum' }),
          props.table.metric('WriteThrottleEvents', { period: hour, statistic: 'Sum' }),
        ],
        width: 12,
      }),
    );
    return dashboard;
  }
}
