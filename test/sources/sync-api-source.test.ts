import { App, Duration } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
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

  test("then the account-wide API Gateway CloudWatch role is left alone, and the integration keeps API Gateway's 29 s", () => {
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      Integration: Match.objectLike({ TimeoutInMillis: Match.absent() }),
    });
  });
});

describe('SyncApiSource with cloudWatchRole true', () => {
  const app = nagApp();
  const { stack, stateMachine } = stackWithWorkflow(app);
  new SyncApiSource(stack, 'Api', { stateMachine, cloudWatchRole: true });
  const findings = nagFindings(app);
  afterAll(() => removeOutput(app));

  test("then it sets the account's API Gateway CloudWatch role, and cdk-nag reports nothing unacknowledged", () => {
    Template.fromStack(stack).resourceCountIs('AWS::ApiGateway::Account', 1);
    expect(findings).toEqual([]);
  });
});

describe('SyncApiSource timeouts', () => {
  function source(props: Partial<ConstructorParameters<typeof SyncApiSource>[2]>) {
    const { stack, stateMachine } = stackWithWorkflow(new App());
    new SyncApiSource(stack, 'Api', { stateMachine, ...props });
    return stack;
  }

  test('given an invocation that fits in 29 s, then it synthesizes without a timeout warning', () => {
    const stack = source({ invokeTimeout: Duration.seconds(28), worstCaseRunTime: Duration.seconds(29) });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('integration timeout'));
  });

  test('fails when one business invocation does not fit in the default 29 s integration timeout', () => {
    expect(() => source({ invokeTimeout: Duration.seconds(29) })).toThrow(
      /waits up to 29 s for one business invocation .* integration timeout of 29 s: .* Shorten the business function's timeout, or raise integrationTimeout/,
    );
  });

  test('fails when one business invocation does not fit in a raised integration timeout', () => {
    expect(() =>
      source({ invokeTimeout: Duration.seconds(70), integrationTimeout: Duration.seconds(60) }),
    ).toThrow(/waits up to 70 s .* integration timeout of 60 s/);
  });

  test('fails when the integration timeout is below 50 ms', () => {
    expect(() => source({ integrationTimeout: Duration.millis(10) })).toThrow(
      /integrationTimeout must be a concrete duration of at least 50 ms, got Duration.millis\(10\)/,
    );
  });

  test('given a raised integration timeout that fits the invocation, then the integration uses it', () => {
    const stack = source({ invokeTimeout: Duration.seconds(40), integrationTimeout: Duration.seconds(60) });
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::Method', {
      Integration: Match.objectLike({ TimeoutInMillis: 60000 }),
    });
  });

  test("given a worst case with retries beyond the integration timeout, then synth warns and recommends inProgressPolicy 'FAIL'", () => {
    const stack = source({ invokeTimeout: Duration.seconds(25), worstCaseRunTime: Duration.seconds(104) });
    Annotations.fromStack(stack).hasWarning(
      '/Sources/Api',
      Match.stringLikeRegexp("up to 104 s .* integration timeout \\(29 s\\).*inProgressPolicy 'FAIL'"),
    );
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
