import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AnjuStack } from '../../infra/anju-stack';

/** A stand-in for `console/dist`, so infrastructure tests need no console build. */
export const CONSOLE_FIXTURE = fileURLToPath(new URL('../fixtures/console-dist', import.meta.url));

/** The context of a China stage as docs/deploy.md deploys it (the issuer is a made-up Keycloak realm). */
export const CHINA_CONTEXT = {
  stage: 'prod',
  region: 'cn-northwest-1',
  oidcIssuer: 'https://id.example.gov.cn/realms/anju',
  oidcAudience: 'anju-console',
  alarmEmail: 'it-office@example.gov.cn',
} as const;

/** A test stage beside the default one in a global region, with the options a province might set. */
export const GLOBAL_CONTEXT = {
  stage: 'test',
  region: 'ap-southeast-1',
  alarmEmail: 'ops@example.org',
  logRetentionDays: '731',
  backupRetentionYears: '30',
  archiveToGlacierDays: '60',
  objectLockDays: '3650',
} as const;

export type Context = Readonly<Record<string, unknown>>;

/** A fresh App writing under the OS temp dir, so parallel test files do not share a cloud assembly. */
export function newApp(context: Context = {}): App {
  return new App({
    outdir: mkdtempSync(path.join(tmpdir(), 'anju-cdk-')),
    // No esbuild run: seconds, not minutes.
    context: { 'aws:cdk:bundling-stacks': [], ...context },
  });
}

/** Synthesizes the stack in-process without bundling, with the given CDK context (`-c key=value`). */
export function synthesize(context: Context = {}): { app: App; stack: AnjuStack; template: Template } {
  const app = newApp(context);
  const stack = new AnjuStack(app, undefined, { consoleDist: CONSOLE_FIXTURE });
  return { app, stack, template: Template.fromStack(stack) };
}

export type Resource = {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};

export function resourcesOf(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}
