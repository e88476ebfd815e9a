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
