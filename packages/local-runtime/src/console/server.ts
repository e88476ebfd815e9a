/**
 * The console's HTTP server: the single-page app (one HTML shell for every page URL, the bundled
 * script and the stylesheet) and a small JSON API over ConsoleReader. It listens on loopback only.
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { LOCAL_CREDENTIALS } from '../integrations/aws-metadata';
import type { ConsoleConfig, ErrorBody } from './api-types';
import { type ConsoleAssets, consoleAssets } from './assets';
import { type ConsoleProfile, consoleTitle, validateProfile } from './profile';
import { ConsoleReader, ConsoleRequestError } from './reader';

export interface ConsoleOptions {
  /** The Step Functions endpoint the console reads and acts through. */
  readonly stepFunctionsEndpoint: string;
  /** The DynamoDB endpoint of the records pages (without it there are none). */
  readonly dynamodbEndpoint?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default local dummy credentials for a loopback endpoint, else the SDK's default chain */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** 0 or absent: any free port. */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** What the project says about its workflows (outcomes, records); checked at start. */
  readonly profile?: ConsoleProfile;
  /** How often pages that can change refresh, in milliseconds. @default 2000 */
  readonly refreshMs?: number;
  /** Rows per page. @default 50 */
  readonly pageSize?: number;
}

export interface ConsoleServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly reader: ConsoleReader;
  stop(): Promise<void>;
}

const LOOPBACK = /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\/?$/;
const MAX_BODY = 512 * 1024;

function send(response: ServerResponse, status: number, body: string, type: string, extra = {}): void {
  response.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'X-Content-Type-Options': 'nosniff',
    ...extra,
  });
  response.end(body);
}

const sendJson = (response: ServerResponse, status: number, value: unknown) =>
  send(response, status, JSON.stringify(value), 'application/json; charset=utf-8', {
    'Cache-Control': 'no-store',
  });

function errorBody(error: unknown): { status: number; body: ErrorBody } {
  const e = error as Error & { $metadata?: { httpStatusCode?: number }; code?: string };
  if (error instanceof ConsoleRequestError) {
    return { status: error.status, body: { error: { name: error.name, message: error.message } } };
  }
  if (e?.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(String(e?.message))) {
    return {
      status: 502,
      body: { error: { name: 'EndpointUnreachable', message: `The endpoint did not answer: ${e.message}` } },
    };
  }
  const name = e?.name ?? 'Error';
  const status = /DoesNotExist|NotFound/.test(name)
    ? 404
    : name === 'ExecutionAlreadyExists'
      ? 409
      : (e?.$metadata?.httpStatusCode ?? 500) < 500
        ? 400
        : 500;
  return { status, body: { error: { name, message: e?.message ?? String(error) } } };
}

function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new ConsoleRequestError(413, 'PayloadTooLarge', 'The request body is over 512 KB.'));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        const value = text === '' ? {} : JSON.parse(text);
        if (typeof value !== 'object' || value === null || Array.isArray(value))
          throw new Error('not an object');
        resolve(value as Record<string, unknown>);
      } catch {
        reject(new ConsoleRequestError(400, 'BadRequest', 'The request body must be a JSON object.'));
      }
    });
    request.on('error', reject);
  });
}

const optionalText = (value: unknown, name: string): string | undefined => {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ConsoleRequestError(400, 'BadRequest', `${name} must be a string`);
  return value;
};

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function shell(config: ConsoleConfig, assets: ConsoleAssets): string {
  const data = JSON.stringify(config).replace(/</g, '\\u003c');
  const suffix = consoleTitle(config.profile.name);
  const icon =
    "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%231f3a93'/%3E%3Cpath d='M4 4h8M4 8h8M4 12h5' stroke='white' stroke-width='2'/%3E%3C/svg%3E";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(suffix)}</title>
<link rel="icon" href="${icon}">
<link rel="stylesheet" href="/assets/console.css?v=${assets.version}">
<script id="console-config" type="application/json">${data}</script>
<script src="/assets/console.js?v=${assets.version}" defer></script>
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="top"><a class="brand" href="/">Step Functions <span>local console</span>${
    config.profile.name ? `<span class="profile-name"> · ${escapeHtml(config.profile.name)}</span>` : ''
  }</a><nav aria-label="Breadcrumb" id="breadcrumbs"></nav></header>
<main id="main" tabindex="-1" aria-busy="true"><p class="loading">Loading…</p></main>
<div id="announcer" class="visually-hidden" aria-live="polite"></div>
<noscript><p>The console needs JavaScript.</p></noscript>
</body>
</html>`;
}

/** Starts the console server; `stop()` closes it and its SDK clients. */
export async function startConsole(options: ConsoleOptions): Promise<ConsoleServer> {
  const profile = options.profile ? validateProfile(options.profile) : {};
  const region = options.region ?? 'us-east-1';
  const credentials =
    options.credentials ?? (LOOPBACK.test(options.stepFunctionsEndpoint) ? LOCAL_CREDENTIALS : undefined);
  const sfn = new SFNClient({
    endpoint: options.stepFunctionsEndpoint,
    region,
    ...(credentials ? { credentials } : {}),
    disableHostPrefix: true,
  });
  const dynamodb = options.dynamodbEndpoint
    ? new DynamoDBClient({
        endpoint: options.dynamodbEndpoint,
        region,
        ...(credentials ? { credentials } : {}),
      })
    : undefined;
  const reader = new ConsoleReader({ sfn, dynamodb, profile, pageSize: options.pageSize });
  const config: ConsoleConfig = {
    profile,
    endpoints: {
      stepFunctions: options.stepFunctionsEndpoint,
      ...(options.dynamodbEndpoint ? { dynamodb: options.dynamodbEndpoint } : {}),
    },
    region,
    refreshMs: options.refreshMs ?? 2000,
    pageSize: reader.pageSize,
  };
  let assets: ConsoleAssets;
  try {
    assets = await consoleAssets();
  } catch (error) {
    sfn.destroy();
    dynamodb?.destroy();
    throw error;
  }
  const html = shell(config, assets);

  const api = async (request: IncomingMessage, url: URL, response: ServerResponse) => {
    const parts = url.pathname
      .slice('/api/'.length)
      .split('/')
      .filter((part) => part !== '')
      .map((part) => decodeURIComponent(part));
    const method = request.method ?? 'GET';
    if (method === 'POST') {
      // A page of another origin cannot send JSON here without a CORS preflight, which gets no answer.
      if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) {
        throw new ConsoleRequestError(
          415,
          'UnsupportedMediaType',
          'Send JSON (Content-Type: application/json).',
        );
      }
      const origin = request.headers.origin;
      if (origin !== undefined && origin !== `http://${request.headers.host}`) {
        throw new ConsoleRequestError(403, 'Forbidden', `Requests from ${origin} are not accepted.`);
      }
    }
    const q = (name: string) => url.searchParams.get(name) ?? undefined;
    const [root, machine, collection, item, action] = parts;
    if (root !== 'state-machines')
      throw new ConsoleRequestError(404, 'NotFound', `No API at ${url.pathname}`);
    if (method === 'GET' && machine === undefined)
      return sendJson(response, 200, await reader.stateMachines());
    if (machine === undefined) throw new ConsoleRequestError(405, 'MethodNotAllowed', 'Use GET.');
    if (method === 'GET' && collection === undefined) {
      return sendJson(response, 200, await reader.stateMachine(machine));
    }
    if (collection === 'executions') {
      const pageSize = q('pageSize') ? Number(q('pageSize')) : undefined;
      if (method === 'GET' && item === undefined) {
        return sendJson(
          response,
          200,
          await reader.executions(machine, {
            status: q('status'),
            outcome: q('outcome'),
            token: q('token'),
            pageSize,
          }),
        );
      }
      if (method === 'POST' && item === undefined) {
        const body = await readBody(request);
        if (body.input !== undefined && typeof body.input !== 'string') {
          throw new ConsoleRequestError(400, 'BadRequest', 'input must be JSON text (a string)');
        }
        return sendJson(
          response,
          201,
          await reader.start(machine, {
            name: optionalText(body.name, 'name'),
            input: optionalText(body.input, 'input'),
          }),
        );
      }
      if (method === 'GET' && item !== undefined && action === undefined) {
        return sendJson(response, 200, await reader.execution(machine, item));
      }
      if (method === 'POST' && item !== undefined && action === 'stop') {
        const body = await readBody(request);
        await reader.stop(machine, item, {
          error: optionalText(body.error, 'error'),
          cause: optionalText(body.cause, 'cause'),
        });
        return sendJson(response, 200, { stopped: true });
      }
    }
    if (collection === 'records' && method === 'GET') {
      if (item === undefined) {
        return sendJson(
          response,
          200,
          await reader.records(machine, {
            q: q('q'),
            token: q('token'),
            pageSize: q('pageSize') ? Number(q('pageSize')) : undefined,
          }),
        );
      }
      return sendJson(response, 200, await reader.record(machine, item));
    }
    throw new ConsoleRequestError(404, 'NotFound', `No API at ${method} ${url.pathname}`);
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://console.local');
    const path = url.pathname;
    if (path.startsWith('/api/')) {
      api(request, url, response).catch((error: unknown) => {
        const { status, body } = errorBody(error);
        if (!response.headersSent) sendJson(response, status, body);
        else response.end();
      });
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(response, 405, 'Method not allowed', 'text/plain; charset=utf-8', { Allow: 'GET' });
      return;
    }
    const cache = { 'Cache-Control': 'public, max-age=31536000, immutable', ETag: `"${assets.version}"` };
    if (path === '/assets/console.js')
      return send(response, 200, assets.js, 'text/javascript; charset=utf-8', cache);
    if (path === '/assets/console.css')
      return send(response, 200, assets.css, 'text/css; charset=utf-8', cache);
    if (path.startsWith('/assets/')) return send(response, 404, 'Not found', 'text/plain; charset=utf-8');
    send(response, 200, html, 'text/html; charset=utf-8', { 'Cache-Control': 'no-cache' });
  });
  server.keepAliveTimeout = 5000;
  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    sfn.destroy();
    dynamodb?.destroy();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    reader,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        reader.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => {
        sfn.destroy();
        dynamodb?.destroy();
      });
      return stopping;
    },
  };
}
