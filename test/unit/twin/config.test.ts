import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../twin/config';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({}, '/repo')).toEqual({
      port: 3000,
      dataDir: path.resolve('/repo', '.anju'),
      fastWaits: false,
      log: 'info',
      demoHouseholds: 0,
      faults: { seed: 1, rules: [] },
      executionMaxSeconds: undefined,
      templateFile: undefined,
    });
  });

  it('reads PORT, ANJU_DATA_DIR, ANJU_FAST_WAITS and ANJU_LOG', () => {
    expect(
      loadConfig({ PORT: '0', ANJU_DATA_DIR: '/tmp/x', ANJU_FAST_WAITS: '1', ANJU_LOG: 'quiet' }, '/repo'),
    ).toEqual({
      port: 0,
      dataDir: '/tmp/x',
      fastWaits: true,
      log: 'quiet',
      demoHouseholds: 0,
      faults: { seed: 1, rules: [] },
      executionMaxSeconds: undefined,
      templateFile: undefined,
    });
  });

  it('reads the twin settings: faults, the execution time limit and a template to run instead', () => {
    const config = loadConfig(
      { ANJU_FAULTS: 'seed=9;dynamodb:*=0.02', ANJU_EXECUTION_MAX_SECONDS: '30', ANJU_TEMPLATE: 'tmp/t.json' },
      '/repo',
    );
    expect(config.faults).toEqual({
      seed: 9,
      rules: [{ service: 'dynamodb', operation: '*', phase: 'before', rate: 0.02 }],
    });
    expect(config.executionMaxSeconds).toBe(30);
    expect(config.templateFile).toBe(path.resolve('/repo', 'tmp/t.json'));
    expect(() => loadConfig({ ANJU_FAULTS: 'dynamodb:PutItem=2' })).toThrow(ConfigError);
    expect(() => loadConfig({ ANJU_FAULTS: 'dynamodb:PutItem=2' })).toThrow(
      /^ANJU_FAULTS: the rate of dynamodb:PutItem/,
    );
    expect(() => loadConfig({ ANJU_EXECUTION_MAX_SECONDS: '0' })).toThrow(/whole number of seconds from 1/);
  });

  it('loads the demo county with ANJU_DEMO=1, all 600 households unless ANJU_DEMO_HOUSEHOLDS says fewer', () => {
    expect(loadConfig({ ANJU_DEMO: '1' }, '/repo').demoHouseholds).toBe(600);
    expect(loadConfig({ ANJU_DEMO: '1', ANJU_DEMO_HOUSEHOLDS: '40' }, '/repo').demoHouseholds).toBe(40);
    expect(loadConfig({ ANJU_DEMO_HOUSEHOLDS: '40' }, '/repo').demoHouseholds).toBe(0);
    expect(() => loadConfig({ ANJU_DEMO: '1', ANJU_DEMO_HOUSEHOLDS: '601' })).toThrow(/from 1 to 600/);
    expect(() => loadConfig({ ANJU_DEMO: 'yes' })).toThrow(/ANJU_DEMO must be 1 or 0/);
  });

  it('names the bad variable in one sentence', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT must be a number from 0 to 65535/);
    expect(() => loadConfig({ ANJU_LOG: 'loud' })).toThrow(/ANJU_LOG must be quiet or info/);
    expect(() => loadConfig({ ANJU_FAST_WAITS: 'yes' })).toThrow(/ANJU_FAST_WAITS must be 1 or 0/);
  });
});
