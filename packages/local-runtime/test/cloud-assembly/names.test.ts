import { fitParts, generatedName, NAMING_RULES, randomPart } from '../../src/cloud-assembly/names';
import { fixtureModel, logicalId } from './fixture';

const rule = (type: string) => {
  const found = NAMING_RULES[type];
  if (!found) throw new Error(type);
  return found;
};

describe('physical names', () => {
  it('generates <stack>-<logicalId>-<random> for tables, functions and rules, <logicalId>-<random> for state machines', () => {
    expect(generatedName('Shop', 'OrdersA9B65338', rule('AWS::DynamoDB::Table'))).toMatch(
      /^Shop-OrdersA9B65338-[0-9A-Z]{12,13}$/,
    );
    expect(generatedName('Shop', 'GreeterA41DC22A', rule('AWS::Lambda::Function'))).toMatch(
      /^Shop-GreeterA41DC22A-[0-9A-Za-z]{12}$/,
    );
    expect(generatedName('Shop', 'Workflow193EF7C1', rule('AWS::StepFunctions::StateMachine'))).toMatch(
      /^Workflow193EF7C1-[0-9A-Za-z]{12}$/,
    );
    expect(generatedName('Shop', 'RuleF2C1DCDC', rule('AWS::Events::Rule'))).toMatch(
      /^Shop-RuleF2C1DCDC-[0-9A-Za-z]{12}$/,
    );
  });

  it('makes the random part from stack and logical id: the same on every start, different per resource', () => {
    expect(randomPart('Shop', 'Orders', 'upper')).toBe(randomPart('Shop', 'Orders', 'upper'));
    expect(randomPart('Shop', 'Orders', 'upper')).not.toBe(randomPart('Shop', 'Items', 'upper'));
    expect(randomPart('Shop', 'Orders', 'upper')).not.toBe(randomPart('Other', 'Orders', 'upper'));
    // 63 random bits in base 36: 12 characters, or 13 starting with 1, as CloudFormation's table names show.
    const lengths = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const part = randomPart('S', `Id${i}`, 'upper');
      lengths.add(part.length);
      if (part.length === 13) expect(part[0]).toBe('1');
      expect(part).toMatch(/^[0-9A-Z]+$/);
    }
    expect([...lengths].sort()).toEqual([12, 13]);
  });

  it('cuts a long logical id when the stack name is short, as on AWS (an IAM role, 64 characters)', () => {
    // Seen on AWS: CdkStack-CustomS3AutoDeleteObjectsCustomResourcePr-1T2P22ECUHKM7
    expect(
      fitParts('CdkStack', 'CustomS3AutoDeleteObjectsCustomResourceProviderRole3B1BD092', 64 - 13 - 2),
    ).toEqual(['CdkStack', 'CustomS3AutoDeleteObjectsCustomResourcePr']);
    const name = generatedName(
      'CdkStack',
      'CustomS3AutoDeleteObjectsCustomResourceProviderRole3B1BD092',
      rule('AWS::IAM::Role'),
    );
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name).toMatch(/^CdkStack-CustomS3AutoDeleteObjectsCustomResourcePr-/);
  });

  it('cuts a long stack name when the logical id is short, as on AWS (a Lambda function, 64 characters)', () => {
    // Seen on AWS: MyStackDev-MyNestedApplicatio-MyLambdaFunctionName-1U44TLUZ7OR55
    expect(fitParts('MyStackDev-MyNestedApplicationStack', 'MyLambdaFunctionName', 64 - 13 - 2)).toEqual([
      'MyStackDev-MyNestedApplicatio',
      'MyLambdaFunctionName',
    ]);
  });

  it('gives each part half the room when both are long (the stack name the larger half), and never exceeds the limit', () => {
    const [stack, id] = fitParts('A'.repeat(60), 'B'.repeat(60), 49);
    expect(stack.length + id.length).toBe(49);
    expect(stack.length).toBe(25);
    for (const type of Object.keys(NAMING_RULES)) {
      const limit = rule(type).maxLength;
      expect(generatedName('S'.repeat(128), 'L'.repeat(255), rule(type)).length).toBeLessThanOrEqual(limit);
    }
    expect(
      generatedName('Long'.repeat(30), 'Workflow'.repeat(20), rule('AWS::StepFunctions::StateMachine'))
        .length,
    ).toBe(80);
  });

  it('names a nested stack <parent>-<logicalId>-<random>, 100 characters at most, as on AWS', () => {
    // Seen on AWS (stack ARNs in aws-parallelcluster#6145 and aws-samples/sample-autonomous-cloud-coding-agents#865):
    // integ-tests-u7brkajrdgec5ys8-performance-te-ComputeFleetQueuesNestedStackQueuesNestedS-7R1JJ4IR4CM6
    // backgroundagent-dev-AgentRegistryStackNestedStackAgentRegistryStackNestedStackResource-16VAX8Y6Y64W
    const nested = rule('AWS::CloudFormation::Stack');
    expect(
      generatedName(
        'integ-tests-u7brkajrdgec5ys8-performance-test',
        'ComputeFleetQueuesNestedStackQueuesNestedStackResource4C2E1F0A',
        nested,
      ),
    ).toMatch(
      /^integ-tests-u7brkajrdgec5ys8-performance-te-ComputeFleetQueuesNestedStackQueuesNestedS-[0-9A-Z]{12,13}$/,
    );
    expect(
      generatedName(
        'backgroundagent-dev',
        'AgentRegistryStackNestedStackAgentRegistryStackNestedStackResource5D7A9B3C',
        nested,
      ),
    ).toMatch(
      /^backgroundagent-dev-AgentRegistryStackNestedStackAgentRegistryStackNestedStackResource-[0-9A-Z]{12,13}$/,
    );
    expect(generatedName('S'.repeat(128), 'L'.repeat(255), nested).length).toBeLessThanOrEqual(100);
  });

  it('writes S3 bucket names in lower case', () => {
    expect(generatedName('MyStack', 'Bucket83908E77', rule('AWS::S3::Bucket'))).toMatch(
      /^mystack-bucket83908e77-[0-9a-z]{12,13}$/,
    );
  });

  it('keeps an explicit name and generates the others, on the real fixture assembly', async () => {
    const { stack, nested } = await fixtureModel();
    const fixture = stack('FixtureStack');
    expect(fixture.physicalName(logicalId(fixture, 'Audit'))).toBe('fixture-audit');
    expect(fixture.physicalName(logicalId(fixture, 'Substituted'))).toBe('fixture-express');
    expect(fixture.physicalName(logicalId(fixture, 'Orders'))).toMatch(
      /^FixtureStack-OrdersA9B65338-[0-9A-Z]{12,13}$/,
    );
    expect(fixture.physicalName(logicalId(fixture, 'Workflow'))).toMatch(
      /^Workflow[0-9A-F]{8}-[0-9A-Za-z]{12}$/,
    );
    expect(stack('Staging-Store').physicalName(logicalId(stack('Staging-Store'), 'Items'))).toMatch(
      /^Staging-Store-Items[0-9A-F]{8}-[0-9A-Z]{12,13}$/,
    );
    // A nested stack is named in its parent; its resources are named in it.
    const storage = nested('FixtureStack', 'Storage');
    expect(storage.stackName).toMatch(
      /^FixtureStack-StorageNestedStackStorageNestedStackResource[0-9A-F]{8}-[0-9A-Z]{12,13}$/,
    );
    expect(storage.physicalName(logicalId(storage, 'Notes'))).toMatch(
      new RegExp(`^${storage.stackName}-Notes[0-9A-F]{8}-[0-9A-Z]{12,13}$`),
    );
    // A second model of the same assembly (a restart) names everything the same.
    const again = (await fixtureModel()).stack('FixtureStack');
    expect(again.physicalName(logicalId(again, 'Orders'))).toBe(
      fixture.physicalName(logicalId(fixture, 'Orders')),
    );
  });
});
