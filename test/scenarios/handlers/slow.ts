/** Scenario business function: waits `waitMs` milliseconds from its event before answering, as a slow business call does. */
import { type LambdaContextLike, type Receipt, receiptFor, recordCall } from './calls';

/** How long the event asks the function to work (0 when absent or not a number). */
export function requestedWaitMs(event: unknown): number {
  const waitMs = (event as { waitMs?: unknown } | null)?.waitMs;
  return typeof waitMs === 'number' && waitMs > 0 ? waitMs : 0;
}

export async function handler(event: unknown, context?: LambdaContextLike): Promise<Receipt> {
  const call = recordCall(event, context);
  await new Promise((resolve) => setTimeout(resolve, requestedWaitMs(event)));
  return receiptFor(event, call);
}
