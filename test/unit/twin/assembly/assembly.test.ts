// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are CloudFormation Fn::Sub and ASL substitutions
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assemblyFromTemplate, isNodeRuntime } from '../../../../twin/assembly/assembly';
import type { CfnTemplate } from '../../../../twin/assembly/cfn-types';
import { IntrinsicResolver } from '../../../../twin/assembly/intrinsics';
import { functionNameOf } from '../../../../twin/assembly/local-names';

// A small hand-written template in the shape CDK synthesizes: intrinsics in environment
// variables, a state machine with DefinitionSubstitutions, HTTP API routes behind a JWT authorizer.
const template: CfnTemplate = {
  Resources: {
    Table: { Type: 'AWS::DynamoDB::Table', Properties: {} },
    EvidenceBucketA1B2: { Type: 'AWS::S3::Bucket', Properties: {} },
    UserPool6BA7E5F2: { Type: 'AWS::Cognito::UserPool', Properties: {} },
    UserPoolClient2F5918F7: { Type: 'AWS::Cognito::UserPoolClient', Properties: {} },
    ActionsFn: {
      Type: 'AWS::Lambda::Function',
      Metadata: { 'aws:asset:path': 'asset.actions', 'aws:asset:property': 'Code' },
      Properties: {
        Handler: 'index.handler',
        Runtime: 'nodejs22.x',
        Timeout: 10,
        MemorySize: 512,
        Architectures: ['arm64'],
        Code: { S3Bucket: { 'Fn::Sub': 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}' }, S3Key: 'x.zip' },
        Environment: {
          Variables: {
            TABLE_NAME: { Ref: 'Table' },
            EVIDENCE_BUCKET: { Ref: 'EvidenceBucketA1B2' },
            STATE_MACHINE_ARN: { Ref: 'Workflow' },
            TABLE_ARN: { 'Fn::GetAtt': ['Table', 'Arn'] },
            JOINED: {
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'EvidenceBucketA1B2' }, '/*']],
            },
            SUBBED: { 'Fn::Sub': ['${Name}-${AWS::StackName}-${Table.Arn}-${!Literal}', { Name: 'anju' }] },
            SUFFIX: { 'Fn::Sub': '${AWS::URLSuffix}' },
          },
        },
      },
    },
    RecordTaskFn: {
      Type: 'AWS::Lambda::Function',
      Metadata: { 'aws:asset:path': 'asset.record' },
      Properties: { Handler: 'index.handler', Runtime: 'nodejs22.x', Code: { S3Key: 'y.zip' } },
    },
    // What CDK's BucketDeployment (the console on AWS) and the distribution add: nothing served locally.
    ConsoleDistribution022D3262: {
      Type: 'AWS::CloudFront::Distribution',
      Properties: { DistributionConfig: { DefaultRootObject: 'index.html' } },
    },
    AwsCliLayerF44AAF94: { Type: 'AWS::Lambda::LayerVersion', Properties: { Content: { S3Key: 'layer.zip' } } },
    CustomCDKBucketDeployment8693BB64: {
      Type: 'AWS::Lambda::Function',
      Metadata: { 'aws:asset:path': 'asset.deployment' },
      Properties: {
        Handler: 'index.handler',
        Runtime: 'python3.13',
        Layers: [{ Ref: 'AwsCliLayerF44AAF94' }],
        Code: { S3Key: 'z.zip' },
      },
    },
    ConsoleDeploymentCustomResource: {
      Type: 'Custom::CDKBucketDeployment',
      Properties: {
        ServiceToken: { 'Fn::GetAtt': ['CustomCDKBucketDeployment8693BB64', 'Arn'] },
        DistributionId: { Ref: 'ConsoleDistribution022D3262' },
      },
    },
    Workflow: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        DefinitionString: {
          'Fn::Join': [
            '',
            [
              '{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:',
              { Ref: 'AWS::Partition' },
              ':states:::lambda:invoke.waitForTaskToken","Parameters":{"FunctionName":"${RecordTaskFn}"},"End":true}}}',
            ],
          ],
        },
        DefinitionSubstitutions: { RecordTaskFn: { 'Fn::GetAtt': ['RecordTaskFn', 'Arn'] } },
      },
    },
    Authorizer: {
      Type: 'AWS::ApiGatewayV2::Authorizer',
      Properties: {
        AuthorizerType: 'JWT',
        JwtConfiguration: {
          Audience: [{ Ref: 'UserPoolClient2F5918F7' }],
          Issuer: {
            'Fn::Join': [
              '',
              ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', { Ref: 'UserPool6BA7E5F2' }],
            ],
          },
        },
      },
    },
    ActionsIntegration: {
      Type: 'AWS::ApiGatewayV2::Integration',
      Properties: {
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: { 'Fn::GetAtt': ['ActionsFn', 'Arn'] },
        PayloadFormatVersion: '2.0',
      },
    },
    ActionsRoute: {
      Type: 'AWS::ApiGatewayV2::Route',
      Properties: {
        RouteKey: 'POST /households/{id}/actions/{action}',
        AuthorizationType: 'JWT',
        AuthorizerId: { Ref: 'Authorizer' },
        Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'ActionsIntegration' }]] },
      },
    },
    HealthRoute: {
      Type: 'AWS::ApiGatewayV2::Route',
      Properties: {
        RouteKey: 'GET /health',
        AuthorizationType: 'NONE',
        Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'ActionsIntegration' }]] },
      },
    },
    SweepRule: {
      Type: 'AWS::Events::Rule',
      Properties: {
        ScheduleExpression: 'rate(1 minute)',
        State: 'ENABLED',
        Targets: [{ Arn: { 'Fn::GetAtt': ['RecordTaskFn', 'Arn'] }, Id: 'Target0' }],
      },
    },
  },
};

let outdir: string;
beforeAll(() => {
  outdir = mkdtempSync(path.join(os.tmpdir(), 'anju-assembly-'));
  for (const folder of ['asset.actions', 'asset.record']) {
    mkdirSync(path.join(outdir, folder));
    writeFileSync(path.join(outdir, folder, 'index.mjs'), 'export const handler = async () => ({});\n');
  }
  mkdirSync(path.join(outdir, 'asset.deployment'));
  writeFileSync(path.join(outdir, 'asset.deployment', 'index.py'), 'def handler(event, context):\n  pass\n');
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('IntrinsicResolver', () => {
  const resolver = new IntrinsicResolver(template);

  it('resolves pseudo parameters and local names', () => {
    expect(resolver.resolve({ Ref: 'AWS::Region' })).toBe('us-east-1');
    expect(resolver.resolve({ Ref: 'AWS::AccountId' })).toBe('000000000000');
    expect(resolver.resolve({ Ref: 'AWS::StackName' })).toBe('AnjuStack');
    expect(resolver.resolve({ Ref: 'Table' })).toBe('Table');
    expect(resolver.resolve({ Ref: 'EvidenceBucketA1B2' })).toBe('evidencebucketa1b2');
    expect(resolver.resolve({ Ref: 'Workflow' })).toBe('arn:aws:states:us-east-1:000000000000:stateMachine:Workflow');
    expect(resolver.resolve({ 'Fn::GetAtt': 'ActionsFn.Arn' })).toBe(
      'arn:aws:lambda:us-east-1:000000000000:function:ActionsFn',
    );
  });

  it('resolves Fn::Select, Fn::Split and drops AWS::NoValue', () => {
    expect(resolver.resolve({ 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] })).toBe('b');
    expect(resolver.resolve({ A: 'x', B: { Ref: 'AWS::NoValue' } })).toEqual({ A: 'x' });
  });

  it('names a state machine by its StateMachineName, as AWS does, so a stage-named ARN reaches it', () => {
    const named: CfnTemplate = {
      Resources: {
        RenovationWorkflow: {
          Type: 'AWS::StepFunctions::StateMachine',
          Properties: { StateMachineName: 'anju-dev-RenovationWorkflow', DefinitionString: '{}' },
        },
      },
    };
    const arn = 'arn:aws:states:us-east-1:000000000000:stateMachine:anju-dev-RenovationWorkflow';
    const namedResolver = new IntrinsicResolver(named);
    expect(namedResolver.resolve({ Ref: 'RenovationWorkflow' })).toBe(arn);
    expect(namedResolver.resolve({ 'Fn::GetAtt': ['RenovationWorkflow', 'Name'] })).toBe('anju-dev-RenovationWorkflow');
    expect(assemblyFromTemplate(outdir, named).stateMachines).toMatchObject([
      { logicalId: 'RenovationWorkflow', name: 'anju-dev-RenovationWorkflow', arn },
    ]);
  });

  it('refuses a Ref to a resource the template does not define', () => {
    expect(() => resolver.resolve({ Ref: 'Nowhere' })).toThrow(/Nowhere/);
  });
});

describe('assemblyFromTemplate', () => {
  it("resolves each function's environment to local names", () => {
    const assembly = assemblyFromTemplate(outdir, template);
    const actions = assembly.functions.find((fn) => fn.name === 'ActionsFn');
    expect(actions?.entryFile).toBe(path.join(outdir, 'asset.actions', 'index.mjs'));
    expect(actions?.handlerExport).toBe('handler');
    expect(actions?.timeoutSeconds).toBe(10);
    expect(actions?.architecture).toBe('arm64');
    // Lambda's default when the template names no architecture, so the cost estimate prices it as x86_64.
    expect(assembly.functions.find((fn) => fn.name === 'RecordTaskFn')?.architecture).toBe('x86_64');
    expect(actions?.environment).toEqual({
      TABLE_NAME: 'Table',
      EVIDENCE_BUCKET: 'evidencebucketa1b2',
      STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:Workflow',
      TABLE_ARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/Table',
      JOINED: 'arn:aws:s3:::evidencebucketa1b2/*',
      SUBBED: 'anju-AnjuStack-arn:aws:dynamodb:us-east-1:000000000000:table/Table-${Literal}',
      SUFFIX: 'amazonaws.com',
    });
  });

  it('applies the definition substitutions of the state machine', () => {
    const [machine] = assemblyFromTemplate(outdir, template).stateMachines;
    expect(machine?.arn).toBe('arn:aws:states:us-east-1:000000000000:stateMachine:Workflow');
    const definition = JSON.parse(machine?.definition ?? '{}');
    expect(definition.States.A.Parameters.FunctionName).toBe(
      'arn:aws:lambda:us-east-1:000000000000:function:RecordTaskFn',
    );
    expect(definition.States.A.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
  });

  it('maps routes to functions with their JWT authorizer', () => {
    const routes = assemblyFromTemplate(outdir, template).routes;
    const actions = routes.find((route) => route.routeKey === 'POST /households/{id}/actions/{action}');
    expect(actions).toMatchObject({
      method: 'POST',
      path: '/households/{id}/actions/{action}',
      authorizationType: 'JWT',
      functionName: 'ActionsFn',
      authorizer: {
        issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_UserPool6BA7E5F2',
        audience: ['UserPoolClient2F5918F7'],
      },
    });
    expect(routes.find((route) => route.path === '/health')?.authorizationType).toBe('NONE');
  });

  it('reads rate schedules that target a function', () => {
    expect(assemblyFromTemplate(outdir, template).schedules).toEqual([
      { logicalId: 'SweepRule', everyMs: 60_000, functionName: 'RecordTaskFn' },
    ]);
  });

  it('loads only Node.js functions: the Python function of a BucketDeployment is left out', () => {
    const names = assemblyFromTemplate(outdir, template).functions.map((fn) => fn.name);
    expect(names.sort()).toEqual(['ActionsFn', 'RecordTaskFn']);
    expect(isNodeRuntime('nodejs22.x')).toBe(true);
    expect(isNodeRuntime('python3.13')).toBe(false);
    expect(isNodeRuntime(undefined)).toBe(false);
  });

  it('names the function whose bundle is missing', () => {
    const broken: CfnTemplate = {
      Resources: {
        LostFn: {
          Type: 'AWS::Lambda::Function',
          Metadata: { 'aws:asset:path': 'asset.lost' },
          Properties: { Runtime: 'nodejs22.x' },
        },
      },
    };
    expect(() => assemblyFromTemplate(outdir, broken)).toThrow(/LostFn/);
  });
});

describe('functionNameOf', () => {
  it('finds the name in names, partial and full ARNs', () => {
    expect(functionNameOf('ActionsFn')).toBe('ActionsFn');
    expect(functionNameOf('arn:aws:lambda:us-east-1:000000000000:function:ActionsFn')).toBe('ActionsFn');
    expect(functionNameOf('arn:aws:lambda:us-east-1:000000000000:function:ActionsFn:$LATEST')).toBe('ActionsFn');
    expect(functionNameOf('000000000000:function:ActionsFn')).toBe('ActionsFn');
  });
});
