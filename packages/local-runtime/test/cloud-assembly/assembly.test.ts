import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readCloudAssembly } from '../../src/cloud-assembly/assembly';
import { CloudAssemblyNotFoundError } from '../../src/cloud-assembly/errors';
import { synthesizeFixture } from './fixture';

describe('reading a cloud assembly', () => {
  it('finds every stack with its template, the stacks of a Stage (nested assembly) too, dependencies first', async () => {
    const { assemblyDir } = await synthesizeFixture();
    const assembly = readCloudAssembly(assemblyDir);

    expect(assembly.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(assembly.stacks.map((stack) => stack.stackName)).toEqual([
      'FixtureStack',
      'FixtureConsumer',
      'Staging-Store',
    ]);
    const [fixture, consumer, store] = assembly.stacks;
    expect(consumer?.dependencies).toEqual(['FixtureStack']);
    expect(fixture?.template.Resources).toBeDefined();
    expect(fixture?.assemblyDir).toBe(assemblyDir);
    expect(store?.artifactId).toMatch(/^StagingStore[0-9A-F]{8}$/);
    expect(store?.assemblyDir).toBe(path.join(assemblyDir, 'assembly-Staging'));
    expect(store?.templateFile).toBe(
      path.join(assemblyDir, 'assembly-Staging', `${store?.artifactId}.template.json`),
    );
  });

  it('indexes the file assets of the asset manifests by S3 object key', async () => {
    const assembly = readCloudAssembly((await synthesizeFixture()).assemblyDir);
    const zips = [...assembly.assets.values()].filter((asset) => asset.packaging === 'zip');
    expect(zips).toHaveLength(2);
    for (const asset of zips) {
      expect(asset.objectKey).toMatch(/^[0-9a-f]{64}\.zip$/);
      expect(path.basename(asset.path)).toBe(`asset.${asset.objectKey.replace('.zip', '')}`);
    }
  });

  it('says what to give it when the folder holds no assembly, or something else', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'no-assembly-'));
    expect(() => readCloudAssembly(empty)).toThrow(CloudAssemblyNotFoundError);
    expect(() => readCloudAssembly(empty)).toThrow(
      /manifest\.json does not exist: give a folder `cdk synth` wrote/,
    );
    writeFileSync(path.join(empty, 'manifest.json'), '{"hello": 1}');
    expect(() => readCloudAssembly(empty)).toThrow(/is not a cloud assembly manifest/);
  });
});
