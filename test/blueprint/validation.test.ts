/**
 * IdempotentWorkflow checks every prop, its sources' and its monitoring's included, before it
 * creates anything, and reports every problem in one IdempotencyConfigError, one line each. Each
 * part runs the same checks (its pure `…Problems` function) when it is constructed on its own.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { IConstruct } from 'constructs';
import { IdempotencyConfigError } from '../../lib/definition';
import { IdempotentWorkflow, type IdempotentWorkflowProps } from '../../lib/idempotent-workflow';
import { WorkflowOperations, workflowOperationsProblems } from '../../lib/operations/workflow-operations';
import { EventBridgeSource, eventBridgeSourceProblems } from '../../lib/sources/eventbridge-source';
import { SqsPipeSource, sqsPipeSourceProblems } from '../../lib/sources/sqs-pipe-source';
import { SyncApiSource, syncApiSourceProblems } from '../../lib/sources/sync-api-source';
import { stackWithWorkflow } from '../sources/fixtures';

function newStack(): { stack: Stack; fn: lambda.Function } {
  const stack = new Stack(new App(), 'Test');
  const fn = new lambda.Function(stack, 'Business', {
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_22_X,
  });
  return { stack, fn };
}

/** What `fn` threw, which must be an IdempotencyConfigError. */
function configErrorOf(fn: () => unknown): IdempotencyConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof IdempotencyConfigError) return error;
    throw error;
  }
  throw new Error('nothing was thrown');
}

const express = { workflowType: sfn.StateMachineType.EXPRESS };
const pattern = { eventPattern: { source: ['shop.orders'] } };
/** An authorizer stand-in: the checks only read its type. */
const customAuthorizer: apigateway.IAuthorizer = {
  authorizerId: 'a1b2c3',
  authorizationType: apigateway.AuthorizationType.CUSTOM,
};
const topicArn = 'arn:aws:sns:us-east-1:123456789012:alarms';

/** The kinds of construct that must not exist after a failed validation. */
const created = (scope: IConstruct) =>
  scope.node
    .findAll()
    .filter(
      (c) =>
        c instanceof dynamodb.TableV2 ||
        c instanceof sfn.StateMachine ||
        c instanceof logs.LogGroup ||
        c instanceof IdempotentWorkflow,
    );

describe('IdempotentWorkflow validation of every prop, before anything is created', () => {
  function build(props: Partial<IdempotentWorkflowProps>): () => IdempotentWorkflow {
    return () => {
      const { stack, fn } = newStack();
      return new IdempotentWorkflow(stack, 'Orders', { businessFunction: fn, ...props });
    };
  }
  const aTopic = sns.Topic.fromTopicArn(new Stack(), 'Alarms', topicArn);

  it.each<[string, Partial<IdempotentWorkflowProps>, string]>([
    [
      'the state machine name has a space',
      { stateMachineName: 'orders idempotency' },
      `stateMachineName must be 1-80 letters, digits or "+ ! @ . ( ) - = _ '", got "orders idempotency"`,
    ],
    [
      'alarmTopic is set with monitoring off',
      { monitoring: false, alarmTopic: aTopic },
      'alarmTopic is set but monitoring is false, so no alarm would notify it: turn monitoring on, or drop alarmTopic',
    ],
    [
      'the business timeout is not whole seconds',
      { businessTimeout: Duration.millis(1500) },
      'businessTimeout must be a whole number of seconds, got 1 second 500 millis',
    ],
    [
      'the EventBridge pattern is empty',
      { eventBridgeSource: { eventPattern: {} } },
      'eventBridgeSource: eventPattern must match on at least one field, got {}',
    ],
    [
      'EventBridge would retry more than 185 times',
      { eventBridgeSource: { ...pattern, retryAttempts: 200 } },
      'eventBridgeSource: retryAttempts must be an integer from 0 to 185, got 200',
    ],
    [
      'the EventBridge event age is over 24 hours',
      { eventBridgeSource: { ...pattern, maxEventAge: Duration.hours(48) } },
      'eventBridgeSource: maxEventAge must be whole seconds from 1 minute to 24 hours, got Duration.hours(48)',
    ],
    [
      'the EventBridge event age is under a minute',
      { eventBridgeSource: { ...pattern, maxEventAge: Duration.seconds(30) } },
      'eventBridgeSource: maxEventAge must be whole seconds from 1 minute to 24 hours, got Duration.seconds(30)',
    ],
    [
      'the queue moves messages to its DLQ after 0 receives',
      { sqsSource: { maxReceiveCount: 0 } },
      'sqsSource: maxReceiveCount must be a positive integer, got 0: use 1 to 1000',
    ],
    [
      'the queue allows more receives than SQS does',
      { sqsSource: { maxReceiveCount: 1001 } },
      'sqsSource: maxReceiveCount must be a positive integer, got 1001',
    ],
    [
      'the visibility timeout is over 12 hours',
      { sqsSource: { visibilityTimeout: Duration.hours(13) } },
      'sqsSource: visibilityTimeout must be whole seconds from 0 to 12 hours, got Duration.hours(13)',
    ],
    [
      'the visibility timeout is not whole seconds',
      { sqsSource: { visibilityTimeout: Duration.millis(1500) } },
      'sqsSource: visibilityTimeout must be whole seconds from 0 to 12 hours, got Duration.millis(1500)',
    ],
    [
      'the API key path is not a simple JSONPath',
      { ...express, apiSource: { keyPath: '$..id' } },
      "apiSource: keyPath must be a simple JSONPath such as '$.orderId' or '$.order.id', got '$..id'",
    ],
    [
      'the API resource path has a slash',
      { ...express, apiSource: { resourcePath: 'v1/events' } },
      `apiSource: resourcePath must be one path part of letters, digits and ': . _ - $', got "v1/events"`,
    ],
    [
      'the API is open to anyone',
      { ...express, apiSource: { authorizationType: apigateway.AuthorizationType.NONE } },
      'apiSource: authorizationType NONE would open the workflow to anyone',
    ],
    [
      'the API authorizer is CUSTOM but the authorization type is the default IAM',
      { ...express, apiSource: { authorizer: customAuthorizer } },
      'apiSource: authorizer is a CUSTOM authorizer but authorizationType is IAM (the default): set authorizationType to AuthorizationType.CUSTOM',
    ],
    [
      'the API asks for Cognito without an authorizer',
      { ...express, apiSource: { authorizationType: apigateway.AuthorizationType.COGNITO } },
      'apiSource: authorizationType COGNITO needs an authorizer: pass authorizer (a CognitoUserPoolsAuthorizer)',
    ],
    [
      'the API integration timeout is below 50 ms',
      { ...express, apiSource: { integrationTimeout: Duration.millis(10) } },
      'apiSource: integrationTimeout must be a concrete duration of at least 50 ms, got Duration.millis(10)',
    ],
    [
      "one invocation cannot fit in the API's 29 s",
      { ...express, businessTimeout: Duration.seconds(20), apiSource: {} },
      'apiSource: the workflow waits up to 35 s for one business invocation',
    ],
  ])('fails when %s', (_why, props, message) => {
    const error = configErrorOf(build(props));
    expect(error.message).toMatch(/^invalid IdempotentWorkflow Orders:\n- /);
    expect(error.problems).toContainEqual(expect.stringContaining(message));
  });

  it('fails when the workflow, its monitoring and each source have a problem: one error lists them all, one per line', () => {
    const error = configErrorOf(
      build({
        ...express,
        recordTtl: Duration.seconds(0),
        monitoring: false,
        alarmTopic: aTopic,
        eventBridgeSource: { ...pattern, retryAttempts: 200 },
        sqsSource: { maxReceiveCount: 0 },
        apiSource: { keyPath: '$..id' },
      }),
    );
    expect(error.problems).toEqual([
      expect.stringMatching(/^alarmTopic is set but monitoring is false/),
      expect.stringMatching(/^recordTtl must be a whole number of seconds between 1 and/),
      expect.stringMatching(/^eventBridgeSource: retryAttempts must be an integer from 0 to 185, got 200/),
      expect.stringMatching(/^sqsSource: maxReceiveCount must be a positive integer, got 0/),
      expect.stringMatching(/^apiSource: keyPath must be a simple JSONPath/),
    ]);
    expect(error.message.split('\n')).toEqual([
      'invalid IdempotentWorkflow Orders:',
      ...error.problems.map((problem) => `- ${problem}`),
    ]);
  });

  it('fails when a source prop is wrong, having created nothing: no table, log group, state machine, nor the workflow itself', () => {
    const { stack, fn } = newStack();
    const before = stack.node.findAll().length;
    const error = configErrorOf(
      () =>
        new IdempotentWorkflow(stack, 'Orders', { businessFunction: fn, sqsSource: { maxReceiveCount: 0 } }),
    );
    expect(error.problems).toEqual([expect.stringMatching(/^sqsSource: maxReceiveCount/)]);
    expect(created(stack)).toEqual([]);
    expect(stack.node.findAll()).toHaveLength(before);
    // The id is still free: the corrected props build.
    expect(
      () =>
        new IdempotentWorkflow(stack, 'Orders', { businessFunction: fn, sqsSource: { maxReceiveCount: 1 } }),
    ).not.toThrow();
  });

  it('fails when the key prefix is taken on the given table, having created nothing', () => {
    const { stack, fn } = newStack();
    const first = new IdempotentWorkflow(stack, 'Orders', { businessFunction: fn, keyPrefix: 'orders' });
    const before = stack.node.findAll().length;
    const error = configErrorOf(
      () =>
        new IdempotentWorkflow(stack, 'Refunds', {
          businessFunction: fn,
          table: first.table,
          keyPrefix: 'orders',
          sqsSource: { maxReceiveCount: 0 },
        }),
    );
    expect(error.problems).toEqual([
      'keyPrefix "orders" is already used by Test/Orders on the same table; give each workflow its own keyPrefix',
      expect.stringMatching(/^sqsSource: maxReceiveCount/),
    ]);
    expect(stack.node.findAll()).toHaveLength(before);
    expect(stack.node.tryFindChild('Refunds')).toBeUndefined();
  });
});

describe('each part, constructed on its own, runs the same checks before it creates anything', () => {
  test('fails when the EventBridgeSource props are wrong, with every problem', () => {
    const { stack, stateMachine } = stackWithWorkflow(new App());
    const error = configErrorOf(
      () => new EventBridgeSource(stack, 'Rule', { stateMachine, eventPattern: {}, retryAttempts: -1 }),
    );
    expect(error.message).toMatch(
      /^invalid EventBridgeSource Rule:\n- eventPattern must match .*\n- retryAttempts must be .* got -1/,
    );
    expect(stack.node.tryFindChild('Rule')).toBeUndefined();
  });

  test('fails when the SqsPipeSource props are wrong, with every problem', () => {
    const { stack, stateMachine } = stackWithWorkflow(new App());
    const error = configErrorOf(
      () =>
        new SqsPipeSource(stack, 'Queue', {
          stateMachine,
          maxReceiveCount: 0,
          visibilityTimeout: Duration.days(1),
        }),
    );
    expect(error.problems).toEqual([
      expect.stringMatching(/^maxReceiveCount must be a positive integer, got 0/),
      expect.stringMatching(
        /^visibilityTimeout must be whole seconds from 0 to 12 hours, got Duration.days\(1\)/,
      ),
    ]);
    expect(stack.node.tryFindChild('Queue')).toBeUndefined();
  });

  test('fails when the SyncApiSource props are wrong, with every problem', () => {
    const { stack, stateMachine } = stackWithWorkflow(new App());
    const error = configErrorOf(
      () =>
        new SyncApiSource(stack, 'Api', {
          stateMachine,
          resourcePath: 'a/b',
          authorizationType: apigateway.AuthorizationType.CUSTOM,
          invokeTimeout: Duration.seconds(30),
        }),
    );
    expect(error.problems).toEqual([
      expect.stringMatching(/^resourcePath must be one path part/),
      expect.stringMatching(
        /^authorizationType CUSTOM needs an authorizer: pass authorizer \(a TokenAuthorizer/,
      ),
      expect.stringMatching(/^the workflow waits up to 30 s .* integration timeout of 29 s/),
    ]);
    expect(stack.node.tryFindChild('Api')).toBeUndefined();
  });

  test('fails when the WorkflowOperations props are wrong, with every problem', () => {
    const { stack, stateMachine } = stackWithWorkflow(new App());
    const error = configErrorOf(
      () =>
        new WorkflowOperations(stack, 'Ops', {
          stateMachine,
          logGroup: logs.LogGroup.fromLogGroupName(stack, 'Logs', 'workflow'),
          businessFunction: lambda.Function.fromFunctionName(stack, 'Business', 'orders'),
          alarmTopic: sns.Topic.fromTopicArn(stack, 'Topic', topicArn),
          createAlarmTopic: true,
          metricNamespace: 'AWS/States',
          dashboardName: 'orders dashboard',
        }),
    );
    expect(error.message).toMatch(/^invalid WorkflowOperations Ops:\n/);
    expect(error.problems).toEqual([
      expect.stringMatching(/^alarmTopic and createAlarmTopic are both set/),
      expect.stringMatching(
        /^metricNamespace must be 1-255 characters and not start with "AWS\/".* got "AWS\/States"/,
      ),
      expect.stringMatching(
        /^dashboardName must be 1-255 letters, digits, "-" or "_", got "orders dashboard"/,
      ),
    ]);
    expect(stack.node.tryFindChild('Ops')).toBeUndefined();
  });

  test('the problems functions find nothing in their defaults', () => {
    expect(eventBridgeSourceProblems(pattern)).toEqual([]);
    expect(sqsPipeSourceProblems({})).toEqual([]);
    expect(syncApiSourceProblems({})).toEqual([]);
    expect(
      syncApiSourceProblems({
        authorizer: customAuthorizer,
        authorizationType: customAuthorizer.authorizationType,
      }),
    ).toEqual([]);
    expect(workflowOperationsProblems({})).toEqual([]);
  });
});
