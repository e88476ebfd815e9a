import { Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { startSyncExecutionRequestTemplate, startSyncExecutionResponseTemplate } from './api-templates';

/** Props of {@link SyncApiSource}. */
export interface SyncApiSourceProps {
  /** The idempotent workflow; it must be an EXPRESS state machine (StartSyncExecution). */
  readonly stateMachine: sfn.IStateMachine;
  /**
   * A JSONPath into the request body naming the idempotency key, e.g. `$.orderId`. It names the
   * execution (sanitised, cut to 80 characters) and, when it is a plain `$.field`, the request
   * model requires that field. Keep it in line with the workflow's key expression.
   * @default - no key path: Step Functions names the execution, the body only has to be an object
   */
  readonly keyPath?: string;
  /**
   * The resource that receives events with POST.
   * @default 'events'
   */
  readonly resourcePath?: string;
  /**
   * Who may call the API.
   * @default apigateway.AuthorizationType.IAM (SigV4-signed callers with execute-api:Invoke)
   */
  readonly authorizationType?: apigateway.AuthorizationType;
  /**
   * The authorizer, required when `authorizationType` is COGNITO or CUSTOM.
   * @default - none
   */
  readonly authorizer?: apigateway.IAuthorizer;
}

const PLAIN_FIELD = /^\$\.([A-Za-z_][A-Za-z0-9_]*)$/;
const KEY_PATH = /^\$(\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])+$/;

/**
 * A REST API whose POST starts the EXPRESS idempotent workflow synchronously and answers with the
 * business result (or the stored result for a duplicate, when the workflow returns it).
 *
 * A REST API rather than an HTTP API: the HTTP API's Step Functions integration returns the raw
 * StartSyncExecution response and cannot map the output or the failure to a status code.
 */
export class SyncApiSource extends Construct {
  /** The API. */
  public readonly api: apigateway.RestApi;
  /** Where API Gateway writes access logs (no request bodies). */
  public readonly accessLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: SyncApiSourceProps) {
    super(scope, id);
    if (props.keyPath !== undefined && !KEY_PATH.test(props.keyPath)) {
      throw new Error(
        `keyPath must be a simple JSONPath such as '$.orderId' or '$.order.id', got '${props.keyPath}'`,
      );
    }
    const authorizationType = props.authorizationType ?? apigateway.AuthorizationType.IAM;
    if (authorizationType === apigateway.AuthorizationType.NONE) {
      throw new Error(
        'authorizationType NONE would open the workflow to anyone: use IAM (the default), COGNITO or CUSTOM',
      );
    }

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_YEAR });
    this.api = new apigateway.RestApi(this, 'Api', {
      description: 'Starts the idempotent EXPRESS workflow synchronously and returns its result',
      cloudWatchRole: true,
      deployOptions: {
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        tracingEnabled: true,
      },
    });
    this.acknowledgeFindings(authorizationType);

    const role = new iam.Role(this, 'StartRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: 'Lets API Gateway start the idempotent EXPRESS workflow synchronously',
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['states:StartSyncExecution'],
        resources: [props.stateMachine.stateMachineArn],
      }),
    );

    const field = props.keyPath === undefined ? undefined : PLAIN_FIELD.exec(props.keyPath)?.[1];
    const model = this.api.addModel('EventModel', {
      contentType: 'application/json',
      schema: {
        schema: apigateway.JsonSchemaVersion.DRAFT4,
        type: apigateway.JsonSchemaType.OBJECT,
        ...(field === undefined ? {} : { required: [field] }),
      },
    });

    const integration = new apigateway.AwsIntegration({
      service: 'states',
      action: 'StartSyncExecution',
      integrationHttpMethod: 'POST',
      options: {
        credentialsRole: role,
        passthroughBehavior: apigateway.PassthroughBehavior.NEVER,
        requestTemplates: {
          'application/json': startSyncExecutionRequestTemplate(
            props.stateMachine.stateMachineArn,
            props.keyPath,
          ),
        },
        integrationResponses: [
          {
            statusCode: '200',
            responseTemplates: { 'application/json': startSyncExecutionResponseTemplate() },
          },
          {
            selectionPattern: '4\\d{2}',
            statusCode: '500',
            responseTemplates: { 'application/json': '{"error": "the workflow could not be started"}' },
          },
          {
            selectionPattern: '5\\d{2}',
            statusCode: '502',
            responseTemplates: {
              'application/json': '{"error": "Step Functions is unavailable, retry later"}',
            },
          },
        ],
      },
    });

    this.api.root.addResource(props.resourcePath ?? 'events').addMethod('POST', integration, {
      authorizationType,
      authorizer: props.authorizer,
      requestValidatorOptions: { validateRequestBody: true, validateRequestParameters: true },
      requestModels: { 'application/json': model },
      methodResponses: ['200', '422', '500', '502', '504'].map((statusCode) => ({ statusCode })),
    });
  }

  private acknowledgeFindings(authorizationType: apigateway.AuthorizationType): void {
    if (authorizationType !== apigateway.AuthorizationType.COGNITO) {
      Validations.of(this.api).acknowledge({
        id: 'AwsSolutions-COG4',
        reason:
          'Callers authenticate with IAM (SigV4) or a custom authorizer; no Cognito user pool is involved.',
      });
    }
    Validations.of(this.api.deploymentStage).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'A WAF web ACL is priced per ACL and rule and depends on who calls the API; callers are IAM-authenticated ' +
        'here. Associate your own web ACL with the stage when the API is reachable by untrusted clients.',
    });
    Validations.of(this.api.node.findChild('CloudWatchRole')).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        "API Gateway's account-level role to push execution logs uses the AWS managed policy " +
        'AmazonAPIGatewayPushToCloudWatchLogs, which is how AWS documents it.',
    });
  }
}
