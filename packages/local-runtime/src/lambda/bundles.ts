import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onProcessEnd } from '../process-cleanup';

const BUNDLE_PREFIX = 'fn-';
/** Bundle folders named without a process id (older versions) are swept once they are this old. */
const UNOWNED_BUNDLE_MAX_AGE_MS = 24 * 60 * 60 * 1000;

function bundleRoot(baseDir: string): string {
  const modules = path.join(baseDir, 'node_modules');
  // Inside node_modules so bundled handlers can still `require` the project's packages.
  return fs.existsSync(modules) ? path.join(modules, '.cache', 'local-lambda') : os.tmpdir();
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes bundle folders a process left behind when it died without cleaning up (SIGKILL, a crash):
 * `fn-<pid>-*` of a process that no longer runs, and `fn-*` without a pid older than a day.
 */
export function sweepStaleBundles(root: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(root).filter((name) => name.startsWith(BUNDLE_PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const folder = path.join(root, name);
    const owner = /^fn-(\d+)-/.exec(name);
    try {
      const stale = owner
        ? !processAlive(Number(owner[1]))
        : Date.now() - fs.statSync(folder).mtimeMs > UNOWNED_BUNDLE_MAX_AGE_MS;
      if (stale) fs.rmSync(folder, { recursive: true, force: true });
    } catch {
      // another process removed it first, or it is not ours to remove
    }
  }
}

/** The folder one service bundles its TypeScript handlers into. */
export interface BundleFolder {
  readonly path: string;
  /** Deletes the folder and drops the process-exit cleanup that would otherwise delete it. */
  remove(): void;
}

/**
 * Sweeps what dead processes left, then names this service's folder after this process so a later start
 * can tell whether its owner is still alive. The handler loader creates the folder only when a handler
 * needs bundling; it is removed at process end if the service is never stopped.
 */
export function claimBundleFolder(baseDir: string): BundleFolder {
  const root = bundleRoot(baseDir);
  sweepStaleBundles(root);
  const outDir = path.join(root, `${BUNDLE_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
  const removeBundles = (): void => fs.rmSync(outDir, { recursive: true, force: true });
  const forgetBundles = onProcessEnd(removeBundles);
  return {
    path: outDir,
    remove: () => {
      removeBundles();
      forgetBundles();
    },
  };
}
