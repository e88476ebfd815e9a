import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EventBridgeSource } from '../../lib/sources/eventbridge-source';
import { nagApp, nagFindings, removeOutput } from '../security/nag';
import { STATE_MACHINE_ARN, stackWithWorkflow } from './fixtures';

describe('EventBridgeSource with defaults', () => {
  const app = nagApp();
  const { stack, stateMachine } = stackWithWorkflow(app);
  new EventBridgeSource(stack, 'Orders', {
    stateMachine,
    eventPattern: { source: ['shop.orders'], detailType: ['OrderPlaced'] },
  });
  const findings = nagFindings(app);
  const template = Template.fromStack(stack);
  afterAll(() => removeOutput(app));

  test('given a pattern, then the rule matches it and targets the workflow with retries and a DLQ', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['shop.orders'], 'detail-type': ['OrderPlaced'] },
      Targets: [
        Match.objectLike({
          Arn: STATE_MACHINE_ARN,
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('DeadLetterQueue'), 'Arn'] } },
        }),
      ],
    });
  });

  test('then the dead-letter queue is SSL-only, encrypted and keeps messages 14 days', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      MessageRetentionPeriod: 1209600,
      SqsManagedSseEnabled: true,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' } }),
        ]),
      },
    });
  });

  test('then the target role may only start this workflow', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{ Action: 'states:StartExecution', Effect: 'Allow', Resource: STATE_MACHINE_ARN }],
      },
    });
  });

  test('then cdk-nag AwsSolutions reports nothing', () => {
    expect(findings).toEqual([]);
  });
});

describe('EventBridgeSource validation', () => {
  test('fails when retryAttempts is above 185', () => {
    const { stack, stateMachine } = stackWithWorkflow(new App());
    expect(
      () =>
        new EventBridgeSource(stack, 'S', {
          stateMachine,
          eventPattern: { source: ['x'] },
          retryAttempts: 200,
        }),
    ).toThrow(/retryAttempts must be an integer from 0 to 185, got 200/);
  });
});
