import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
      'FixtureEu',
      'Staging-Store',
    ]);
    const [fixture, consumer, eu, store] = assembly.stacks;
    expect(consumer?.dependencies).toEqual(['FixtureStack']);
    expect(fixture?.environment).toBe('aws://unknown-account/unknown-region');
    expect(eu?.environment).toBe('aws://111111111111/eu-west-1');
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
    expect(zips).toHaveLength(3); // two functions' code, one layer
    for (const asset of zips) {
      expect(asset.objectKey).toMatch(/^[0-9a-f]{64}\.zip$/);
      expect(path.basename(asset.path)).toBe(`asset.${asset.objectKey.replace('.zip', '')}`);
    }
  });

  it("reads a nested stack's template (*.nested.template.json) through the resource's aws:asset:path", async () => {
    const { assemblyDir } = await synthesizeFixture();
    const fixture = readCloudAssembly(assemblyDir).stacks[0];
    expect(fixture?.nestedStacks).toEqual([
      {
        logicalId: expect.stringMatching(/^StorageNestedStackStorageNestedStackResource[0-9A-F]{8}$/),
        templateFile: expect.stringMatching(
          new RegExp(`^${assemblyDir}/FixtureStackStorage[0-9A-F]{8}\\.nested\\.template\\.json$`),
        ),
        template: expect.objectContaining({ Resources: expect.any(Object) }),
        nestedStacks: [],
      },
    ]);
    const types = Object.values(fixture?.nestedStacks?.[0]?.template?.Resources ?? {}).map((r) => r.Type);
    expect(types).toEqual(
      expect.arrayContaining(['AWS::DynamoDB::Table', 'AWS::StepFunctions::StateMachine']),
    );
  });

  it('finds it through the asset manifest when there is no metadata, and says why when the template is elsewhere', async () => {
    const { assemblyDir } = await synthesizeFixture();
    const copy = mkdtempSync(path.join(tmpdir(), 'assembly-nested-'));
    try {
      cpSync(assemblyDir, copy, { recursive: true });
      const file = path.join(copy, 'FixtureStack.template.json');
      const template = JSON.parse(readFileSync(file, 'utf8'));
      const [id, resource] = Object.entries(template.Resources).find(
        ([, r]) => (r as { Type: string }).Type === 'AWS::CloudFormation::Stack',
      ) as [string, { Metadata?: Record<string, unknown>; Properties: Record<string, unknown> }];
      delete resource.Metadata;
      writeFileSync(file, JSON.stringify(template));
      const viaAssets = readCloudAssembly(copy).stacks[0]?.nestedStacks?.[0];
      expect(viaAssets?.logicalId).toBe(id);
      expect(viaAssets?.templateFile).toMatch(/FixtureStackStorage[0-9A-F]{8}\.nested\.template\.json$/);
      expect(viaAssets?.template?.Resources).toBeDefined();

      resource.Properties.TemplateURL = 'https://s3.amazonaws.com/somewhere/else.json';
      writeFileSync(file, JSON.stringify(template));
      expect(readCloudAssembly(copy).stacks[0]?.nestedStacks?.[0]).toEqual({
        logicalId: id,
        missing: expect.stringMatching(
          /TemplateURL \(https:\/\/s3\.amazonaws\.com\/somewhere\/else\.json\) is no template of the assembly: only nested stacks the CDK app synthesizes/,
        ),
        nestedStacks: [],
      });
    } finally {
      rmSync(copy, { recursive: true, force: true });
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
