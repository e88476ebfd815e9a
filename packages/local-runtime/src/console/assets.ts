/**
 * The console's browser code: TypeScript in ./browser, bundled with esbuild into memory once per
 * process (about 0.1-0.3 s), plus the plain stylesheet. Nothing is fetched from a CDN.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';

export interface ConsoleAssets {
  readonly js: string;
  readonly css: string;
  /** A hash of both, for ETag and cache-busting. */
  readonly version: string;
}

let bundled: Promise<ConsoleAssets> | undefined;

/** Bundles the browser app (cached: later calls in the same process get the same bundle). */
export function consoleAssets(): Promise<ConsoleAssets> {
  bundled ??= (async () => {
    const { build } = await import('esbuild');
    const browserDir = path.join(__dirname, 'browser');
    const [result, css] = await Promise.all([
      build({
        entryPoints: [path.join(browserDir, 'main.ts')],
        bundle: true,
        write: false,
        format: 'iife',
        platform: 'browser',
        target: ['chrome100', 'firefox100', 'safari15'],
        minify: true,
        legalComments: 'eof',
        charset: 'utf8',
        logLevel: 'silent',
      }),
      readFile(path.join(browserDir, 'console.css'), 'utf8'),
    ]);
    const js = result.outputFiles[0]?.text ?? '';
    const version = createHash('sha256').update(js).update(css).digest('hex').slice(0, 12);
    return { js, css, version };
  })();
  bundled.catch(() => {
    bundled = undefined;
  });
  return bundled;
}
