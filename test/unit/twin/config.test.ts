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
    });
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
