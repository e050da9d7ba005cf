import { type App, Stack, Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { AnjuStack } from '../../infra/anju-stack';
import { CHINA_CONTEXT, CONSOLE_FIXTURE, type Context, GLOBAL_CONTEXT, newApp } from './synth';

const VARIANTS: [string, Context][] = [
  ['the default stage', {}],
  ['a global stage with every option', { ...GLOBAL_CONTEXT, mfa: 'required' }],
  ['the China stage', { ...CHINA_CONTEXT, consoleDomain: 'anju.example.gov.cn', consoleCertificate: 'ASCAEXAMPLE' }],
];

function acknowledgementsOf(app: App): [string, string][] {
  return app.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
    .flatMap((m) => Object.entries(m.data as Record<string, string>));
}

describe('cdk-nag AwsSolutions', () => {
  /** Rules acknowledged in each variant, filled by the first test of each. */
  const acknowledged = new Map<string, string[]>();

  it.each(VARIANTS)('finds nothing in %s that the infra code has not acknowledged with a reason', (name, context) => {
    const app = newApp(context);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    new AnjuStack(app, undefined, { consoleDist: CONSOLE_FIXTURE });

    // The same checks run directly first, so a failure names each rule and resource.
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const errors = report.violations
      .filter((v) => v.severity === 'error')
      .map((v) => `${v.ruleName} on ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(errors).toEqual([]);
    // The plugin registered on the app fails synthesis on any violation.
    expect(() => app.synth()).not.toThrow();

    // Every acknowledgement says why.
    const acknowledgements = acknowledgementsOf(app);
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const [rule, reason] of acknowledgements) expect(reason.length, rule).toBeGreaterThan(40);
    acknowledged.set(
      name,
      acknowledgements.map(([rule]) => rule.replace(/^Annotation::/, '')),
    );
  });

  it('acknowledges optional MFA and the missing origin access control only where they apply', () => {
    const [defaults, everyOption, china] = VARIANTS.map(([name]) => acknowledged.get(name) ?? []);
    expect(defaults).toContain('AwsSolutions-COG2');
    expect(defaults).not.toContain('AwsSolutions-CFR7');
    // The global stage with every option sets -c mfa=required.
    expect(everyOption).not.toContain('AwsSolutions-COG2');
    expect(china).toContain('AwsSolutions-CFR7');
  });

  it('reports a resource that breaks a rule (the checks are live)', () => {
    const app = newApp();
    new Bucket(new Stack(app, 'Plain'), 'PlainBucket');

    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).toEqual(
      expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']),
    );
  });
});
