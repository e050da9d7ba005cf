import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ARCHIVED_TAG } from '../../infra/constructs/evidence';
import { BUSINESS_METRICS, OUTBOX_AGE_ALARM_SECONDS } from '../../infra/constructs/monitoring';
import { GLOBAL_CONTEXT, resourcesOf, synthesize } from './synth';

// A global stage with every operations option set (synth.ts GLOBAL_CONTEXT), and the default stage.
const { template } = synthesize(GLOBAL_CONTEXT);
const defaults = synthesize().template;

const NODE_FUNCTIONS = Object.entries(resourcesOf(template, 'AWS::Lambda::Function'))
  .filter(([, fn]) => String(fn.Properties?.Runtime).startsWith('nodejs'))
  .map(([id]) => id);

const alarms = () => Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties ?? {});
const topicId = () => {
  const ids = Object.keys(resourcesOf(template, 'AWS::SNS::Topic'));
  expect(ids).toHaveLength(1);
  return ids[0] ?? '';
};

type AlarmMetric = { Namespace?: string; MetricName?: string; Dimensions?: unknown; Stat?: string };

/** The single metric an alarm watches, whether written inline or as a one-metric `Metrics` list. */
function metricOf(alarm: Record<string, unknown>): AlarmMetric {
  const queries = (alarm.Metrics ?? []) as { MetricStat?: { Metric: AlarmMetric; Stat: string } }[];
  if (queries.length === 1 && queries[0]?.MetricStat)
    return { ...queries[0].MetricStat.Metric, Stat: queries[0].MetricStat.Stat };
  return {
    Namespace: alarm.Namespace as string,
    MetricName: alarm.MetricName as string,
    Dimensions: alarm.Dimensions,
    Stat: (alarm.Statistic ?? alarm.ExtendedStatistic) as string,
  };
}

/** The alarm watching `metricName` (and, for per-function metrics, the function `fn`). */
function alarmOn(metricName: string, fn?: string): Record<string, unknown> {
  const found = alarms().filter((alarm) => {
    const named =
      metricOf(alarm).MetricName === metricName || JSON.stringify(alarm.Metrics ?? []).includes(`"${metricName}"`);
    return named && (fn === undefined || JSON.stringify(metricOf(alarm).Dimensions).includes(`"${fn}"`));
  });
  expect(found, `${metricName} ${fn ?? ''}`).toHaveLength(1);
  return found[0] ?? {};
}

describe('alarms', () => {
  it('all notify the SNS topic when they fire and when they recover', () => {
    const topic = { Ref: topicId() };
    expect(alarms().length).toBeGreaterThanOrEqual(2 * NODE_FUNCTIONS.length + 9);
    for (const alarm of alarms()) {
      expect(alarm.AlarmActions, String(alarm.AlarmDescription)).toEqual([topic]);
      expect(alarm.OKActions, String(alarm.AlarmDescription)).toEqual([topic]);
      // Whoever reads the mail reads Chinese first.
      expect(String(alarm.AlarmDescription)).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('mail the address given with -c alarmEmail over a TLS-only topic', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: GLOBAL_CONTEXT.alarmEmail,
      TopicArn: { Ref: topicId() },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    // Without an address the topic has no subscription until the operator adds one.
    defaults.resourceCountIs('AWS::SNS::Subscription', 0);
    defaults.resourceCountIs('AWS::SNS::Topic', 1);
  });

  it.each(NODE_FUNCTIONS)('watch errors and throttles of %s', (fn) => {
    for (const metric of ['Errors', 'Throttles']) {
      expect(alarmOn(metric, fn)).toMatchObject({
        Namespace: 'AWS/Lambda',
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('watch read and write throttling of the table and each index, and its system errors', () => {
    for (const metric of ['ReadThrottleEvents', 'WriteThrottleEvents']) {
      const queries = alarmOn(metric).Metrics as { MetricStat?: { Metric: { Dimensions: { Name: string }[] } } }[];
      const indexes = queries.filter((q) =>
        q.MetricStat?.Metric.Dimensions.some((d) => d.Name === 'GlobalSecondaryIndexName'),
      );
      expect(indexes).toHaveLength(4);
      expect(queries.filter((q) => q.MetricStat)).toHaveLength(5);
    }
    const systemErrors = alarmOn('SystemErrors').Metrics as { MetricStat?: unknown }[];
    expect(systemErrors.filter((q) => q.MetricStat).length).toBeLessThanOrEqual(10);
  });

  it.each(['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionThrottled'])('watch %s of the workflow', (metric) => {
    expect(alarmOn(metric)).toMatchObject({
      Namespace: 'AWS/States',
      Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: 'RenovationWorkflow' } }],
      Threshold: 1,
    });
  });

  it("watch the outbox's oldest entry from the sweeper's metric, and the sweeper's silence", () => {
    const alarm = alarmOn(BUSINESS_METRICS.outboxOldestAge.name);
    expect(metricOf(alarm)).toMatchObject({
      Namespace: 'Anju',
      Dimensions: [{ Name: 'service', Value: `anju-${GLOBAL_CONTEXT.stage}` }],
      Stat: 'Maximum',
    });
    expect(alarm).toMatchObject({
      Threshold: OUTBOX_AGE_ALARM_SECONDS,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('watch API server errors and p99 latency', () => {
    expect(alarmOn('5xx')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      Dimensions: [{ Name: 'ApiId', Value: { Ref: 'Api' } }],
    });
    expect(alarmOn('Latency')).toMatchObject({ ExtendedStatistic: 'p99', Threshold: 5000, EvaluationPeriods: 3 });
  });
});

describe('the dashboard', () => {
  const body = JSON.stringify(Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'))[0]?.Properties);

  it('is named after the stage and shows the business and the system', () => {
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: `anju-${GLOBAL_CONTEXT.stage}` });
    for (const metric of Object.values(BUSINESS_METRICS)) expect(body).toContain(metric.name);
    for (const metric of ['ExecutionsStarted', '5xx', 'Latency', 'Errors', 'Throttles', 'ConsumedWriteCapacityUnits']) {
      expect(body).toContain(metric);
    }
  });

  it('says which business metrics are placeholders', () => {
    for (const metric of Object.values(BUSINESS_METRICS).filter((m) => !m.published)) {
      expect(body).toContain(`${metric.label} (placeholder: not published yet)`);
    }
    expect(body).not.toContain(`${BUSINESS_METRICS.outboxOldestAge.label} (placeholder`);
  });
});

describe('logs', () => {
  it('keep the retention the stage sets and outlive the stack', () => {
    const logGroups = Object.values(resourcesOf(template, 'AWS::Logs::LogGroup'));
    expect(logGroups.length).toBeGreaterThanOrEqual(NODE_FUNCTIONS.length + 2);
    for (const logGroup of logGroups) {
      expect(logGroup.Properties?.RetentionInDays).toBe(Number(GLOBAL_CONTEXT.logRetentionDays));
      expect(logGroup.DeletionPolicy).toBe('Retain');
    }
  });
});

describe('evidence lifecycle', () => {
  const rules = (t: typeof template) => {
    const bucket = resourcesOf(t, 'AWS::S3::Bucket').EvidenceBucket;
    return (bucket?.Properties?.LifecycleConfiguration as { Rules: Record<string, unknown>[] } | undefined)?.Rules;
  };

  it("moves an archived household's photos (tagged by the archive step) to Glacier Instant Retrieval", () => {
    expect(rules(template)).toContainEqual(
      expect.objectContaining({
        Status: 'Enabled',
        TagFilters: [{ Key: ARCHIVED_TAG.key, Value: ARCHIVED_TAG.value }],
        Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: Number(GLOBAL_CONTEXT.archiveToGlacierDays) }],
        NoncurrentVersionTransitions: [
          { StorageClass: 'GLACIER_IR', TransitionInDays: Number(GLOBAL_CONTEXT.archiveToGlacierDays) },
        ],
      }),
    );
    expect(rules(defaults)).toContainEqual(
      expect.objectContaining({ Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 30 }] }),
    );
  });

  it('lets the system task function read and write the tags of evidence objects (the archive step tags)', () => {
    const systemTaskPolicy = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).find((policy) =>
      JSON.stringify(policy.Properties?.Roles).includes('SystemTaskFnServiceRole'),
    );
    expect(systemTaskPolicy?.Properties?.PolicyDocument).toMatchObject({
      Statement: expect.arrayContaining([
        expect.objectContaining({
          Action: ['s3:GetObjectTagging', 's3:PutObjectTagging'],
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['EvidenceBucket', 'Arn'] }, '/*']] },
        }),
      ]),
    });
  });

  it('locks evidence in governance mode for the days -c objectLockDays sets, and not by default', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: Number(GLOBAL_CONTEXT.objectLockDays) } },
      },
    });
    for (const bucket of Object.values(resourcesOf(defaults, 'AWS::S3::Bucket'))) {
      expect(bucket.Properties?.ObjectLockEnabled).toBeUndefined();
    }
  });
});

describe('table backups', () => {
  it('back the table up weekly (13 weeks) and monthly (the stage retention in years) into a retained vault', () => {
    const plan = Object.values(resourcesOf(template, 'AWS::Backup::BackupPlan'))[0]?.Properties?.BackupPlan as {
      BackupPlanRule: { RuleName: string; ScheduleExpression: string; Lifecycle: { DeleteAfterDays: number } }[];
    };
    const byName = Object.fromEntries(plan.BackupPlanRule.map((rule) => [rule.RuleName, rule]));
    expect(byName.Weekly?.Lifecycle.DeleteAfterDays).toBe(91);
    expect(byName.Monthly?.Lifecycle.DeleteAfterDays).toBe(
      Math.ceil(Number(GLOBAL_CONTEXT.backupRetentionYears) * 365.25),
    );
    expect(byName.Monthly?.ScheduleExpression).toBe('cron(0 18 1 * ? *)');
    template.hasResource('AWS::Backup::BackupVault', {
      Properties: { BackupVaultName: `anju-${GLOBAL_CONTEXT.stage}-backups` },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({
        Resources: [{ 'Fn::GetAtt': ['Table', 'Arn'] }],
      }),
    });
    const defaultPlan = Object.values(resourcesOf(defaults, 'AWS::Backup::BackupPlan'))[0]?.Properties?.BackupPlan;
    expect(JSON.stringify(defaultPlan)).toContain(`"DeleteAfterDays":${Math.ceil(10 * 365.25)}`);
  });
});
