/**
 * The permissions of the synthesized template, read through the twin's intrinsic resolver: every
 * `AWS::IAM::Role` with its inline policies, the `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` resources
 * attached to it and the AWS managed policies it names; which role each function and state machine runs as; and
 * the resource policies (`AWS::Lambda::Permission`, `AWS::S3::BucketPolicy`). Nothing is declared here a second
 * time: a statement removed from the template is a permission the twin no longer grants.
 */
import type { CfnTemplate } from '../assembly/cfn-types';
import { IntrinsicResolver } from '../assembly/intrinsics';
import { functionArn, functionNameOf, LOCAL_ACCOUNT, LOCAL_REGION } from '../assembly/local-names';

export type PolicyDocument = { readonly Version?: string; readonly Statement: readonly Record<string, unknown>[] };
export type NamedPolicy = { readonly name: string; readonly document: PolicyDocument };

export type RoleModel = {
  readonly logicalId: string;
  readonly arn: string;
  /** The role's name in its ARN (the part after `role/`, without a path). */
  readonly name: string;
  readonly trustPolicy?: PolicyDocument;
  readonly policies: readonly NamedPolicy[];
};

export type IamModel = {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** By role ARN. */
  readonly roles: ReadonlyMap<string, RoleModel>;
  /** Function name -> the ARN of the role it runs as. */
  readonly functionRoles: ReadonlyMap<string, string>;
  /** State machine ARN -> the ARN of its role. */
  readonly stateMachineRoles: ReadonlyMap<string, string>;
  /** Function name -> its resource policy, made of its `AWS::Lambda::Permission`s. */
  readonly functionPolicies: ReadonlyMap<string, PolicyDocument>;
  /** Bucket name -> its bucket policy. */
  readonly bucketPolicies: ReadonlyMap<string, PolicyDocument>;
  /** `AWS::Events::Rule` logical id -> its ARN (the `aws:SourceArn` of the invocations it makes). */
  readonly ruleArns: ReadonlyMap<string, string>;
  /** What the twin could not read (an unknown AWS managed policy, a policy on no known role). */
  readonly warnings: readonly string[];
};

/**
 * AWS managed policies the template may name, with the statements AWS publishes for them. Only logging and
 * tracing: a function's business permissions are always the template's own.
 */
const AWS_MANAGED_POLICIES: Record<string, readonly Record<string, unknown>[]> = {
  'service-role/AWSLambdaBasicExecutionRole': [
    { Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' },
  ],
  AWSXRayDaemonWriteAccess: [
    {
      Effect: 'Allow',
      Action: [
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
        'xray:GetSamplingRules',
        'xray:GetSamplingTargets',
        'xray:GetSamplingStatisticSummaries',
      ],
      Resource: '*',
    },
  ],
};

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function documentOf(value: unknown): PolicyDocument | undefined {
  const document = record(value);
  const statements = list(document.Statement).filter(
    (statement): statement is Record<string, unknown> => Object.keys(record(statement)).length > 0,
  );
  if (statements.length === 0) return undefined;
  return { Version: typeof document.Version === 'string' ? document.Version : '2012-10-17', Statement: statements };
}

function roleNameOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** Reads the roles, their policies and the resource policies of a synthesized template. */
export function readIamModel(template: CfnTemplate, resolver = new IntrinsicResolver(template)): IamModel {
  const resources = Object.entries(template.Resources ?? {});
  const warnings: string[] = [];
  const partition = String(resolver.ref('AWS::Partition'));
  const roleArnByLogicalId = new Map<string, string>();
  const policiesByRole = new Map<string, NamedPolicy[]>();
  const trustByRole = new Map<string, PolicyDocument | undefined>();
  const managedPolicies = new Map<string, { name: string; document?: PolicyDocument; roles: string[] }>();

  const attach = (roleLogicalId: string, policy: NamedPolicy) => {
    const policies = policiesByRole.get(roleLogicalId);
    if (policies) policies.push(policy);
    else warnings.push(`policy ${policy.name} is attached to ${roleLogicalId}, which is not a role of the template`);
  };
  const roleLogicalIdOf = (value: unknown): string => {
    const text = String(value);
    // A role is named by Ref (its logical id locally) or, rarely, by its ARN.
    if (roleArnByLogicalId.has(text)) return text;
    for (const [logicalId, arn] of roleArnByLogicalId) if (arn === text) return logicalId;
    return text;
  };

  for (const [logicalId, resource] of resources) {
    if (resource.Type === 'AWS::IAM::Role') {
      roleArnByLogicalId.set(logicalId, String(resolver.getAtt(logicalId, 'Arn')));
      policiesByRole.set(logicalId, []);
      trustByRole.set(logicalId, documentOf(resolver.resolve(resource.Properties?.AssumeRolePolicyDocument)));
    }
    if (resource.Type === 'AWS::IAM::ManagedPolicy') {
      const properties = record(resolver.resolve(resource.Properties ?? {}));
      managedPolicies.set(logicalId, {
        name: typeof properties.ManagedPolicyName === 'string' ? properties.ManagedPolicyName : logicalId,
        document: documentOf(properties.PolicyDocument),
        roles: list(properties.Roles).map(String),
      });
    }
  }

  for (const [logicalId, resource] of resources) {
    if (resource.Type === 'AWS::IAM::Role') {
      const properties = record(resource.Properties);
      for (const inline of list(resolver.resolve(properties.Policies ?? []))) {
        const document = documentOf(record(inline).PolicyDocument);
        if (document) attach(logicalId, { name: String(record(inline).PolicyName ?? 'inline'), document });
      }
      for (const arn of list(resolver.resolve(properties.ManagedPolicyArns ?? [])).map(String)) {
        const customer = managedPolicies.get(arn);
        if (customer) {
          if (customer.document) attach(logicalId, { name: customer.name, document: customer.document });
          continue;
        }
        const awsManaged = /^arn:[\w-]+:iam::aws:policy\/(.+)$/.exec(arn)?.[1];
        const statements = awsManaged === undefined ? undefined : AWS_MANAGED_POLICIES[awsManaged];
        if (statements) attach(logicalId, { name: arn, document: { Version: '2012-10-17', Statement: statements } });
        else
          warnings.push(`role ${logicalId}: the managed policy ${arn} is unknown to the twin and grants nothing here`);
      }
    }
    if (resource.Type === 'AWS::IAM::Policy') {
      const properties = record(resolver.resolve(resource.Properties ?? {}));
      const document = documentOf(properties.PolicyDocument);
      if (!document) continue;
      const name = typeof properties.PolicyName === 'string' ? properties.PolicyName : logicalId;
      for (const role of list(properties.Roles)) attach(roleLogicalIdOf(role), { name, document });
    }
  }
  for (const [, policy] of managedPolicies) {
    if (!policy.document) continue;
    for (const role of policy.roles) attach(roleLogicalIdOf(role), { name: policy.name, document: policy.document });
  }

  const roles = new Map<string, RoleModel>();
  for (const [logicalId, arn] of roleArnByLogicalId) {
    const trustPolicy = trustByRole.get(logicalId);
    roles.set(arn, {
      logicalId,
      arn,
      name: roleNameOf(arn),
      ...(trustPolicy ? { trustPolicy } : {}),
      policies: policiesByRole.get(logicalId) ?? [],
    });
  }

  const functionRoles = new Map<string, string>();
  const stateMachineRoles = new Map<string, string>();
  const permissions = new Map<string, Record<string, unknown>[]>();
  const bucketPolicies = new Map<string, PolicyDocument>();
  const ruleArns = new Map<string, string>();
  for (const [logicalId, resource] of resources) {
    switch (resource.Type) {
      case 'AWS::Lambda::Function': {
        const role = resolver.resolve(resource.Properties?.Role);
        if (typeof role === 'string') functionRoles.set(logicalId, role);
        break;
      }
      case 'AWS::StepFunctions::StateMachine': {
        const role = resolver.resolve(resource.Properties?.RoleArn);
        if (typeof role === 'string') stateMachineRoles.set(String(resolver.ref(logicalId)), role);
        break;
      }
      case 'AWS::Lambda::Permission': {
        const properties = record(resolver.resolve(resource.Properties ?? {}));
        const name = functionNameOf(String(properties.FunctionName));
        const principal = String(properties.Principal ?? '');
        const condition: Record<string, Record<string, unknown>> = {};
        if (typeof properties.SourceArn === 'string') condition.ArnLike = { 'aws:SourceArn': properties.SourceArn };
        if (typeof properties.SourceAccount === 'string')
          condition.StringEquals = { 'aws:SourceAccount': properties.SourceAccount };
        const statement: Record<string, unknown> = {
          Sid: logicalId,
          Effect: 'Allow',
          Principal: principal.endsWith('.amazonaws.com') ? { Service: principal } : { AWS: principal },
          Action: String(properties.Action ?? 'lambda:InvokeFunction'),
          Resource: functionArn(name),
          ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
        };
        permissions.set(name, [...(permissions.get(name) ?? []), statement]);
        break;
      }
      case 'AWS::S3::BucketPolicy': {
        const properties = record(resolver.resolve(resource.Properties ?? {}));
        const document = documentOf(properties.PolicyDocument);
        if (document && typeof properties.Bucket === 'string') bucketPolicies.set(properties.Bucket, document);
        break;
      }
      case 'AWS::Events::Rule':
        ruleArns.set(logicalId, String(resolver.getAtt(logicalId, 'Arn')));
        break;
    }
  }
  const functionPolicies = new Map<string, PolicyDocument>();
  for (const [name, statements] of permissions)
    functionPolicies.set(name, { Version: '2012-10-17', Statement: statements });

  return {
    partition,
    region: LOCAL_REGION,
    account: LOCAL_ACCOUNT,
    roles,
    functionRoles,
    stateMachineRoles,
    functionPolicies,
    bucketPolicies,
    ruleArns,
    warnings,
  };
}
