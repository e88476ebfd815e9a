/**
 * What every scenario handler shares: it writes one line per call to the file named by its
 * CALLS_FILE environment variable (handlers run in worker threads, so a file is the witness the
 * test process can read), and answers with a receipt unique to the call.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';

/** One line of the calls file. */
export interface RecordedCall {
  readonly functionName: string;
  readonly requestId: string;
  readonly event: unknown;
}

/** The business result: `callId` differs on every call, so a stored result can be traced to its call. */
export interface Receipt {
  readonly orderId: unknown;
  readonly callId: string;
  readonly handledBy: string;
}

export interface LambdaContextLike {
  readonly functionName?: string;
  readonly awsRequestId?: string;
}

/** Appends the call to CALLS_FILE (when set). */
export function recordCall(event: unknown, context: LambdaContextLike | undefined): RecordedCall {
  const call: RecordedCall = {
    functionName: context?.functionName ?? process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'unknown',
    requestId: context?.awsRequestId ?? 'unknown',
    event,
  };
  const file = process.env.CALLS_FILE;
  if (file) appendFileSync(file, `${JSON.stringify(call)}\n`);
  return call;
}

/** The receipt of one call for an event (the envelope shape is unwrapped). */
export function receiptFor(event: unknown, call: RecordedCall): Receipt {
  const body = (event as { event?: unknown } | null)?.event ?? event;
  return {
    orderId: (body as { orderId?: unknown } | null)?.orderId,
    callId: randomUUID(),
    handledBy: call.functionName,
  };
}
