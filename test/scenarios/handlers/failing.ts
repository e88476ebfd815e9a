/**
 * Scenario business function that fails on demand with OrderRejected: while the file named by its
 * FAIL_FLAG_FILE environment variable exists (so the very same event can fail first and succeed
 * on a later retry), and for events that carry `reject: true`.
 */
import { existsSync } from 'node:fs';
import { type LambdaContextLike, type Receipt, receiptFor, recordCall } from './calls';

/** The business error, as a payment provider's refusal would be. */
export class OrderRejected extends Error {
  override readonly name = 'OrderRejected';
}

export async function handler(event: unknown, context?: LambdaContextLike): Promise<Receipt> {
  const call = recordCall(event, context);
  const flag = process.env.FAIL_FLAG_FILE;
  const rejected = (event as { reject?: unknown } | null)?.reject === true;
  if (rejected || (flag && existsSync(flag))) {
    const orderId = (event as { orderId?: unknown } | null)?.orderId;
    throw new OrderRejected(`order ${JSON.stringify(orderId)} was rejected by the provider`);
  }
  return receiptFor(event, call);
}
