import { Annotations, Duration, Validations } from 'aws-cdk-lib';
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
  /**
   * How long API Gateway waits for StartSyncExecution. Above 29 s only for a Regional or private
   * API, and only after AWS raised the account's integration timeout quota: ask for that first.
   * @default Duration.seconds(29), API Gateway's default and the most it allows without a quota increase
   */
  readonly integrationTimeout?: Duration;
  /**
   * How long the workflow waits for one business invocation (its RunBusinessLogic task timeout,
   * which covers a cold start). The source fails when this does not fit in `integrationTimeout`:
   * the API would answer 504 while a healthy execution is still running.
   * @default - not checked (IdempotentWorkflow always sets it)
   */
  readonly invokeTimeout?: Duration;
  /**
   * The workflow's longest run when every DynamoDB call and invocation uses its retries. When it
   * exceeds `integrationTimeout`, synth warns: under throttling or Lambda service errors a caller can
   * get 504 while the execution goes on, and its retry is a duplicate (use `inProgressPolicy: 'FAIL'`
   * so that retry gets 409 instead of a success without the result).
   * @default - not checked (IdempotentWorkflow always sets it)
   */
  readonly worstCaseRunTime?: Duration;
  /**
   * Create the IAM role API Gateway uses to write logs, and make it the account's API Gateway
   * CloudWatch role (AWS::ApiGateway::Account). That setting is one per account and Region: every
   * stack that sets this overwrites it, and deleting such a stack can leave the account without it.
   * Leave it off when the account already has the role (the stage's access and execution logs need
   * it: without it the deploy fails with "CloudWatch Logs role ARN must be set in account settings
   * to enable logging"), and turn it on in exactly one stack per account and Region otherwise.
   * @default false
   */
  readonly cloudWatchRole?: boolean;
}

/** API Gateway's default integration timeout, the most a REST API allows without a quota increase. */
export const DEFAULT_INTEGRATION_TIMEOUT = Duration.seconds(29);

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
    const integrationTimeout = props.integrationTimeout ?? DEFAULT_INTEGRATION_TIMEOUT;
    checkTimeouts(integrationTimeout, props.invokeTimeout);
    const worstCase = props.worstCaseRunTime;
    if (worstCase !== undefined && concreteSeconds(worstCase) > concreteSeconds(integrationTimeout)) {
      Annotations.of(this).addWarningV2(
        'idempotency:apiTimeoutUnderRetries',
        `the workflow can run up to ${concreteSeconds(worstCase)} s when DynamoDB or Lambda calls are retried, longer than the API's integration timeout (${concreteSeconds(integrationTimeout)} s): such a caller gets 504 while the execution goes on, and its retry is a duplicate. Use inProgressPolicy 'FAIL' (the retry gets 409 until the first execution ends), or raise integrationTimeout after a quota increase`,
      );
    }
    const cloudWatchRole = props.cloudWatchRole ?? false;

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_YEAR });
    this.api = new apigateway.RestApi(this, 'Api', {
      description: 'Starts the idempotent EXPRESS workflow synchronously and returns its result',
      cloudWatchRole,
      deployOptions: {
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        tracingEnabled: true,
      },
    });
    this.acknowledgeFindings(authorizationType, cloudWatchRole);

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
        ...(props.integrationTimeout === undefined ? {} : { timeout: props.integrationTimeout }),
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
      methodResponses: ['200', '409', '422', '500', '502', '504'].map((statusCode) => ({ statusCode })),
    });
  }

  private acknowledgeFindings(
    authorizationType: apigateway.AuthorizationType,
    cloudWatchRole: boolean,
  ): void {
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
    if (!cloudWatchRole) return;
    Validations.of(this.api.node.findChild('CloudWatchRole')).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        "API Gateway's account-level role to push execution logs uses the AWS managed policy " +
        'AmazonAPIGatewayPushToCloudWatchLogs, which is how AWS documents it.',
    });
  }
}

/** Fails when the integration timeout is not a concrete duration, or cannot cover one invocation. */
function checkTimeouts(integrationTimeout: Duration, invokeTimeout: Duration | undefined): void {
  const integrationSeconds = concreteSeconds(integrationTimeout);
  if (Number.isNaN(integrationSeconds) || integrationSeconds < 0.05) {
    throw new Error(
      `integrationTimeout must be a concrete duration of at least 50 ms, got ${integrationTimeout.toString()}: API Gateway's default is 29 s`,
    );
  }
  if (invokeTimeout !== undefined && concreteSeconds(invokeTimeout) >= integrationSeconds) {
    throw new Error(
      `the workflow waits up to ${concreteSeconds(invokeTimeout)} s for one business invocation (function timeout, Lambda's Init and a margin), which does not fit in the API's integration timeout of ${integrationSeconds} s: a healthy execution could answer 504. Shorten the business function's timeout, or raise integrationTimeout (Regional or private API, after AWS raised the account's integration timeout quota)`,
    );
  }
}

function concreteSeconds(duration: Duration): number {
  return duration.isUnresolved() ? Number.NaN : duration.toSeconds({ integral: false });
}
