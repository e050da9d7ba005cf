import { cpSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Architecture, Code, LayerVersion } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { FUNCTION_RUNTIME, PROJECT_ROOT } from './anju-function';

/** The prebuilt binaries the layer carries: glibc Linux x64, which runs on Lambda's Amazon Linux 2023. */
export const SHARP_PLATFORM_PACKAGES = ['@img/sharp-linux-x64', '@img/sharp-libvips-linux-x64'] as const;

export const SHARP_LAYER_ARCHITECTURE = Architecture.X86_64;

interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
}

function packageDir(nodeModules: string, name: string): string {
  const dir = path.join(nodeModules, name);
  if (!existsSync(path.join(dir, 'package.json'))) {
    throw new Error(
      `The sharp layer needs ${name} in ${nodeModules}. On a machine that is not Linux x64, add the ` +
        'Linux binaries with `npm install --no-save --os=linux --cpu=x64 --libc=glibc sharp`.',
    );
  }
  return dir;
}

function readPackage(dir: string): PackageJson {
  return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/**
 * The packages of the layer with their versions: sharp, its run-time dependencies (transitively,
 * as npm hoisted them) and the Linux x64 binaries, all taken from the installed `node_modules`.
 */
export function sharpLayerPackages(nodeModules = path.join(PROJECT_ROOT, 'node_modules')): PackageJson[] {
  const found = new Map<string, PackageJson>();
  const visit = (name: string) => {
    if (found.has(name)) return;
    const pkg = readPackage(packageDir(nodeModules, name));
    found.set(name, pkg);
    for (const dependency of Object.keys(pkg.dependencies ?? {})) visit(dependency);
  };
  visit('sharp');
  for (const name of SHARP_PLATFORM_PACKAGES) visit(name);
  return [...found.values()];
}

/** Build-time files that Lambda never loads (C++ sources, the from-source installer, type declarations). */
function runtimeFile(source: string): boolean {
  const parts = source.split(path.sep);
  const sharpAt = parts.lastIndexOf('sharp');
  const inSharpBuild = sharpAt >= 0 && ['src', 'install'].includes(parts[sharpAt + 1] ?? '');
  return !inSharpBuild && !/\.d\.[cm]?ts$/.test(source);
}

/** Copies the layer's packages into `outputDir` as Lambda expects them (`nodejs/node_modules/...`). */
export function stageSharpLayer(outputDir: string, nodeModules = path.join(PROJECT_ROOT, 'node_modules')): void {
  for (const pkg of sharpLayerPackages(nodeModules)) {
    cpSync(path.join(nodeModules, pkg.name), path.join(outputDir, 'nodejs', 'node_modules', pkg.name), {
      recursive: true,
      dereference: true,
      filter: runtimeFile,
    });
  }
}

/**
 * A Lambda layer with sharp for the functions' Node.js runtime on x86_64, assembled at synth from the locally installed
 * packages (no `npm install`, no Docker: `cdk synth` stays offline). Functions that use it leave
 * `sharp` out of their bundle and import it from `/opt/nodejs/node_modules`.
 *
 * Why x86_64: npm installs only the binaries of the machine it runs on, and these machines are
 * Linux x64, so those are the binaries at hand; the ARM64 ones would need a second, cross-platform
 * install on every machine that synthesizes.
 */
export class SharpLayer extends LayerVersion {
  constructor(scope: Construct, id: string) {
    const nodeModules = path.join(PROJECT_ROOT, 'node_modules');
    const packages = sharpLayerPackages(nodeModules);
    super(scope, id, {
      description: `sharp ${packages[0]?.version} for ${FUNCTION_RUNTIME.name} on Linux x64 (glibc)`,
      compatibleRuntimes: [FUNCTION_RUNTIME],
      compatibleArchitectures: [SHARP_LAYER_ARCHITECTURE],
      code: Code.fromAsset(path.join(nodeModules, 'sharp'), {
        // The versions decide the content: an unchanged install is not copied again.
        assetHashType: AssetHashType.CUSTOM,
        assetHash: `sharp-layer:${packages.map((pkg) => `${pkg.name}@${pkg.version}`).join(',')}`,
        bundling: {
          // Never pulled: local bundling below always succeeds or throws.
          image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs24.x'),
          local: {
            tryBundle(outputDir: string) {
              stageSharpLayer(outputDir, nodeModules);
              return true;
            },
          },
        },
      }),
    });
  }
}
