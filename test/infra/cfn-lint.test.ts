import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHINA_CONTEXT, type Context, synthesize } from './synth';

const INSTALL =
  'cfn-lint is missing: install it with `pip install cfn-lint` (Python 3.9 or later) to lint the templates.';
const available = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;
if (!available && !process.env.CI) process.stderr.write(`${INSTALL}\n`);

type Finding = { Level: string; Rule: { Id: string }; Message: string; Location: { Path: (string | number)[] } };

/** cfn-lint's findings for the template synthesized with `context`, checked against `regions`. */
function lint(context: Context, regions: readonly string[]): Finding[] {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'anju-lint-')), 'AnjuStack.template.json');
  writeFileSync(file, JSON.stringify(synthesize(context).template.toJSON()));
  const result = spawnSync('cfn-lint', ['--format', 'json', '--regions', ...regions, '--', file], { encoding: 'utf8' });
  if (result.error) throw result.error;
  return JSON.parse(result.stdout || '[]') as Finding[];
}

const errorsOf = (findings: Finding[]) =>
  findings
    .filter((finding) => finding.Level === 'Error')
    .map((finding) => `${finding.Rule.Id} ${finding.Location.Path.join('/')}: ${finding.Message}`);

describe('cfn-lint', () => {
  // Outside CI a machine without cfn-lint skips these (the sentence above says how to install it);
  // in CI (CI set) they run and fail, so the templates are always linted there.
  const run = available || process.env.CI ? it : it.skip;

  run(
    'finds no error in the default template for a global region, and what aws-cn lacks for China (the lint is live)',
    () => {
      if (!available) throw new Error(INSTALL);
      const errors = errorsOf(lint({}, ['us-east-1', 'cn-north-1']));
      const chinaOnly = (error: string) => error.startsWith('E3006 ') && error.includes("in 'cn-north-1'");
      expect(errors.filter((error) => !chinaOnly(error))).toEqual([]);
      expect(errors.some((error) => error.includes("'AWS::Cognito::UserPool' does not exist"))).toBe(true);
      expect(errors.some((error) => error.includes("'AWS::CloudFront::OriginAccessControl' does not exist"))).toBe(
        true,
      );
    },
  );

  run('finds no error in the China stage, with object lock and the console on its own domain', () => {
    if (!available) throw new Error(INSTALL);
    const context = {
      ...CHINA_CONTEXT,
      objectLockDays: '3650',
      consoleDomain: 'anju.example.gov.cn',
      consoleCertificate: 'ASCAEXAMPLECERTIFICATEID',
    };
    expect(errorsOf(lint(context, ['cn-north-1', 'cn-northwest-1']))).toEqual([]);
  });
});
