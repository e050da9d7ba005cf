import { CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { type DeploymentConfig, namePrefix, readDeploymentConfig } from './config';
import { type FunctionDefaults, SERVICE_NAME } from './constructs/anju-function';
import { AnjuApi } from './constructs/api';
import { TableBackup } from './constructs/backup';
import { DataTables, GSI_NAMES } from './constructs/data';
import { EvidenceBucket } from './constructs/evidence';
import { Monitoring } from './constructs/monitoring';
import { RenovationStateMachine } from './constructs/state-machine';
import { WebConsole } from './constructs/web-console';

/**
 * The construct id of the stack, whatever the stage: the cloud assembly's artifact and template
 * file (`cdk.out/AnjuStack.template.json`, which the local twin reads). The deployed stack's name
 * is `anju-<stage>`.
 */
export const STACK_ID = 'AnjuStack';

export interface AnjuStackProps extends StackProps {
  /** Folder of the built console. @default console/dist */
  readonly consoleDist?: string;
  /** @default read from the CDK context (`-c stage=... -c region=...`, infra/config.ts) */
  readonly config?: DeploymentConfig;
}

/** The whole deployable system of one stage; local mode is derived from what this stack synthesizes. */
export class AnjuStack extends Stack {
  public readonly config: DeploymentConfig;
  public readonly data: DataTables;
  public readonly evidence: EvidenceBucket;
  public readonly renovation: RenovationStateMachine;
  public readonly api: AnjuApi;
  public readonly monitoring: Monitoring;
  public readonly webConsole: WebConsole;
  public readonly backup: TableBackup;

  constructor(scope: Construct, id: string = STACK_ID, props: AnjuStackProps = {}) {
    const { consoleDist, config: given, ...stackProps } = props;
    const config = given ?? readDeploymentConfig(scope.node);
    const prefix = namePrefix(config.stage);
    super(scope, id, {
      description: `Anju (安居): rural dangerous-housing renovation programs, stage ${config.stage}`,
      stackName: prefix,
      // Without a region the template is environment-agnostic (any global region, and the local twin).
      ...(config.region === undefined ? {} : { env: { region: config.region } }),
      ...stackProps,
    });
    this.config = config;
    // Dashboards take no tags in CloudFormation.
    Tags.of(this).add('anju-stage', config.stage, { excludeResourceTypes: ['AWS::CloudWatch::Dashboard'] });

    const functionDefaults: FunctionDefaults = {
      logRetention: config.logRetention,
      environment: {
        // Also the `service` dimension of Anju's metrics: two stages in one account do not mix.
        POWERTOOLS_SERVICE_NAME: `${SERVICE_NAME}-${config.stage}`,
        // `oidc`: authority comes from Anju's own user table rather than from token claims.
        IDENTITY_MODE: config.identity.mode,
      },
    };

    this.data = new DataTables(this, 'DataTables');
    this.backup = new TableBackup(this, 'Backup', {
      table: this.data.table,
      namePrefix: prefix,
      retentionYears: config.backupRetentionYears,
    });
    this.webConsole = new WebConsole(this, 'Console', {
      ...(consoleDist === undefined ? {} : { distPath: consoleDist }),
      china: config.china,
      ...(config.consoleDomain === undefined ? {} : { domainName: config.consoleDomain }),
      ...(config.consoleCertificate === undefined ? {} : { certificate: config.consoleCertificate }),
    });
    // Phones upload photos from the console's origin straight to the evidence bucket.
    this.evidence = new EvidenceBucket(this, 'Evidence', {
      uploadOrigins: [this.webConsole.url],
      archiveToGlacierDays: config.archiveToGlacierDays,
      ...(config.objectLockDays === undefined ? {} : { objectLockDays: config.objectLockDays }),
    });
    const resources = { table: this.data.table, bucket: this.evidence.bucket };
    this.renovation = new RenovationStateMachine(this, 'Workflow', {
      ...resources,
      namePrefix: prefix,
      functionDefaults,
      logRetention: config.logRetention,
    });
    // The archive step tags an archived household's photos; the tag moves them to Glacier IR.
    this.evidence.grantArchiveTagging(this.renovation.systemTaskFn);
    this.api = new AnjuApi(this, 'Api', {
      ...resources,
      stateMachineArn: this.renovation.stateMachineArn,
      consoleUrl: this.webConsole.url,
      identity: config.identity,
      namePrefix: prefix,
      functionDefaults,
      logRetention: config.logRetention,
      rateLimit: config.apiRateLimit,
      burstLimit: config.apiBurstLimit,
    });
    const apiUrl = this.api.httpApi.apiEndpoint;
    if (config.identity.mode === 'oidc') {
      this.webConsole.publish({
        apiUrl,
        auth: 'oidc',
        oidc: {
          issuer: config.identity.issuer,
          clientId: config.identity.audience,
          redirectUri: this.webConsole.url,
          scopes: ['openid', 'profile'],
        },
      });
    } else if (this.api.userPoolDomain && this.api.userPoolClient) {
      this.webConsole.publish({
        apiUrl,
        auth: 'cognito',
        cognito: {
          domain: this.api.userPoolDomain.baseUrl(),
          clientId: this.api.userPoolClient.userPoolClientId,
          region: this.region,
          redirectUri: this.webConsole.url,
        },
      });
    }

    this.monitoring = new Monitoring(this, 'Monitoring', {
      namePrefix: prefix,
      ...(config.alarmEmail === undefined ? {} : { alarmEmail: config.alarmEmail }),
      functions: [
        ...Object.entries(this.api.functions).map(([fnId, fn]) => ({ id: fnId, fn })),
        { id: 'RecordTaskFn', fn: this.renovation.recordTaskFn },
        { id: 'SystemTaskFn', fn: this.renovation.systemTaskFn },
        { id: 'OutboxSweeperFn', fn: this.renovation.outboxSweeperFn },
      ],
      table: this.data.table,
      indexNames: GSI_NAMES,
      stateMachine: this.renovation.stateMachine,
      httpApi: this.api.httpApi,
    });

    new CfnOutput(this, 'Stage', { value: config.stage });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'ConsoleUrl', { value: this.webConsole.url });
    new CfnOutput(this, 'IdentityMode', { value: config.identity.mode });
    if (this.api.userPool && this.api.userPoolClient) {
      new CfnOutput(this, 'UserPoolId', { value: this.api.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: this.api.userPoolClient.userPoolClientId });
    }
    new CfnOutput(this, 'EvidenceBucketName', { value: this.evidence.bucket.bucketName });
    new CfnOutput(this, 'StateMachineArn', { value: this.renovation.stateMachine.stateMachineArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: prefix });
    new CfnOutput(this, 'BackupVaultName', { value: this.backup.vault.backupVaultName });
  }
}
