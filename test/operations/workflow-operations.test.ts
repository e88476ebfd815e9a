import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  DUPLICATES,
  NEW_EVENTS,
  STATE_ENTRY_METRICS,
  stateEntryFilterPattern,
} from '../../lib/operations/metric-filters';
import { WorkflowOperations } from '../../lib/operations/workflow-operations';
import { planWorkflow } from '../../lib/plan';
import { StateName } from '../../lib/state-machines/names';
import { nagApp, nagFindings, removeOutput } from '../security/nag';
import { stackWithWorkflow } from '../sources/fixtures';

function operationsStack(app: App, extra: { createAlarmTopic?: boolean; alarmTopicArn?: string } = {}) {
  const { stack, stateMachine } = stackWithWorkflow(app);
  const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Logs', '/aws/vendedlogs/states/workflow');
  const businessFunction = lambda.Function.fromFunctionName(stack, 'Business', 'orders');
  const table = dynamodb.Table.fromTableName(stack, 'Table', 'idempotency');
  const alarmTopic =
    extra.alarmTopicArn === undefined
      ? undefined
      : sns.Topic.fromTopicArn(stack, 'Topic', extra.alarmTopicArn);
  new WorkflowOperations(stack, 'Ops', {
    stateMachine,
    logGroup,
    businessFunction,
    table,
    alarmTopic,
    createAlarmTopic: extra.createAlarmTopic,
    metricNamespace: 'IdempotentWorkflow/orders',
  });
  return stack;
}

describe('WorkflowOperations with a created alarm topic', () => {
  const app = nagApp();
  const stack = operationsStack(app, { createAlarmTopic: true });
  const findings = nagFindings(app);
  const template = Template.fromStack(stack);
  afterAll(() => removeOutput(app));

  test.each([
    ['ExecutionsFailed', 'AWS/States'],
    ['ExecutionsTimedOut', 'AWS/States'],
    ['ExecutionThrottled', 'AWS/States'],
    ['Errors', 'AWS/Lambda'],
  ])('then an alarm fires on the first %s (%s) and notifies the topic', (metricName, namespace) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: metricName,
      Namespace: namespace,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('OpsAlarmTopic') }],
    });
  });

  test('then the topic accepts SSL requests only', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('then metric filters count new events and duplicates from the state names in the log group', () => {
    for (const metric of [NEW_EVENTS, DUPLICATES]) {
      template.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: '/aws/vendedlogs/states/workflow',
        FilterPattern: stateEntryFilterPattern(metric),
        MetricTransformations: [
          {
            MetricNamespace: 'IdempotentWorkflow/orders',
            MetricName: metric.metricName,
            MetricValue: '1',
            DefaultValue: 0,
          },
        ],
      });
    }
  });

  test('then the dashboard shows outcomes, new versus duplicates, latency and the business function', () => {
    const dashboards = template.findResources('AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(Object.values(dashboards)[0]);
    for (const title of [
      'Executions by outcome',
      'New events vs duplicates',
      'Latency (ms)',
      'Business function',
    ]) {
      expect(body).toContain(title);
    }
    for (const metric of [
      'ExecutionsSucceeded',
      'NewEvents',
      'Duplicates',
      'ConditionalCheckFailedRequests',
      'ExecutionTime',
    ]) {
      expect(body).toContain(metric);
    }
  });

  test('then cdk-nag AwsSolutions reports nothing', () => {
    expect(findings).toEqual([]);
  });
});

describe('WorkflowOperations without a topic', () => {
  const template = Template.fromStack(operationsStack(new App()));

  test('then alarms exist without actions and no topic is created', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: Match.absent() });
  });
});

describe('WorkflowOperations validation', () => {
  test('fails when both alarmTopic and createAlarmTopic are set', () => {
    expect(() =>
      operationsStack(new App(), {
        createAlarmTopic: true,
        alarmTopicArn: 'arn:aws:sns:us-east-1:111111111111:t',
      }),
    ).toThrow(/alarmTopic and createAlarmTopic are both set/);
  });
});

describe('stateEntryFilterPattern', () => {
  test('given the duplicate metric, then the pattern matches the Succeed state AlreadyProcessed', () => {
    expect(stateEntryFilterPattern(DUPLICATES)).toBe(
      `{ ($.type = "SucceedStateEntered") && ($.details.name = "${StateName.AlreadyProcessed}") }`,
    );
  });
});

describe('STATE_ENTRY_METRICS', () => {
  // inProgressPolicy FAIL: the definition that holds RejectWhileInProgress too.
  const { definition } = planWorkflow({ tableName: 't', businessFunctionArn: 'f', inProgressPolicy: 'FAIL' });
  const states = JSON.parse(definition).States as Record<string, { Type: string }>;

  test.each(STATE_ENTRY_METRICS.map((metric) => [metric.stateName, metric]))(
    'then state %s exists in the workflow with the type its log event names',
    (_name, metric) => {
      expect(`${states[metric.stateName]?.Type}StateEntered`).toBe(metric.eventType);
    },
  );
});
