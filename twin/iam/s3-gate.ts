/**
 * The local S3 front's check of a signed request (`twin/services/s3/s3.ts` asks it instead of the plain signature check):
 * the signer (a function's role session, or the operator), the signer's IAM permission together with the
 * bucket policy of the template, evaluated as S3 does, and the faults ANJU_FAULTS asks for (`SlowDown`). A
 * presigned URL is evaluated as the role that signed it, at the moment it is used.
 */

import type { FaultInjector } from '../faults/faults';
import type { S3Gate } from '../services/s3/s3';
import { parseQuery } from '../services/s3/sigv4';
import { authenticate } from './authenticate';
import type { Authorizer } from './authorizer';
import type { CredentialStore } from './credentials';
import { type ArnScope, s3OperationOf, s3Requests } from './requests';
import type { PolicyDocument } from './roles';

export function s3Gate(options: {
  readonly scope: ArnScope;
  readonly credentials: CredentialStore;
  readonly authorizer: Authorizer;
  readonly bucketPolicies: ReadonlyMap<string, PolicyDocument>;
  readonly faults?: FaultInjector;
  readonly log?: (line: string) => void;
}): S3Gate {
  const log = options.log ?? (() => {});
  return async (request) => {
    const identity = await authenticate(request, {
      store: options.credentials,
      region: options.scope.region,
      service: 's3',
    });
    if (!identity.ok) return identity;
    const query = parseQuery(request.rawQuery) ?? {};
    const mapped = s3Requests(
      {
        method: request.method,
        rawPath: request.rawPath,
        query,
        headers: request.headers,
        form: identity.form,
        signatureAgeMs: Date.now() - identity.signedAt.getTime(),
      },
      options.scope,
    );
    if ('unmapped' in mapped) {
      log(
        `[iam] refused ${request.method} ${request.rawPath}: the twin does not know which IAM actions ${mapped.unmapped} needs`,
      );
      return {
        ok: false,
        status: 403,
        code: 'AccessDenied',
        message: `The local twin cannot authorize ${mapped.unmapped}.`,
      };
    }
    const bucket = request.rawPath.split('/')[1] ?? '';
    // Bucket names hold only letters, digits, dots and hyphens: nothing to decode.
    const bucketPolicy = options.bucketPolicies.get(bucket);
    const decision = options.authorizer.authorizeAll(
      identity.caller,
      mapped.requests.map((access) => (bucketPolicy ? { ...access, resourcePolicy: bucketPolicy } : access)),
    );
    if (!decision.allowed) return { ok: false, status: 403, code: 'AccessDenied', message: decision.message };
    const fault = options.faults?.s3(s3OperationOf(request.method, request.rawPath, query));
    if (fault) return { ok: false, status: fault.status, code: fault.code, message: fault.message };
    return { ok: true, form: identity.form, accessKeyId: identity.accessKeyId, payloadHash: identity.payloadHash };
  };
}
