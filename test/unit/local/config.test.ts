import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../local/config';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({}, '/repo')).toEqual({
      port: 3000,
      dataDir: path.resolve('/repo', '.anju'),
      fastWaits: false,
      log: 'info',
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
    });
  });

  it('names the bad variable in one sentence', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT must be a number from 0 to 65535/);
    expect(() => loadConfig({ ANJU_LOG: 'loud' })).toThrow(/ANJU_LOG must be quiet or info/);
    expect(() => loadConfig({ ANJU_FAST_WAITS: 'yes' })).toThrow(/ANJU_FAST_WAITS must be 1 or 0/);
  });
});
