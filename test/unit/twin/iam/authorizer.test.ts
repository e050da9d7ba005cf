import { describe, expect, it } from 'vitest';
import type { CfnTemplate } from '../../../../twin/assembly/cfn-types';
import { Authorizer, type Caller } from '../../../../twin/iam/authorizer';
import { readIamModel } from '../../../../twin/iam/roles';

const TABLE_ARN = { 'Fn::GetAtt': ['Table', 'Arn'] };
const ACCOUNT = '000000000000';

/** A template as CDK synthesizes one: roles, a default policy, a managed policy, permissions, a bucket policy. */
const template: CfnTemplate = {
  Resources: {
    Table: { Type: 'AWS::DynamoDB::Table', Properties: { KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] } },
    Bucket: { Type: 'AWS::S3::Bucket' },
    BucketPolicy: {
      Type: 'AWS::S3::BucketPolicy',
      Properties: {
        Bucket: { Ref: 'Bucket' },
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              Resource: [
                { 'Fn::GetAtt': ['Bucket', 'Arn'] },
                { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/*']] },
              ],
            },
            {
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 's3:DeleteObject',
              Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/*']] },
            },
          ],
        },
      },
    },
    FnRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
        },
        ManagedPolicyArns: [
          {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
            ],
          },
        ],
      },
    },
    FnRoleDefaultPolicy: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'FnRoleDefaultPolicy',
        Roles: [{ Ref: 'FnRole' }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'],
              Resource: [TABLE_ARN, { 'Fn::Join': ['', [TABLE_ARN, '/index/*']] }],
            },
            {
              Effect: 'Allow',
              Action: ['s3:GetObject*', 's3:PutObject', 's3:DeleteObject'],
              Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/*']] },
            },
            {
              Effect: 'Allow',
              Action: 'states:SendTaskSuccess',
              Resource: {
                'Fn::Join': [
                  '',
                  ['arn:', { Ref: 'AWS::Partition' }, ':states:us-east-1:000000000000:stateMachine:Flow'],
                ],
              },
            },
            {
              Effect: 'Deny',
              Action: 'dynamodb:PutItem',
              Resource: TABLE_ARN,
              Condition: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['LOCKED#*'] } },
            },
          ],
        },
      },
    },
    Fn: {
      Type: 'AWS::Lambda::Function',
      Properties: { Role: { 'Fn::GetAtt': ['FnRole', 'Arn'] }, Runtime: 'nodejs22.x' },
    },
    Schedule: { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: 'rate(1 minute)' } },
    FnSchedulePermission: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': ['Fn', 'Arn'] },
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': ['Schedule', 'Arn'] },
      },
    },
  },
};

const model = readIamModel(template);
const role = 'arn:aws:iam::000000000000:role/FnRole';
const fn: Caller = { kind: 'role', roleArn: role, sessionName: 'Fn' };
const table = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/Table`;

describe('readIamModel', () => {
  it("reads each function's role with its inline, attached and AWS managed policies", () => {
    expect(model.functionRoles.get('Fn')).toBe(role);
    const policies = model.roles.get(role)?.policies.map((policy) => policy.name);
    expect(policies).toEqual([
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      'FnRoleDefaultPolicy',
    ]);
    expect(model.bucketPolicies.get('bucket')?.Statement).toHaveLength(2);
    expect(model.functionPolicies.get('Fn')?.Statement[0]).toMatchObject({
      Principal: { Service: 'events.amazonaws.com' },
      Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:events:us-east-1:${ACCOUNT}:rule/Schedule` } },
    });
    expect(model.warnings).toEqual([]);
  });
});

describe('Authorizer', () => {
  const authorizer = new Authorizer(model);

  it('allows what the role grants, tables and their indexes as IAM matches wildcards', () => {
    expect(authorizer.authorize(fn, { action: 'dynamodb:GetItem', resource: table }).allowed).toBe(true);
    expect(authorizer.authorize(fn, { action: 'dynamodb:Query', resource: `${table}/index/ByOwner` }).allowed).toBe(
      true,
    );
    expect(authorizer.authorize(fn, { action: 'logs:PutLogEvents', resource: '*' }).allowed).toBe(true);
  });

  it('refuses what no statement grants, with the message AWS gives', () => {
    const decision = authorizer.authorize(fn, { action: 'dynamodb:DeleteItem', resource: table });
    expect(decision).toEqual({
      allowed: false,
      result: 'ImplicitlyDenied',
      message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/FnRole/Fn is not authorized to perform: dynamodb:DeleteItem on resource: ${table} because no identity-based policy allows the dynamodb:DeleteItem action`,
    });
    expect(authorizer.authorize(fn, { action: 'dynamodb:GetItem', resource: `${table}2` }).allowed).toBe(false);
    expect(authorizer.authorize(fn, { action: 'dynamodb:Scan', resource: `${table}/index/ByOwner` }).allowed).toBe(
      false,
    );
  });

  it('evaluates conditions on the request context, an explicit deny winning', () => {
    const put = (key: string) =>
      authorizer.authorize(fn, {
        action: 'dynamodb:PutItem',
        resource: table,
        context: { 'dynamodb:LeadingKeys': [key] },
      });
    expect(put('HOUSEHOLD#1').allowed).toBe(true);
    expect(put('LOCKED#1')).toMatchObject({ allowed: false, result: 'ExplicitlyDenied' });
  });

  it("applies the bucket policy with the role's policy: HTTPS stands for the twin's loopback, and a deny wins", () => {
    const policy = model.bucketPolicies.get('bucket');
    const access = (action: string) =>
      authorizer.authorize(fn, {
        action,
        resource: 'arn:aws:s3:::bucket/photos/a.jpg',
        ...(policy ? { resourcePolicy: policy } : {}),
      });
    expect(access('s3:GetObject').allowed).toBe(true);
    expect(access('s3:PutObject').allowed).toBe(true);
    expect(access('s3:DeleteObject')).toMatchObject({ allowed: false, result: 'ExplicitlyDenied' });
  });

  it('authorizes task responses on the state machine the token belongs to', () => {
    const send = (machine: string) =>
      authorizer.authorize(fn, {
        action: 'states:SendTaskSuccess',
        resource: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:${machine}`,
      }).allowed;
    expect(send('Flow')).toBe(true);
    expect(send('Other')).toBe(false);
  });

  it("lets a service invoke a function only through the function's permissions, for the named source", () => {
    const invoke = (sourceArn: string) =>
      authorizer.authorize(
        { kind: 'service', service: 'events.amazonaws.com', sourceArn },
        {
          action: 'lambda:InvokeFunction',
          resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:Fn`,
          ...(model.functionPolicies.get('Fn') ? { resourcePolicy: model.functionPolicies.get('Fn') } : {}),
        },
      ).allowed;
    expect(invoke(`arn:aws:events:us-east-1:${ACCOUNT}:rule/Schedule`)).toBe(true);
    expect(invoke(`arn:aws:events:us-east-1:${ACCOUNT}:rule/Another`)).toBe(false);
  });

  it('lets the operator (tests, tools) through and counts the refusals', () => {
    const counting = new Authorizer(model);
    expect(counting.authorize({ kind: 'operator' }, { action: 'dynamodb:DeleteTable', resource: table }).allowed).toBe(
      true,
    );
    counting.authorize(fn, { action: 'dynamodb:DeleteTable', resource: table });
    expect(counting.denials()).toEqual({
      count: 1,
      recent: [
        { caller: `arn:aws:sts::${ACCOUNT}:assumed-role/FnRole/Fn`, action: 'dynamodb:DeleteTable', resource: table },
      ],
    });
  });
});
