import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SHARP_PLATFORM_PACKAGES, sharpLayerPackages, stageSharpLayer } from '../../infra/constructs/sharp-layer';

const staged = mkdtempSync(path.join(tmpdir(), 'anju-sharp-layer-'));
afterAll(() => rmSync(staged, { recursive: true, force: true }));

describe('the sharp layer', () => {
  it('holds sharp, its run-time dependencies and the Linux x64 binaries', () => {
    const names = sharpLayerPackages().map((pkg) => pkg.name);
    expect(names[0]).toBe('sharp');
    expect(names).toEqual(expect.arrayContaining([...SHARP_PLATFORM_PACKAGES, 'detect-libc', 'semver']));
  });

  it('works on its own from /opt/nodejs/node_modules: resizes an image with nothing else to resolve from', () => {
    // Prepare: the layer staged outside the repository, so no module can come from its node_modules.
    stageSharpLayer(staged);
    const modules = path.join(staged, 'nodejs', 'node_modules');
    expect(existsSync(path.join(modules, 'sharp', 'src'))).toBe(false);

    // Act: a plain Node process imports the bare name `sharp` as the function's ES module bundle does.
    const probe = path.join(staged, 'nodejs', 'probe.mjs');
    writeFileSync(
      probe,
      `import sharp from 'sharp';
      const png = await sharp({ create: { width: 900, height: 300, channels: 3, background: '#888' } }).png().toBuffer();
      const { info } = await sharp(png).resize({ width: 300 }).webp().toBuffer({ resolveWithObject: true });
      process.stdout.write(JSON.stringify(info));`,
    );
    const output = execFileSync(process.execPath, [probe], {
      cwd: staged,
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });

    // Assess
    expect(JSON.parse(output)).toMatchObject({ format: 'webp', width: 300, height: 100 });
  });
});
