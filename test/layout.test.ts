/**
 * The two products stay apart: the blueprint's deployable code needs only what a deployed construct
 * needs, and the local runtime (a dev dependency) never reaches into the blueprint. Biome's
 * noRestrictedImports and the runtime's tsconfig rootDir enforce the same while editing; this test
 * states the rules in one place and fails with the offending file and import.
 */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';

const root = path.join(__dirname, '..');
const runtimeRoot = path.join(root, 'packages', 'local-runtime');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (entry === 'node_modules' || entry === 'cdk.out') return [];
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|js|cjs)$/.test(entry) && !entry.endsWith('.d.ts') ? [full] : [];
  });
}

/** Every module specifier a file imports or requires. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const pattern = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
  return [...text.matchAll(pattern)].map((m) => m[1] ?? '');
}

const packageName = (specifier: string): string =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? '');

const isBuiltin = (specifier: string): boolean =>
  specifier.startsWith('node:') || builtinModules.includes(packageName(specifier));

const relative = (file: string): string => path.relative(root, file);

describe('the repository layout', () => {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    peerDependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const deployable = [
    ...sourceFiles(path.join(root, 'lib')),
    ...sourceFiles(path.join(root, 'handlers')),
    path.join(root, 'bin', 'app.ts'),
  ];

  it('the deployable code (lib/, handlers/, bin/app.ts) imports only the construct dependencies, Node built-ins and itself', () => {
    const allowed = new Set([
      ...Object.keys(manifest.dependencies),
      ...Object.keys(manifest.peerDependencies),
    ]);
    const offending: string[] = [];
    for (const file of deployable) {
      for (const specifier of importsOf(file)) {
        if (specifier.startsWith('.')) {
          const target = path.resolve(path.dirname(file), specifier);
          const inside = ['lib', 'handlers', 'state-machines'].some((dir) =>
            target.startsWith(path.join(root, dir) + path.sep),
          );
          if (!inside) offending.push(`${relative(file)} imports ${specifier}`);
        } else if (!isBuiltin(specifier) && !allowed.has(packageName(specifier))) {
          // The app (bin/app.ts) registers cdk-nag's rule pack; the construct only acknowledges findings.
          if (!(file.endsWith(path.join('bin', 'app.ts')) && specifier === 'cdk-nag')) {
            offending.push(`${relative(file)} imports ${specifier}`);
          }
        }
      }
    }
    expect(offending).toEqual([]);
  });

  it('the blueprint depends at run time only on what a deployed construct needs; the local runtime is a dev dependency', () => {
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['jsonata']);
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['aws-cdk-lib', 'constructs']);
    expect(manifest.devDependencies).toHaveProperty('@sfn-idempotency/local-runtime');
  });

  it('nothing in the local runtime package imports a file outside the package, or the blueprint', () => {
    const offending: string[] = [];
    for (const file of sourceFiles(runtimeRoot)) {
      for (const specifier of importsOf(file)) {
        const outside =
          specifier.startsWith('.') &&
          !path.resolve(path.dirname(file), specifier).startsWith(runtimeRoot + path.sep);
        if (outside || specifier === 'sfn-idempotency-blueprint') {
          offending.push(`${relative(file)} imports ${specifier}`);
        }
      }
    }
    expect(offending).toEqual([]);
  });
});
