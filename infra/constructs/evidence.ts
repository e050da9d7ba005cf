import { CfnResource, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  ObjectLockRetention,
  ObjectOwnership,
  StorageClass,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export const EVIDENCE_BUCKET_LOGICAL_ID = 'EvidenceBucket';

/**
 * The object tag the archive step writes on each photo (and preview) of a household it archives:
 * `anju-archived=true`. The lifecycle rule keyed on it moves those objects to Glacier Instant
 * Retrieval; objects of households still in progress stay in S3 Standard.
 */
export const ARCHIVED_TAG = { key: 'anju-archived', value: 'true' } as const;

export interface EvidenceBucketProps {
  /**
   * Origins allowed to upload photos straight from the browser with presigned PUT requests.
   * @default ['*']: the presigned URL itself is the authorization; narrow it to the console's domain
   */
  readonly uploadOrigins?: readonly string[];
  /** @default RETAIN: evidence outlives the stack */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Age (days since upload) from which a photo tagged `ARCHIVED_TAG` is moved to Glacier Instant
   * Retrieval: an archived household's photos move at the first lifecycle run after the archive
   * step tags them, once they are this old. They stay readable in milliseconds.
   * @default 30
   */
  readonly archiveToGlacierDays?: number;
  /**
   * Object lock in governance mode with this default retention in days: no one deletes or
   * overwrites a version before it ends, unless granted s3:BypassGovernanceRetention. Can only be
   * chosen when the bucket is created (docs/deploy.md).
   * @default no object lock
   */
  readonly objectLockDays?: number;
}

/**
 * Photos of houses before, during and after renovation. Private, encrypted, TLS only, versioned so
 * an object is never silently overwritten; optionally under object lock (governance mode); the
 * photos of archived households move to Glacier Instant Retrieval.
 */
export class EvidenceBucket extends Construct {
  public readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: EvidenceBucketProps = {}) {
    super(scope, id);
    const archiveToGlacier = Duration.days(props.archiveToGlacierDays ?? 30);
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      ...(props.objectLockDays === undefined
        ? {}
        : { objectLockDefaultRetention: ObjectLockRetention.governance(Duration.days(props.objectLockDays)) }),
      cors: [
        {
          allowedMethods: [HttpMethods.PUT],
          allowedOrigins: [...(props.uploadOrigins ?? ['*'])],
          allowedHeaders: ['*'],
          exposedHeaders: ['ETag'],
          maxAge: Duration.hours(1).toSeconds(),
        },
      ],
      lifecycleRules: [
        { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        {
          id: 'ArchivedToGlacierInstantRetrieval',
          tagFilters: { [ARCHIVED_TAG.key]: ARCHIVED_TAG.value },
          transitions: [{ storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: archiveToGlacier }],
          noncurrentVersionTransitions: [
            { storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: archiveToGlacier },
          ],
        },
      ],
    });
    const cfn = this.bucket.node.defaultChild;
    if (CfnResource.isCfnResource(cfn)) cfn.overrideLogicalId(EVIDENCE_BUCKET_LOGICAL_ID);
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Server access logs would need a second bucket per stack; object-level access to evidence is audited with CloudTrail data events and every photo is recorded with its SHA-256 in the household audit trail.',
    });
  }

  /**
   * Lets the archive step tag a household's photos `ARCHIVED_TAG` (read first, so other tags are
   * kept): the tag, not a move, is what sends them to Glacier Instant Retrieval.
   */
  grantArchiveTagging(grantee: IGrantable): void {
    Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObjectTagging', 's3:PutObjectTagging'],
      resourceArns: [this.bucket.arnForObjects('*')],
    });
  }
}
