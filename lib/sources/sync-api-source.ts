import { Annotations, Duration, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { throwIfProblems } from '../errors';
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

/** Defaults as data. */
export const SYNC_API_SOURCE_DEFAULTS = {
  resourcePath: 'events',
  authorizationType: apigateway.AuthorizationType.IAM,
  integrationTimeout: DEFAULT_INTEGRATION_TIMEOUT,
  cloudWatchRole: false,
} as const;

const PLAIN_FIELD = /^\$\.([A-Za-z_][A-Za-z0-9_]*)$/;
const KEY_PATH = /^\$(\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])+$/;
/** One path part, as API Gateway (and CDK's addResource) accepts it: a name, or a `{parameter}`. */
const RESOURCE_PATH_PART = /^([A-Za-z0-9:._$-]+|\{[A-Za-z0-9:._$-]+\+?\})$/;

/** The enum member's name, for messages: AuthorizationType.COGNITO rather than COGNITO_USER_POOLS. */
function authorizationTypeName(type: apigateway.AuthorizationType): string {
  const entry = Object.entries(apigateway.AuthorizationType).find(([, value]) => value === type);
  return entry === undefined ? JSON.stringify(type) : entry[0];
}

/**
 * Every problem of the props, one line each, showing the bad value and the fix ([] when they work).
 * Pure: IdempotentWorkflow calls it (with the invoke timeout it derives from the business timeout)
 * before it creates anything, and so does the constructor.
 */
export function syncApiSourceProblems(props: Omit<SyncApiSourceProps, 'stateMachine'>): string[] {
  const problems: string[] = [];
  if (props.keyPath !== undefined && !KEY_PATH.test(props.keyPath)) {
    problems.push(
      `keyPath must be a simple JSONPath such as '$.orderId' or '$.order.id', got '${props.keyPath}'`,
    );
  }
  const resourcePath = props.resourcePath ?? SYNC_API_SOURCE_DEFAULTS.resourcePath;
  if (!RESOURCE_PATH_PART.test(resourcePath)) {
    problems.push(
      `resourcePath must be one path part of letters, digits and ': . _ - $', got ${JSON.stringify(resourcePath)}; for example 'events'`,
    );
  }
  problems.push(...authorizationProblems(props));
  const integrationTimeout = props.integrationTimeout ?? SYNC_API_SOURCE_DEFAULTS.integrationTimeout;
  const integrationSeconds = concreteSeconds(integrationTimeout);
  if (Number.isNaN(integrationSeconds) || integrationSeconds < 0.05) {
    problems.push(
      `integrationTimeout must be a concrete duration of at least 50 ms, got ${integrationTimeout.toString()}: API Gateway's default is 29 s`,
    );
  } else if (
    props.invokeTimeout !== undefined &&
    concreteSeconds(props.invokeTimeout) >= integrationSeconds
  ) {
    problems.push(
      `the workflow waits up to ${concreteSeconds(props.invokeTimeout)} s for one business invocation (function timeout, Lambda's Init and a margin), which does not fit in the API's integration timeout of ${integrationSeconds} s: a healthy execution could answer 504. Shorten the business function's timeout, or raise integrationTimeout (Regional or private API, after AWS raised the account's integration timeout quota)`,
    );
  }
  return problems;
}

/** Callers must authenticate, and the authorizer must be of the type the method asks for. */
function authorizationProblems(props: Omit<SyncApiSourceProps, 'stateMachine'>): string[] {
  const { COGNITO, CUSTOM, NONE } = apigateway.AuthorizationType;
  const authorizationType = props.authorizationType ?? SYNC_API_SOURCE_DEFAULTS.authorizationType;
  if (authorizationType === NONE) {
    return [
      'authorizationType NONE would open the workflow to anyone: use IAM (the default), COGNITO or CUSTOM',
    ];
  }
  const authorizerType = props.authorizer?.authorizationType;
  if (authorizerType !== undefined && authorizerType !== authorizationType) {
    return [
      `authorizer is a ${authorizationTypeName(authorizerType)} authorizer but authorizationType is ${authorizationTypeName(authorizationType)}${props.authorizationType === undefined ? ' (the default)' : ''}: set authorizationType to AuthorizationType.${authorizationTypeName(authorizerType)}`,
    ];
  }
  if ((authorizationType === COGNITO || authorizationType === CUSTOM) && props.authorizer === undefined) {
    return [
      `authorizationType ${authorizationTypeName(authorizationType)} needs an authorizer: pass authorizer (${authorizationType === COGNITO ? 'a CognitoUserPoolsAuthorizer' : 'a TokenAuthorizer or RequestAuthorizer'}), or use IAM (the default)`,
    ];
  }
  return [];
}

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
    throwIfProblems('SyncApiSource', id, syncApiSourceProblems(props));
    super(scope, id);
    const authorizationType = props.authorizationType ?? SYNC_API_SOURCE_DEFAULTS.authorizationType;
    const integrationTimeout = props.integrationTimeout ?? SYNC_API_SOURCE_DEFAULTS.integrationTimeout;
    const worstCase = props.worstCaseRunTime;
    if (worstCase !== undefined && concreteSeconds(worstCase) > concreteSeconds(integrationTimeout)) {
      Annotations.of(this).addWarningV2(
        'idempotency:apiTimeoutUnderRetries',
        `the workflow can run up to ${concreteSeconds(worstCase)} s when DynamoDB or Lambda calls are retried, longer than the API's integration timeout (${concreteSeconds(integrationTimeout)} s): such a caller gets 504 while the execution goes on, and its retry is a duplicate. Use inProgressPolicy 'FAIL' (the retry gets 409 until the first execution ends), or raise integrationTimeout after a quota increase`,
      );
    }
    const cloudWatchRole = props.cloudWatchRole ?? SYNC_API_SOURCE_DEFAULTS.cloudWatchRole;

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

    this.api.root
      .addResource(props.resourcePath ?? SYNC_API_SOURCE_DEFAULTS.resourcePath)
      .addMethod('POST', integration, {
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

function concreteSeconds(duration: Duration): number {
  return duration.isUnresolved() ? Number.NaN : duration.toSeconds({ integral: false });
}
