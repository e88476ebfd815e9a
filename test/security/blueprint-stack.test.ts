import { Template } from 'aws-cdk-lib/assertions';
import { IdempotencyBlueprintStack } from '../../lib/blueprint-stack';
import { statementProblems, templateProblems } from './least-privilege';
import { nagApp, nagFindings, removeOutput } from './nag';

describe('the blueprint stack', () => {
  const app = nagApp();
  // Bundling is the slow part of synth and does not change any policy.
  app.node.setContext('aws:cdk:bundling-stacks', []);
  const stack = new IdempotencyBlueprintStack(app, 'IdempotencyBlueprint');
  const findings = nagFindings(app);
  const template = Template.fromStack(stack);
  afterAll(() => removeOutput(app));

  test('then cdk-nag AwsSolutions reports nothing unacknowledged', () => {
    expect(findings).toEqual([]);
  });

  test('then every policy has no wildcard action and scopes every resource', () => {
    const { problems, policiesChecked } = templateProblems(template.toJSON().Resources);
    expect(policiesChecked).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});

describe('statementProblems', () => {
  test('given a wildcard action, then it is reported', () => {
    expect(statementProblems('p', { Effect: 'Allow', Action: 'dynamodb:*', Resource: 'arn:t' })).toEqual([
      { policy: 'p', statement: '"dynamodb:*"', problem: 'wildcard action dynamodb:*' },
    ]);
  });

  test('given resource "*" for a scoped action, then it is reported', () => {
    expect(
      statementProblems('p', { Effect: 'Allow', Action: ['dynamodb:PutItem'], Resource: '*' }),
    ).toHaveLength(1);
  });

  test('given resource "*" for log delivery, then it is accepted', () => {
    expect(
      statementProblems('p', { Effect: 'Allow', Action: 'logs:CreateLogDelivery', Resource: '*' }),
    ).toEqual([]);
  });

  test('given a Deny statement, then it is not judged', () => {
    expect(statementProblems('p', { Effect: 'Deny', Action: '*', Resource: '*' })).toEqual([]);
  });
});
