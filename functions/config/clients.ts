/**
 * One SDK client per service, created at a function's cold start and reused across its invocations. Local mode
 * reaches its services through the standard `AWS_ENDPOINT_URL_*` variables, so nothing here branches on where it
 * runs. A test passes its own settings (region, credentials) instead.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface Clients {
  readonly documents: DynamoDBDocumentClient;
  readonly s3: S3Client;
  /** Presigns without baking a checksum into the URL (see functions/evidence/index.ts). */
  readonly presigner: S3Client;
  readonly sfn: SFNClient;
}

export interface ClientSettings {
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export function createClients(settings: ClientSettings = {}): Clients {
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient(settings), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  // Path-style addressing is required by the local S3 server and harmless on AWS for our bucket names (lower case,
  // no dots), so it is always on rather than switched by a non-standard variable. Checksum behaviour of the shared
  // client is left to the SDK, which reads AWS_REQUEST_CHECKSUM_CALCULATION itself.
  return {
    documents,
    s3: new S3Client({ ...settings, forcePathStyle: true }),
    presigner: new S3Client({ ...settings, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' }),
    sfn: new SFNClient(settings),
  };
}
