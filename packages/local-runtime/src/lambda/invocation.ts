import { randomBytes } from 'node:crypto';
import {
  type AfterInvokeHook,
  type BeforeInvokeHook,
  type FunctionErrorFault,
  type InvokeInfo,
  isFunctionErrorFault,
  type ServiceFault,
} from './faults';
import type { ErrorDocument, InvokeContext } from './pool';
import { DEFAULT_MEMORY_SIZE, type FunctionRegistry, type RegisteredFunction } from './registry';

/** Synchronous invocation request and response limit (6 MB). */
export const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;

export interface InvokeRequest {
  readonly requestId: string;
  /** The function's name, without qualifier or ARN parts. */
  readonly functionName: string;
  readonly qualifier: string | undefined;
  readonly invocationType: InvokeInfo['invocationType'];
  /** The request body as received. */
  readonly body: Buffer;
}

/** How an invocation ended, for the HTTP front to turn into a response. */
export type InvokeResult =
  | { readonly kind: 'fault'; readonly fault: ServiceFault }
  /** DryRun: every check passed, nothing ran. */
  | { readonly kind: 'dryRun'; readonly traceId: string }
  /** Event: accepted and running in the background; its outcome is not reported. */
  | { readonly kind: 'accepted'; readonly traceId: string }
  | {
      readonly kind: 'response';
      readonly traceId: string;
      readonly payload: string;
      /** The payload is an error document (`X-Amz-Function-Error: Unhandled`). */
      readonly functionError: boolean;
    };

function traceId(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${epoch}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}

const fault = (statusCode: number, errorType: string, message: string): InvokeResult => ({
  kind: 'fault',
  fault: { statusCode, errorType, message },
});

/** A fault a hook returned, as the answer of the invocation. */
function injected(trace: () => string, fault: ServiceFault | FunctionErrorFault): InvokeResult {
  if (!isFunctionErrorFault(fault)) return { kind: 'fault', fault };
  const { errorType, errorMessage } = fault.functionError;
  return {
    kind: 'response',
    traceId: trace(),
    payload: JSON.stringify({ errorMessage, ...(errorType !== undefined ? { errorType } : {}) }),
    functionError: true,
  };
}

/**
 * Runs one invocation of a registered function: the payload limits, the before-hooks (service-wide
 * first, then the function's own), then the function's pool of environments, which applies the
 * function timeout, then the after-hooks (the same order) on a RequestResponse answer.
 */
export class Invoker {
  /** Service-wide after-hook, replaced by `setAfterInvoke`. */
  public afterInvoke: AfterInvokeHook | undefined;

  constructor(
    private readonly registry: FunctionRegistry,
    /** Service-wide hook, replaced by `setBeforeInvoke`. */
    public beforeInvoke: BeforeInvokeHook | undefined,
  ) {}

  async invoke(fn: RegisteredFunction, request: InvokeRequest): Promise<InvokeResult> {
    const result = await this.run(fn, request);
    if (result.kind !== 'response' || request.invocationType !== 'RequestResponse') return result;
    const info = this.infoOf(request);
    for (const hook of [this.afterInvoke, fn.config.afterInvoke]) {
      const fault = hook ? await hook(info, result) : undefined;
      if (fault) return injected(() => result.traceId, fault);
    }
    return result;
  }

  private infoOf(request: InvokeRequest): InvokeInfo {
    const { requestId, functionName, invocationType, body } = request;
    return {
      functionName,
      requestId,
      payload: body.length === 0 ? '{}' : body.toString('utf8'),
      invocationType,
    };
  }

  private async run(fn: RegisteredFunction, request: InvokeRequest): Promise<InvokeResult> {
    const { requestId, functionName, qualifier, invocationType, body } = request;
    if (body.length > MAX_SYNC_PAYLOAD_BYTES) {
      return fault(
        413,
        'RequestTooLargeException',
        `Request must be smaller than ${MAX_SYNC_PAYLOAD_BYTES} bytes for the InvokeFunction operation`,
      );
    }
    // Lambda hands an empty request body to the function as an empty object.
    const payload = body.length === 0 ? '{}' : body.toString('utf8');
    try {
      JSON.parse(payload);
    } catch (err) {
      return fault(
        400,
        'InvalidRequestContentException',
        `Could not parse request body into json: ${(err as Error).message}`,
      );
    }
    const info: InvokeInfo = { functionName, requestId, payload, invocationType };
    for (const hook of [this.beforeInvoke, fn.config.beforeInvoke]) {
      const fault = hook ? await hook(info) : undefined;
      if (fault) return injected(traceId, fault);
    }
    const trace = traceId();
    if (invocationType === 'DryRun') return { kind: 'dryRun', traceId: trace };
    const arn = this.registry.functionArn(functionName);
    const context: InvokeContext = {
      awsRequestId: requestId,
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: qualifier ? `${arn}:${qualifier}` : arn,
      memoryLimitInMB: String(fn.config.memorySize ?? DEFAULT_MEMORY_SIZE),
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: fn.logStreamName,
    };
    fn.invocations++;
    if (invocationType === 'Event') {
      void fn.pool.invoke(payload, context);
      return { kind: 'accepted', traceId: trace };
    }
    const outcome = await fn.pool.invoke(payload, context);
    if (outcome.kind === 'error') {
      return {
        kind: 'response',
        traceId: trace,
        payload: JSON.stringify(outcome.error),
        functionError: true,
      };
    }
    if (Buffer.byteLength(outcome.payload) > MAX_SYNC_PAYLOAD_BYTES) {
      const tooLarge: ErrorDocument = {
        errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_SYNC_PAYLOAD_BYTES} bytes).`,
        errorType: 'Function.ResponseSizeTooLarge',
      };
      return { kind: 'response', traceId: trace, payload: JSON.stringify(tooLarge), functionError: true };
    }
    return { kind: 'response', traceId: trace, payload: outcome.payload, functionError: false };
  }
}
