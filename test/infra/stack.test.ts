// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are ASL definition substitutions
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CONTRACT_ROUTES, isPublic } from '../../contract/routes';
import { ROLES } from '../../domain/model';
import { entryStateOf } from '../../process/asl-builder';
import { ACTIVE_PHASES, RENOVATION } from '../../process/renovation';
import { resourcesOf, synthesize } from './synth';

// One in-process synthesis for every assertion: loading aws-cdk-lib dominates the cost.
const { template } = synthesize();

function variablesOf(functionId: string): Record<string, unknown> {
  const environment = resourcesOf(template, 'AWS::Lambda::Function')[functionId]?.Properties?.Environment;
  return (environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
}

describe('the data table', () => {
  it('is one table with the logical id Table, string keys PK/SK, on demand', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    expect(Object.keys(resourcesOf(template, 'AWS::DynamoDB::Table'))).toEqual(['Table']);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'PK', AttributeType: 'S' },
        { AttributeName: 'SK', AttributeType: 'S' },
      ]),
    });
  });

  it('has GSI1..GSI4 on GSI<n>PK / GSI<n>SK, projecting all attributes', () => {
    const table = Object.values(resourcesOf(template, 'AWS::DynamoDB::Table'))[0];
    const indexes = table?.Properties?.GlobalSecondaryIndexes as {
      IndexName: string;
      KeySchema: { AttributeName: string; KeyType: string }[];
      Projection: { ProjectionType: string };
    }[];
    expect(indexes.map((i) => i.IndexName).sort()).toEqual(['GSI1', 'GSI2', 'GSI3', 'GSI4']);
    for (const index of indexes) {
      expect(index.KeySchema).toEqual([
        { AttributeName: `${index.IndexName}PK`, KeyType: 'HASH' },
        { AttributeName: `${index.IndexName}SK`, KeyType: 'RANGE' },
      ]);
      expect(index.Projection.ProjectionType).toBe('ALL');
    }
  });

  it('keeps its data: point-in-time recovery, deletion protection, retained with the stack', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('expires idempotency records through expiresAt', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });
});

describe('the evidence bucket', () => {
  it('is private, encrypted, versioned and retained', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        VersioningConfiguration: { Status: 'Enabled' },
      }),
      DeletionPolicy: 'Retain',
    });
    // The other bucket holds the console's static files (test/infra/web-console.test.ts).
    expect(Object.keys(resourcesOf(template, 'AWS::S3::Bucket')).sort()).toEqual([
      expect.stringMatching(/^ConsoleBucket/),
      'EvidenceBucket',
    ]);
  });

  it('refuses requests without TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: 'EvidenceBucket' },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('accepts presigned PUT uploads from browsers (CORS)', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: {
        CorsRules: [Match.objectLike({ AllowedMethods: ['PUT'], AllowedHeaders: ['*'], ExposedHeaders: ['ETag'] })],
      },
    });
  });
});

const FUNCTION_IDS = [
  'HealthFn',
  'OpenApiFn',
  'MeFn',
  'ProgramsFn',
  'HouseholdsFn',
  'TasksFn',
  'ActionsFn',
  'FundsFn',
  'PhotosFn',
  'ReportsFn',
  'RecordTaskFn',
  'SystemTaskFn',
  'OutboxSweeperFn',
];

function stateMachine() {
  const machines = resourcesOf(template, 'AWS::StepFunctions::StateMachine');
  expect(Object.keys(machines)).toEqual(['RenovationWorkflow']);
  const machine = machines.RenovationWorkflow;
  if (!machine?.Properties) throw new Error('no state machine');
  return machine.Properties;
}

describe('the workflow', () => {
  it('is a Standard state machine named after the stage, traced and logging every event', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      StateMachineName: 'anju-dev-RenovationWorkflow',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
    });
  });

  it('has a state for every phase of the description, routed from RouteByPhase', () => {
    const definitionString = stateMachine().DefinitionString;
    expect(typeof definitionString).toBe('string');
    const definition = JSON.parse(String(definitionString)) as {
      StartAt: string;
      States: Record<string, { Choices?: { StringEquals: string; Next: string }[] }>;
    };
    expect(definition.StartAt).toBe('RouteByPhase');
    for (const phase of [...ACTIVE_PHASES, 'archived', 'rejected'] as const) {
      expect(Object.keys(definition.States)).toContain(entryStateOf(phase));
    }
    const routed = definition.States.RouteByPhase?.Choices?.map((c) => c.StringEquals) ?? [];
    // Terminal phases are routed too, so a resynced execution of a finished household ends properly.
    expect([...routed].sort()).toEqual([...RENOVATION.steps.map((s) => s.phase), 'archived', 'rejected'].sort());
  });

  it('substitutes the task functions and the task resources of the stack partition into the definition', () => {
    const partitionArn = (resource: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, resource]] });
    expect(stateMachine().DefinitionSubstitutions).toEqual({
      RecordTaskFn: { 'Fn::GetAtt': ['RecordTaskFn', 'Arn'] },
      SystemTaskFn: { 'Fn::GetAtt': ['SystemTaskFn', 'Arn'] },
      LambdaInvoke: partitionArn(':states:::lambda:invoke'),
      LambdaInvokeWaitForTaskToken: partitionArn(':states:::lambda:invoke.waitForTaskToken'),
    });
    const definition = String(stateMachine().DefinitionString);
    expect(definition).not.toContain('arn:aws');
    expect(definition).toContain('"Resource":"${LambdaInvokeWaitForTaskToken}"');
    expect(definition).toContain('"Resource":"${LambdaInvoke}"');
  });

  it('lets the state machine invoke exactly the two task functions', () => {
    const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy'));
    const invoked = JSON.stringify(
      policies.filter((p) => JSON.stringify(p.Properties?.Roles).includes('StateMachineRole')),
    );
    expect(invoked).toContain('lambda:InvokeFunction');
    expect(invoked).toContain('RecordTaskFn');
    expect(invoked).toContain('SystemTaskFn');
    expect(invoked).not.toContain('ActionsFn');
  });

  it('sweeps the outbox every minute', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': ['OutboxSweeperFn', 'Arn'] } })],
    });
  });
});

describe('the functions', () => {
  it('exist under the logical ids of docs/design.md', () => {
    const ids = Object.keys(resourcesOf(template, 'AWS::Lambda::Function'));
    for (const id of FUNCTION_IDS) expect(ids).toContain(id);
  });

  it('run Node.js 24 on ARM64 (photos on x86_64) with active tracing and the configuration every handler reads', () => {
    const functions = resourcesOf(template, 'AWS::Lambda::Function');
    for (const id of FUNCTION_IDS) {
      const props = functions[id]?.Properties;
      expect(props).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: [id === 'PhotosFn' ? 'x86_64' : 'arm64'],
        TracingConfig: { Mode: 'Active' },
        Handler: 'index.handler',
      });
      const variables = variablesOf(id);
      expect(Object.keys(variables).sort()).toEqual(
        [
          'EVIDENCE_BUCKET',
          'IDENTITY_MODE',
          'LOG_LEVEL',
          'POWERTOOLS_METRICS_NAMESPACE',
          'POWERTOOLS_SERVICE_NAME',
          'STATE_MACHINE_ARN',
          'TABLE_NAME',
        ].sort(),
      );
      // The service is the stage: the `service` dimension of Anju's metrics keeps stages apart.
      expect(variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'anju-dev',
        POWERTOOLS_METRICS_NAMESPACE: 'Anju',
        IDENTITY_MODE: 'cognito',
      });
      expect(variables.TABLE_NAME).toEqual({ Ref: 'Table' });
      expect(variables.EVIDENCE_BUCKET).toEqual({ Ref: 'EvidenceBucket' });
    }
  });

  it('give the photo function sharp from an x86_64 layer of the same runtime, and no other function a layer', () => {
    // CDK's own console deployment (a Python function) brings the AWS CLI layer: leave it aside.
    const layers = Object.entries(resourcesOf(template, 'AWS::Lambda::LayerVersion')).filter(
      ([, candidate]) => !String(candidate.Properties?.Description ?? '').includes('awscli'),
    );
    expect(layers).toHaveLength(1);
    const [layerId, layer] = layers[0] ?? [];
    expect(layer?.Properties).toMatchObject({
      CompatibleArchitectures: ['x86_64'],
      CompatibleRuntimes: ['nodejs24.x'],
      Description: expect.stringContaining('sharp'),
    });
    const functions = resourcesOf(template, 'AWS::Lambda::Function');
    for (const [id, fn] of Object.entries(functions)) {
      if (!String(fn.Properties?.Runtime ?? '').startsWith('nodejs')) continue;
      const expected = id === 'PhotosFn' ? [{ Ref: layerId }] : undefined;
      expect(fn.Properties?.Layers, id).toEqual(expected);
    }
    // Enough memory (and so CPU) to decode a 15 MB photo well within the API's 30 s.
    expect(functions.PhotosFn?.Properties).toMatchObject({ MemorySize: 1024, Timeout: 20 });
  });

  it('name the state machine without referring to it, so the task functions create no cycle', () => {
    const arn = JSON.stringify(variablesOf('RecordTaskFn').STATE_MACHINE_ARN);
    expect(arn).toContain(':stateMachine:anju-dev-RenovationWorkflow');
    expect(arn).not.toContain('"Ref":"RenovationWorkflow"');
  });

  it('keep a log group each, with the stage retention (a year by default), kept when the stack goes', () => {
    const logGroups = Object.values(resourcesOf(template, 'AWS::Logs::LogGroup'));
    expect(logGroups.length).toBeGreaterThanOrEqual(FUNCTION_IDS.length + 2);
    for (const logGroup of logGroups) {
      expect(logGroup.Properties?.RetentionInDays).toBe(365);
      expect(logGroup.DeletionPolicy).toBe('Retain');
      expect(logGroup.UpdateReplacePolicy).toBe('Retain');
    }
    const functions = resourcesOf(template, 'AWS::Lambda::Function');
    for (const id of FUNCTION_IDS) {
      expect(functions[id]?.Properties?.LoggingConfig).toEqual({ LogGroup: { Ref: expect.stringMatching(/Logs/) } });
    }
  });

  it('grant the outbox sweeper task responses and restarts, the API actions and the callback task only responses', () => {
    const policyOf = (fn: string) =>
      JSON.stringify(
        Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((p) =>
          JSON.stringify(p.Properties?.Roles).includes(`${fn}ServiceRole`),
        ),
      );
    expect(policyOf('OutboxSweeperFn')).toContain('states:SendTaskSuccess');
    expect(policyOf('OutboxSweeperFn')).toContain('states:StartExecution');
    expect(policyOf('ActionsFn')).toContain('states:SendTaskSuccess');
    expect(policyOf('ActionsFn')).not.toContain('states:StartExecution');
    // The callback task re-sends a stored decision when it is recorded again (after a restart, a resync).
    expect(policyOf('RecordTaskFn')).toContain('states:SendTaskSuccess');
    expect(policyOf('RecordTaskFn')).not.toContain('states:StartExecution');
    expect(policyOf('TasksFn')).not.toContain('dynamodb:PutItem');
    expect(policyOf('TasksFn')).toContain('dynamodb:Query');
    // Presigned uploads are signed with the photo function's role; evidence is never deleted.
    expect(policyOf('PhotosFn')).toContain('s3:PutObject');
    expect(policyOf('PhotosFn')).not.toContain('s3:DeleteObject');
    // The reports only read (the counters are kept by the writers' transactions).
    expect(policyOf('ReportsFn')).toContain('dynamodb:Query');
    expect(policyOf('ReportsFn')).not.toContain('dynamodb:PutItem');
  });
});

/** Route key -> [authorization type, function behind it], as the contract states them. */
const EXPECTED_ROUTES: Record<string, ['NONE' | 'JWT', string]> = Object.fromEntries(
  CONTRACT_ROUTES.map((route) => [route.key, [isPublic(route.spec) ? 'NONE' : 'JWT', route.spec.fn]]),
);

function routes() {
  const integrations = resourcesOf(template, 'AWS::ApiGatewayV2::Integration');
  return Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route')).map((route) => {
    const props = route.Properties ?? {};
    const target = JSON.stringify(props.Target);
    const integrationId = Object.keys(integrations).find((id) => target.includes(`"${id}"`));
    const uri = JSON.stringify(integrationId ? integrations[integrationId]?.Properties?.IntegrationUri : undefined);
    return {
      key: String(props.RouteKey),
      authorization: String(props.AuthorizationType),
      authorizerId: props.AuthorizerId,
      uri,
    };
  });
}

describe('the HTTP API', () => {
  it('has exactly the routes of the contract, each on its function, public only where the contract says', () => {
    const actual = routes();
    expect(actual.map((r) => r.key).sort()).toEqual(Object.keys(EXPECTED_ROUTES).sort());
    for (const route of actual) {
      const [authorization, fn] = EXPECTED_ROUTES[route.key] ?? [];
      expect(route.authorization, route.key).toBe(authorization);
      expect(route.uri, route.key).toContain(`"${fn}"`);
    }
  });

  it('authorizes every other route with the Cognito JWT authorizer', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: Match.stringLikeRegexp('ConsoleClient') }],
        Issuer: {
          'Fn::Join': [
            '',
            ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/', { Ref: 'UserPool' }],
          ],
        },
      },
    });
    const authorizerIds = Object.keys(resourcesOf(template, 'AWS::ApiGatewayV2::Authorizer'));
    for (const route of routes().filter((r) => r.authorization === 'JWT')) {
      expect(route.authorizerId).toEqual({ Ref: authorizerIds[0] });
    }
  });

  it('throttles each route of the default stage for a province (docs/deploy.md) and logs it', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 }),
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  it('is the resource named Api, named after the stage', () => {
    expect(Object.keys(resourcesOf(template, 'AWS::ApiGatewayV2::Api'))).toEqual(['Api']);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { Name: 'anju-dev' });
  });
});

describe('the identity provider', () => {
  it('has one group per role', () => {
    const groups = Object.values(resourcesOf(template, 'AWS::Cognito::UserPoolGroup')).map(
      (g) => g.Properties?.GroupName,
    );
    expect(groups.sort()).toEqual([...ROLES].sort());
  });

  it('carries the jurisdiction in custom attributes, admits no self sign-up and offers TOTP MFA', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'county', AttributeDataType: 'String', Mutable: true }),
        Match.objectLike({ Name: 'township', AttributeDataType: 'String', Mutable: true }),
      ]),
      AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
    });
  });

  it('invites staff and sends reset codes in Chinese', () => {
    const pool = Object.values(resourcesOf(template, 'AWS::Cognito::UserPool'))[0]?.Properties ?? {};
    const invitation = (pool.AdminCreateUserConfig as { InviteMessageTemplate: Record<string, string> })
      .InviteMessageTemplate;
    expect(invitation.EmailSubject).toMatch(/[\u4e00-\u9fff]/);
    expect(invitation.EmailMessage).toMatch(/[\u4e00-\u9fff]/);
    expect(invitation.EmailMessage).toContain('{username}');
    expect(invitation.EmailMessage).toContain('{####}');
    const verification = pool.VerificationMessageTemplate as Record<string, string>;
    expect(verification).toMatchObject({ DefaultEmailOption: 'CONFIRM_WITH_CODE' });
    expect(verification.EmailSubject).toMatch(/[\u4e00-\u9fff]/);
    expect(verification.EmailMessage).toMatch(/重置密码/);
    expect(verification.EmailMessage).toContain('{####}');
  });

  it('has a public client for the console, through which a user may change their name and nothing else', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      PreventUserExistenceErrors: 'ENABLED',
      WriteAttributes: ['name'],
      ReadAttributes: Match.arrayWith(['custom:county', 'custom:township', 'name']),
    });
  });

  it('can require MFA for every account with -c mfa=required', () => {
    const required = synthesize({ mfa: 'required' }).template;
    required.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON' });
  });
});

describe('the alarms', () => {
  it.each(['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionThrottled'])(
    'watch %s of the state machine',
    (metric) => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/States',
        MetricName: metric,
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: 'RenovationWorkflow' } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    },
  );

  it('watch server errors of the API', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: { Ref: 'Api' } }],
      Statistic: 'Sum',
      Threshold: Match.anyValue(),
    });
  });
});
