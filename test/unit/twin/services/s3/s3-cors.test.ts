import { describe, expect, it } from 'vitest';
import type { CfnTemplate } from '../../../../../twin/assembly/cfn-types';
import { bucketsFromTemplate } from '../../../../../twin/services/s3/s3';

const consoleUrl = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': ['ConsoleDistribution022D3262', 'DomainName'] }]] };

// Shaped like the synthesized stack: evidence uploads allowed from the console's CloudFront origin.
const template: CfnTemplate = {
  Resources: {
    ConsoleDistribution022D3262: { Type: 'AWS::CloudFront::Distribution', Properties: {} },
    ConsoleBucket86B6957C: { Type: 'AWS::S3::Bucket', Properties: {} },
    EvidenceBucket: {
      Type: 'AWS::S3::Bucket',
      Properties: {
        CorsConfiguration: {
          CorsRules: [
            {
              AllowedMethods: ['PUT'],
              AllowedOrigins: [consoleUrl, { Ref: 'SomethingElse' }],
              AllowedHeaders: ['*'],
              ExposedHeaders: ['ETag'],
              MaxAge: 3600,
            },
          ],
        },
      },
    },
  },
};

describe('bucketsFromTemplate and the console origin', () => {
  it("allows the local console's origins where the template allows the CloudFront distribution", () => {
    const buckets = bucketsFromTemplate(template, (id) => id.toLowerCase(), [
      'http://127.0.0.1:3000',
      'http://localhost:3000',
    ]);

    expect(buckets.find((b) => b.logicalId === 'EvidenceBucket')?.cors).toEqual([
      {
        AllowedMethods: ['PUT'],
        AllowedOrigins: ['http://127.0.0.1:3000', 'http://localhost:3000'],
        AllowedHeaders: ['*'],
        ExposedHeaders: ['ETag'],
        MaxAge: 3600,
      },
    ]);
    expect(buckets.find((b) => b.logicalId === 'ConsoleBucket86B6957C')?.cors).toBeUndefined();
  });

  it('drops a rule whose only origins are intrinsics it cannot map (no console origin given)', () => {
    const buckets = bucketsFromTemplate(template, (id) => id.toLowerCase());
    expect(buckets.find((b) => b.logicalId === 'EvidenceBucket')?.cors).toBeUndefined();
  });
});
