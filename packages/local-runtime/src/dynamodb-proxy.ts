/**
 * An HTTP proxy for DynamoDB's JSON protocol on 127.0.0.1, between the engine's DynamoDB
 * integration and DynamoDB Local: each request is read whole and handed to `handle` with its
 * operation (from `X-Amz-Target`) and a `forward` that sends a body (the request's own, or a changed
 * one) upstream and returns the whole answer. What `handle` returns is what the caller gets. The
 * fault proxy (src/faults) and the capacity meter (src/metering) are handlers on it.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A whole HTTP answer. */
export interface ProxyAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** One request, as the handler sees it. */
export interface ProxiedCall {
  /** The DynamoDB operation, e.g. `PutItem`. */
  readonly operation: string;
  /** The request body as received. */
  readonly body: Buffer;
  /** Sends `body` (default: the request's own) to DynamoDB Local and returns its whole answer. */
  forward(body?: Buffer): Promise<ProxyAnswer>;
}

export interface DynamoDbProxyOptions {
  /** DynamoDB Local's endpoint, e.g. `http://127.0.0.1:8000`. */
  readonly upstream: string;
  /** 0 or absent: a free port. */
  readonly port?: number;
  readonly handle: (call: ProxiedCall) => Promise<ProxyAnswer>;
}

export interface DynamoDbProxy {
  /** `http://127.0.0.1:<port>`: the endpoint to give the engine's DynamoDB client. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** DynamoDB's JSON error answer, as the service writes it. */
export function dynamoDbError(status: number, type: string, message: string): ProxyAnswer {
  return {
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': randomUUID().replace(/-/g, '').toUpperCase(),
    },
    body: Buffer.from(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message })),
  };
}

export async function startDynamoDbProxy(options: DynamoDbProxyOptions): Promise<DynamoDbProxy> {
  const upstream = new URL(options.upstream);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

  const forward = (req: http.IncomingMessage, body: Buffer): Promise<ProxyAnswer> =>
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

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const target = String(req.headers['x-amz-target'] ?? '');
      options
        .handle({
          operation: target.slice(target.indexOf('.') + 1),
          body,
          forward: (sent = body) => forward(req, sent),
        })
        .then((answer) => {
          const headers = { ...answer.headers };
          delete headers['transfer-encoding'];
          res.writeHead(answer.status, { ...headers, 'content-length': String(answer.body.length) });
          res.end(answer.body);
        })
        .catch((error: unknown) => {
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
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      agent.destroy();
    },
  };
}
