/**
 * The local runtime: DynamoDB Local, the local Lambda service and the local Step Functions
 * engine, each behind its real AWS API, wired together. It knows no workflow of its own: callers
 * deploy into it (tables, functions, state machines, rules) through the methods below or the APIs.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { type ConsoleProfile, type ConsoleServer, startConsole } from './console';
import { substitute } from './definition-substitutions';
import {
  createTable,
  type DynamoDbLocal,
  LOCAL_AWS_CONFIG,
  startDynamoDbLocal,
  type TableOptions,
} from './dynamodb-local';
import { type EventBridgeService, startEventBridgeService } from './eventbridge';
import { type EventPattern, LocalEventBus } from './events';
import { type DynamoDbFaultProxy, type DynamoDbFaultProxyOptions, startDynamoDbFaultProxy } from './faults';
import { createIntegrations, type LocalIntegrations } from './integrations';
import { type LambdaService, type LocalFunctionConfig, startLambdaService } from './lambda';
import {
  type DynamoDbCapacityMeter,
  type DynamoDbCapacityMeterOptions,
  startDynamoDbCapacityMeter,
} from './metering';
import { type StepFunctionsService, startStepFunctionsService } from './sfn';

/** The account and region every local service answers for. */
export const LOCAL_ACCOUNT = {
  region: 'us-east-1',
  accountId: '123456789012',
} as const;

export interface LocalRuntimeOptions {
  /** Fixed ports (0 or absent: free ports). */
  readonly ports?: {
    readonly dynamodb?: number;
    readonly lambda?: number;
    readonly stepFunctions?: number;
    readonly eventBridge?: number;
  };
  /** Multiplies Wait durations and Retry pauses (tests use a small value). @default 1 */
  readonly timeScale?: number;
  /** Folder that handler paths such as `handlers/payment.ts#handler` are relative to. @default process.cwd() */
  readonly baseDir?: string;
  /** Where the local Lambda's handlers print (default: this process's stdout/stderr). */
  readonly onLambdaLog?: (functionName: string, text: string) => void;
  /** Finished executions the Step Functions service keeps with their history, at most. @default no bound but retentionMegabytes */
  readonly maxRetainedExecutions?: number;
  /**
   * Heap the Step Functions service's finished executions may take, in MB, before the oldest are
   * forgotten (their names stay reserved). @default SFN_LOCAL_RETENTION_MB, else 256
   */
  readonly retentionMegabytes?: number;
  /**
   * Puts a fault proxy (src/faults/dynamodb-proxy.ts) between the engine's DynamoDB integration and
   * DynamoDB Local, with these options (every share 0 unless given; `runtime.dynamoDbFaults.configure`
   * changes them later). Functions and `runtime.clients.dynamodb` still reach DynamoDB Local
   * directly. @default no proxy
   */
  readonly dynamoDbFaults?: Omit<DynamoDbFaultProxyOptions, 'upstream'>;
  /**
   * Puts a capacity meter (src/metering/dynamodb-capacity.ts) between the engine's DynamoDB
   * integration and DynamoDB Local (in front of the fault proxy, when there is one): it records the
   * capacity units of every call the engine makes, and answers what DynamoDB would have answered
   * without it. `runtime.dynamoDbCapacity.calls()` reads them. @default no meter
   */
  readonly dynamoDbCapacity?: Omit<DynamoDbCapacityMeterOptions, 'upstream'>;
  /**
   * How the engine calls the local Lambda service: in this process (the Invoke API's routing,
   * checks, hooks and environments, without an HTTP round trip and the SDK on both ends), or over
   * HTTP through the SDK, as a separate process would. Functions, hooks and faults behave the same
   * either way. @default 'in-process'
   */
  readonly engineLambdaTransport?: 'in-process' | 'http';
  /**
   * Serves the local console (a browser UI for executions) next to the services; absent: none.
   * The CLI's `serve` and `demo` start it on DEFAULT_CONSOLE_PORT (8084).
   */
  readonly console?: RuntimeConsoleOptions;
}

/** The console of a runtime: it reads the runtime's Step Functions and DynamoDB endpoints. */
export interface RuntimeConsoleOptions {
  /** 0 or absent: any free port. */
  readonly port?: number;
  /** What the project says about its workflows (outcome names, where records are), as data. */
  readonly profile?: ConsoleProfile;
  /** Milliseconds between refreshes of a page that can change. @default 2000 */
  readonly refreshMs?: number;
}

/** A state machine to create, as CloudFormation would from a template. */
export interface StateMachineDeployment {
  readonly name: string;
  /** The definition, with `${Name}` placeholders when `substitutions` are given. */
  readonly definition: string;
  /** CloudFormation's DefinitionSubstitutions: every `${Name}` of the definition must have a value. */
  readonly substitutions?: Readonly<Record<string, string>>;
  /** @default 'STANDARD' */
  readonly type?: 'STANDARD' | 'EXPRESS';
}

/** A rule that starts a state machine for the events that match its pattern. */
export interface RuleDeployment {
  readonly name: string;
  readonly pattern: EventPattern;
  readonly targetStateMachineArn: string;
  /** The bus the rule watches. @default 'default' (where the status-change events go) */
  readonly eventBusName?: string;
  /** The target's constant `Input` (JSON text), instead of the event. */
  readonly input?: string;
  /** The target's `InputPath`, e.g. `$.detail`. */
  readonly inputPath?: string;
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
  /** The EventBridge PutEvents endpoint: events sent there go through the same rules. */
  readonly eventBridge: EventBridgeService;
  /** The fault proxy of the engine's DynamoDB calls, when `dynamoDbFaults` was given. */
  readonly dynamoDbFaults?: DynamoDbFaultProxy;
  /** The capacity meter of the engine's DynamoDB calls, when `dynamoDbCapacity` was given. */
  readonly dynamoDbCapacity?: DynamoDbCapacityMeter;
  /** The local console, when `console` was given: `runtime.console.url`. */
  readonly console?: ConsoleServer;
  /** SDK clients pointed at the local services. */
  readonly clients: {
    readonly sfn: SFNClient;
    readonly dynamodb: DynamoDBClient;
    readonly eventBridge: EventBridgeClient;
  };
  /** Registers a Node handler as a local Lambda function. */
  registerFunction(name: string, config: LocalFunctionConfig): string;
  /** Creates a table (partition key `id` S unless given), if it does not exist yet. */
  createTable(tableName: string, options?: TableOptions): Promise<void>;
  /** Creates a state machine (substitutions applied as CloudFormation does) and returns its ARN. */
  deployStateMachine(deployment: StateMachineDeployment): Promise<string>;
  /** Adds a rule on the local event bus. */
  deployRule(rule: RuleDeployment): void;
  /** Stops every service; no JVM or worker outlives it. */
  stop(): Promise<void>;
}

/** Starts the three services (in parallel where they are independent). */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const { region, accountId } = LOCAL_ACCOUNT;
  const [dynamodbResult, lambdaResult] = await Promise.allSettled([
    startDynamoDbLocal({ port: options.ports?.dynamodb }),
    startLambdaService({
      port: options.ports?.lambda,
      region,
      accountId,
      baseDir: options.baseDir ?? process.cwd(),
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
  let dynamoDbFaults: DynamoDbFaultProxy | undefined;
  if (options.dynamoDbFaults) {
    try {
      dynamoDbFaults = await startDynamoDbFaultProxy({
        ...options.dynamoDbFaults,
        upstream: dynamodb.endpoint,
      });
    } catch (error) {
      await Promise.all([dynamodb.stop(), lambda.stop()]);
      throw error;
    }
  }
  let dynamoDbCapacity: DynamoDbCapacityMeter | undefined;
  if (options.dynamoDbCapacity) {
    try {
      dynamoDbCapacity = await startDynamoDbCapacityMeter({
        ...options.dynamoDbCapacity,
        upstream: dynamoDbFaults?.endpoint ?? dynamodb.endpoint,
      });
    } catch (error) {
      await dynamoDbFaults?.stop();
      await Promise.all([dynamodb.stop(), lambda.stop()]);
      throw error;
    }
  }
  const stopServices = async () => {
    await dynamoDbCapacity?.stop();
    await dynamoDbFaults?.stop();
    await Promise.all([dynamodb.stop(), lambda.stop()]);
  };
  const integrations = createIntegrations({
    dynamodb: {
      region,
      endpoint: dynamoDbCapacity?.endpoint ?? dynamoDbFaults?.endpoint ?? dynamodb.endpoint,
    },
    lambda: {
      region,
      endpoint: lambda.endpoint,
      ...(options.engineLambdaTransport === 'http' ? {} : { inProcess: lambda.invokeInProcess }),
    },
  });
  let stepFunctions: StepFunctionsService;
  try {
    stepFunctions = await startStepFunctionsService({
      integrations,
      port: options.ports?.stepFunctions,
      region,
      accountId,
      timeScale: options.timeScale,
      maxRetainedExecutions: options.maxRetainedExecutions,
      retentionMegabytes: options.retentionMegabytes,
    });
  } catch (error) {
    integrations.destroy();
    await stopServices();
    throw error;
  }

  const clientConfig = { region, credentials: LOCAL_AWS_CONFIG.credentials };
  // StartSyncExecution has a `sync-` host prefix, which a loopback address cannot take.
  const sfn = new SFNClient({ ...clientConfig, endpoint: stepFunctions.endpoint, disableHostPrefix: true });
  const ddb = new DynamoDBClient({ ...clientConfig, endpoint: dynamodb.endpoint });

  const events = new LocalEventBus(stepFunctions.api);
  let eventBridge: EventBridgeService;
  try {
    eventBridge = await startEventBridgeService({
      bus: events,
      port: options.ports?.eventBridge,
      region,
      accountId,
    });
  } catch (error) {
    events.close();
    sfn.destroy();
    ddb.destroy();
    await stepFunctions.stop();
    integrations.destroy();
    await stopServices();
    throw error;
  }
  let consoleServer: ConsoleServer | undefined;
  if (options.console) {
    try {
      consoleServer = await startConsole({
        stepFunctionsEndpoint: stepFunctions.endpoint,
        dynamodbEndpoint: dynamodb.endpoint,
        region,
        credentials: LOCAL_AWS_CONFIG.credentials,
        port: options.console.port,
        profile: options.console.profile,
        refreshMs: options.console.refreshMs,
      });
    } catch (error) {
      events.close();
      sfn.destroy();
      ddb.destroy();
      await eventBridge.stop();
      await stepFunctions.stop();
      integrations.destroy();
      await stopServices();
      throw error;
    }
  }
  const eventBridgeClient = new EventBridgeClient({ ...clientConfig, endpoint: eventBridge.endpoint });
  // A role name is at most 64 characters; a state machine name may have 80.
  const roleArn = (name: string) => `arn:aws:iam::${accountId}:role/${name.slice(0, 59)}-role`;
  let stopped = false;
  return {
    region,
    accountId,
    dynamodb,
    lambda,
    stepFunctions,
    integrations,
    events,
    eventBridge,
    ...(consoleServer ? { console: consoleServer } : {}),
    ...(dynamoDbFaults ? { dynamoDbFaults } : {}),
    ...(dynamoDbCapacity ? { dynamoDbCapacity } : {}),
    clients: { sfn, dynamodb: ddb, eventBridge: eventBridgeClient },
    registerFunction(name, config) {
      lambda.register(name, config);
      return lambda.functionArn(name);
    },
    async createTable(tableName, tableOptions) {
      await createTable(dynamodb.endpoint, tableName, tableOptions);
    },
    async deployStateMachine({ name, definition, substitutions, type = 'STANDARD' }) {
      const created = await sfn.send(
        new CreateStateMachineCommand({
          name,
          type,
          definition: substitutions ? substitute(definition, substitutions) : definition,
          roleArn: roleArn(name),
        }),
      );
      return created.stateMachineArn ?? '';
    },
    deployRule({ name, pattern, targetStateMachineArn, eventBusName, input, inputPath }) {
      events.putRule({ name, pattern, targetStateMachineArn, eventBusName, input, inputPath });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await consoleServer?.stop();
      sfn.destroy();
      ddb.destroy();
      eventBridgeClient.destroy();
      events.close();
      await eventBridge.stop();
      await stepFunctions.stop();
      integrations.destroy();
      await stopServices();
    },
  };
}
