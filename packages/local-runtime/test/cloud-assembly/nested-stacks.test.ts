/**
 * Nested stacks and pinned environments as the deployer models them, on the fixture app's real
 * templates (and hand-made ones for the edge cases), without starting a service: the parameters a
 * parent passes, the outputs it reads back, and the ARNs of a stack pinned to another account.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { CfnTemplate, CloudAssembly, NestedStackArtifact } from '../../src/cloud-assembly/assembly';
import { UnresolvableIntrinsicError } from '../../src/cloud-assembly/errors';
import { AssemblyModel, localizeArns, pinnedEnvironment } from '../../src/cloud-assembly/model';
import { ruleFrom } from '../../src/cloud-assembly/rules';
import { stateMachineFrom } from '../../src/cloud-assembly/state-machines';
import { fixtureModel, logicalId } from './fixture';

const LOCAL = { region: 'us-east-1', accountId: '123456789012' };

describe('a nested stack (the fixture NestedStack Storage)', () => {
  it('is a stack of its own, named in its parent, listed right before it', async () => {
    const { model, stack, nested } = await fixtureModel();
    const storage = nested('FixtureStack', 'Storage');
    expect(storage.nestedIn?.stack).toBe(stack('FixtureStack'));
    expect(storage.root).toBe(stack('FixtureStack'));
    expect(model.stacks.map((s) => s.stackName).slice(0, 2)).toEqual([storage.stackName, 'FixtureStack']);
    expect(storage.artifact.displayName).toMatch(
      /^FixtureStack\/StorageNestedStackStorageNestedStackResource/,
    );
    expect(storage.resolver.pseudo('AWS::StackName')).toBe(storage.stackName);
  });

  it("gets its parameters from the parent's resource, resolved in the parent (the parent's function ARN)", async () => {
    const { model, stack, nested } = await fixtureModel();
    const fixture = stack('FixtureStack');
    const storage = nested('FixtureStack', 'Storage');
    expect(Object.keys(storage.artifact.template.Parameters ?? {})).toEqual([
      expect.stringMatching(/^referencetoFixtureStackGreeter[0-9A-F]{8}Arn$/),
    ]);
    const plan = stateMachineFrom(storage, logicalId(storage, 'Archive'), model.assembly);
    const definition = JSON.parse(plan.definition);
    expect(definition.States.Greet.Arguments.FunctionName).toBe(
      fixture.getAtt(logicalId(fixture, 'Greeter'), 'Arn', fixture.at('x')),
    );
    expect(definition.States.Keep.Arguments.TableName).toBe(
      storage.physicalName(logicalId(storage, 'Notes')),
    );
    expect(plan.name).toMatch(/^Archive[0-9A-F]{8}-[0-9A-Za-z]{12}$/);
  });

  it("resolves the parent's Fn::GetAtt [Nested, Outputs.X] to the nested stack's output, and Ref to its stack id", async () => {
    const { stack, nested } = await fixtureModel();
    const fixture = stack('FixtureStack');
    const storage = nested('FixtureStack', 'Storage');
    const archiveArn = storage.ref(logicalId(storage, 'Archive'), storage.at('x'));
    expect(archiveArn).toMatch(/^arn:aws:states:us-east-1:123456789012:stateMachine:Archive[0-9A-F]{8}-/);
    expect(ruleFrom(fixture, logicalId(fixture, 'Archived')).targets).toEqual([
      { id: 'Target0', stateMachineArn: archiveArn, inputPath: '$.detail' },
    ]);
    const resourceId = [...fixture.nestedStacks.keys()][0] ?? '';
    expect(
      fixture.value(
        { 'Fn::GetAtt': [resourceId, 'Outputs.FixtureStackStorageNotesD14B7069Ref'] },
        fixture.at('x'),
      ),
    ).toBe(storage.physicalName(logicalId(storage, 'Notes')));
    expect(() => fixture.value({ 'Fn::GetAtt': [resourceId, 'Outputs.Nope'] }, fixture.at('Out'))).toThrow(
      /the nested stack FixtureStack-Storage\S+ has no output Nope \(its outputs: FixtureStackStorageArchive/,
    );
    expect(fixture.value({ Ref: resourceId }, fixture.at('x'))).toMatch(
      new RegExp(`^arn:aws:cloudformation:us-east-1:123456789012:stack/${storage.stackName}/[0-9a-f-]{36}$`),
    );
  });
});

describe('nested stacks of hand-made templates', () => {
  const assembly = (parent: CfnTemplate, nested: NestedStackArtifact[]): CloudAssembly => {
    const dir = os.tmpdir();
    return {
      dir,
      version: '55.0.0',
      assets: new Map(),
      stacks: [
        {
          artifactId: 'Parent',
          stackName: 'Parent',
          displayName: 'Parent',
          assemblyDir: dir,
          templateFile: path.join(dir, 'Parent.template.json'),
          template: parent,
          dependencies: [],
          nestedStacks: nested,
        },
      ],
    };
  };

  it('passes a list comma-separated (a CommaDelimitedList), and a nested stack within a nested stack', () => {
    const inner: CfnTemplate = {
      Parameters: { Names: { Type: 'CommaDelimitedList' } },
      Outputs: { Second: { Value: { 'Fn::Select': [1, { Ref: 'Names' }] } } },
    };
    const middle: CfnTemplate = {
      Parameters: { Names: { Type: 'String' } },
      Resources: {
        Inner: {
          Type: 'AWS::CloudFormation::Stack',
          Properties: { Parameters: { Names: { Ref: 'Names' } } },
        },
      },
      Outputs: { Second: { Value: { 'Fn::GetAtt': ['Inner', 'Outputs.Second'] } } },
    };
    const parent: CfnTemplate = {
      Resources: {
        Middle: {
          Type: 'AWS::CloudFormation::Stack',
          Properties: { Parameters: { Names: { 'Fn::Split': [',', 'a,b,c'] } } },
        },
      },
    };
    const model = new AssemblyModel(
      assembly(parent, [
        {
          logicalId: 'Middle',
          templateFile: 'middle.json',
          template: middle,
          nestedStacks: [
            { logicalId: 'Inner', templateFile: 'inner.json', template: inner, nestedStacks: [] },
          ],
        },
      ]),
      LOCAL,
    );
    expect(model.stacks.map((s) => s.stackName)).toEqual([
      expect.stringMatching(/^Parent-Middle-[0-9A-Z]{12,13}-Inner-[0-9A-Z]{12,13}$/),
      expect.stringMatching(/^Parent-Middle-[0-9A-Z]{12,13}$/),
      'Parent',
    ]);
    const top = model.stacks[2];
    expect(top?.value({ 'Fn::GetAtt': ['Middle', 'Outputs.Second'] }, top.at('x'))).toBe('b');
  });

  it('names the reason when the nested template is missing, and a cycle through parameters', () => {
    const nested: CfnTemplate = {
      Parameters: { Back: { Type: 'String' } },
      Outputs: { Out: { Value: { Ref: 'Back' } } },
    };
    const parent: CfnTemplate = {
      Resources: {
        Loop: {
          Type: 'AWS::CloudFormation::Stack',
          Properties: { Parameters: { Back: { 'Fn::GetAtt': ['Loop', 'Outputs.Out'] } } },
        },
        Elsewhere: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'https://x/y.json' } },
      },
    };
    const model = new AssemblyModel(
      assembly(parent, [
        { logicalId: 'Loop', templateFile: 'loop.json', template: nested, nestedStacks: [] },
        {
          logicalId: 'Elsewhere',
          missing: 'its TemplateURL (https://x/y.json) is no template of the assembly',
          nestedStacks: [],
        },
      ]),
      LOCAL,
    );
    const top = model.stacks.find((s) => s.stackName === 'Parent');
    if (!top) throw new Error('no parent');
    expect(() => top.value({ 'Fn::GetAtt': ['Elsewhere', 'Outputs.X'] }, top.at('Out'))).toThrow(
      /Fn::GetAtt Elsewhere\.Outputs\.X: the nested stack is not deployed locally \(its TemplateURL \(https:\/\/x\/y\.json\) is no template/,
    );
    expect(() => top.value({ 'Fn::GetAtt': ['Loop', 'Outputs.Out'] }, top.at('Out'))).toThrow(
      UnresolvableIntrinsicError,
    );
    expect(() => top.value({ 'Fn::GetAtt': ['Loop', 'Outputs.Out'] }, top.at('Out'))).toThrow(
      /output Out of nested stack Parent-Loop-\S+ refers to itself through its parent's parameters/,
    );
  });
});

describe('a stack pinned to another account and region (the fixture FixtureEu)', () => {
  it('reads the concrete parts of the manifest environment', () => {
    expect(pinnedEnvironment('aws://111111111111/eu-west-1')).toEqual({
      account: '111111111111',
      region: 'eu-west-1',
    });
    expect(pinnedEnvironment('aws://unknown-account/eu-west-1')).toEqual({ region: 'eu-west-1' });
    expect(pinnedEnvironment('aws://unknown-account/unknown-region')).toBeUndefined();
    expect(pinnedEnvironment(undefined)).toBeUndefined();
  });

  it('rewrites only the pinned region and account of ARNs to the local ones', () => {
    const pinned = { account: '111111111111', region: 'eu-west-1' };
    expect(
      localizeArns(
        {
          target: 'arn:aws:states:eu-west-1:111111111111:stateMachine:x',
          role: 'arn:aws:iam::111111111111:role/r',
          other: 'arn:aws:states:eu-west-1:222222222222:stateMachine:y',
          bucket: 'arn:aws:s3:::bucket',
          text: ['in arn:aws:sqs:eu-west-1:111111111111:q and eu-west-1 alone'],
        },
        pinned,
        LOCAL,
      ),
    ).toEqual({
      target: 'arn:aws:states:us-east-1:123456789012:stateMachine:x',
      role: 'arn:aws:iam::123456789012:role/r',
      other: 'arn:aws:states:us-east-1:222222222222:stateMachine:y',
      bucket: 'arn:aws:s3:::bucket',
      text: ['in arn:aws:sqs:us-east-1:123456789012:q and eu-west-1 alone'],
    });
  });

  it("resolves in the local account and region, so the literal ARN of FixtureStack's machine names the local one", async () => {
    const { stack } = await fixtureModel();
    const eu = stack('FixtureEu');
    expect(eu.pinned).toEqual({ account: '111111111111', region: 'eu-west-1' });
    expect(stack('FixtureStack').pinned).toBeUndefined();
    const rule = eu.resource(logicalId(eu, 'ToAudit'));
    expect(JSON.stringify(rule.Properties?.Targets)).toContain(
      ':states:eu-west-1:111111111111:stateMachine:',
    );
    expect(ruleFrom(eu, logicalId(eu, 'ToAudit')).targets).toEqual([
      {
        id: 'Target0',
        stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:fixture-express',
        input: '{"id":8,"kind":"eu"}',
      },
    ]);
    expect(eu.value({ Ref: 'AWS::Region' }, eu.at('x'))).toBe('us-east-1');
    expect(eu.value(eu.artifact.template.Outputs?.AuditArn?.Value, eu.at('AuditArn'))).toBe(
      'arn:aws:states:us-east-1:123456789012:stateMachine:fixture-express',
    );
  });
});
