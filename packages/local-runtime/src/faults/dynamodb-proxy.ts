/**
 * A fault proxy in front of DynamoDB Local: it forwards each call unchanged, except a configurable
 * share that it throttles, fails or slows down, answering with DynamoDB's own status codes and JSON
 * error documents, so an SDK client sees what it would see from the real service. The runtime puts
 * it between the engine's DynamoDB integration and DynamoDB Local only (`dynamoDbFaults`), so a
 * state machine's Retry and Catch meet the faults while functions and clients reach DynamoDB
 * directly.
 */
import { dynamoDbError, startDynamoDbProxy } from '../dynamodb-proxy';
import { checkRate, type RandomSource } from './random';

/** What the proxy does to a share of calls; each share is 0 (off) to 1. */
export interface DynamoDbFaultRates {
  /** Answered 400 ProvisionedThroughputExceededException; not forwarded. @default 0 */
  readonly throttle?: number;
  /** Answered 500 InternalServerError; not forwarded. @default 0 */
  readonly serverError?: number;
  /**
   * Writes (PutItem, UpdateItem, DeleteItem, ...) forwarded and applied, then answered 500
   * InternalServerError: the caller cannot tell whether the write happened. @default 0
   */
  readonly serverErrorAfterWrite?: number;
  /** Forwarded after `slowMs`. @default 0 */
  readonly slow?: number;
  /** The delay of a slow call. @default 500 */
  readonly slowMs?: number;
}

export type DynamoDbFaultKind = 'throttle' | 'serverError' | 'serverErrorAfterWrite' | 'slow';

export const DYNAMODB_FAULT_KINDS: readonly DynamoDbFaultKind[] = [
  'throttle',
  'serverError',
  'serverErrorAfterWrite',
  'slow',
];

/** One injected fault, as `onFault` receives it. */
export interface DynamoDbFault {
  readonly kind: DynamoDbFaultKind;
  /** The operation, e.g. `PutItem` (from `X-Amz-Target`). */
  readonly operation: string;
  readonly tableName?: string;
  /** The string value of the item's `id` attribute (its Key, or its Item for a PutItem), when it has one. */
  readonly id?: string;
}

export interface DynamoDbFaultProxyOptions {
  /** DynamoDB Local's endpoint, e.g. `http://127.0.0.1:8000`. */
  readonly upstream: string;
  readonly rates?: DynamoDbFaultRates;
  /** @default Math.random */
  readonly random?: RandomSource;
  /** Port on 127.0.0.1. @default 0 (a free port) */
  readonly port?: number;
  /** Told of every injected fault, after it was decided (for per-key accounting). */
  readonly onFault?: (fault: DynamoDbFault) => void;
}

export interface DynamoDbFaultProxy {
  /** `http://127.0.0.1:<port>`: give it to a DynamoDB client instead of the upstream. */
  readonly endpoint: string;
  /** Calls received. */
  readonly calls: number;
  /** Faults injected so far, per kind. */
  counts(): Record<DynamoDbFaultKind, number>;
  /** Replaces the rates (absent shares become 0). */
  configure(rates: DynamoDbFaultRates): void;
  stop(): Promise<void>;
}

const WRITE_OPERATIONS = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
  'ExecuteStatement',
]);

/** DynamoDB's wording for both faults. */
const THROTTLE_MESSAGE =
  'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.';
const SERVER_ERROR_MESSAGE = 'Internal server error';

interface Resolved {
  readonly throttle: number;
  readonly serverError: number;
  readonly serverErrorAfterWrite: number;
  readonly slow: number;
  readonly slowMs: number;
}

function resolveRates(rates: DynamoDbFaultRates): Resolved {
  const resolved = {
    throttle: checkRate('throttle', rates.throttle),
    serverError: checkRate('serverError', rates.serverError),
    serverErrorAfterWrite: checkRate('serverErrorAfterWrite', rates.serverErrorAfterWrite),
    slow: checkRate('slow', rates.slow),
    slowMs: rates.slowMs ?? 500,
  };
  if (resolved.throttle + resolved.serverError + resolved.serverErrorAfterWrite > 1) {
    throw new RangeError('throttle, serverError and serverErrorAfterWrite must add up to at most 1');
  }
  if (!Number.isFinite(resolved.slowMs) || resolved.slowMs < 0) {
    throw new RangeError(`slowMs must be 0 or more milliseconds, got ${rates.slowMs}`);
  }
  return resolved;
}

/** The table and the `id` of the item a request names, when its body says (best effort). */
function describeRequest(body: Buffer): { tableName?: string; id?: string } {
  try {
    const request = JSON.parse(body.toString('utf8')) as {
      TableName?: unknown;
      Key?: { id?: { S?: unknown } };
      Item?: { id?: { S?: unknown } };
    };
    const id = request.Key?.id?.S ?? request.Item?.id?.S;
    return {
      ...(typeof request.TableName === 'string' ? { tableName: request.TableName } : {}),
      ...(typeof id === 'string' ? { id } : {}),
    };
  } catch {
    return {};
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the proxy; every share is 0 until `rates` or `configure` sets it. */
export async function startDynamoDbFaultProxy(
  options: DynamoDbFaultProxyOptions,
): Promise<DynamoDbFaultProxy> {
  const random = options.random ?? Math.random;
  let rates = resolveRates(options.rates ?? {});
  const counts: Record<DynamoDbFaultKind, number> = {
    throttle: 0,
    serverError: 0,
    serverErrorAfterWrite: 0,
    slow: 0,
  };
  let calls = 0;

  const record = (kind: DynamoDbFaultKind, operation: string, body: Buffer) => {
    counts[kind]++;
    options.onFault?.({ kind, operation, ...describeRequest(body) });
  };

  const proxy = await startDynamoDbProxy({
    upstream: options.upstream,
    port: options.port,
    async handle({ operation, body, forward }) {
      calls++;
      if (rates.slow > 0 && random() < rates.slow) {
        record('slow', operation, body);
        await sleep(rates.slowMs);
      }
      const draw = random();
      if (draw < rates.throttle) {
        record('throttle', operation, body);
        return dynamoDbError(400, 'ProvisionedThroughputExceededException', THROTTLE_MESSAGE);
      }
      if (draw < rates.throttle + rates.serverError) {
        record('serverError', operation, body);
        return dynamoDbError(500, 'InternalServerError', SERVER_ERROR_MESSAGE);
      }
      const afterWrite =
        WRITE_OPERATIONS.has(operation) &&
        draw < rates.throttle + rates.serverError + rates.serverErrorAfterWrite;
      const answer = await forward();
      if (afterWrite) {
        record('serverErrorAfterWrite', operation, body);
        return dynamoDbError(500, 'InternalServerError', SERVER_ERROR_MESSAGE);
      }
      return answer;
    },
  });
  return {
    endpoint: proxy.endpoint,
    get calls() {
      return calls;
    },
    counts: () => ({ ...counts }),
    configure(next) {
      rates = resolveRates(next);
    },
    stop: () => proxy.stop(),
  };
}
