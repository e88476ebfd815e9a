import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceFault } from './faults';
import type { InvokeResult, Invoker } from './invocation';
import type { FunctionRegistry } from './registry';

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
const FUNCTION_ARN = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::(.+))?$/;
const PARTIAL_ARN = /^\d{12}:function:([^:]+)(?::(.+))?$/;

/** Splits a FunctionName as the Invoke API accepts it (name, name:qualifier, full or partial ARN). */
export function parseFunctionName(raw: string): { name: string; qualifier?: string } {
  const match = FUNCTION_ARN.exec(raw) ?? PARTIAL_ARN.exec(raw);
  if (match) return { name: match[1] ?? raw, qualifier: match[2] };
  const colon = raw.indexOf(':');
  if (colon > 0) return { name: raw.slice(0, colon), qualifier: raw.slice(colon + 1) };
  return { name: raw };
}

/** Lambda's REST error document: `Type` says whose fault it is, the error type travels in a header. */
function sendServiceError(res: http.ServerResponse, requestId: string, fault: ServiceFault): void {
  const body = JSON.stringify({
    Type: fault.statusCode >= 500 ? 'Service' : 'User',
    Message: fault.message,
  });
  res.writeHead(fault.statusCode, {
    'Content-Type': 'application/json',
    'x-amzn-RequestId': requestId,
    'x-amzn-ErrorType': fault.errorType,
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** A result the function's environment produced (not a service fault). */
export type InvokedResult = Exclude<InvokeResult, { readonly kind: 'fault' }>;

/**
 * The Invoke API's answer to an invocation that reached the function (or a DryRun): status, headers
 * as Lambda writes them, and body. The REST server writes it; the in-process path
 * (`invokeInProcess`) hands it to the engine's integration as the SDK would have read it.
 */
export function invokeAnswer(
  requestId: string,
  result: InvokedResult,
): { readonly status: number; readonly headers: Record<string, string>; readonly body: string } {
  const baseHeaders = {
    'x-amzn-RequestId': requestId,
    'X-Amzn-Trace-Id': result.traceId,
    'x-amzn-Remapped-Content-Length': '0',
  };
  if (result.kind === 'dryRun') return { status: 204, headers: baseHeaders, body: '' };
  if (result.kind === 'accepted') {
    return { status: 202, headers: { ...baseHeaders, 'Content-Length': '0' }, body: '' };
  }
  return {
    status: 200,
    headers: {
      ...baseHeaders,
      'Content-Type': 'application/json',
      'X-Amz-Executed-Version': '$LATEST',
      'Content-Length': String(Buffer.byteLength(result.payload)),
      ...(result.functionError ? { 'X-Amz-Function-Error': 'Unhandled' } : {}),
    },
    body: result.payload,
  };
}

function sendResult(res: http.ServerResponse, requestId: string, result: InvokeResult): void {
  if (result.kind === 'fault') {
    sendServiceError(res, requestId, result.fault);
    return;
  }
  const answer = invokeAnswer(requestId, result);
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

/** One Invoke request, whatever carried it (the REST API, or a caller in this process). */
export interface RouteRequest {
  /** The FunctionName as the Invoke API accepts it (name, name:qualifier, full or partial ARN). */
  readonly functionName: string;
  /** The `Qualifier` query parameter, if any. */
  readonly qualifier?: string;
  /** `X-Amz-Invocation-Type`. @default 'RequestResponse' */
  readonly invocationType?: string;
  readonly body: Buffer;
}

/** Finds the function, checks the invocation type and runs the invocation: the answer of the Invoke API. */
export async function route(
  registry: FunctionRegistry,
  invoker: Invoker,
  request: RouteRequest,
  requestId: string = randomUUID(),
): Promise<InvokeResult> {
  const parsed = parseFunctionName(request.functionName);
  const qualifier = request.qualifier ?? parsed.qualifier;
  const fn = registry.get(parsed.name);
  if (!fn || (qualifier !== undefined && qualifier !== '$LATEST')) {
    return {
      kind: 'fault',
      fault: {
        statusCode: 404,
        errorType: 'ResourceNotFoundException',
        message: `Function not found: ${registry.functionArn(parsed.name)}:${qualifier ?? '$LATEST'}`,
      },
    };
  }
  const invocationType = request.invocationType ?? 'RequestResponse';
  if (invocationType !== 'RequestResponse' && invocationType !== 'Event' && invocationType !== 'DryRun') {
    return {
      kind: 'fault',
      fault: {
        statusCode: 400,
        errorType: 'InvalidParameterValueException',
        message: `Unsupported invocation type ${invocationType}`,
      },
    };
  }
  return invoker.invoke(fn, {
    requestId,
    functionName: parsed.name,
    qualifier,
    invocationType,
    body: request.body,
  });
}

/** Routes one HTTP request to its function and answers with the invocation's result. */
async function handle(
  registry: FunctionRegistry,
  invoker: Invoker,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: Buffer,
): Promise<void> {
  const requestId = randomUUID();
  const url = new URL(req.url ?? '/', 'http://localhost');
  const match = INVOKE_PATH.exec(url.pathname);
  if (req.method !== 'POST' || !match) {
    sendServiceError(res, requestId, {
      statusCode: 404,
      errorType: 'UnknownOperationException',
      message: `the local Lambda service only implements Invoke (POST /2015-03-31/functions/{name}/invocations), not ${req.method} ${url.pathname}`,
    });
    return;
  }
  const result = await route(
    registry,
    invoker,
    {
      functionName: decodeURIComponent(match[1] ?? ''),
      qualifier: url.searchParams.get('Qualifier') ?? undefined,
      invocationType: String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse'),
      body,
    },
    requestId,
  );
  sendResult(res, requestId, result);
}

export interface InvokeEndpoint {
  readonly port: number;
  /** Stops accepting requests and drops open connections; resolves once the server has closed. */
  close(): Promise<void>;
}

/** Serves the Lambda Invoke REST API (`POST /2015-03-31/functions/{name}/invocations`) on `host:port`. */
export async function serveInvokeApi(
  registry: FunctionRegistry,
  invoker: Invoker,
  port: number,
  host: string,
): Promise<InvokeEndpoint> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(registry, invoker, req, res, Buffer.concat(chunks)).catch((err: unknown) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        sendServiceError(res, randomUUID(), {
          statusCode: 500,
          errorType: 'ServiceException',
          message: `the local Lambda service failed: ${(err as Error).message}`,
        });
      });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}
