import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Node } from 'constructs';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, readDeploymentConfig } from '../../infra/config';
import { resourcesOf, synthesize } from './synth';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Reads a configuration from context as `cdk synth -c key=value` would give it. */
function configOf(context: Record<string, unknown>) {
  return readDeploymentConfig(Node.of(new App({ context })));
}

/**
 * The names a stack sets itself that must be unique in an account and region (every other
 * physical name is generated from the stack name by CloudFormation).
 */
const ACCOUNT_WIDE_NAMES: Record<string, (properties: Record<string, unknown>) => unknown> = {
  'AWS::StepFunctions::StateMachine': (p) => p.StateMachineName,
  'AWS::ApiGatewayV2::Api': (p) => p.Name,
  'AWS::CloudWatch::Dashboard': (p) => p.DashboardName,
  'AWS::Backup::BackupVault': (p) => p.BackupVaultName,
  'AWS::Backup::BackupPlan': (p) => (p.BackupPlan as { BackupPlanName?: string }).BackupPlanName,
};

/** One synthesis per context in this file: each costs seconds. */
const synthesized = new Map<string, ReturnType<typeof synthesize>>();
function synthOnce(context: Record<string, unknown>): ReturnType<typeof synthesize> {
  const key = JSON.stringify(context);
  const found = synthesized.get(key) ?? synthesize(context);
  synthesized.set(key, found);
  return found;
}

function physicalNames(context: Record<string, unknown>): string[] {
  const { template } = synthOnce(context);
  const resources = Object.values(template.toJSON().Resources as Record<string, { Type: string; Properties?: object }>);
  return resources.flatMap((resource) => {
    const name = ACCOUNT_WIDE_NAMES[resource.Type]?.((resource.Properties ?? {}) as Record<string, unknown>);
    return name === undefined ? [] : [String(name)];
  });
}

describe('stages', () => {
  it('name the stack and every physical name after the stage, so two stages deploy side by side', () => {
    const dev = physicalNames({});
    const prod = physicalNames({ stage: 'prod' });
    expect(dev.sort()).toEqual(
      ['anju-dev', 'anju-dev', 'anju-dev-RenovationWorkflow', 'anju-dev-backups', 'anju-dev-table'].sort(),
    );
    for (const name of dev) expect(name, name).toMatch(/anju-dev/);
    for (const name of prod) expect(name, name).toMatch(/anju-prod/);
    expect(dev.filter((name) => prod.includes(name))).toEqual([]);
  });

  it('keep the stack id (and so cdk.out/AnjuStack.template.json) whatever the stage', () => {
    const { stack } = synthOnce({ stage: 'prod' });
    expect(stack.artifactId).toBe('AnjuStack');
    expect(stack.templateFile).toBe('AnjuStack.template.json');
    expect(stack.stackName).toBe('anju-prod');
  });

  it('synthesize an environment-agnostic template by default, and a regional one with -c region', () => {
    expect(synthOnce({}).stack.region).toEqual(expect.stringContaining('${Token'));
    const { stack, template } = synthOnce({ region: 'eu-central-1' });
    expect(stack.region).toBe('eu-central-1');
    expect(Object.keys(resourcesOf(template, 'AWS::Cognito::UserPool'))).toEqual(['UserPool']);
  });

  it('refuse a stage name that cannot name resources', () => {
    for (const stage of ['Prod', 'prod_1', '1prod', 'prod-', 'a-very-long-stage-name']) {
      expect(() => configOf({ stage }), stage).toThrow(ConfigurationError);
    }
    expect(configOf({ stage: 'test-2' }).stage).toBe('test-2');
  });

  it('read per-stage settings from the stages context, overridden by -c', () => {
    const stages = { prod: { logRetentionDays: 1827, backupRetentionYears: 30 } };
    expect(configOf({ stage: 'prod', stages })).toMatchObject({ logRetention: 1827, backupRetentionYears: 30 });
    expect(configOf({ stage: 'prod', stages, logRetentionDays: '3653' }).logRetention).toBe(3653);
    expect(configOf({ stage: 'dev', stages }).logRetention).toBe(365);
  });

  it('refuse settings CloudWatch, S3 or OpenID Connect cannot take', () => {
    expect(() => configOf({ logRetentionDays: '100' })).toThrow(/choose one of/);
    expect(() => configOf({ backupRetentionYears: '0' })).toThrow(/at least 1/);
    expect(() => configOf({ oidcIssuer: 'https://id.example.org/' })).toThrow(/oidcAudience/);
    expect(() => configOf({ oidcIssuer: 'http://id.example.org', oidcAudience: 'x' })).toThrow(/https/);
    expect(() => configOf({ alarmEmail: 'not-an-address' })).toThrow(/e-mail/);
    expect(() => configOf({ consoleDomain: 'anju.example.gov.cn' })).toThrow(/certificate/);
  });

  it('make the CDK app stop with the one sentence when a China stage has no issuer', () => {
    const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['infra/app.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        CDK_CONTEXT_JSON: JSON.stringify({ region: 'cn-north-1', 'aws:cdk:bundling-stacks': [] }),
        CDK_OUTDIR: mkdtempSync(path.join(tmpdir(), 'anju-app-')),
      },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'AWS China (cn-north-1) has no Cognito user pools, so staff sign in with your OpenID Connect issuer: pass -c oidcIssuer=https://... -c oidcAudience=<client id>.',
    );
  });
});
