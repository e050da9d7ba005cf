// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are ASL definition substitutions
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../infra/config';
import { CHINA_CONTEXT, resourcesOf, synthesize } from './synth';

// cdk synth -c region=cn-northwest-1 -c stage=prod -c oidcIssuer=... -c oidcAudience=...
const { app, stack, template } = synthesize(CHINA_CONTEXT);

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(path.join(folder, entry.name)) : [path.join(folder, entry.name)],
  );
}
const json = JSON.stringify(template.toJSON());

describe('the China variant (aws-cn)', () => {
  it('is the stack anju-prod in cn-northwest-1', () => {
    expect(stack.stackName).toBe('anju-prod');
    expect(stack.region).toBe('cn-northwest-1');
  });

  it('has no Cognito resource and no CloudFront origin access control, which aws-cn lacks', () => {
    const types = new Set(
      Object.values(template.toJSON().Resources as Record<string, { Type: string }>).map((r) => r.Type),
    );
    expect([...types].filter((type) => type.startsWith('AWS::Cognito::'))).toEqual([]);
    expect(types.has('AWS::CloudFront::OriginAccessControl')).toBe(false);
    expect(json).not.toMatch(/cognito/i);
  });

  it('reads the console bucket through an origin access identity, compressed, over HTTP/2', () => {
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 1);
    const oai = Object.keys(resourcesOf(template, 'AWS::CloudFront::CloudFrontOriginAccessIdentity'))[0];
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        HttpVersion: 'http2',
        PriceClass: Match.absent(),
        DefaultCacheBehavior: Match.objectLike({ Compress: true, ViewerProtocolPolicy: 'redirect-to-https' }),
        Origins: [
          Match.objectLike({
            S3OriginConfig: {
              OriginAccessIdentity: { 'Fn::Join': ['', ['origin-access-identity/cloudfront/', { Ref: oai }]] },
            },
          }),
        ],
      }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Principal: { CanonicalUser: { 'Fn::GetAtt': [oai, 'S3CanonicalUserId'] } },
          }),
        ]),
      },
    });
  });

  it('checks tokens of the OpenID Connect issuer named by context at the JWT authorizer', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: CHINA_CONTEXT.oidcIssuer, Audience: [CHINA_CONTEXT.oidcAudience] },
    });
    const authorizerIds = Object.keys(resourcesOf(template, 'AWS::ApiGatewayV2::Authorizer'));
    const jwtRoutes = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route')).filter(
      (route) => route.Properties?.AuthorizationType === 'JWT',
    );
    expect(jwtRoutes.length).toBeGreaterThan(10);
    for (const route of jwtRoutes) expect(route.Properties?.AuthorizerId).toEqual({ Ref: authorizerIds[0] });
  });

  it('tells every function that identity comes from OpenID Connect', () => {
    for (const fn of Object.values(resourcesOf(template, 'AWS::Lambda::Function'))) {
      if (!String(fn.Properties?.Runtime).startsWith('nodejs')) continue;
      const variables = (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
      expect(variables).toMatchObject({ IDENTITY_MODE: 'oidc', POWERTOOLS_SERVICE_NAME: 'anju-prod' });
    }
  });

  it('publishes the console configuration for sign-in with the issuer (authorization code + PKCE)', () => {
    const configs = filesUnder(app.outdir).filter((file) => path.basename(file) === 'config.json');
    expect(configs).toHaveLength(1);
    const config = JSON.parse(readFileSync(configs[0] ?? '', 'utf8'));
    expect(config).toEqual({
      apiUrl: expect.stringMatching(/^<<marker:/),
      auth: 'oidc',
      oidc: {
        issuer: CHINA_CONTEXT.oidcIssuer,
        clientId: CHINA_CONTEXT.oidcAudience,
        redirectUri: expect.stringMatching(/^https:\/\/<<marker:/),
        scopes: ['openid', 'profile'],
      },
    });
  });

  it('builds every ARN from the partition: no ARN is written out', () => {
    expect(json).not.toContain('arn:aws:');
    expect(json).not.toContain('arn:aws-cn:');
    const definition = resourcesOf(template, 'AWS::StepFunctions::StateMachine').RenovationWorkflow?.Properties;
    expect(definition?.DefinitionSubstitutions).toMatchObject({
      LambdaInvoke: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:::lambda:invoke']] },
    });
    expect(String(definition?.DefinitionString)).toContain('"Resource":"${LambdaInvoke}"');
  });

  it('refuses to synthesize a China stage without an OpenID Connect issuer, in one sentence', () => {
    const { oidcIssuer: _issuer, oidcAudience: _audience, ...withoutIssuer } = CHINA_CONTEXT;
    for (const region of ['cn-north-1', 'cn-northwest-1']) {
      let error: unknown;
      try {
        synthesize({ ...withoutIssuer, region });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigurationError);
      const message = (error as Error).message;
      expect(message).toContain(region);
      expect(message).toContain('-c oidcIssuer=');
      expect(message).toContain('-c oidcAudience=');
      expect(message.trim().split(/(?<=[.!?])\s+(?=[A-Z])/)).toHaveLength(1);
    }
  });
});
