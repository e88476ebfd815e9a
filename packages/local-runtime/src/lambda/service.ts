import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { onProcessEnd } from '../process-cleanup';
import { loadHandler } from './handler-loader';
import { type ErrorDocument, FunctionPool, type InvokeContext } from './pool';

/** AWS's default function timeout and memory when a function does not set them. */
export const DEFAULT_TIMEOUT_SECONDS = 3;
export const DEFAULT_MEMORY_SIZE = 128;
/** Lambda's budget for the init phase of a new execution environment (not configurable on AWS). */
export const INIT_TIMEOUT_SECONDS = 10;
/** Environments (worker threads) one function may run at once; further invocations queue. */
export const DEFAULT_MAX_CONCURRENCY = 8;
/** Synchronous invocation request and response limit (6 MB). */
export const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** A Lambda service error (not a function error): an HTTP status with AWS's error type, e.g. 429 TooManyRequestsException. */
export interface ServiceFault {
  readonly statusCode: number;
  readonly errorType: string;
  readonly message: string;
}

/** Ready-made faults with AWS's wording, for load and fault tests. */
export const serviceFaults = {
  tooManyRequests: (): ServiceFault => ({
    statusCode: 429,
    errorType: 'TooManyRequestsException',
    message: 'Rate Exceeded.',
  }),
  serviceException: (): ServiceFault => ({
    statusCode: 500,
    errorType: 'ServiceException',
    message: 'An internal error occurred. Please try again.',
  }),
} as const;

export interface InvokeInfo {
  readonly functionName: string;
  readonly requestId: string;
  /** The request body as received (JSON text). */
  readonly payload: string;
  readonly invocationType: 'RequestResponse' | 'Event' | 'DryRun';
}

/**
 * Runs before each invocation reaches a handler. It may wait (to inject latency) and may return a
 * ServiceFault to answer with a Lambda service error instead of running the handler.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that only delays is an async function returning nothing.
export type BeforeInvokeHook = (info: InvokeInfo) => void | ServiceFault | Promise<void | ServiceFault>;

export interface LocalFunctionConfig {
  /** Module and export, e.g. `handlers/payment.ts#handler` (TypeScript or JavaScript), relative to `baseDir`. */
  readonly handler: string;
  /** @default 3 (AWS's default) */
  readonly timeoutSeconds?: number;
  /** Also the worker's heap limit in MB. @default 128 */
  readonly memorySize?: number;
  /** Environment variables of the function (the host environment is not inherited, as on AWS). */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default 8 */
  readonly maxConcurrency?: number;
  readonly beforeInvoke?: BeforeInvokeHook;
}

export interface LambdaServiceOptions {
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  readonly functions?: Readonly<Record<string, LocalFunctionConfig>>;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '123456789012' */
  readonly accountId?: string;
  /** Folder handler paths are relative to. @default process.cwd() */
  readonly baseDir?: string;
  /** Applies to every function, before the function's own hook. */
  readonly beforeInvoke?: BeforeInvokeHook;
  /**
   * Budget of a new environment's init phase (module load), outside the function timeout; when it runs
   * out, init is retried inside the invocation under the function timeout. Lower it only in tests.
   * @default 10 (AWS's fixed value)
   */
  readonly initTimeoutSeconds?: number;
  /** Receives the handlers' console output; default: the worker threads write to this process's stdout/stderr. */
  readonly onLog?: (functionName: string, text: string) => void;
}

export interface LambdaService {
  /** `http://127.0.0.1:<port>`, ready for `new LambdaClient({ endpoint })`. */
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  readonly accountId: string;
  /** `arn:aws:lambda:<region>:<account>:function:<name>` */
  functionArn(name: string): string;
  /** Registers (or replaces) a function; TypeScript handlers are compiled here, once. */
  register(name: string, config: LocalFunctionConfig): void;
  /** Invocations that reached a handler, for one function or all of them. */
  invocations(name?: string): number;
  /** Replaces the service-wide fault hook (undefined removes it). */
  setBeforeInvoke(hook: BeforeInvokeHook | undefined): void;
  /** Stops the HTTP server and terminates every worker. */
  stop(): Promise<void>;
}

interface RegisteredFunction {
  readonly config: LocalFunctionConfig;
  readonly pool: FunctionPool;
  readonly logStreamName: string;
  invocations: number;
}

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

const BUNDLE_PREFIX = 'fn-';
/** Bundle folders named without a process id (older versions) are swept once they are this old. */
const UNOWNED_BUNDLE_MAX_AGE_MS = 24 * 60 * 60 * 1000;

function bundleRoot(baseDir: string): string {
  const modules = path.join(baseDir, 'node_modules');
  // Inside node_modules so bundled handlers can still `require` the project's packages.
  return fs.existsSync(modules) ? path.join(modules, '.cache', 'local-lambda') : os.tmpdir();
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes bundle folders a process left behind when it died without cleaning up (SIGKILL, a crash):
 * `fn-<pid>-*` of a process that no longer runs, and `fn-*` without a pid older than a day.
 */
export function sweepStaleBundles(root: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(root).filter((name) => name.startsWith(BUNDLE_PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const folder = path.join(root, name);
    const owner = /^fn-(\d+)-/.exec(name);
    try {
      const stale = owner
        ? !processAlive(Number(owner[1]))
        : Date.now() - fs.statSync(folder).mtimeMs > UNOWNED_BUNDLE_MAX_AGE_MS;
      if (stale) fs.rmSync(folder, { recursive: true, force: true });
    } catch {
      // another process removed it first, or it is not ours to remove
    }
  }
}

function traceId(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${epoch}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}

export async function startLambdaService(options: LambdaServiceOptions = {}): Promise<LambdaService> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const baseDir = options.baseDir ?? process.cwd();
  const root = bundleRoot(baseDir);
  sweepStaleBundles(root);
  // Created by the handler loader only when a handler needs bundling; named after this process so a
  // later start can tell whether its owner is still alive.
  const outDir = path.join(root, `${BUNDLE_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
  const removeBundles = (): void => fs.rmSync(outDir, { recursive: true, force: true });
  const forgetBundles = onProcessEnd(removeBundles);
  const functions = new Map<string, RegisteredFunction>();
  let globalHook = options.beforeInvoke;
  const functionArn = (name: string): string => `arn:aws:lambda:${region}:${accountId}:function:${name}`;

  const register = (name: string, config: LocalFunctionConfig): void => {
    const handler = loadHandler(config.handler, baseDir, outDir);
    const memorySize = config.memorySize ?? DEFAULT_MEMORY_SIZE;
    const logStreamName = `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${randomBytes(16).toString('hex')}`;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      LANG: 'en_US.UTF-8',
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${process.versions.node.split('.')[0]}.x`,
      AWS_LAMBDA_FUNCTION_NAME: name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memorySize),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
      LAMBDA_TASK_ROOT: baseDir,
      _HANDLER: config.handler,
      ...config.environment,
    };
    const onLog = options.onLog;
    const pool = new FunctionPool({
      handler,
      timeoutSeconds: config.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
      initTimeoutSeconds: options.initTimeoutSeconds ?? INIT_TIMEOUT_SECONDS,
      memorySize,
      env,
      maxConcurrency: config.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
      onLog: onLog ? (text) => onLog(name, text) : undefined,
    });
    const previous = functions.get(name);
    functions.set(name, { config, pool, logStreamName, invocations: 0 });
    if (previous) void previous.pool.close();
  };

  for (const [name, config] of Object.entries(options.functions ?? {})) register(name, config);

  const sendServiceError = (res: http.ServerResponse, requestId: string, fault: ServiceFault): void => {
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
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> => {
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = INVOKE_PATH.exec(url.pathname);
    if (req.method !== 'POST' || !route) {
      sendServiceError(res, requestId, {
        statusCode: 404,
        errorType: 'UnknownOperationException',
        message: `the local Lambda service only implements Invoke (POST /2015-03-31/functions/{name}/invocations), not ${req.method} ${url.pathname}`,
      });
      return;
    }
    const parsed = parseFunctionName(decodeURIComponent(route[1] ?? ''));
    const qualifier = url.searchParams.get('Qualifier') ?? parsed.qualifier;
    const fn = functions.get(parsed.name);
    if (!fn || (qualifier !== undefined && qualifier !== '$LATEST')) {
      sendServiceError(res, requestId, {
        statusCode: 404,
        errorType: 'ResourceNotFoundException',
        message: `Function not found: ${functionArn(parsed.name)}:${qualifier ?? '$LATEST'}`,
      });
      return;
    }
    const invocationType = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (invocationType !== 'RequestResponse' && invocationType !== 'Event' && invocationType !== 'DryRun') {
      sendServiceError(res, requestId, {
        statusCode: 400,
        errorType: 'InvalidParameterValueException',
        message: `Unsupported invocation type ${invocationType}`,
      });
      return;
    }
    if (body.length > MAX_SYNC_PAYLOAD_BYTES) {
      sendServiceError(res, requestId, {
        statusCode: 413,
        errorType: 'RequestTooLargeException',
        message: `Request must be smaller than ${MAX_SYNC_PAYLOAD_BYTES} bytes for the InvokeFunction operation`,
      });
      return;
    }
    // Lambda hands an empty request body to the function as an empty object.
    const payload = body.length === 0 ? '{}' : body.toString('utf8');
    try {
      JSON.parse(payload);
    } catch (err) {
      sendServiceError(res, requestId, {
        statusCode: 400,
        errorType: 'InvalidRequestContentException',
        message: `Could not parse request body into json: ${(err as Error).message}`,
      });
      return;
    }
    const info: InvokeInfo = { functionName: parsed.name, requestId, payload, invocationType };
    for (const hook of [globalHook, fn.config.beforeInvoke]) {
      const fault = hook ? await hook(info) : undefined;
      if (fault) {
        sendServiceError(res, requestId, fault);
        return;
      }
    }
    const baseHeaders = {
      'x-amzn-RequestId': requestId,
      'X-Amzn-Trace-Id': traceId(),
      'x-amzn-Remapped-Content-Length': '0',
    };
    if (invocationType === 'DryRun') {
      res.writeHead(204, baseHeaders);
      res.end();
      return;
    }
    const context: InvokeContext = {
      awsRequestId: requestId,
      functionName: parsed.name,
      functionVersion: '$LATEST',
      invokedFunctionArn: qualifier ? `${functionArn(parsed.name)}:${qualifier}` : functionArn(parsed.name),
      memoryLimitInMB: String(fn.config.memorySize ?? DEFAULT_MEMORY_SIZE),
      logGroupName: `/aws/lambda/${parsed.name}`,
      logStreamName: fn.logStreamName,
    };
    fn.invocations++;
    if (invocationType === 'Event') {
      // Asynchronous invocation: accepted now, run in the background; the outcome is not reported.
      void fn.pool.invoke(payload, context);
      res.writeHead(202, { ...baseHeaders, 'Content-Length': 0 });
      res.end();
      return;
    }
    const outcome = await fn.pool.invoke(payload, context);
    let responseBody: string;
    let functionError = false;
    if (outcome.kind === 'result') {
      responseBody = outcome.payload;
      if (Buffer.byteLength(responseBody) > MAX_SYNC_PAYLOAD_BYTES) {
        functionError = true;
        responseBody = JSON.stringify({
          errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_SYNC_PAYLOAD_BYTES} bytes).`,
          errorType: 'Function.ResponseSizeTooLarge',
        } satisfies ErrorDocument);
      }
    } else {
      functionError = true;
      responseBody = JSON.stringify(outcome.error);
    }
    res.writeHead(200, {
      ...baseHeaders,
      'Content-Type': 'application/json',
      'X-Amz-Executed-Version': '$LATEST',
      'Content-Length': Buffer.byteLength(responseBody),
      ...(functionError ? { 'X-Amz-Function-Error': 'Unhandled' } : {}),
    });
    res.end(responseBody);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch((err: unknown) => {
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
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
  } catch (err) {
    await Promise.all([...functions.values()].map((fn) => fn.pool.close()));
    removeBundles();
    forgetBundles();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;

  return {
    endpoint: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    region,
    accountId,
    functionArn,
    register,
    invocations: (name) =>
      name === undefined
        ? [...functions.values()].reduce((sum, fn) => sum + fn.invocations, 0)
        : (functions.get(name)?.invocations ?? 0),
    setBeforeInvoke: (hook) => {
      globalHook = hook;
    },
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.all([...functions.values()].map((fn) => fn.pool.close()));
      await closed;
      removeBundles();
      forgetBundles();
    },
  };
}
