/**
 * The local EventBridge endpoint: AWS JSON 1.1 (`X-Amz-Target: AWSEvents.<Operation>`), PutEvents
 * only, so `aws events put-events --endpoint-url` and `@aws-sdk/client-eventbridge` work against it.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalEventBus } from '../events';
import { EventBridgeApiError, putEvents } from './put-events';

const TARGET_PREFIX = 'AWSEvents.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

export interface EventBridgeServiceOptions {
  /** The bus PutEvents publishes on (its rules start state machines). */
  readonly bus: LocalEventBus;
  /** Port on 127.0.0.1. @default 0 (a free port) */
  readonly port?: number;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '123456789012' */
  readonly accountId?: string;
}

export interface EventBridgeService {
  /** `http://127.0.0.1:<port>`, for `new EventBridgeClient({ endpoint })` or `AWS_ENDPOINT_URL_EVENTBRIDGE`. */
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

function send(response: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
    ...(errorType ? { 'x-amzn-ErrorType': errorType } : {}),
  });
  response.end(text);
}

const sendError = (response: ServerResponse, status: number, type: string, message: string): void =>
  send(response, status, { __type: type, message }, type);

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Starts the PutEvents endpoint on the loopback interface. */
export async function startEventBridgeService(
  options: EventBridgeServiceOptions,
): Promise<EventBridgeService> {
  const location = {
    region: options.region ?? 'us-east-1',
    accountId: options.accountId ?? '123456789012',
  };
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const text = await readBody(request);
    if (request.method !== 'POST' || !target.startsWith(TARGET_PREFIX)) {
      sendError(
        response,
        400,
        'UnknownOperationException',
        `Expected POST with X-Amz-Target: ${TARGET_PREFIX}<Operation>, got ${request.method} '${target}'`,
      );
      return;
    }
    const operation = target.slice(TARGET_PREFIX.length);
    if (operation !== 'PutEvents') {
      sendError(
        response,
        400,
        'UnknownOperationException',
        `the local EventBridge endpoint implements PutEvents only, not ${operation}; rules come from the deployed app`,
      );
      return;
    }
    let input: unknown;
    try {
      input = text.length === 0 ? {} : JSON.parse(text);
    } catch {
      sendError(response, 400, 'SerializationException', 'The request body is not valid JSON');
      return;
    }
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      sendError(response, 400, 'SerializationException', 'The request body must be a JSON object');
      return;
    }
    try {
      send(response, 200, putEvents(options.bus, input as Record<string, unknown>, location));
    } catch (error) {
      if (error instanceof EventBridgeApiError) sendError(response, 400, error.errorType, error.message);
      else sendError(response, 500, 'InternalException', (error as Error).message);
    }
  };
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendError(response, 500, 'InternalException', String(error));
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
