/**
 * Scenario business function: records its call and answers with a receipt, or with the event's
 * `respondWith` value when it has one (to try results of any JSON type).
 */
import { type LambdaContextLike, type Receipt, receiptFor, recordCall } from './calls';

export async function handler(event: unknown, context?: LambdaContextLike): Promise<Receipt | unknown> {
  const call = recordCall(event, context);
  if (typeof event === 'object' && event !== null && 'respondWith' in event) {
    return (event as { respondWith: unknown }).respondWith;
  }
  return receiptFor(event, call);
}
