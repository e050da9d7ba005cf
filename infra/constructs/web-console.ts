import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CfnElement, Stack, Token, Validations } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  type CfnDistribution,
  Distribution,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The console's built files, written by `npm run build:console` (scripts/ensure-console.mjs). */
export const CONSOLE_DIST = path.join(PROJECT_ROOT, 'console', 'dist');

/**
 * What the console reads from `/config.json` on AWS (locally: `{ apiUrl: "", auth: "local" }`).
 * Values may be CDK tokens: they are resolved at deployment.
 */
export type ConsoleConfig =
  | {
      /** The HTTP API's endpoint, without a trailing slash. */
      readonly apiUrl: string;
      readonly auth: 'cognito';
      readonly cognito: {
        /** The hosted UI's base URL, `https://<prefix>.auth.<region>.amazoncognito.com`. */
        readonly domain: string;
        readonly clientId: string;
        readonly region: string;
        /** Where the hosted UI returns with the authorization code: the console's URL. */
        readonly redirectUri: string;
      };
    }
  | {
      readonly apiUrl: string;
      readonly auth: 'oidc';
      /** Sign-in with authorization code + PKCE, endpoints from the issuer's discovery document. */
      readonly oidc: {
        readonly issuer: string;
        readonly clientId: string;
        readonly redirectUri: string;
        readonly scopes: readonly string[];
      };
    };

export interface WebConsoleProps {
  /**
   * Folder of the built console.
   * @default console/dist of this repository
   */
  readonly distPath?: string;
  /**
   * True in AWS China, where CloudFront has no origin access control (an origin access identity
   * reads the bucket instead), no HTTP/3 and serves nothing on its own `*.cloudfront.cn` domain.
   * @default false
   */
  readonly china?: boolean;
  /**
   * The console's own domain, e.g. `anju.example.gov.cn`: in China it needs an ICP filing (备案)
   * and is the only way the console is reachable (docs/deploy.md).
   * @default the distribution's domain
   */
  readonly domainName?: string;
  /** For `domainName`: an ACM certificate ARN in us-east-1, or in China an IAM server certificate id. */
  readonly certificate?: string;
}

/**
 * The staff console on AWS: a private bucket (encrypted, TLS only, no public access) read by a
 * CloudFront distribution, through origin access control in global regions and an origin access
 * identity in China, `index.html` as the root object, compressed responses. Client routes live in
 * the URL hash, so no error-page rewriting is needed. `publish` deploys the build and its
 * `config.json` together (one deployment, so neither prunes the other).
 */
export class WebConsole extends Construct {
  public readonly bucket: Bucket;
  public readonly distribution: Distribution;
  /** `https://<console domain or distribution domain>`, the console's origin (no trailing slash). */
  public readonly url: string;
  private readonly distPath: string;
  private deployment?: BucketDeployment;

  constructor(scope: Construct, id: string, props: WebConsoleProps = {}) {
    super(scope, id);
    this.distPath = props.distPath ?? CONSOLE_DIST;
    if (!existsSync(path.join(this.distPath, 'index.html'))) {
      throw new Error(`The console is not built (${this.distPath} has no index.html): run \`npm run build:console\`.`);
    }
    const china = props.china ?? false;

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    });
    const ownDomain =
      props.domainName !== undefined && props.certificate !== undefined && !china
        ? {
            domainNames: [props.domainName],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', props.certificate),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {};
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Anju staff console',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: china
          ? S3BucketOrigin.withOriginAccessIdentity(this.bucket)
          : S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
        compress: true,
      },
      httpVersion: china ? HttpVersion.HTTP2 : HttpVersion.HTTP2_AND_3,
      // Staff are in one country; outside China the cheapest class that still serves Asia from nearby
      // edges. CloudFront in China has its own edges and no price classes.
      ...(china ? {} : { priceClass: PriceClass.PRICE_CLASS_200 }),
      ...ownDomain,
    });
    if (china && props.domainName !== undefined && props.certificate !== undefined) {
      // CloudFront in China takes no ACM certificate: the certificate is uploaded to IAM and named by its id.
      const cfn = this.distribution.node.defaultChild as CfnDistribution;
      cfn.addPropertyOverride('DistributionConfig.Aliases', [props.domainName]);
      cfn.addPropertyOverride('DistributionConfig.ViewerCertificate', {
        IamCertificateId: props.certificate,
        SslSupportMethod: 'sni-only',
        MinimumProtocolVersion: 'TLSv1.2_2021',
      });
    }
    this.url = `https://${props.domainName ?? this.distribution.distributionDomainName}`;

    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds only the public build of the console; CloudFront is the only reader (origin access control, or identity in China).',
    });
    const distribution = Validations.of(this.distribution);
    distribution.acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'No geo restriction: staff sign in from wherever they work and every API call needs a token.',
    });
    distribution.acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'The distribution serves static files only; the API behind the JWT authorizer is rate limited on its stage.',
    });
    distribution.acknowledge({
      id: 'AwsSolutions-CFR3',
      reason: 'Access logs of public static files are not needed; API calls are logged by the HTTP API stage.',
    });
    if (china && props.domainName !== undefined) {
      distribution.acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'The IAM server certificate of the console domain is set with TLSv1.2_2021 by a property override, which cdk-nag does not read.',
      });
    } else if (props.domainName === undefined) {
      distribution.acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'The default CloudFront certificate cannot pin TLS 1.2; -c consoleDomain with its certificate lifts this (docs/deploy.md).',
      });
    }
    if (china) {
      distribution.acknowledge({
        id: 'AwsSolutions-CFR7',
        reason: 'CloudFront in AWS China has no origin access control; an origin access identity is the only reader.',
      });
    }
  }

  /** Deploys the built console and its `config.json` (API endpoint, how staff sign in). */
  publish(config: ConsoleConfig): BucketDeployment {
    if (this.deployment) throw new Error('The console is already published: call publish() once.');
    this.deployment = new BucketDeployment(this, 'Deployment', {
      sources: [
        Source.asset(this.distPath),
        // jsonData resolves CDK tokens (API id, client id, distribution domain) at deployment.
        Source.jsonData('config.json', config),
      ],
      destinationBucket: this.bucket,
      // Old hashed assets stay: a browser holding the previous index.html can still load its chunks.
      prune: false,
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
      memoryLimit: 512,
    });
    // CDK's deployment function (a singleton at stack level): acknowledged where it lives.
    const deployer = this.deployment.handlerRole.node.scope;
    // cdk-nag prints the staging bucket with the stack's region, or `<AWS::Region>` when it has none.
    const stackRegion = Stack.of(this).region;
    const region = Token.isUnresolved(stackRegion) ? '<AWS::Region>' : stackRegion;
    if (deployer) {
      const validations = Validations.of(deployer);
      validations.acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: "CDK's deployment function only writes its own logs with the AWS managed basic execution policy.",
      });
      validations.acknowledge({
        id: 'AwsSolutions-L1',
        reason: "The runtime of CDK's BucketDeployment function is chosen by aws-cdk-lib and moves with its upgrades.",
      });
      const reason =
        "CDK's BucketDeployment copies every key of the staged asset into the console bucket and invalidates the distribution: object wildcards by design.";
      for (const finding of [
        'Action::s3:GetObject*',
        'Action::s3:GetBucket*',
        'Action::s3:List*',
        'Action::s3:DeleteObject*',
        'Action::s3:Abort*',
        `Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-${region}/*`,
        `Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnElement)}.Arn>/*`,
        'Resource::*',
      ]) {
        validations.acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
      }
    }
    return this.deployment;
  }
}
