import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { WebConsole } from '../../infra/constructs/web-console';
import { CHINA_CONTEXT, resourcesOf, synthesize } from './synth';

const { template } = synthesize();

const logicalIdOf = (type: string, match: (id: string) => boolean = () => true): string => {
  const id = Object.keys(resourcesOf(template, type)).find(match);
  if (!id) throw new Error(`no ${type} in the template`);
  return id;
};
const distribution = logicalIdOf('AWS::CloudFront::Distribution');
const consoleBucket = logicalIdOf('AWS::S3::Bucket', (id) => id.startsWith('ConsoleBucket'));
const consoleUrl = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution, 'DomainName'] }]] };

describe('the web console construct', () => {
  it('keeps the console in a private, encrypted, TLS-only bucket', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: Match.objectLike({}),
      CorsConfiguration: Match.absent(),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: consoleBucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
          }),
        ]),
      },
    });
  });

  it('serves it through CloudFront with origin access control (global regions), HTTPS and index.html at the root', () => {
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          AllowedMethods: ['GET', 'HEAD'],
        }),
        Origins: [
          Match.objectLike({
            DomainName: { 'Fn::GetAtt': [consoleBucket, 'RegionalDomainName'] },
            OriginAccessControlId: Match.objectLike({ 'Fn::GetAtt': Match.anyValue() }),
          }),
        ],
      }),
    });
  });

  it('deploys the build and a config.json naming the API and the hosted UI, then invalidates both entry files', () => {
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: consoleBucket },
      DistributionId: { Ref: distribution },
      DistributionPaths: ['/index.html', '/config.json'],
      Prune: false,
      SourceObjectKeys: Match.arrayWith([Match.stringLikeRegexp('\\.zip$')]),
      SourceMarkers: Match.arrayWith([
        Match.objectLike({
          '<<marker:0xbaba:0>>': { 'Fn::GetAtt': ['Api', 'ApiEndpoint'] },
          '<<marker:0xbaba:3>>': { Ref: Match.stringLikeRegexp('^ApiUserPoolConsoleClient') },
          '<<marker:0xbaba:5>>': { 'Fn::GetAtt': [distribution, 'DomainName'] },
        }),
      ]),
    });
  });

  it('lets the hosted UI sign staff in with the authorization code grant back to the console', () => {
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: Match.arrayWith(['openid']),
      CallbackURLs: [consoleUrl],
      LogoutURLs: [consoleUrl],
      SupportedIdentityProviders: ['COGNITO'],
    });
  });

  it('allows the console origin, and only it, on the API and for browser uploads to the evidence bucket', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: [consoleUrl] }),
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedMethods: ['PUT'], AllowedOrigins: [consoleUrl] })] },
    });
  });

  it('compresses what it serves', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ DefaultCacheBehavior: Match.objectLike({ Compress: true }) }),
    });
  });

  it('serves the console on its own domain with -c consoleDomain and an ACM certificate', () => {
    const certificate = 'arn:aws:acm:us-east-1:111122223333:certificate/0f1e2d3c-example';
    const own = synthesize({ consoleDomain: 'anju.example.org', consoleCertificate: certificate }).template;
    own.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['anju.example.org'],
        ViewerCertificate: {
          AcmCertificateArn: certificate,
          MinimumProtocolVersion: 'TLSv1.2_2021',
          SslSupportMethod: 'sni-only',
        },
      }),
    });
    own.hasOutput('ConsoleUrl', { Value: 'https://anju.example.org' });
    own.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://anju.example.org'] }),
    });
  });

  it('in China, serves it on the ICP-filed domain with the IAM server certificate (CloudFront there takes no ACM)', () => {
    const china = synthesize({
      ...CHINA_CONTEXT,
      consoleDomain: 'anju.example.gov.cn',
      consoleCertificate: 'ASCAEXAMPLECERTIFICATEID',
    }).template;
    china.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['anju.example.gov.cn'],
        ViewerCertificate: {
          IamCertificateId: 'ASCAEXAMPLECERTIFICATEID',
          MinimumProtocolVersion: 'TLSv1.2_2021',
          SslSupportMethod: 'sni-only',
        },
      }),
    });
    china.hasOutput('ConsoleUrl', { Value: 'https://anju.example.gov.cn' });
  });

  it('outputs the console URL', () => {
    template.hasOutput('ConsoleUrl', { Value: consoleUrl });
  });

  it('refuses to synthesize without a built console, saying how to build it', () => {
    const stack = new Stack(new App(), 'NoBuild');
    expect(() => new WebConsole(stack, 'Console', { distPath: '/nonexistent/dist' })).toThrow(/npm run build:console/);
  });
});
