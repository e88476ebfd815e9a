import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StepFunctionsApi } from './api';
import { StepFunctionsApiError } from './errors';

const TARGET_PREFIX = 'AWSStepFunctions.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';

/** JSON 1.0 sends timestamps as epoch seconds (fractional), which the SDK turns back into Dates. */
const serialize = (body: unknown): string =>
  JSON.stringify(body, function replacer(this: Record<string, unknown>, key: string, value: unknown) {
    const original = this[key];
    return original instanceof Date ? original.getTime() / 1000 : value;
  });

const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

const send = (response: ServerResponse, status: number, body: unknown): void => {
  const text = serialize(body);
  response.writeHead(status, {
    'Content-Type': CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
  });
  response.end(text);
};

const sendError = (response: ServerResponse, status: number, type: string, message: string): void => {
  response.setHeader('x-amzn-ErrorType', type);
  send(response, status, { __type: type, message });
};

const handle = async (
  api: StepFunctionsApi,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> => {
  const target = String(request.headers['x-amz-target'] ?? '');
  if (request.method !== 'POST' || !target.startsWith(TARGET_PREFIX)) {
    sendError(
      response,
      400,
      'UnknownOperationException',
      `Expected POST with X-Amz-Target: ${TARGET_PREFIX}<Operation>, got ${request.method} '${target}'`,
    );
    return;
  }
  const text = await readBody(request);
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
    const output = await api.call(target.slice(TARGET_PREFIX.length), input as Record<string, unknown>);
    send(response, 200, output);
  } catch (error) {
    if (error instanceof StepFunctionsApiError) {
      sendError(response, 400, error.name, error.message);
    } else {
      sendError(response, 500, 'InternalFailure', error instanceof Error ? error.message : String(error));
    }
  }
};

export interface HttpEndpoint {
  readonly endpoint: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Serves `api` over HTTP on 127.0.0.1 (`port` 0 picks a free port). */
export const listen = (api: StepFunctionsApi, port: number, host = '127.0.0.1'): Promise<HttpEndpoint> => {
  const server: Server = createServer((request, response) => {
    handle(api, request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        sendError(response, 500, 'InternalFailure', error instanceof Error ? error.message : String(error));
      }
    });
  });
  // StartSyncExecution holds a request open for the whole execution.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: bound } = server.address() as AddressInfo;
      resolve({
        endpoint: `http://${host}:${bound}`,
        port: bound,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
};
