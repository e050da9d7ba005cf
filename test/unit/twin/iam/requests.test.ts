import { describe, expect, it } from 'vitest';
import {
  dynamodbRequests,
  s3OperationOf,
  s3Requests,
  stateMachineOfExecution,
  stepFunctionsRequests,
} from '../../../../twin/iam/requests';
import { mintTaskToken } from '../../../../twin/limits/limits';

const scope = { partition: 'aws', region: 'us-east-1', account: '000000000000' };
const table = (name: string) => `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`;
const partitionKeyOf = (name: string) => (name === 'Table' ? 'pk' : undefined);

describe('dynamodbRequests', () => {
  it('checks an item operation on its table, with its leading key and the options it asks for', () => {
    expect(
      dynamodbRequests(
        'PutItem',
        { TableName: 'Table', Item: { pk: { S: 'HOUSEHOLD#1' }, sk: { S: 'META' } }, ReturnValues: 'ALL_OLD' },
        scope,
        partitionKeyOf,
      ),
    ).toEqual({
      requests: [
        {
          action: 'dynamodb:PutItem',
          resource: table('Table'),
          context: { 'dynamodb:ReturnValues': 'ALL_OLD', 'dynamodb:LeadingKeys': 'HOUSEHOLD#1' },
        },
      ],
    });
  });

  it('checks a Query on an index against table/<name>/index/<index>', () => {
    expect(dynamodbRequests('Query', { TableName: 'Table', IndexName: 'ByQueue' }, scope)).toEqual({
      requests: [{ action: 'dynamodb:Query', resource: `${table('Table')}/index/ByQueue`, context: {} }],
    });
  });

  it('checks each item of a transaction with its own action on its own table', () => {
    const mapped = dynamodbRequests(
      'TransactWriteItems',
      {
        TransactItems: [
          { Put: { TableName: 'Table', Item: { pk: { S: 'A' } } } },
          { Update: { TableName: 'Table', Key: { pk: { S: 'B' } } } },
          { ConditionCheck: { TableName: 'Other', Key: { id: { S: 'C' } } } },
          { Delete: { TableName: table('Third'), Key: { pk: { S: 'D' } } } },
        ],
      },
      scope,
      partitionKeyOf,
    );
    expect(
      'requests' in mapped && mapped.requests.map((r) => [r.action, r.resource, r.context?.['dynamodb:LeadingKeys']]),
    ).toEqual([
      ['dynamodb:PutItem', table('Table'), 'A'],
      ['dynamodb:UpdateItem', table('Table'), 'B'],
      ['dynamodb:ConditionCheckItem', table('Other'), undefined],
      ['dynamodb:DeleteItem', table('Third'), undefined],
    ]);
    expect('requests' in mapped && mapped.requests[0]?.context?.['dynamodb:EnclosingOperation']).toBe(
      'TransactWriteItems',
    );
  });

  it('checks a batch on every table it touches', () => {
    const mapped = dynamodbRequests(
      'BatchGetItem',
      {
        RequestItems: {
          Table: { Keys: [{ pk: { S: 'A' } }, { pk: { S: 'B' } }] },
          Other: { Keys: [{ id: { S: 'C' } }] },
        },
      },
      scope,
      partitionKeyOf,
    );
    expect(mapped).toEqual({
      requests: [
        { action: 'dynamodb:BatchGetItem', resource: table('Table'), context: { 'dynamodb:LeadingKeys': ['A', 'B'] } },
        { action: 'dynamodb:BatchGetItem', resource: table('Other'), context: {} },
      ],
    });
  });

  it('refuses to guess at what it does not know', () => {
    expect(dynamodbRequests('ExecuteStatement', { Statement: 'SELECT * FROM Table' }, scope)).toEqual({
      unmapped: 'the DynamoDB operation ExecuteStatement',
    });
    expect(dynamodbRequests('GetItem', {}, scope)).toHaveProperty('unmapped');
  });
});

describe('stepFunctionsRequests', () => {
  const machine = 'arn:aws:states:us-east-1:000000000000:stateMachine:Flow';
  const execution = 'arn:aws:states:us-east-1:000000000000:execution:Flow:hh-1-0';
  const stateMachineOfToken = (token: string) => {
    const arn = token.startsWith('x') ? undefined : execution;
    return arn && stateMachineOfExecution(arn);
  };

  it('checks starts on the state machine and execution reads on the execution', () => {
    expect(stepFunctionsRequests('StartExecution', { stateMachineArn: machine }, stateMachineOfToken)).toEqual({
      requests: [{ action: 'states:StartExecution', resource: machine }],
    });
    expect(stepFunctionsRequests('DescribeExecution', { executionArn: execution }, stateMachineOfToken)).toEqual({
      requests: [{ action: 'states:DescribeExecution', resource: execution }],
    });
  });

  it("checks a task response on the state machine of the token's execution", () => {
    expect(
      stepFunctionsRequests('SendTaskSuccess', { taskToken: mintTaskToken(execution) }, stateMachineOfToken),
    ).toEqual({
      requests: [{ action: 'states:SendTaskSuccess', resource: machine }],
    });
    expect(stepFunctionsRequests('SendTaskFailure', { taskToken: 'xyz' }, stateMachineOfToken)).toEqual({
      requests: [{ action: 'states:SendTaskFailure', resource: '*' }],
    });
  });
});

describe('s3Requests', () => {
  const request = (
    method: string,
    rawPath: string,
    query: Record<string, string> = {},
    headers: Record<string, string> = {},
  ) => s3Requests({ method, rawPath, query, headers, form: 'header', signatureAgeMs: 20 }, scope);

  it('checks object reads and writes on bucket/key, the key decoded', () => {
    expect(request('PUT', '/evidence/photos/hh-1/a%20b.jpg')).toMatchObject({
      requests: [{ action: 's3:PutObject', resource: 'arn:aws:s3:::evidence/photos/hh-1/a b.jpg' }],
    });
    expect(request('HEAD', '/evidence/k')).toMatchObject({ requests: [{ action: 's3:GetObject' }] });
    expect(request('DELETE', '/evidence/k')).toMatchObject({ requests: [{ action: 's3:DeleteObject' }] });
  });

  it('checks a copy on its source too, and a listing on the bucket with its prefix', () => {
    const copy = request('PUT', '/evidence/b', {}, { 'x-amz-copy-source': '/evidence/a%2Fx.jpg' });
    expect('requests' in copy && copy.requests.map((r) => [r.action, r.resource])).toEqual([
      ['s3:PutObject', 'arn:aws:s3:::evidence/b'],
      ['s3:GetObject', 'arn:aws:s3:::evidence/a/x.jpg'],
    ]);
    const list = request('GET', '/evidence', { 'list-type': '2', prefix: 'photos/' });
    expect(list).toMatchObject({
      requests: [{ action: 's3:ListBucket', resource: 'arn:aws:s3:::evidence', context: { 's3:prefix': 'photos/' } }],
    });
  });

  it('sets the condition keys S3 sets, for a presigned URL too', () => {
    const presigned = s3Requests(
      { method: 'GET', rawPath: '/evidence/k', query: {}, headers: {}, form: 'query', signatureAgeMs: 1500 },
      scope,
    );
    expect(presigned).toMatchObject({
      requests: [
        {
          context: {
            's3:authType': 'REST-QUERY-STRING',
            's3:signatureversion': 'AWS4-HMAC-SHA256',
            's3:signatureAge': '1500',
            's3:TlsVersion': '1.3',
          },
        },
      ],
    });
  });

  it('names operations as the API does', () => {
    expect(s3OperationOf('HEAD', '/evidence', {})).toBe('HeadBucket');
    expect(s3OperationOf('POST', '/evidence/k', { uploads: '' })).toBe('CreateMultipartUpload');
    expect(s3OperationOf('GET', '/evidence', { 'list-type': '2' })).toBe('ListObjectsV2');
  });
});
