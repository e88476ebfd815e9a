import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

/** Thrown by `register` when a handler spec cannot be resolved or compiled. */
export class HandlerLoadError extends Error {
  override readonly name = 'HandlerLoadError';
}

export interface LoadedHandler {
  /** The spec as given, e.g. `handlers/payment.ts#handler`. */
  readonly spec: string;
  /** A CommonJS file a worker thread can `require`. */
  readonly modulePath: string;
  readonly exportName: string;
}

const TYPESCRIPT = /\.(ts|mts|cts|tsx)$/;

/**
 * Resolves `path/to/module.ts#exportName` (export defaults to `handler`; `module.handler` as in Lambda's
 * own handler setting is accepted too) relative to `baseDir`. TypeScript is bundled once with esbuild into
 * `outDir` (packages stay external), so workers start from plain JavaScript.
 */
export function loadHandler(spec: string, baseDir: string, outDir: string): LoadedHandler {
  let file: string;
  let exportName: string;
  const hash = spec.lastIndexOf('#');
  if (hash >= 0) {
    file = spec.slice(0, hash);
    exportName = spec.slice(hash + 1);
  } else {
    const dot = spec.lastIndexOf('.');
    const ext = path.extname(spec);
    if (dot > 0 && !['.ts', '.js', '.cjs', '.mjs', '.mts', '.cts', '.tsx'].includes(ext)) {
      file = spec.slice(0, dot);
      exportName = spec.slice(dot + 1);
    } else {
      file = spec;
      exportName = 'handler';
    }
  }
  if (!exportName) {
    throw new HandlerLoadError(`handler '${spec}' names no export: write it as 'path/to/module.ts#handler'`);
  }
  const absolute = resolveFile(path.resolve(baseDir, file));
  if (!absolute) {
    throw new HandlerLoadError(
      `handler module '${file}' of '${spec}' was not found from ${baseDir}: give a path relative to that folder, e.g. 'handlers/payment.ts#handler'`,
    );
  }
  if (!TYPESCRIPT.test(absolute) && !absolute.endsWith('.mjs')) {
    return { spec, modulePath: absolute, exportName };
  }
  fs.mkdirSync(outDir, { recursive: true });
  const outfile = path.join(
    outDir,
    `${path.basename(absolute).replace(/\.[^.]+$/, '')}-${fs.readdirSync(outDir).length}.cjs`,
  );
  try {
    buildSync({
      entryPoints: [absolute],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
      sourcemap: 'inline',
      logLevel: 'silent',
    });
  } catch (err) {
    throw new HandlerLoadError(`handler '${spec}' does not compile: ${(err as Error).message}`);
  }
  return { spec, modulePath: outfile, exportName };
}

function resolveFile(candidate: string): string | undefined {
  const tries = [candidate, `${candidate}.ts`, `${candidate}.js`, path.join(candidate, 'index.ts')];
  return tries.find((file) => fs.existsSync(file) && fs.statSync(file).isFile());
}
