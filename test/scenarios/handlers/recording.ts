/** Scenario business function: records its call and answers with a receipt. */
import { type LambdaContextLike, type Receipt, receiptFor, recordCall } from './calls';

export async function handler(event: unknown, context?: LambdaContextLike): Promise<Receipt> {
  return receiptFor(event, recordCall(event, context));
}
