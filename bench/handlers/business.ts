/**
 * The business function of `npm run bench`: it does no work of its own, so what is measured around
 * it is the guard's. `fail: true` throws a business error; `resultBytes: n` returns a result of
 * about n bytes (the stored result of RETURN_STORED_RESULT).
 */
interface BenchEvent {
  readonly orderId?: string;
  readonly fail?: boolean;
  readonly resultBytes?: number;
  readonly event?: BenchEvent;
}

export class PaymentDeclined extends Error {
  override readonly name = 'PaymentDeclined';
}

export const handler = async (input: BenchEvent): Promise<unknown> => {
  const event = input.event ?? input;
  if (event.fail) throw new PaymentDeclined(`order ${event.orderId ?? '?'} declined`);
  if (event.resultBytes) return { orderId: event.orderId, receipt: 'r'.repeat(event.resultBytes) };
  return { orderId: event.orderId, status: 'PAID' };
};
