import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { IdempotencyBlueprintStack } from '../../lib/blueprint-stack';
import { planWorkflow } from '../../lib/plan';

// Skip esbuild bundling: these tests read the template, not the bundle.
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new IdempotencyBlueprintStack(app, 'Blueprint');
const template = Template.fromStack(stack);

function acknowledgements(scope: IConstruct): Array<{ path: string; id: string; reason: unknown }> {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, unknown>).map(([id, reason]) => ({
          path: construct.node.path,
          id,
          reason,
        })),
      ),
  );
}

describe('the blueprint stack', () => {
  it('passes the cdk-nag AwsSolutions checks with no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(
      report.violations.map((v) => `${v.severity} ${v.ruleName} ${v.violatingResources[0]?.constructPath}`),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('gives every acknowledgement a reason', () => {
    const found = acknowledgements(stack);
    expect(found.length).toBeGreaterThan(0);
    for (const { reason } of found) {
      expect(typeof reason).toBe('string');
      expect((reason as string).length).toBeGreaterThan(30);
    }
  });

  it('deploys the payment handler on a current Node.js runtime, with its own log group and a least-privilege role', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Architectures: ['arm64'],
      Timeout: 10,
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^PaymentLogs') } },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
      }),
      ManagedPolicyArns: Match.absent(),
    });
  });

  it('wraps the payment handler in the idempotent workflow, keyed on the order id, with the envelope payload', () => {
    const machine = stack.workflow.stateMachine.node.defaultChild as sfn.CfnStateMachine;
    expect(template.toJSON().Resources[stack.getLogicalId(machine)].Properties.DefinitionString).toBe(
      planWorkflow({
        tableName: 'any',
        businessFunctionArn: 'any',
        keyExpression: '$states.input.detail.orderId',
        keyPrefix: 'payments',
        payloadShape: 'ENVELOPE',
        businessTimeoutSeconds: 10,
      }).definition,
    );
  });

  it('outputs the state machine ARN, the table name and a console link', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual(
      expect.arrayContaining(['ConsoleLink', 'StateMachineArn', 'TableName']),
    );
    expect(JSON.stringify(outputs.ConsoleLink?.Value)).toContain(
      '.console.aws.amazon.com/states/home?region=',
    );
  });

  it('can be torn down: the table is deleted with the stack', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })] }),
    });
  });
});
