import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AnjuApi } from './constructs/api';
import { DataTables } from './constructs/data';
import { EvidenceBucket } from './constructs/evidence';
import { Monitoring } from './constructs/monitoring';
import { RenovationStateMachine } from './constructs/state-machine';
import { WebConsole } from './constructs/web-console';

export const STACK_ID = 'AnjuStack';

export interface AnjuStackProps extends StackProps {
  /** Folder of the built console. @default console/dist */
  readonly consoleDist?: string;
}

/** The whole deployable system; local mode is derived from what this stack synthesizes. */
export class AnjuStack extends Stack {
  public readonly data: DataTables;
  public readonly evidence: EvidenceBucket;
  public readonly renovation: RenovationStateMachine;
  public readonly api: AnjuApi;
  public readonly monitoring: Monitoring;
  public readonly webConsole: WebConsole;

  constructor(scope: Construct, id: string = STACK_ID, props: AnjuStackProps = {}) {
    const { consoleDist, ...stackProps } = props;
    super(scope, id, {
      description: 'Anju (安居): rural dangerous-housing renovation programs',
      ...stackProps,
    });
    this.data = new DataTables(this, 'DataTables');
    this.webConsole = new WebConsole(this, 'Console', consoleDist === undefined ? {} : { distPath: consoleDist });
    // Phones upload photos from the console's origin straight to the evidence bucket.
    this.evidence = new EvidenceBucket(this, 'Evidence', { uploadOrigins: [this.webConsole.url] });
    const resources = { table: this.data.table, bucket: this.evidence.bucket };
    this.renovation = new RenovationStateMachine(this, 'Workflow', resources);
    this.api = new AnjuApi(this, 'Api', {
      ...resources,
      stateMachineArn: this.renovation.stateMachineArn,
      consoleUrl: this.webConsole.url,
    });
    const hostedUi = this.api.userPoolDomain;
    if (hostedUi) {
      this.webConsole.publish({
        apiUrl: this.api.httpApi.apiEndpoint,
        cognito: {
          domain: hostedUi.baseUrl(),
          clientId: this.api.userPoolClient.userPoolClientId,
          region: this.region,
          redirectUri: this.webConsole.url,
        },
      });
    }
    this.monitoring = new Monitoring(this, 'Monitoring', {
      stateMachine: this.renovation.stateMachine,
      httpApi: this.api.httpApi,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'ConsoleUrl', { value: this.webConsole.url });
    new CfnOutput(this, 'UserPoolId', { value: this.api.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.api.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'EvidenceBucketName', { value: this.evidence.bucket.bucketName });
    new CfnOutput(this, 'StateMachineArn', { value: this.renovation.stateMachine.stateMachineArn });
  }
}
