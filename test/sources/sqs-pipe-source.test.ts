import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { SqsPipeSource } from '../../lib/sources/sqs-pipe-source';
import { nagApp, nagFindings, removeOutput } from '../security/nag';
import { STATE_MACHINE_ARN, stackWithWorkflow } from './fixtures';

describe('SqsPipeSource for a STANDARD workflow', () => {
  const app = nagApp();
  const { stack, stateMachine } = stackWithWorkflow(app);
  new SqsPipeSource(stack, 'Inbox', { stateMachine });
  const findings = nagFindings(app);
  const template = Template.fromStack(stack);
  afterAll(() => removeOutput(app));

  test('then the pipe reads one message at a time and passes the body as the execution input', () => {
    template.hasResourceProperties('AWS::Pipes::Pipe', {
      Source: { 'Fn::GetAtt': [Match.stringLikeRegexp('InboxQueue'), 'Arn'] },
      SourceParameters: { SqsQueueParameters: { BatchSize: 1 } },
      Target: STATE_MACHINE_ARN,
      TargetParameters: {
        InputTemplate: '<$.body>',
        StepFunctionStateMachineParameters: { InvocationType: 'FIRE_AND_FORGET' },
      },
    });
  });

  test('then the source queue sends a message to its DLQ after 5 failed receives', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('InboxDeadLetterQueue'), 'Arn'] },
        maxReceiveCount: 5,
      },
      SqsManagedSseEnabled: true,
    });
  });

  test('then the pipe role may consume only the source queue and start only the workflow', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('InboxQueue'), 'Arn'] },
          },
          { Action: 'states:StartExecution', Effect: 'Allow', Resource: STATE_MACHINE_ARN },
        ],
      },
    });
  });

  test('then cdk-nag AwsSolutions reports nothing', () => {
    expect(findings).toEqual([]);
  });
});

describe('SqsPipeSource for an EXPRESS workflow', () => {
  const { stack, stateMachine } = stackWithWorkflow(new App());
  new SqsPipeSource(stack, 'Inbox', {
    stateMachine,
    workflowType: sfn.StateMachineType.EXPRESS,
    maxReceiveCount: 3,
  });
  const template = Template.fromStack(stack);

  test('then the pipe waits for the execution (StartSyncExecution), so a failure returns the message', () => {
    template.hasResourceProperties('AWS::Pipes::Pipe', {
      TargetParameters: { StepFunctionStateMachineParameters: { InvocationType: 'REQUEST_RESPONSE' } },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: 'states:StartSyncExecution', Effect: 'Allow', Resource: STATE_MACHINE_ARN },
        ]),
      },
    });
  });
});

describe('SqsPipeSource validation', () => {
  test('fails when maxReceiveCount is 0', () => {
    const { stack, stateMachine } = stackWithWorkflow(new App());
    expect(() => new SqsPipeSource(stack, 'S', { stateMachine, maxReceiveCount: 0 })).toThrow(
      /maxReceiveCount must be a positive integer, got 0/,
    );
  });
});
