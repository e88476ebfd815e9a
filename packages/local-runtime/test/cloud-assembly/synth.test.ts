/**
 * Synthesis as the CDK CLI does it, offline, and its cache: a cdk.json folder or a command runs
 * once, and again only when a source file, cdk.json or the command changed.
 */
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SynthError } from '../../src/cloud-assembly/errors';
import { cdkContext, hashSources, synthesizeApp } from '../../src/cloud-assembly/synth';
import { FIXTURE_APP } from './fixture';

// A copy of the fixture outside the repository finds aws-cdk-lib through NODE_PATH.
const NODE_PATH = path.resolve(require.resolve('aws-cdk-lib/package.json'), '..', '..');

describe('synthesizing a CDK app', () => {
  let work: string;
  let app: string;
  let cacheDir: string;
  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'sfn-local-synth-'));
    app = path.join(work, 'app');
    cacheDir = path.join(work, 'cache');
    cpSync(FIXTURE_APP, app, { recursive: true });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('runs the app of a cdk.json folder with CDK_OUTDIR and CDK_CONTEXT_JSON, then reuses the assembly while nothing changed', async () => {
    const first = await synthesizeApp({ app, cacheDir, env: { NODE_PATH } });
    expect(first).toMatchObject({ reused: false, command: 'node app.js', appDir: app });
    expect(first.assemblyDir.startsWith(cacheDir)).toBe(true);
    expect(existsSync(path.join(first.assemblyDir, 'manifest.json'))).toBe(true);
    expect(existsSync(path.join(app, 'cdk.out'))).toBe(false); // written to the cache, not into the app

    const second = await synthesizeApp({ app, cacheDir, env: { NODE_PATH } });
    expect(second).toMatchObject({ reused: true, assemblyDir: first.assemblyDir, key: first.key });
    expect(second.durationMs).toBeLessThan(first.durationMs);
  });

  it('runs again when a source file changes, and says which', async () => {
    appendFileSync(path.join(app, 'functions', 'greeter', 'index.js'), '\n// changed\n');
    const changed = await synthesizeApp({ app, cacheDir, env: { NODE_PATH } });
    expect(changed.reused).toBe(false);
    expect(changed.changedFiles).toEqual([path.join('functions', 'greeter', 'index.js')]);
  });

  it('does not count node_modules, cdk.out or .git as sources', async () => {
    const before = hashSources(app).digest;
    for (const folder of ['node_modules/pkg', 'cdk.out', '.git', 'cdk.out.old']) {
      mkdirSync(path.join(app, folder), { recursive: true });
      writeFileSync(path.join(app, folder, 'file.txt'), String(Math.random()));
    }
    expect(hashSources(app).digest).toBe(before);
    expect((await synthesizeApp({ app, cacheDir, env: { NODE_PATH } })).reused).toBe(true);
  });

  it('takes a command run in cwd: the same app and command share the cache, another command has its own', async () => {
    const same = await synthesizeApp({ app: 'node app.js', cwd: app, cacheDir, env: { NODE_PATH } });
    expect(same).toMatchObject({ reused: true, command: 'node app.js' });
    const other = await synthesizeApp({ app: 'node ./app.js', cwd: app, cacheDir, env: { NODE_PATH } });
    expect(other).toMatchObject({ reused: false, command: 'node ./app.js' });
    expect(other.assemblyDir).not.toBe(same.assemblyDir);
    expect(
      (await synthesizeApp({ app: 'node ./app.js', cwd: app, cacheDir, env: { NODE_PATH } })).reused,
    ).toBe(true);
  });

  it('uses a folder holding a manifest.json as it is', async () => {
    const { assemblyDir } = await synthesizeApp({ app, cacheDir, env: { NODE_PATH } });
    const given = await synthesizeApp({ app: assemblyDir, cacheDir });
    expect(given).toMatchObject({ reused: true, assemblyDir });
    expect(given.command).toBeUndefined();
  });

  it('gives the app cdk.json context, asset and path metadata, all stacks bundled', () => {
    expect(cdkContext(app)).toMatchObject({
      'fixture:greeting': 'Hello',
      'aws:cdk:enable-asset-metadata': true,
      'aws:cdk:enable-path-metadata': true,
      'aws:cdk:bundling-stacks': ['**'],
    });
  });

  it('SynthError with the end of the output when the app fails, and for a folder that is no app', async () => {
    const broken = path.join(work, 'broken');
    mkdirSync(broken);
    writeFileSync(
      path.join(broken, 'cdk.json'),
      JSON.stringify({ app: 'node -e "console.error(\'boom in app\'); process.exit(3)"' }),
    );
    await expect(synthesizeApp({ app: broken, cacheDir })).rejects.toThrow(SynthError);
    await expect(synthesizeApp({ app: broken, cacheDir })).rejects.toThrow(
      /exited with code 3; its output ends with:\nboom in app/,
    );
    const empty = path.join(work, 'empty');
    mkdirSync(empty);
    await expect(synthesizeApp({ app: empty, cacheDir })).rejects.toThrow(
      /holds neither a cloud assembly \(manifest\.json\) nor a cdk\.json/,
    );
  });
});

describe('the synth cache and code outside the app folder', () => {
  it('Given an app that requires a module outside its folder, when that module changes, then the app is synthesized again and the change is named', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'sfn-local-synth-outside-'));
    try {
      const shared = path.join(work, 'shared', 'naming.js');
      const app = path.join(work, 'app');
      mkdirSync(path.dirname(shared), { recursive: true });
      mkdirSync(app);
      writeFileSync(shared, "exports.name = 'one';\n");
      // The smallest app the CDK CLI accepts: a manifest in CDK_OUTDIR, named after the shared module.
      writeFileSync(
        path.join(app, 'app.js'),
        [
          "const fs = require('node:fs');",
          "const { name } = require('../shared/naming');",
          "fs.writeFileSync(require('node:path').join(process.env.CDK_OUTDIR, 'manifest.json'), JSON.stringify({ version: '36.0.0', artifacts: {}, name }));",
        ].join('\n'),
      );
      writeFileSync(path.join(app, 'cdk.json'), JSON.stringify({ app: 'node app.js' }));
      const cacheDir = path.join(work, 'cache');

      const first = await synthesizeApp({ app, cacheDir });
      const again = await synthesizeApp({ app, cacheDir });
      writeFileSync(shared, "exports.name = 'two';\n");
      const afterChange = await synthesizeApp({ app, cacheDir });

      expect(first.reused).toBe(false);
      expect(again.reused).toBe(true);
      expect(afterChange.reused).toBe(false);
      expect(afterChange.changedFiles).toEqual([shared]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
