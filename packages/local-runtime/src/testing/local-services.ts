import { createTable, type DynamoDbLocal, startDynamoDbLocal, type TableOptions } from '../dynamodb-local';
import { createIntegrations, type LocalIntegrations } from '../integrations';
import {
  type LambdaService,
  type LambdaServiceOptions,
  type LocalFunctionConfig,
  startLambdaService,
} from '../lambda';

export interface LocalServicesOptions {
  /** Start DynamoDB Local and create these tables (partition key `id` S unless given). */
  readonly dynamodb?: { readonly tables?: Readonly<Record<string, TableOptions>> };
  /** Start the local Lambda service with these functions. */
  readonly lambda?: {
    readonly functions?: Readonly<Record<string, LocalFunctionConfig>>;
  } & Omit<LambdaServiceOptions, 'functions'>;
  /** @default 'us-east-1' */
  readonly region?: string;
}

export interface LocalServices {
  readonly region: string;
  readonly dynamodb?: DynamoDbLocal;
  readonly lambda?: LambdaService;
  /** Integrations wired to the services above (real AWS endpoints for the ones not started). */
  readonly integrations: LocalIntegrations;
  stop(): Promise<void>;
}

/** Starts what a test file needs, in parallel; `stop()` undoes all of it. */
export async function startLocalServices(options: LocalServicesOptions): Promise<LocalServices> {
  const region = options.region ?? 'us-east-1';
  const [dynamodbResult, lambdaResult] = await Promise.allSettled([
    options.dynamodb ? startDynamoDbLocal() : undefined,
    options.lambda ? startLambdaService({ region, ...options.lambda }) : undefined,
  ]);
  const dynamodb = dynamodbResult.status === 'fulfilled' ? dynamodbResult.value : undefined;
  const lambda = lambdaResult.status === 'fulfilled' ? lambdaResult.value : undefined;
  try {
    // One service failing to start must not leave the other (a JVM, worker threads) running.
    if (dynamodbResult.status === 'rejected') throw dynamodbResult.reason;
    if (lambdaResult.status === 'rejected') throw lambdaResult.reason;
    for (const [name, table] of Object.entries(options.dynamodb?.tables ?? {})) {
      await createTable(dynamodb?.endpoint ?? '', name, table);
    }
  } catch (err) {
    await Promise.all([dynamodb?.stop(), lambda?.stop()]);
    throw err;
  }
  const integrations = createIntegrations({
    dynamodb: { region, endpoint: dynamodb?.endpoint },
    lambda: { region, endpoint: lambda?.endpoint },
  });
  return {
    region,
    dynamodb,
    lambda,
    integrations,
    async stop() {
      integrations.destroy();
      await Promise.all([dynamodb?.stop(), lambda?.stop()]);
    },
  };
}

/**
 * Jest helper: starts the services in `beforeAll`, stops them in `afterAll`, and returns an accessor
 * for use inside tests (`const services = useLocalServices({...}); ... services().lambda`).
 */
export function useLocalServices(
  options: LocalServicesOptions,
  startTimeoutMs = 60_000,
): () => LocalServices {
  let services: LocalServices | undefined;
  beforeAll(async () => {
    services = await startLocalServices(options);
  }, startTimeoutMs);
  afterAll(async () => {
    await services?.stop();
  });
  return () => {
    if (!services)
      throw new Error('local services are not started: call useLocalServices() at the top of a describe');
    return services;
  };
}
