import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
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

describe('IdempotentWorkflow with apiSource: the integration timeout', () => {
  const express = { workflowType: sfn.StateMachineType.EXPRESS, inProgressPolicy: 'FAIL' as const };

  test("fails when one invocation of a 30 s business function cannot fit in API Gateway's 29 s", () => {
    expect(() => build({ ...express, businessTimeout: Duration.seconds(30), apiSource: {} })).toThrow(
      /for one business invocation .* integration timeout of 29 s/,
    );
  });

  test('given a raised integration timeout, then a 30 s business function is accepted and the integration uses it', () => {
    const { stack } = build({
      ...express,
      businessTimeout: Duration.seconds(30),
      apiSource: { integrationTimeout: Duration.seconds(60) },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::Method', {
      Integration: Match.objectLike({ TimeoutInMillis: 60000 }),
    });
  });

  test('given a 10 s business function, then synth warns that retries can outlast the 29 s', () => {
    const { stack } = build({ ...express, businessTimeout: Duration.seconds(10), apiSource: {} });
    Annotations.fromStack(stack).hasWarning(
      '/WithSources/Orders/ApiSource',
      Match.stringLikeRegexp('when DynamoDB or Lambda calls are retried, longer than .* \\(29 s\\)'),
    );
  });
});
