// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} are CloudFormation placeholders (Fn::Sub, DefinitionSubstitutions), not template literals
import type { CfnTemplate } from '../../src/cloud-assembly/assembly';
import { UnresolvableIntrinsicError } from '../../src/cloud-assembly/errors';
import { IntrinsicResolver, NO_VALUE } from '../../src/cloud-assembly/intrinsics';

const template: CfnTemplate = {
  Parameters: {
    Stage: { Type: 'String', Default: 'dev' },
    Zones: { Type: 'CommaDelimitedList', Default: 'a,b' },
    Required: { Type: 'String' },
    Bootstrap: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version' },
  },
  Conditions: {
    IsDev: { 'Fn::Equals': [{ Ref: 'Stage' }, 'dev'] },
    IsProd: { 'Fn::Not': [{ Condition: 'IsDev' }] },
    Both: { 'Fn::And': [{ Condition: 'IsDev' }, { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] }] },
  },
  Mappings: { Sizes: { dev: { memory: 128 } } },
  Resources: {
    Table: { Type: 'AWS::DynamoDB::Table' },
    Fn: { Type: 'AWS::Lambda::Function' },
  },
};

function resolver(parameters?: Record<string, string>) {
  return new IntrinsicResolver({
    stackName: 'Shop',
    stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Shop/1234',
    region: 'us-east-1',
    accountId: '123456789012',
    partition: 'aws',
    urlSuffix: 'amazonaws.com',
    template,
    parameters,
    ref: (logicalId) => `ref-of-${logicalId}`,
    getAtt: (logicalId, attribute) => `${attribute}-of-${logicalId}`,
    importValue: (name) => `imported-${name}`,
  });
}

const at = { stackName: 'Shop', logicalId: 'Fn', type: 'AWS::Lambda::Function', property: 'Environment' };
const resolve = (value: unknown, parameters?: Record<string, string>) =>
  resolver(parameters).resolve(value, at);

describe('the intrinsic resolver', () => {
  it.each([
    ['AWS::Region', 'us-east-1'],
    ['AWS::AccountId', '123456789012'],
    ['AWS::Partition', 'aws'],
    ['AWS::URLSuffix', 'amazonaws.com'],
    ['AWS::StackName', 'Shop'],
    ['AWS::StackId', 'arn:aws:cloudformation:us-east-1:123456789012:stack/Shop/1234'],
  ])('gives the pseudo parameter %s the local value %s', (name, value) => {
    expect(resolve({ Ref: name })).toBe(value);
  });

  it('removes what AWS::NoValue stands in: a property, a list element', () => {
    expect(resolve({ Keep: 1, Drop: { Ref: 'AWS::NoValue' } })).toEqual({ Keep: 1 });
    expect(resolve(['a', { Ref: 'AWS::NoValue' }, 'b'])).toEqual(['a', 'b']);
    expect(resolver().resolve({ Ref: 'AWS::NoValue' }, at)).toBe(NO_VALUE);
  });

  it('gives a parameter the value passed for it, else its Default; a list parameter is a list', () => {
    expect(resolve({ Ref: 'Stage' })).toBe('dev');
    expect(resolve({ Ref: 'Stage' }, { Stage: 'prod', Required: 'x' })).toBe('prod');
    expect(resolve({ Ref: 'Zones' })).toEqual(['a', 'b']);
  });

  it('asks for a value for a parameter without a Default, and for an SSM-backed one', () => {
    expect(() => resolve({ Ref: 'Required' })).toThrow(/parameter Required has no Default; give it a value/);
    expect(() => resolve({ Ref: 'Bootstrap' })).toThrow(/SSM Parameter Store .* not available locally/);
    expect(resolve({ Ref: 'Bootstrap' }, { Bootstrap: '21' })).toBe('21');
  });

  it('resolves Ref and Fn::GetAtt of resources through the stack (both GetAtt forms)', () => {
    expect(resolve({ Ref: 'Table' })).toBe('ref-of-Table');
    expect(resolve({ 'Fn::GetAtt': ['Fn', 'Arn'] })).toBe('Arn-of-Fn');
    expect(resolve({ 'Fn::GetAtt': 'Table.StreamArn' })).toBe('StreamArn-of-Table');
  });

  it('joins, selects and splits', () => {
    expect(resolve({ 'Fn::Join': [':', ['arn', { Ref: 'AWS::Partition' }, 'states']] })).toBe(
      'arn:aws:states',
    );
    expect(resolve({ 'Fn::Join': ['', []] })).toBe('');
    expect(resolve({ 'Fn::Select': [1, ['a', 'b', 'c']] })).toBe('b');
    expect(resolve({ 'Fn::Select': ['0', { 'Fn::Split': ['/', 'x/y'] }] })).toBe('x');
    expect(resolve({ 'Fn::Split': [',', { 'Fn::Join': [',', ['1', '2']] }] })).toEqual(['1', '2']);
  });

  it('substitutes Fn::Sub in both forms: pseudo parameters, parameters, resources, attributes, variables, ${!literal}', () => {
    expect(resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Stage}-${Table}/${Fn.Arn}' })).toBe(
      'arn:aws:s3:::dev-ref-of-Table/Arn-of-Fn',
    );
    expect(
      resolve({ 'Fn::Sub': ['${Greeting}, ${AWS::Region}! ${!Literal}', { Greeting: { Ref: 'Stage' } }] }),
    ).toBe('dev, us-east-1! ${Literal}');
  });

  it('imports values and looks up mappings', () => {
    expect(resolve({ 'Fn::ImportValue': { 'Fn::Sub': '${AWS::StackName}-table' } })).toBe(
      'imported-Shop-table',
    );
    expect(resolve({ 'Fn::FindInMap': ['Sizes', { Ref: 'Stage' }, 'memory'] })).toBe(128);
  });

  it('evaluates conditions for Fn::If and a resource Condition', () => {
    const r = resolver();
    expect(r.condition('IsDev', at)).toBe(true);
    expect(r.condition('IsProd', at)).toBe(false);
    expect(r.condition('Both', at)).toBe(true);
    expect(resolve({ 'Fn::If': ['IsProd', 'big', { Ref: 'AWS::NoValue' }] })).toBe(NO_VALUE);
    expect(resolve({ Size: { 'Fn::If': ['IsDev', 'small', 'big'] } })).toEqual({ Size: 'small' });
  });

  it('encodes Fn::Base64 and Fn::ToJsonString, and lists zones for Fn::GetAZs', () => {
    expect(resolve({ 'Fn::Base64': 'hi' })).toBe('aGk=');
    expect(resolve({ 'Fn::ToJsonString': { a: { Ref: 'Stage' } } })).toBe('{"a":"dev"}');
    expect(resolve({ 'Fn::GetAZs': '' })).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
  });

  it('names the resource, the property and the fix when an intrinsic cannot be resolved', () => {
    const error = (() => {
      try {
        resolve({ 'Fn::Cidr': ['10.0.0.0/16', 2, 8] });
      } catch (e) {
        return e as UnresolvableIntrinsicError;
      }
    })();
    expect(error).toBeInstanceOf(UnresolvableIntrinsicError);
    expect(error?.name).toBe('UnresolvableIntrinsicError');
    expect(error?.message).toMatch(
      /^Shop\/Fn \(AWS::Lambda::Function\), property Environment: Fn::Cidr is not resolved locally \(supported: Ref, .*\); compute the value in the CDK app instead/,
    );
    expect(() => resolve({ Ref: 'Nothing' })).toThrow(
      /Ref to Nothing, which is neither a pseudo parameter, a parameter nor a resource/,
    );
    expect(() => resolve({ 'Fn::Sub': '${Nope.Attr}' })).toThrow(UnresolvableIntrinsicError);
    expect(() => resolve({ 'Fn::Select': [5, ['a']] })).toThrow(/outside the list of 1/);
  });
});
