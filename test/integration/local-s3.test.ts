import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CfnTemplate } from '../../twin/assembly/cfn-types';
import { bucketsFromTemplate, type LocalS3, startS3 } from '../../twin/services/s3/s3';

const region = 'us-east-1';
const credentials = { accessKeyId: 'anjulocal', secretAccessKey: 'anjulocalsecret' };
const consoleOrigin = 'http://console.anju.test';

// Shaped like a synthesized evidence bucket: the CORS origin list mixes a literal with an intrinsic function.
const template: CfnTemplate = {
  Resources: {
    EvidenceBucket: {
      Type: 'AWS::S3::Bucket',
      Properties: {
        CorsConfiguration: {
          CorsRules: [
            {
              AllowedMethods: ['PUT', 'GET', 'HEAD'],
              AllowedOrigins: [consoleOrigin, { 'Fn::GetAtt': ['Distribution', 'DomainName'] }],
              AllowedHeaders: ['*'],
              ExposedHeaders: ['ETag'],
              MaxAge: 3000,
            },
          ],
        },
      },
    },
    Table: { Type: 'AWS::DynamoDB::Table', Properties: {} },
  },
};

function client(secretAccessKey = credentials.secretAccessKey, endpoint = s3.endpoint): S3Client {
  return new S3Client({
    endpoint,
    region,
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey },
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
}

let s3: LocalS3;
let dataDir: string;
let bucket: string;

async function start(): Promise<LocalS3> {
  return startS3({ dataDir, region, credentials, buckets: bucketsFromTemplate(template, () => bucket) });
}

/** A presigned PUT bound to the photo's type and size, as the upload-URL handler issues it. */
async function presignPhotoPut(key: string, photo: Buffer, expiresIn = 300): Promise<string> {
  return getSignedUrl(
    client(),
    new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: 'image/jpeg', ContentLength: photo.length }),
    { expiresIn, signableHeaders: new Set(['content-type']) },
  );
}

async function errorCode(response: Response): Promise<string | undefined> {
  return /<Code>([^<]+)<\/Code>/.exec(await response.text())?.[1];
}

describe('local S3 behind the SigV4 front', () => {
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'anju-s3-'));
    bucket = 'anju-evidence-test';
    s3 = await start();
  });
  afterAll(async () => {
    await s3.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads buckets and their literal CORS rules from the template', () => {
    expect(bucketsFromTemplate(template, (logicalId) => `anju-${logicalId.toLowerCase()}`)).toEqual([
      {
        logicalId: 'EvidenceBucket',
        name: 'anju-evidencebucket',
        cors: [
          {
            AllowedMethods: ['PUT', 'GET', 'HEAD'],
            AllowedOrigins: [consoleOrigin],
            AllowedHeaders: ['*'],
            ExposedHeaders: ['ETag'],
            MaxAge: 3000,
          },
        ],
      },
    ]);
  });

  it('creates the template bucket and round-trips bytes exactly through the SDK', async () => {
    const sdk = client();
    const bytes = randomBytes(300_000);

    await sdk.send(new HeadBucketCommand({ Bucket: bucket }));
    await sdk.send(new PutObjectCommand({ Bucket: bucket, Key: 'HH#h-1/round trip+1.bin', Body: bytes }));
    const got = await sdk.send(new GetObjectCommand({ Bucket: bucket, Key: 'HH#h-1/round trip+1.bin' }));

    // Query parameters with reserved characters must canonicalize the same on both sides.
    const listed = await sdk.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'HH#h-1/round trip+', MaxKeys: 5 }),
    );
    const download = await fetch(
      await getSignedUrl(sdk, new GetObjectCommand({ Bucket: bucket, Key: 'HH#h-1/round trip+1.bin' }), {
        expiresIn: 60,
      }),
    );

    expect(Buffer.from((await got.Body?.transformToByteArray()) ?? [])).toEqual(bytes);
    expect(listed.Contents?.map((object) => object.Key)).toEqual(['HH#h-1/round trip+1.bin']);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(bytes);
    sdk.destroy();
  });

  it('accepts a presigned PUT of the signed type and size, from an allowed browser origin', async () => {
    const photo = randomBytes(2048);
    const url = await presignPhotoPut('HH#h-1/photo-1.jpg', photo);

    const upload = await fetch(url, {
      method: 'PUT',
      body: photo,
      headers: { 'content-type': 'image/jpeg', origin: consoleOrigin },
    });

    expect(upload.status).toBe(200);
    expect(upload.headers.get('access-control-allow-origin')).toBe(consoleOrigin);
    const stored = await client().send(new GetObjectCommand({ Bucket: bucket, Key: 'HH#h-1/photo-1.jpg' }));
    expect(stored.ContentType).toBe('image/jpeg');
    expect(Buffer.from((await stored.Body?.transformToByteArray()) ?? [])).toEqual(photo);
  });

  it('refuses a presigned PUT with another content type or size than signed', async () => {
    const photo = randomBytes(2048);
    const url = await presignPhotoPut('HH#h-1/photo-2.jpg', photo);

    const otherType = await fetch(url, { method: 'PUT', body: photo, headers: { 'content-type': 'text/html' } });
    const otherSize = await fetch(url, {
      method: 'PUT',
      body: Buffer.concat([photo, photo]),
      headers: { 'content-type': 'image/jpeg' },
    });

    expect(otherType.status).toBe(403);
    expect(await errorCode(otherType)).toBe('SignatureDoesNotMatch');
    expect(otherSize.status).toBe(403);
    expect(await errorCode(otherSize)).toBe('SignatureDoesNotMatch');
    await expect(client().send(new GetObjectCommand({ Bucket: bucket, Key: 'HH#h-1/photo-2.jpg' }))).rejects.toThrow();
  });

  it('refuses a presigned URL with one changed signature character or another key', async () => {
    const photo = randomBytes(512);
    const url = new URL(await presignPhotoPut('HH#h-1/photo-3.jpg', photo));
    const signature = url.searchParams.get('X-Amz-Signature') ?? '';
    const forged = new URL(url);
    forged.searchParams.set('X-Amz-Signature', (signature[0] === 'a' ? 'b' : 'a') + signature.slice(1));
    const otherKey = new URL(url);
    otherKey.pathname = otherKey.pathname.replace('photo-3', 'photo-4');
    const put = (target: URL) =>
      fetch(target, { method: 'PUT', body: photo, headers: { 'content-type': 'image/jpeg' } });

    const forgedAnswer = await put(forged);
    const otherKeyAnswer = await put(otherKey);

    expect(forgedAnswer.status).toBe(403);
    expect(await errorCode(forgedAnswer)).toBe('SignatureDoesNotMatch');
    expect(otherKeyAnswer.status).toBe(403);
    expect(await errorCode(otherKeyAnswer)).toBe('SignatureDoesNotMatch');
  });

  it('refuses an expired presigned URL', async () => {
    const photo = randomBytes(512);
    const url = await presignPhotoPut('HH#h-1/late.jpg', photo, 1);
    await new Promise((wake) => setTimeout(wake, 2_100));

    const answer = await fetch(url, { method: 'PUT', body: photo, headers: { 'content-type': 'image/jpeg' } });

    expect(answer.status).toBe(403);
    expect(await errorCode(answer)).toBe('AccessDenied');
  });

  it('refuses unsigned requests and requests signed with a wrong secret or key', async () => {
    const unsigned = await fetch(`${s3.endpoint}/${bucket}/HH%23h-1/photo-1.jpg`);
    const wrongSecret = client('not-the-secret').send(
      new GetObjectCommand({ Bucket: bucket, Key: 'HH#h-1/photo-1.jpg' }),
    );
    const wrongKey = new S3Client({
      endpoint: s3.endpoint,
      region,
      credentials: { accessKeyId: 'someone', secretAccessKey: credentials.secretAccessKey },
      forcePathStyle: true,
      maxAttempts: 1,
    }).send(new GetObjectCommand({ Bucket: bucket, Key: 'HH#h-1/photo-1.jpg' }));

    expect(unsigned.status).toBe(403);
    expect(await errorCode(unsigned)).toBe('AccessDenied');
    await expect(wrongSecret).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
      $metadata: { httpStatusCode: 403 },
    });
    await expect(wrongKey).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
  });

  it('refuses a signed body whose SHA-256 differs from the signed one', async () => {
    const sdk = client();
    sdk.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body?: unknown };
        request.body = 'tampered after signing';
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'tamperAfterSigning' },
    );

    await expect(
      sdk.send(new PutObjectCommand({ Bucket: bucket, Key: 'tampered.txt', Body: 'original body!!!!!!!!!' })),
    ).rejects.toMatchObject({ name: 'XAmzContentSHA256Mismatch' });
    sdk.destroy();
  });

  it('answers a CORS preflight from an allowed origin without a signature, and refuses another origin', async () => {
    const preflight = (origin: string) =>
      fetch(`${s3.endpoint}/${bucket}/HH%23h-1/photo-9.jpg`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'PUT',
          'access-control-request-headers': 'content-type',
        },
      });

    const allowed = await preflight(consoleOrigin);
    const other = await preflight('http://evil.test');

    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toMatch(/^(\*|http:\/\/console\.anju\.test)$/);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(allowed.headers.get('access-control-allow-headers')).toBe('content-type');
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers the preflight a browser sends to the presigned URL itself (signature parameters included)', async () => {
    const url = await presignPhotoPut('HH#h-1/photo-10.jpg', Buffer.from('photo'));
    const preflight = await fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin: consoleOrigin,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type',
      },
    });

    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PUT');
  });

  it('stops promptly with an unread response body and keeps objects across a restart', async () => {
    const sdk = client();
    // Large enough that the answer stalls in socket buffers while nobody reads it.
    const large = randomBytes(16 * 1024 * 1024);
    await sdk.send(new PutObjectCommand({ Bucket: bucket, Key: 'large.bin', Body: large }));
    const unread = await sdk.send(new GetObjectCommand({ Bucket: bucket, Key: 'large.bin' }));
    expect(unread.ContentLength).toBe(large.length);

    const stopping = Date.now();
    await s3.stop();
    expect(Date.now() - stopping).toBeLessThan(2_000);
    sdk.destroy();

    s3 = await start();
    const again = client();
    const stored = await again.send(new GetObjectCommand({ Bucket: bucket, Key: 'HH#h-1/photo-1.jpg' }));
    expect(stored.ContentType).toBe('image/jpeg');
    expect(stored.ContentLength).toBe(2048);
    again.destroy();
  });
});
