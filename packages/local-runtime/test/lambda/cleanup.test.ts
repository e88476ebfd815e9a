import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLambdaService, sweepStaleBundles } from '../../src/lambda';

const packageRoot = path.join(__dirname, '..', '..');
const childScript = path.join(__dirname, 'fixtures', 'service-until-signal.ts');

/** A project folder with node_modules (so bundles go to node_modules/.cache/local-lambda) and a TS handler. */
function project(): { baseDir: string; bundles: () => string[] } {
  const baseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-cleanup-'));
  fs.mkdirSync(path.join(baseDir, 'node_modules'));
  fs.writeFileSync(path.join(baseDir, 'echo.ts'), 'export const handler = async (e: unknown) => e;\n');
  const root = path.join(baseDir, 'node_modules', '.cache', 'local-lambda');
  return { baseDir, bundles: () => (fs.existsSync(root) ? fs.readdirSync(root) : []) };
}

function startChild(baseDir: string, mode: 'default' | 'own-handler'): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', childScript, baseDir, mode],
    { cwd: packageRoot, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the child exited early with code ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
  });
}

function ended(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describe('local Lambda service: bundle folders', () => {
  const made: string[] = [];
  const children: ChildProcess[] = [];

  afterAll(() => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('Given a process interrupted by SIGINT that nobody handles, when it dies, then its bundle folder is gone and it died by SIGINT', async () => {
    const { baseDir, bundles } = project();
    made.push(baseDir);
    const child = await startChild(baseDir, 'default');
    children.push(child);
    expect(bundles()).toEqual([expect.stringMatching(new RegExp(`^fn-${child.pid}-`))]);
    child.kill('SIGINT');
    expect(await ended(child)).toEqual({ code: null, signal: 'SIGINT' });
    expect(bundles()).toEqual([]);
  });

  test('Given an application that handles SIGINT itself and exits without stop(), when it exits, then its bundle folder is gone', async () => {
    const { baseDir, bundles } = project();
    made.push(baseDir);
    const child = await startChild(baseDir, 'own-handler');
    children.push(child);
    expect(bundles()).toHaveLength(1);
    child.kill('SIGINT');
    expect(await ended(child)).toEqual({ code: 130, signal: null });
    expect(bundles()).toEqual([]);
  });

  test('Given bundle folders of dead processes, when a service starts, then they are swept and those of live processes are kept', async () => {
    const { baseDir, bundles } = project();
    made.push(baseDir);
    const root = path.join(baseDir, 'node_modules', '.cache', 'local-lambda');
    const gone = spawn(process.execPath, ['-e', '']);
    await ended(gone);
    const old = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    for (const name of [`fn-${gone.pid}-dead`, `fn-${process.pid}-alive`, 'fn-legacyOld', 'fn-legacyNew']) {
      fs.mkdirSync(path.join(root, name), { recursive: true });
    }
    fs.utimesSync(path.join(root, 'fn-legacyOld'), old, old);
    const service = await startLambdaService({ baseDir });
    try {
      expect(bundles().sort()).toEqual([`fn-${process.pid}-alive`, 'fn-legacyNew']);
    } finally {
      await service.stop();
    }
    sweepStaleBundles(path.join(baseDir, 'no-such-folder'));
  });

  test('Given only JavaScript handlers, when a service runs and stops, then it writes no bundle folder', async () => {
    const { baseDir, bundles } = project();
    made.push(baseDir);
    fs.writeFileSync(path.join(baseDir, 'plain.js'), 'exports.handler = async (e) => e;\n');
    const service = await startLambdaService({
      baseDir,
      functions: { plain: { handler: 'plain.js#handler' } },
    });
    expect(bundles()).toEqual([]);
    await service.stop();
  });
});
