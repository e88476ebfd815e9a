import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import {
  startSyncExecutionRequestTemplate,
  startSyncExecutionResponseTemplate,
} from '../../lib/sources/api-templates';
import { SyncApiSource } from '../../lib/sources/sync-api-source';
import { nagApp, nagFindings, removeOutput } from '../security/nag';
import { STATE_MACHINE_ARN, stackWithWorkflow } from './fixtures';

describe('SyncApiSource keyed on $.orderId', () => {
  const app = nagApp();
  const { stack, stateMachine } = stackWithWorkflow(app);
  new SyncApiSource(stack, 'Api', { stateMachine, keyPath: '$.orderId' });
  const findings = nagFindings(app);
  const template = Template.fromStack(stack);
  afterAll(() => removeOutput(app));

  test('then POST /events calls StartSyncExecution with IAM authorization and the mapping templates', () => {
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      AuthorizationType: 'AWS_IAM',
      Integration: {
        Type: 'AWS',
        IntegrationHttpMethod: 'POST',
        Uri: {
          'Fn::Join': ['', Match.arrayWith([':apigateway:us-east-1:states:action/StartSyncExecution'])],
        },
        PassthroughBehavior: 'NEVER',
        RequestTemplates: {
          'application/json': startSyncExecutionRequestTemplate(STATE_MACHINE_ARN, '$.orderId'),
        },
        IntegrationResponses: Match.arrayWith([
          {
            StatusCode: '200',
            ResponseTemplates: { 'application/json': startSyncExecutionResponseTemplate() },
          },
        ]),
      },
    });
  });

  test('then the request model requires the key field in a JSON object', () => {
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      Schema: Match.objectLike({ type: 'object', required: ['orderId'] }),
    });
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true });
  });

  test('then API Gateway may only StartSyncExecution on the workflow', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{ Action: 'states:StartSyncExecution', Effect: 'Allow', Resource: STATE_MACHINE_ARN }],
      },
    });
  });

  test('then the stage writes access logs and traces, without request bodies in the logs', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      TracingEnabled: true,
      MethodSettings: [Match.objectLike({ DataTraceEnabled: false, LoggingLevel: 'ERROR' })],
    });
  });

  test('then cdk-nag AwsSolutions reports nothing', () => {
    expect(findings).toEqual([]);
  });
});

describe('startSyncExecutionRequestTemplate', () => {
  test('given a key path, then the name is the key with unsafe characters replaced, cut to 80', () => {
    const vtl = startSyncExecutionRequestTemplate('arn', '$.orderId');
    expect(vtl).toContain(`#set($key = "$!input.path('$.orderId')")`);
    expect(vtl).toContain('$key.replaceAll("[^0-9A-Za-z_-]", "_")');
    expect(vtl).toContain('$name.substring(0, 80)');
    expect(vtl).toContain('"name": "$name"');
  });

  test('given no key path, then no name is sent and Step Functions picks one', () => {
    expect(startSyncExecutionRequestTemplate('arn')).not.toContain('"name"');
  });
});

describe('SyncApiSource validation', () => {
  test('fails when the key path is not a simple JSONPath', () => {
    const { stack, stateMachine } = stackWithWorkflow(new App());
    expect(() => new SyncApiSource(stack, 'Api', { stateMachine, keyPath: "$..id')#set" })).toThrow(
      /keyPath must be a simple JSONPath .* got '\$\.\.id'\)#set'/,
    );
  });

  test('fails when authorization is NONE', () => {
    const { stack, stateMachine } = stackWithWorkflow(new App());
    expect(
      () =>
        new SyncApiSource(stack, 'Api', {
          stateMachine,
          authorizationType: apigateway.AuthorizationType.NONE,
        }),
    ).toThrow(/authorizationType NONE would open the workflow to anyone/);
  });
});
