/**
 * The local runtime: DynamoDB Local, the local Lambda service and the local Step Functions
 * engine, each behind its real AWS API, wired together and with the blueprint deployed. The CLI,
 * the demo and the behaviour tests all start it the same way; so will load tests and the console.
 */
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import {
  businessTaskTimeoutSeconds,
  type DefinitionOptions,
  recordIdExpression,
  renderDefinition,
  resolveDefinitionOptions,
} from '../definition';
import { ORPHANING_STATUSES, renderReleaseDefinition } from '../release/release-definition';
import {
  createIdempotencyTable,
  type DynamoDbLocal,
  LOCAL_AWS_CONFIG,
  startDynamoDbLocal,
} from './dynamodb-local';
import { LocalEventBus } from './events';
import { createIntegrations, type LocalIntegrations } from './integrations';
import { type LambdaService, type LocalFunctionConfig, startLambdaService } from './lambda';
import { type StepFunctionsService, startStepFunctionsService } from './sfn';

/** The project root: handler paths such as `handlers/payment.ts#handler` are relative to it. */
export const PROJECT_ROOT = path.join(__dirname, '..', '..');

export const LOCAL_DEFAULTS = {
  region: 'us-east-1',
  accountId: '123456789012',
  tableName: 'idempotency-local',
  functionName: 'payment',
  handler: 'handlers/payment.ts#handler',
  stateMachineName: 'idempotent-payment',
  /** The blueprint app's payment workflow reads the order id; the local deployment does the same. */
  keyExpression: '$states.input.detail.orderId',
  keyPrefix: 'payment',
} as const;

export interface LocalRuntimeOptions {
  /** Fixed ports (0 or absent: free ports). */
  readonly ports?: { readonly dynamodb?: number; readonly lambda?: number; readonly stepFunctions?: number };
  /** Multiplies Wait durations and Retry pauses (tests use a small value). @default 1 */
  readonly timeScale?: number;
  /** Where the local Lambda's handlers print (default: this process's stdout/stderr). */
  readonly onLambdaLog?: (functionName: string, text: string) => void;
}

/** A workflow deployed into the runtime. */
export interface DeployedWorkflow {
  readonly stateMachineArn: string;
  readonly name: string;
  readonly definition: string;
  /** The orphaned-lease release workflow, when deployed. */
  readonly releaseStateMachineArn?: string;
}

export interface DeployWorkflowOptions extends Partial<Omit<DefinitionOptions, 'businessFunctionArn'>> {
  /** State machine name. */
  readonly name: string;
  /** @default 'STANDARD' */
  readonly type?: 'STANDARD' | 'EXPRESS';
  /** The business function: a registered local function name. */
  readonly functionName: string;
  /**
   * Deploy the release workflow and its status-change rule, as the construct does: a STANDARD
   * execution that ends FAILED, TIMED_OUT or ABORTED while holding a lease frees its key.
   * @default true for STANDARD workflows
   */
  readonly releaseOrphanedLeases?: boolean;
}

export interface LocalRuntime {
  readonly region: string;
  readonly accountId: string;
  readonly dynamodb: DynamoDbLocal;
  readonly lambda: LambdaService;
  readonly stepFunctions: StepFunctionsService;
  readonly integrations: LocalIntegrations;
  /** Step Functions status-change events and the rules they start workflows for. */
  readonly events: LocalEventBus;
  /** SDK clients pointed at the local services. */
  readonly clients: { readonly sfn: SFNClient; readonly dynamodb: DynamoDBClient };
  /** Registers a Node handler as a local Lambda function. */
  registerFunction(name: string, config: LocalFunctionConfig): string;
  /** Creates an idempotency table (partition key `id`), if it does not exist yet. */
  createTable(tableName: string): Promise<void>;
  /** Renders the blueprint definition for a local function and table and creates the state machine. */
  deployWorkflow(options: DeployWorkflowOptions): Promise<DeployedWorkflow>;
  /** Stops every service; no JVM or worker outlives it. */
  stop(): Promise<void>;
}

/** Starts the three services (in parallel where they are independent). */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const { region, accountId } = LOCAL_DEFAULTS;
  const [dynamodbResult, lambdaResult] = await Promise.allSettled([
    startDynamoDbLocal({ port: options.ports?.dynamodb }),
    startLambdaService({
      port: options.ports?.lambda,
      region,
      accountId,
      baseDir: PROJECT_ROOT,
      onLog: options.onLambdaLog,
    }),
  ]);
  if (dynamodbResult.status === 'rejected' || lambdaResult.status === 'rejected') {
    if (dynamodbResult.status === 'fulfilled') await dynamodbResult.value.stop();
    if (lambdaResult.status === 'fulfilled') await lambdaResult.value.stop();
    throw dynamodbResult.status === 'rejected'
      ? dynamodbResult.reason
      : (lambdaResult as PromiseRejectedResult).reason;
  }
  const dynamodb = dynamodbResult.value;
  const lambda = lambdaResult.value;
  const integrations = createIntegrations({
    dynamodb: { region, endpoint: dynamodb.endpoint },
    lambda: { region, endpoint: lambda.endpoint },
  });
  let stepFunctions: StepFunctionsService;
  try {
    stepFunctions = await startStepFunctionsService({
      integrations,
      port: options.ports?.stepFunctions,
      region,
      accountId,
      timeScale: options.timeScale,
    });
  } catch (error) {
    integrations.destroy();
    await Promise.all([dynamodb.stop(), lambda.stop()]);
    throw error;
  }

  const clientConfig = { region, credentials: LOCAL_AWS_CONFIG.credentials };
  // StartSyncExecution has a `sync-` host prefix, which a loopback address cannot take.
  const sfn = new SFNClient({ ...clientConfig, endpoint: stepFunctions.endpoint, disableHostPrefix: true });
  const ddb = new DynamoDBClient({ ...clientConfig, endpoint: dynamodb.endpoint });

  const events = new LocalEventBus(stepFunctions.api);
  const roleArn = (name: string) => `arn:aws:iam::${accountId}:role/${name}-role`;
  let stopped = false;
  return {
    region,
    accountId,
    dynamodb,
    lambda,
    stepFunctions,
    integrations,
    events,
    clients: { sfn, dynamodb: ddb },
    registerFunction(name, config) {
      lambda.register(name, config);
      return lambda.functionArn(name);
    },
    async createTable(tableName) {
      await createIdempotencyTable(dynamodb.endpoint, tableName);
    },
    async deployWorkflow(deploy) {
      const { name, type = 'STANDARD', functionName, releaseOrphanedLeases, ...definitionOptions } = deploy;
      const options = resolveDefinitionOptions({
        ...definitionOptions,
        tableName: definitionOptions.tableName ?? LOCAL_DEFAULTS.tableName,
        businessFunctionArn: lambda.functionArn(functionName),
      });
      const definition = renderDefinition(options);
      const created = await sfn.send(
        new CreateStateMachineCommand({ name, type, definition, roleArn: roleArn(name) }),
      );
      const stateMachineArn = created.stateMachineArn ?? '';
      if (type !== 'STANDARD' || releaseOrphanedLeases === false)
        return { stateMachineArn, name, definition };

      const release = await sfn.send(
        new CreateStateMachineCommand({
          name: `${name}-release`,
          definition: renderReleaseDefinition({
            tableName: options.tableName,
            idExpression: recordIdExpression(options.keyExpression, options.keyPrefix),
            businessTaskTimeoutSeconds: businessTaskTimeoutSeconds(options.businessTimeoutSeconds),
          }),
          roleArn: roleArn(`${name}-release`),
        }),
      );
      const releaseStateMachineArn = release.stateMachineArn ?? '';
      events.putRule({
        name: `${name}-orphaned-leases`,
        pattern: {
          source: ['aws.states'],
          'detail-type': ['Step Functions Execution Status Change'],
          detail: { status: [...ORPHANING_STATUSES], stateMachineArn: [stateMachineArn] },
        },
        targetStateMachineArn: releaseStateMachineArn,
      });
      return { stateMachineArn, name, definition, releaseStateMachineArn };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      sfn.destroy();
      ddb.destroy();
      events.close();
      await stepFunctions.stop();
      integrations.destroy();
      await Promise.all([dynamodb.stop(), lambda.stop()]);
    },
  };
}

/**
 * The runtime with the example deployed: the idempotency table, the payment handler as a local
 * Lambda function, and the blueprint state machine around it (with the given options).
 */
export async function startBlueprintRuntime(
  options: LocalRuntimeOptions & { readonly workflow?: Partial<DeployWorkflowOptions> } = {},
): Promise<LocalRuntime & { readonly workflow: DeployedWorkflow }> {
  const runtime = await startLocalRuntime(options);
  try {
    await runtime.createTable(options.workflow?.tableName ?? LOCAL_DEFAULTS.tableName);
    runtime.registerFunction(LOCAL_DEFAULTS.functionName, {
      handler: LOCAL_DEFAULTS.handler,
      timeoutSeconds: 3,
    });
    const workflow = await runtime.deployWorkflow({
      name: LOCAL_DEFAULTS.stateMachineName,
      functionName: LOCAL_DEFAULTS.functionName,
      keyExpression: LOCAL_DEFAULTS.keyExpression,
      keyPrefix: LOCAL_DEFAULTS.keyPrefix,
      ...options.workflow,
    });
    return Object.assign(runtime, { workflow });
  } catch (error) {
    await runtime.stop();
    throw error;
  }
}
