import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AnjuStack } from '../../infra/anju-stack';

/** A stand-in for `console/dist`, so infrastructure tests need no console build. */
export const CONSOLE_FIXTURE = fileURLToPath(new URL('../fixtures/console-dist', import.meta.url));

/**
 * Synthesizes the stack in-process without bundling (no esbuild run, seconds not minutes), into a
 * fresh folder under the OS temp dir so parallel test files do not share a cloud assembly.
 */
export function synthesize(configure?: (app: App) => void): { app: App; stack: AnjuStack; template: Template } {
  const app = new App({
    outdir: mkdtempSync(path.join(tmpdir(), 'anju-cdk-')),
    context: { 'aws:cdk:bundling-stacks': [] },
  });
  configure?.(app);
  const stack = new AnjuStack(app, undefined, { consoleDist: CONSOLE_FIXTURE });
  return { app, stack, template: Template.fromStack(stack) };
}

export type Resource = { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> };

export function resourcesOf(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}
