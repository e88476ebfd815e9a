/**
 * The AWS JSON protocol (1.0 and 1.1) over HTTP, as the Step Functions and EventBridge endpoints
 * speak it: POST with `X-Amz-Target: <Prefix>.<Operation>` and a JSON object body; errors as
 * `{ __type, message }` with `x-amzn-ErrorType`. Each service supplies its operations and how its
 * errors map to types.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AwsJsonService {
  /** e.g. `AWSStepFunctions.` */
  readonly targetPrefix: string;
  readonly version: '1.0' | '1.1';
  /** Answers one operation; a thrown error is answered as `errorOf` says. */
  call(operation: string, input: Record<string, unknown>): unknown;
  /** The error type (and status, default 400) of a service error; undefined for an unexpected one. */
  errorOf(error: unknown): { readonly type: string; readonly status?: number } | undefined;
  /** The type of an unexpected error, answered with 500 (`InternalFailure`, `InternalException`). */
  readonly internalErrorType: string;
}

export interface HttpEndpoint {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  close(): Promise<void>;
}

/** JSON 1.0 and 1.1 send timestamps as epoch seconds (fractional), which the SDK turns back into Dates. */
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

/** Serves `service` on `host` (`port` 0 picks a free port). */
export function serveAwsJson(
  service: AwsJsonService,
  port: number,
  host = '127.0.0.1',
): Promise<HttpEndpoint> {
  const contentType = `application/x-amz-json-${service.version}`;
  const send = (response: ServerResponse, status: number, body: unknown, errorType?: string): void => {
    const text = serialize(body);
    response.writeHead(status, {
      'Content-Type': contentType,
      'Content-Length': Buffer.byteLength(text),
      'x-amzn-RequestId': randomUUID(),
      ...(errorType ? { 'x-amzn-ErrorType': errorType } : {}),
    });
    response.end(text);
  };
  const sendError = (response: ServerResponse, status: number, type: string, message: string): void =>
    send(response, status, { __type: type, message }, type);

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const target = String(request.headers['x-amz-target'] ?? '');
    if (request.method !== 'POST' || !target.startsWith(service.targetPrefix)) {
      sendError(
        response,
        400,
        'UnknownOperationException',
        `Expected POST with X-Amz-Target: ${service.targetPrefix}<Operation>, got ${request.method} '${target}'`,
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
      const output = await service.call(
        target.slice(service.targetPrefix.length),
        input as Record<string, unknown>,
      );
      send(response, 200, output);
    } catch (error) {
      const known = service.errorOf(error);
      if (known) sendError(response, known.status ?? 400, known.type, (error as Error).message);
      else sendError(response, 500, service.internalErrorType, (error as Error)?.message ?? String(error));
    }
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        sendError(
          response,
          500,
          service.internalErrorType,
          error instanceof Error ? error.message : String(error),
        );
      } else response.destroy();
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
}
