import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { Integration, IntegrationRegistry } from '../engine/types';
import { clientOptions, type ServiceEndpointConfig } from './aws-metadata';
import { createDynamoDbIntegration, type DynamoDbAction, dynamoDbClient } from './dynamodb';
import {
  createLambdaFunctionIntegration,
  createLambdaInvokeIntegration,
  type InProcessLambda,
  type LambdaTarget,
  lambdaClient,
} from './lambda';

export type { AwsCredentials, ServiceEndpointConfig } from './aws-metadata';
export type { InProcessLambda } from './lambda';

export interface IntegrationsConfig {
  readonly dynamodb: ServiceEndpointConfig;
  /**
   * Where Lambda calls go: an endpoint, or (`inProcess`) the runtime's own Lambda service, called
   * in this process without HTTP or the SDK (what startLocalRuntime wires, unless told otherwise).
   */
  readonly lambda: ServiceEndpointConfig & { readonly inProcess?: InProcessLambda };
}

/** The registry plus a way to close the SDK clients' keep-alive sockets. */
export interface LocalIntegrations extends IntegrationRegistry {
  destroy(): void;
}

/** The Task resources createIntegrations runs, as messages name them (keep in step with the patterns below). */
export const SUPPORTED_TASK_RESOURCES: readonly string[] = [
  'arn:aws:states:::lambda:invoke',
  'arn:aws:states:::lambda:invoke.waitForTaskToken',
  'arn:aws:states:::dynamodb:putItem, :getItem, :updateItem and :deleteItem',
  'a Lambda function ARN as the Resource',
];

// One line per integration, keyed by resource ARN (the partition may differ: aws, aws-cn, aws-us-gov).
const DYNAMODB = /^arn:[a-z-]+:states:::dynamodb:(putItem|getItem|updateItem|deleteItem)$/;
const LAMBDA_INVOKE = /^arn:[a-z-]+:states:::lambda:invoke$/;
const LAMBDA_INVOKE_CALLBACK = /^arn:[a-z-]+:states:::lambda:invoke\.waitForTaskToken$/;
const LAMBDA_FUNCTION = /^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$/;

/**
 * Resolves the Task resources the local engine supports. Anything else (other services, `.sync`,
 * `.waitForTaskToken` of another service) is undefined, so the definition is rejected when the state
 * machine is created.
 */
export function createIntegrations(config: IntegrationsConfig): LocalIntegrations {
  let dynamo: DynamoDBClient | undefined;
  let lambda: LambdaClient | undefined;
  const dynamoClient = (): DynamoDBClient => {
    dynamo ??= dynamoDbClient(clientOptions(config.dynamodb));
    return dynamo;
  };
  const lambdaClientFor = (): LambdaClient => {
    lambda ??= lambdaClient(clientOptions(config.lambda));
    return lambda;
  };
  const inProcess = config.lambda.inProcess;
  const lambdaTarget: LambdaTarget = inProcess ? { inProcess } : lambdaClientFor;
  const cache = new Map<string, Integration>();
  return {
    resolve(resource: string): Integration | undefined {
      const known = cache.get(resource);
      if (known) return known;
      let integration: Integration | undefined;
      const dynamoMatch = DYNAMODB.exec(resource);
      if (dynamoMatch)
        integration = createDynamoDbIntegration(dynamoMatch[1] as DynamoDbAction, dynamoClient);
      else if (LAMBDA_INVOKE.test(resource)) integration = createLambdaInvokeIntegration(lambdaTarget);
      else if (LAMBDA_INVOKE_CALLBACK.test(resource))
        integration = {
          ...createLambdaInvokeIntegration(lambdaTarget),
          resource: 'invoke.waitForTaskToken',
          pattern: 'waitForTaskToken',
        };
      else if (LAMBDA_FUNCTION.test(resource))
        integration = createLambdaFunctionIntegration(resource, lambdaTarget);
      if (integration) cache.set(resource, integration);
      return integration;
    },
    destroy(): void {
      dynamo?.destroy();
      lambda?.destroy();
      dynamo = undefined;
      lambda = undefined;
    },
  };
}
