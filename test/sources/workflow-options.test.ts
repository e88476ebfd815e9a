import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { IdempotentWorkflow, type IdempotentWorkflowProps } from '../../lib/idempotent-workflow';

function build(props: Partial<IdempotentWorkflowProps>): { stack: Stack; workflow: IdempotentWorkflow } {
  const stack = new Stack(new App(), 'WithSources');
  const businessFunction = new lambda.Function(stack, 'Business', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
  const workflow = new IdempotentWorkflow(stack, 'Orders', { businessFunction, monitoring: false, ...props });
  return { stack, workflow };
}

const workflowRef = (stack: Stack, workflow: IdempotentWorkflow) => ({
  Ref: stack.getLogicalId(workflow.stateMachine.node.defaultChild as sfn.CfnStateMachine),
});

describe('IdempotentWorkflow with eventBridgeSource and sqsSource (STANDARD)', () => {
  const { stack, workflow } = build({
    eventBridgeSource: { eventPattern: { source: ['shop.orders'] } },
    sqsSource: { maxReceiveCount: 3 },
  });
  const template = Template.fromStack(stack);

  test('then an EventBridge rule targets this workflow with a retry policy and a DLQ', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['shop.orders'] },
      Targets: [
        Match.objectLike({
          Arn: workflowRef(stack, workflow),
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 185 }),
          DeadLetterConfig: Match.anyValue(),
        }),
      ],
    });
    expect(workflow.eventBridgeSource).toBeDefined();
  });

  test('then a pipe starts this workflow (FIRE_AND_FORGET) from its queue, one message at a time', () => {
    template.hasResourceProperties('AWS::Pipes::Pipe', {
      Target: workflowRef(stack, workflow),
      SourceParameters: { SqsQueueParameters: { BatchSize: 1 } },
      TargetParameters: Match.objectLike({
        InputTemplate: '<$.body>',
        StepFunctionStateMachineParameters: { InvocationType: 'FIRE_AND_FORGET' },
      }),
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }),
    });
  });
});

describe('IdempotentWorkflow with apiSource (EXPRESS)', () => {
  const { stack, workflow } = build({
    workflowType: sfn.StateMachineType.EXPRESS,
    duplicateResponse: 'RETURN_STORED_RESULT',
    idempotencyKey: '$states.input.orderId',
    apiSource: { keyPath: '$.orderId' },
  });
  const template = Template.fromStack(stack);

  test('then POST /events starts this workflow synchronously', () => {
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      Integration: Match.objectLike({
        Uri: { 'Fn::Join': ['', Match.arrayWith([':states:action/StartSyncExecution'])] },
      }),
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Action: 'states:StartSyncExecution', Effect: 'Allow', Resource: workflowRef(stack, workflow) },
        ],
      },
    });
  });

  test('fails when the workflow is STANDARD', () => {
    expect(() => build({ apiSource: {} })).toThrow(
      /apiSource answers synchronously .* set workflowType to EXPRESS/,
    );
  });
});
