/** A Lambda service error (not a function error): an HTTP status with AWS's error type, e.g. 429 TooManyRequestsException. */
export interface ServiceFault {
  readonly statusCode: number;
  readonly errorType: string;
  readonly message: string;
}

/**
 * A function error, as the runtime reports an unhandled exception: a 200 response with
 * `X-Amz-Function-Error: Unhandled` and this error document (`errorType` becomes the Step Functions
 * error name; without one, Step Functions reports `Lambda.Unknown`).
 */
export interface FunctionErrorFault {
  readonly functionError: {
    readonly errorType?: string;
    readonly errorMessage: string;
  };
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
 * ServiceFault to answer with a Lambda service error, or a FunctionErrorFault to answer as if the
 * handler had thrown before doing anything; either way the handler does not run.
 */
export type BeforeInvokeHook = (
  info: InvokeInfo,
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook that only delays is an async function returning nothing.
) => void | ServiceFault | FunctionErrorFault | Promise<void | ServiceFault | FunctionErrorFault>;

/** What the handler produced, as the Invoke API would answer it. */
export interface InvokeOutcome {
  /** The response payload (the result, or the error document). */
  readonly payload: string;
  /** The payload is an error document (`X-Amz-Function-Error: Unhandled`). */
  readonly functionError: boolean;
}

/**
 * Runs after a RequestResponse invocation's handler ended (its side effects are done), before the
 * answer is sent. It may wait (a slow or late answer) and may replace the answer with a
 * ServiceFault ("Lambda 5xx after the function ran") or a FunctionErrorFault (the function failed
 * after its side effect). Returning nothing keeps the handler's answer.
 */
export type AfterInvokeHook = (
  info: InvokeInfo,
  outcome: InvokeOutcome,
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook that only delays is an async function returning nothing.
) => void | ServiceFault | FunctionErrorFault | Promise<void | ServiceFault | FunctionErrorFault>;

/** True for a FunctionErrorFault, false for a ServiceFault. */
export function isFunctionErrorFault(fault: ServiceFault | FunctionErrorFault): fault is FunctionErrorFault {
  return (fault as FunctionErrorFault).functionError !== undefined;
}
