/**
 * The fixture CDK app (test/fixtures/cdk-app), synthesized once per change into a cache shared by
 * the test files (a parallel worker reuses or waits for nothing: synthesizeApp is safe to race).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { readCloudAssembly } from '../../src/cloud-assembly/assembly';
import { AssemblyModel, type StackModel } from '../../src/cloud-assembly/model';
import { type SynthesizedApp, synthesizeApp } from '../../src/cloud-assembly/synth';

export const FIXTURE_APP = path.join(__dirname, '..', 'fixtures', 'cdk-app');
export const FIXTURE_CACHE = path.join(os.tmpdir(), 'sfn-local-test-fixture-synth');

export function synthesizeFixture(): Promise<SynthesizedApp> {
  return synthesizeApp({ app: FIXTURE_APP, cacheDir: FIXTURE_CACHE });
}

/** The fixture's assembly as the deployer models it (us-east-1, account 123456789012). */
export async function fixtureModel(): Promise<{
  model: AssemblyModel;
  stack: (name: string) => StackModel;
  /** The nested stack `id` of stack `parent` (its resource's logical id starts with `id`). */
  nested: (parent: string, id: string) => StackModel;
}> {
  const { assemblyDir } = await synthesizeFixture();
  const model = new AssemblyModel(readCloudAssembly(assemblyDir), {
    region: 'us-east-1',
    accountId: '123456789012',
  });
  const stack = (name: string) => {
    const found = model.stacks.find((candidate) => candidate.stackName === name);
    if (!found) throw new Error(`no stack ${name}`);
    return found;
  };
  return {
    model,
    stack,
    nested: (parent, id) => {
      const found = [...stack(parent).nestedStacks].find(([logicalId]) => logicalId.startsWith(id));
      if (!found) throw new Error(`no nested stack ${id} in ${parent}`);
      return found[1];
    },
  };
}

/** The logical id of the construct `id` (CDK adds a hash of 8 hex digits to it). */
export function logicalId(stack: StackModel, prefix: string): string {
  const found = stack.logicalIds.find((id) => new RegExp(`^${prefix}([0-9A-F]{8})?$`).test(id));
  if (!found) throw new Error(`no resource ${prefix}* in ${stack.stackName}`);
  return found;
}
