import * as LambdaSdk from '@aws-sdk/client-lambda';
import {
  InvokeCommand,
  type InvokeCommandOutput,
  LambdaClient,
  type LambdaClientConfig,
  LambdaServiceException,
} from '@aws-sdk/client-lambda';
import { StatesError } from '../engine/errors';
import type { Integration, TaskCall } from '../engine/types';
import type { InProcessInvokeResult, RouteRequest } from '../lambda';
import { invokeAnswer } from '../lambda/http';
import {
  captureHeaders,
  RESPONSE_HEADERS,
  responseHeaders,
  sdkMetadata,
  serviceCause,
  toStatesError,
  unsupportedParameter,
} from './aws-metadata';

/**
 * Lambda through Step Functions: the optimized `arn:aws:states:::lambda:invoke` integration (result envelope
 * with `Payload`, `StatusCode`, ...) and the legacy form where the Resource is the function ARN itself
 * (result = the function's return value, `LambdaFunction*` history events).
 */

/** Parameters Step Functions accepts for `lambda:invoke` (`LogType` is accepted in practice too). */
export const SUPPORTED_PARAMETERS: ReadonlySet<string> = new Set([
  'FunctionName',
  'Payload',
  'InvocationType',
  'Qualifier',
  'ClientContext',
  'LogType',
]);

/** Largest task result Step Functions accepts (256 KiB). */
export const MAX_RESULT_BYTES = 262_144;

const HEADER_ORDER = [
  'X-Amz-Executed-Version',
  'x-amzn-Remapped-Content-Length',
  'Connection',
  'x-amzn-RequestId',
  'Content-Length',
  'Date',
  'X-Amzn-Trace-Id',
  'Content-Type',
];

const UNKNOWN_CAUSE = 'The cause could not be determined because Lambda did not return an error type.';

/** How Step Functions turns `Payload` into the request body: JSON text in a string is sent verbatim. */
export function marshalPayload(payload: unknown): string | undefined {
  if (payload === undefined || payload === null) return undefined;
  if (typeof payload === 'string') {
    try {
      JSON.parse(payload);
      return payload;
    } catch {
      return JSON.stringify(payload);
    }
  }
  return JSON.stringify(payload);
}

function parsePayload(text: string): unknown {
  if (text === '') return '';
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function mapError(err: { name?: string; message?: string }, code: string): StatesError {
  const modeled =
    err instanceof LambdaServiceException && Object.getPrototypeOf(err) !== LambdaServiceException.prototype;
  const name = modeled ? `Lambda.${code}` : 'Lambda.AWSLambdaException';
  return new StatesError(name, serviceCause('AWSLambda', err, code));
}

/** A function error: its own errorType becomes the error; no errorType (timeouts) is Lambda.Unknown. */
function functionError(text: string, compactCause: boolean): StatesError {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = undefined;
  }
  const errorType = (doc as { errorType?: unknown } | undefined)?.errorType;
  if (typeof errorType !== 'string' || errorType === '') {
    return new StatesError('Lambda.Unknown', `${UNKNOWN_CAUSE} Returned payload: ${text}`);
  }
  return new StatesError(errorType, compactCause ? JSON.stringify(doc) : text);
}

function dataLimitExceeded(): StatesError {
  return new StatesError(
    'States.DataLimitExceeded',
    "The state/task 'lambda' returned a result with a size exceeding the maximum number of bytes service limit.",
  );
}

/**
 * The runtime's own Lambda service, called in this process: the Invoke API's routing, checks, hooks
 * and environments without the HTTP round trip and the SDK's serialization, signing and parsing on
 * both ends (which cost more of this process's CPU than the rest of an execution; see
 * docs/local-runtime.md, "Speed").
 */
export type InProcessLambda = (request: RouteRequest) => Promise<InProcessInvokeResult>;

type InvokeInput = ConstructorParameters<typeof InvokeCommand>[0];
type InvokeAnswer = Pick<
  InvokeCommandOutput,
  'FunctionError' | 'ExecutedVersion' | 'LogResult' | 'StatusCode' | '$metadata'
>;

/** Where a LambdaClient comes from, or the in-process service that answers instead of it. */
export type LambdaTarget = (() => LambdaClient) | { readonly inProcess: InProcessLambda };

/** Whether the SDK models an error code (it then has a class of that name, under LambdaServiceException). */
function modeledError(code: string): boolean {
  const ctor = (LambdaSdk as Record<string, unknown>)[code];
  return typeof ctor === 'function' && ctor.prototype instanceof LambdaServiceException;
}

/** The in-process answer as the SDK would have returned it from the REST API's response. */
async function sendInProcess(
  inProcess: InProcessLambda,
  call: TaskCall,
  input: InvokeInput,
): Promise<{ output: InvokeAnswer; text: string }> {
  if (call.signal.aborted) throw call.signal.reason;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(call.signal.reason);
    call.signal.addEventListener('abort', onAbort, { once: true });
  });
  let answer: InProcessInvokeResult;
  try {
    answer = await Promise.race([
      inProcess({
        functionName: input.FunctionName ?? '',
        qualifier: input.Qualifier,
        invocationType: input.InvocationType ?? 'RequestResponse',
        body: Buffer.from((input.Payload as Uint8Array | undefined) ?? new Uint8Array()),
      }),
      aborted,
    ]);
  } finally {
    if (onAbort) call.signal.removeEventListener('abort', onAbort);
  }
  const { requestId, result } = answer;
  if (result.kind === 'fault') {
    const { statusCode, errorType, message } = result.fault;
    const err = { name: errorType, message, $metadata: { httpStatusCode: statusCode, requestId } };
    const name = modeledError(errorType) ? `Lambda.${errorType}` : 'Lambda.AWSLambdaException';
    throw new StatesError(name, serviceCause('AWSLambda', err, errorType));
  }
  const answered = invokeAnswer(requestId, result);
  // As the SDK reads a response: header names in lower case, with the server's Date and Connection.
  const headers: Record<string, string> = {
    ...Object.fromEntries(
      Object.entries(answered.headers).map(([name, value]) => [name.toLowerCase(), value]),
    ),
    date: new Date().toUTCString(),
    connection: 'keep-alive',
  };
  const text = answered.body;
  const output: InvokeAnswer = {
    StatusCode: answered.status,
    ...(result.kind === 'response' ? { ExecutedVersion: '$LATEST' } : {}),
    ...(result.kind === 'response' && result.functionError ? { FunctionError: 'Unhandled' } : {}),
    $metadata: { httpStatusCode: answered.status, requestId },
  };
  Object.defineProperty(output, RESPONSE_HEADERS, { value: headers, enumerable: false });
  return { output, text };
}

async function send(
  target: LambdaTarget,
  call: TaskCall,
  input: InvokeInput,
): Promise<{ output: InvokeAnswer; text: string }> {
  if (typeof target !== 'function') return sendInProcess(target.inProcess, call, input);
  try {
    const output = await target().send(new InvokeCommand(input), { abortSignal: call.signal });
    const text = Buffer.from(output.Payload ?? new Uint8Array()).toString('utf8');
    return { output, text };
  } catch (err) {
    toStatesError(err, call.signal, 'Lambda', mapError);
  }
}

export function createLambdaInvokeIntegration(client: LambdaTarget): Integration {
  return {
    resourceType: 'lambda',
    resource: 'invoke',
    async invoke(call: TaskCall): Promise<unknown> {
      const params = (call.parameters ?? {}) as Record<string, unknown>;
      if (typeof params !== 'object' || Array.isArray(params)) {
        throw new StatesError(
          'States.Runtime',
          `An error occurred while executing the state '${call.stateName}'. The Parameters of a lambda:invoke task must be a JSON object, got ${JSON.stringify(params)}`,
        );
      }
      for (const key of Object.keys(params))
        if (!SUPPORTED_PARAMETERS.has(key)) throw unsupportedParameter(call, key);
      const body = marshalPayload(params.Payload);
      const { output, text } = await send(client, call, {
        FunctionName: params.FunctionName as string,
        ...(body !== undefined ? { Payload: Buffer.from(body) } : {}),
        ...(params.InvocationType ? { InvocationType: params.InvocationType as 'RequestResponse' } : {}),
        ...(params.Qualifier ? { Qualifier: params.Qualifier as string } : {}),
        ...(params.ClientContext ? { ClientContext: params.ClientContext as string } : {}),
        ...(params.LogType ? { LogType: params.LogType as 'Tail' } : {}),
      });
      if (output.FunctionError) throw functionError(text, true);
      if (Buffer.byteLength(text) > MAX_RESULT_BYTES) throw dataLimitExceeded();
      const metadata = sdkMetadata(
        HEADER_ORDER,
        {
          'X-Amz-Executed-Version': (output.ExecutedVersion as string | undefined) ?? '$LATEST',
          'x-amzn-Remapped-Content-Length': '0',
          Connection: 'keep-alive',
          'Content-Length': String(Buffer.byteLength(text)),
          'Content-Type': 'application/json',
        },
        responseHeaders(output),
        output.$metadata.requestId,
      );
      // Keys in the order AWS records them (alphabetical, as the Java SDK serializes its result bean).
      return {
        ...(output.ExecutedVersion !== undefined ? { ExecutedVersion: output.ExecutedVersion } : {}),
        ...(output.LogResult !== undefined ? { LogResult: output.LogResult } : {}),
        Payload: parsePayload(text),
        ...metadata,
        StatusCode: output.StatusCode,
      };
    },
  };
}

/** The legacy form: `Resource` is the function ARN and the whole task input is the payload. */
export function createLambdaFunctionIntegration(functionArn: string, client: LambdaTarget): Integration {
  return {
    resourceType: 'lambda',
    resource: functionArn,
    events: 'lambdaFunction',
    async invoke(call: TaskCall): Promise<unknown> {
      const body = JSON.stringify(call.parameters ?? null);
      const { output, text } = await send(client, call, {
        FunctionName: functionArn,
        Payload: Buffer.from(body),
      });
      // The legacy form reports the runtime's error document as returned, not re-serialized.
      if (output.FunctionError) throw functionError(text, false);
      if (Buffer.byteLength(text) > MAX_RESULT_BYTES) throw dataLimitExceeded();
      return parsePayload(text);
    },
  };
}

/** A client for one endpoint whose commands report their HTTP headers. */
export function lambdaClient(options: LambdaClientConfig): LambdaClient {
  const client = new LambdaClient(options);
  captureHeaders(client.middlewareStack);
  return client;
}
