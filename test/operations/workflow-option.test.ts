import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IdempotentWorkflow, type IdempotentWorkflowProps } from '../../lib/idempotent-workflow';

function build(props: Partial<IdempotentWorkflowProps> = {}): Template {
  const stack = new Stack(new App(), 'Monitored');
  const businessFunction = new lambda.Function(stack, 'Business', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
  const alarmTopic =
    props.alarmTopic === undefined ? undefined : new sns.Topic(stack, 'Alarms', { enforceSSL: true });
  new IdempotentWorkflow(stack, 'Orders', { businessFunction, ...props, alarmTopic });
  return Template.fromStack(stack);
}

describe('IdempotentWorkflow monitoring (default on)', () => {
  const template = build({ alarmTopic: {} as sns.ITopic });

  test('then the four alarms notify the given topic', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ExecutionsFailed',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alarms') }],
    });
  });

  test("then metric filters read the workflow's own log group, and a dashboard exists", () => {
    template.resourceCountIs('AWS::Logs::MetricFilter', 3);
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: Match.stringLikeRegexp('OrdersLogs') },
    });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});

describe('IdempotentWorkflow with monitoring false', () => {
  test('then no alarm, filter or dashboard is created', () => {
    const template = build({ monitoring: false });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    template.resourceCountIs('AWS::Logs::MetricFilter', 0);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });
});
