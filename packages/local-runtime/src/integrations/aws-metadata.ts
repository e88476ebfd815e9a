import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { StatesError } from '../engine/errors';
import type { TaskCall } from '../engine/types';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Where an integration sends its SDK calls: a local endpoint, or real AWS when `endpoint` is omitted. */
export interface ServiceEndpointConfig {
  /** e.g. `http://127.0.0.1:8000`; omit to use the AWS endpoint of `region`. */
  readonly endpoint?: string;
  readonly region: string;
  /** Omit for local endpoints (dummy credentials are used) or to use the default AWS credential chain. */
  readonly credentials?: AwsCredentials;
  /** Parallel connections per endpoint. @default 128 */
  readonly maxSockets?: number;
}

export const LOCAL_CREDENTIALS: AwsCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Client options shared by the integrations: keep-alive sockets, no hidden SDK retries. */
export function clientOptions(config: ServiceEndpointConfig) {
  const agentOptions = { keepAlive: true, maxSockets: config.maxSockets ?? 128 };
  return {
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.credentials
      ? { credentials: config.credentials }
      : config.endpoint
        ? { credentials: LOCAL_CREDENTIALS }
        : {}),
    // Step Functions' Retry is the retry mechanism a definition controls; SDK retries would hide faults.
    maxAttempts: 1,
    requestHandler: { httpAgent: new http.Agent(agentOptions), httpsAgent: new https.Agent(agentOptions) },
  };
}

/** The raw HTTP response headers of the last call, captured by `captureHeaders` middleware. */
export const RESPONSE_HEADERS = Symbol('responseHeaders');

interface MiddlewareStackLike {
  add(middleware: unknown, options: { step: 'initialize'; name: string }): void;
}

/** Adds a middleware that copies the HTTP response headers onto the command output (under RESPONSE_HEADERS). */
export function captureHeaders(stack: MiddlewareStackLike): void {
  stack.add(
    (next: (args: unknown) => Promise<{ response: { headers?: Record<string, string> }; output: object }>) =>
      async (args: unknown) => {
        const result = await next(args);
        Object.defineProperty(result.output, RESPONSE_HEADERS, {
          value: result.response?.headers ?? {},
          enumerable: false,
        });
        return result;
      },
    { step: 'initialize', name: 'captureResponseHeaders' },
  );
}

export function responseHeaders(output: object): Record<string, string> {
  return (output as { [RESPONSE_HEADERS]?: Record<string, string> })[RESPONSE_HEADERS] ?? {};
}

function header(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/**
 * `SdkHttpMetadata` and `SdkResponseMetadata` as Step Functions adds them to a result (AWS SDK for Java
 * naming): `AllHttpHeaders` (values as lists) in `order`, `HttpHeaders` sorted case-insensitively. Values
 * come from the real response where it has them; the rest is plausible filler.
 */
export function sdkMetadata(
  order: readonly string[],
  values: Readonly<Record<string, string | undefined>>,
  headers: Record<string, string>,
  requestId: string | undefined,
): { SdkHttpMetadata: unknown; SdkResponseMetadata: unknown } {
  const resolved: Array<[string, string]> = order.map((name) => [
    name,
    values[name] ?? header(headers, name) ?? '',
  ]);
  const id = requestId ?? randomUUID();
  for (const entry of resolved) if (/^x-amzn-requestid$/i.test(entry[0])) entry[1] = id;
  return {
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(resolved.map(([name, value]) => [name, [value]])),
      HttpHeaders: Object.fromEntries(
        [...resolved].sort(([a], [b]) => a.toLowerCase().localeCompare(b.toLowerCase())),
      ),
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: id },
  };
}

/** A Parameters field Step Functions does not pass to the service: the task fails before any call. */
export function unsupportedParameter(call: TaskCall, field: string): StatesError {
  return new StatesError(
    'States.Runtime',
    `An error occurred while executing the state '${call.stateName}'. The Parameters '${JSON.stringify(call.parameters)}' could not be used to start the Task: [The field "${field}" is not supported by Step Functions]`,
  );
}

interface SdkError {
  readonly name?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly requestId?: string };
}

/** `<message> (Service: <service>; Status Code: <n>; Error Code: <code>; Request ID: <id>; Proxy: null)` */
export function serviceCause(service: string, err: SdkError, code: string): string {
  const status = err.$metadata?.httpStatusCode ?? 400;
  const requestId = err.$metadata?.requestId ?? randomUUID();
  return `${err.message ?? code} (Service: ${service}; Status Code: ${status}; Error Code: ${code}; Request ID: ${requestId}; Proxy: null)`;
}

/**
 * Maps an SDK failure to the error Step Functions reports: answered service errors go through `mapCode`;
 * an aborted call rethrows the abort reason; a call that never got an answer is `<prefix>.SdkClientException`.
 */
export function toStatesError(
  err: unknown,
  signal: AbortSignal,
  prefix: string,
  mapServiceError: (err: SdkError, code: string) => StatesError,
): never {
  if (signal.aborted) throw signal.reason ?? err;
  const sdkErr = err as SdkError;
  if (sdkErr?.$metadata?.httpStatusCode !== undefined && sdkErr.name) {
    throw mapServiceError(sdkErr, sdkErr.name);
  }
  const message = (err as Error)?.message ?? String(err);
  throw new StatesError(`${prefix}.SdkClientException`, `Unable to execute HTTP request: ${message}`);
}
