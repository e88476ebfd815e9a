/**
 * A fault proxy in front of DynamoDB Local: it forwards each call unchanged, except a configurable
 * share that it throttles, fails or slows down, answering with DynamoDB's own status codes and JSON
 * error documents, so an SDK client sees what it would see from the real service. The runtime puts
 * it between the engine's DynamoDB integration and DynamoDB Local only (`dynamoDbFaults`), so a
 * state machine's Retry and Catch meet the faults while functions and clients reach DynamoDB
 * directly.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
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

const ERROR_TYPE_PREFIX = 'com.amazonaws.dynamodb.v20120810#';
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

function sendError(res: http.ServerResponse, status: number, type: string, message: string): void {
  const body = JSON.stringify({ __type: `${ERROR_TYPE_PREFIX}${type}`, message });
  res.writeHead(status, {
    'Content-Type': 'application/x-amz-json-1.0',
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': randomUUID().replace(/-/g, '').toUpperCase(),
  });
  res.end(body);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the proxy; every share is 0 until `rates` or `configure` sets it. */
export async function startDynamoDbFaultProxy(
  options: DynamoDbFaultProxyOptions,
): Promise<DynamoDbFaultProxy> {
  const upstream = new URL(options.upstream);
  const random = options.random ?? Math.random;
  let rates = resolveRates(options.rates ?? {});
  const counts: Record<DynamoDbFaultKind, number> = {
    throttle: 0,
    serverError: 0,
    serverErrorAfterWrite: 0,
    slow: 0,
  };
  let calls = 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

  const record = (kind: DynamoDbFaultKind, operation: string, body: Buffer) => {
    counts[kind]++;
    options.onFault?.({ kind, operation, ...describeRequest(body) });
  };

  const forward = (
    req: http.IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host, 'content-length': String(body.length) },
          agent,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 500,
              headers: response.headers,
              body: Buffer.concat(chunks),
            }),
          );
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => {
    calls++;
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.slice(target.indexOf('.') + 1);
    if (rates.slow > 0 && random() < rates.slow) {
      record('slow', operation, body);
      await sleep(rates.slowMs);
    }
    const draw = random();
    if (draw < rates.throttle) {
      record('throttle', operation, body);
      sendError(res, 400, 'ProvisionedThroughputExceededException', THROTTLE_MESSAGE);
      return;
    }
    if (draw < rates.throttle + rates.serverError) {
      record('serverError', operation, body);
      sendError(res, 500, 'InternalServerError', SERVER_ERROR_MESSAGE);
      return;
    }
    const afterWrite =
      WRITE_OPERATIONS.has(operation) &&
      draw < rates.throttle + rates.serverError + rates.serverErrorAfterWrite;
    const answer = await forward(req, body);
    if (afterWrite) {
      record('serverErrorAfterWrite', operation, body);
      sendError(res, 500, 'InternalServerError', SERVER_ERROR_MESSAGE);
      return;
    }
    const headers = { ...answer.headers };
    delete headers['transfer-encoding'];
    res.writeHead(answer.status, { ...headers, 'content-length': String(answer.body.length) });
    res.end(answer.body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch((error: unknown) => {
        // DynamoDB Local did not answer: the client sees a dropped connection, as it would.
        if (!res.headersSent) res.destroy(error instanceof Error ? error : undefined);
      });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get calls() {
      return calls;
    },
    counts: () => ({ ...counts }),
    configure(next) {
      rates = resolveRates(next);
    },
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      agent.destroy();
    },
  };
}
