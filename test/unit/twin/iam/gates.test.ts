import { createHash } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import type { CfnTemplate } from '../../../../twin/assembly/cfn-types';
import { authenticate } from '../../../../twin/iam/authenticate';
import { Authorizer } from '../../../../twin/iam/authorizer';
import { CredentialStore, OPERATOR_CREDENTIALS, type SessionCredentials } from '../../../../twin/iam/credentials';
import { readIamModel } from '../../../../twin/iam/roles';
import { s3Gate } from '../../../../twin/iam/s3-gate';

const scope = { partition: 'aws', region: 'us-east-1', account: '000000000000' };
const template: CfnTemplate = {
  Resources: {
    Bucket: { Type: 'AWS::S3::Bucket' },
    UploaderRole: { Type: 'AWS::IAM::Role', Properties: {} },
    UploaderPolicy: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        Roles: [{ Ref: 'UploaderRole' }],
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: 's3:PutObject',
              Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/photos/*']] },
            },
          ],
        },
      },
    },
  },
};
const model = readIamModel(template);
const store = new CredentialStore();
const uploader = store.mint('arn:aws:iam::000000000000:role/UploaderRole', 'PhotosFn');
const gate = s3Gate({
  scope,
  credentials: store,
  authorizer: new Authorizer(model),
  bucketPolicies: model.bucketPolicies,
});

async function presignedPut(credentials: SessionCredentials, key: string): Promise<string> {
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9000',
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  return getSignedUrl(client, new PutObjectCommand({ Bucket: 'bucket', Key: key }), { expiresIn: 300 });
}

function received(url: string, method = 'PUT') {
  const parsed = new URL(url);
  return { method, rawPath: parsed.pathname, rawQuery: parsed.search.slice(1), headers: { host: parsed.host } };
}

describe('the S3 gate', () => {
  it('evaluates a presigned URL as the role that signed it, and it is as long as one signed by a Lambda role', async () => {
    const url = await presignedPut(uploader, 'photos/hh-1/a.jpg');
    expect(url).toContain('X-Amz-Security-Token=');
    expect(url.length).toBeGreaterThan(1300);
    expect(await gate(received(url))).toMatchObject({ ok: true, form: 'query' });

    const outside = await presignedPut(uploader, 'ledger/hh-1.pdf');
    expect(await gate(received(outside))).toMatchObject({
      ok: false,
      status: 403,
      code: 'AccessDenied',
      message: expect.stringContaining('assumed-role/UploaderRole/PhotosFn is not authorized to perform: s3:PutObject'),
    });
  });

  it('refuses a URL whose session token was changed', async () => {
    const url = await presignedPut(uploader, 'photos/hh-1/a.jpg');
    const forged = url.replace(
      /X-Amz-Security-Token=[^&]+/,
      `X-Amz-Security-Token=${encodeURIComponent('A'.repeat(40))}`,
    );
    const answer = await gate(received(forged));
    expect(answer.ok).toBe(false);
  });
});

describe('authenticate (JSON services)', () => {
  async function signed(credentials: SessionCredentials | typeof OPERATOR_CREDENTIALS, body: string, token?: string) {
    const signer = new SignatureV4({ credentials, region: 'us-east-1', service: 'dynamodb', sha256: Sha256 });
    const request = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      path: '/',
      headers: {
        host: '127.0.0.1:8000',
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.GetItem',
      },
      body,
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
    if (token !== undefined) headers['x-amz-security-token'] = token;
    return { method: 'POST', rawPath: '/', rawQuery: '', headers };
  }
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  const options = { store, region: 'us-east-1', service: 'dynamodb' };

  it("names the role session of the function's credentials, and the operator for the operator's keys", async () => {
    const body = '{"TableName":"Table"}';
    expect(await authenticate(await signed(uploader, body), { ...options, bodySha256: sha(body) })).toMatchObject({
      ok: true,
      caller: { kind: 'role', roleArn: 'arn:aws:iam::000000000000:role/UploaderRole', sessionName: 'PhotosFn' },
    });
    expect(
      await authenticate(await signed(OPERATOR_CREDENTIALS, body), { ...options, bodySha256: sha(body) }),
    ).toMatchObject({
      ok: true,
      caller: { kind: 'operator' },
    });
  });

  it('refuses a changed body, a wrong session token and an unknown key as DynamoDB does', async () => {
    const body = '{"TableName":"Table"}';
    expect(
      await authenticate(await signed(uploader, body), { ...options, bodySha256: sha('{"TableName":"Other"}') }),
    ).toMatchObject({
      ok: false,
      status: 400,
      code: 'InvalidSignatureException',
    });
    expect(
      await authenticate(await signed({ ...uploader, sessionToken: 'stolen' }, body), {
        ...options,
        bodySha256: sha(body),
      }),
    ).toMatchObject({ ok: false, code: 'UnrecognizedClientException' });
    const stranger = { accessKeyId: 'ASIASTRANGER', secretAccessKey: 'x' };
    expect(await authenticate(await signed(stranger, body), { ...options, bodySha256: sha(body) })).toMatchObject({
      ok: false,
      code: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
  });
});
