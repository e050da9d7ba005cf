/**
 * One SDK client per service, created at module load and reused across invocations. Local mode
 * reaches its services through the standard `AWS_ENDPOINT_URL_*` variables, so nothing here
 * branches on where it runs.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const dynamodb = new DynamoDBClient({});

export const ddb = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});

export const sfn = new SFNClient({});

// Path-style addressing is required by the local S3 server and harmless on AWS for our bucket
// names (lower case, no dots), so it is always on rather than switched by a non-standard variable.
// Checksum behaviour is left to the SDK, which reads AWS_REQUEST_CHECKSUM_CALCULATION itself.
export const s3 = new S3Client({ forcePathStyle: true });
