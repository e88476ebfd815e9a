import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { IdempotencyBlueprintStack } from '../../lib/blueprint-stack';

describe('the blueprint with two business functions', () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new IdempotencyBlueprintStack(app, 'Blueprint');
  const template = Template.fromStack(stack);
  const tableLogicalId = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'))[0];
  const definitionOf = (machine: sfn.IStateMachine) =>
    template.toJSON().Resources[stack.getLogicalId(machine.node.defaultChild as sfn.CfnStateMachine)]
      .Properties;

  test('then one table serves both workflows', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    for (const workflow of [stack.workflow, stack.shippingWorkflow]) {
      expect(definitionOf(workflow.stateMachine).DefinitionSubstitutions.TableName).toEqual({
        Ref: tableLogicalId,
      });
    }
  });

  test('then each workflow writes under its own key prefix and calls its own function', () => {
    const prefixOf = (machine: sfn.IStateMachine) =>
      /'([^']+)#' & \$keyText/.exec(definitionOf(machine).DefinitionString)?.[1];
    expect([prefixOf(stack.workflow.stateMachine), prefixOf(stack.shippingWorkflow.stateMachine)]).toEqual([
      'payments',
      'shipping',
    ]);
    const payment = definitionOf(stack.workflow.stateMachine).DefinitionSubstitutions;
    const shipping = definitionOf(stack.shippingWorkflow.stateMachine).DefinitionSubstitutions;
    expect(JSON.stringify(shipping.BusinessFunctionArn)).toContain(
      stack.getLogicalId(stack.shippingFunction.node.defaultChild as never),
    );
    expect(JSON.stringify(payment.BusinessFunctionArn)).not.toContain(
      stack.getLogicalId(stack.shippingFunction.node.defaultChild as never),
    );
  });

  test('then each workflow may write the shared table but invoke only its own function', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^ShippingWorkflowStateMachineRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'IdempotencyRecords',
            Resource: { 'Fn::GetAtt': [tableLogicalId, 'Arn'] },
          }),
          Match.objectLike({
            Sid: 'InvokeBusinessFunction',
            Resource: Match.arrayWith([
              { 'Fn::GetAtt': [Match.stringLikeRegexp('^Shipping[0-9A-F]'), 'Arn'] },
            ]),
          }),
        ]),
      },
    });
  });
});
