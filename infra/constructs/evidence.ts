import { CfnResource, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export const EVIDENCE_BUCKET_LOGICAL_ID = 'EvidenceBucket';

export interface EvidenceBucketProps {
  /**
   * Origins allowed to upload photos straight from the browser with presigned PUT requests.
   * @default ['*']: the presigned URL itself is the authorization; narrow it to the console's domain
   */
  readonly uploadOrigins?: readonly string[];
  /** @default RETAIN: evidence outlives the stack */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Photos of houses before, during and after renovation. Private, encrypted, TLS only, versioned so
 * an object is never silently overwritten. Object lock (WORM, compliance mode) would make evidence
 * tamper-proof in AWS; it is left out because it can only be enabled on a new bucket and retention
 * rules need the program owners' decision on how long records are kept.
 */
export class EvidenceBucket extends Construct {
  public readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: EvidenceBucketProps = {}) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      cors: [
        {
          allowedMethods: [HttpMethods.PUT],
          allowedOrigins: [...(props.uploadOrigins ?? ['*'])],
          allowedHeaders: ['*'],
          exposedHeaders: ['ETag'],
          maxAge: Duration.hours(1).toSeconds(),
        },
      ],
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });
    const cfn = this.bucket.node.defaultChild;
    if (CfnResource.isCfnResource(cfn)) cfn.overrideLogicalId(EVIDENCE_BUCKET_LOGICAL_ID);
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Server access logs would need a second bucket per stack; object-level access to evidence is audited with CloudTrail data events and every photo is recorded with its SHA-256 in the household audit trail.',
    });
  }
}
