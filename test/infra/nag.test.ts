import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { AnjuStack } from '../../infra/anju-stack';
import { CONSOLE_FIXTURE } from './synth';

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing that the infra code has not acknowledged with a reason', () => {
    const app = new App({
      outdir: mkdtempSync(path.join(tmpdir(), 'anju-nag-')),
      context: { 'aws:cdk:bundling-stacks': [] },
    });
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
  });

  it('gives a reason for every acknowledgement', () => {
    const app = new App({
      outdir: mkdtempSync(path.join(tmpdir(), 'anju-nag-')),
      context: { 'aws:cdk:bundling-stacks': [] },
    });
    new AnjuStack(app, undefined, { consoleDist: CONSOLE_FIXTURE });
    const acknowledgements = app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));

    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const [rule, reason] of acknowledgements) expect(reason.length, rule).toBeGreaterThan(20);
  });

  it('reports a resource that breaks a rule (the checks are live)', () => {
    const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'anju-nag-')) });
    new Bucket(new Stack(app, 'Plain'), 'PlainBucket');

    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).toEqual(
      expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']),
    );
  });
});
