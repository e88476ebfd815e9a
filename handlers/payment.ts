/**
 * Example business Lambda: captures the payment of an order.
 *
 * The pure core (`capturePayment`) decides; the handler only unwraps the event. It makes no AWS
 * calls, so the local Lambda service runs the bundle the app deploys (`npm start`) as it is.
 */
import { createHash } from 'node:crypto';

/** The order the payment is for (the `detail` of an EventBridge "OrderPlaced" event). */
export interface Order {
  readonly orderId: string;
  /** Amount in minor units (cents). */
  readonly amount: number;
  /** ISO 4217 code, e.g. "EUR". */
  readonly currency: string;
  /** Card token; the token "declined" is always declined (for demos). */
  readonly card: string;
}

export interface OrderPlacedEvent {
  readonly detail: Order;
}

/** The payload in the workflow's ENVELOPE shape. */
export interface EnvelopedEvent {
  readonly idempotencyKey: string;
  readonly event: OrderPlacedEvent;
}

export interface PaymentReceipt {
  readonly paymentId: string;
  readonly orderId: string;
  readonly status: 'CAPTURED';
  readonly amount: number;
  readonly currency: string;
  /** The token sent to the payment provider, so a retried capture is not charged twice. */
  readonly clientToken: string;
}

/** The payment provider refused the charge (business failure: the workflow releases the key). */
export class PaymentDeclined extends Error {
  override readonly name = 'PaymentDeclined';
}

/** The event does not describe a payable order. */
export class InvalidPaymentRequest extends Error {
  override readonly name = 'InvalidPaymentRequest';
}

const CURRENCY = /^[A-Z]{3}$/;

/** Checks the order and returns the receipt of its capture; same order and token, same receipt. */
export function capturePayment(order: unknown, clientToken?: string): PaymentReceipt {
  const valid = validateOrder(order);
  if (valid.amount <= 0) {
    throw new PaymentDeclined(`order ${valid.orderId}: amount must be positive, got ${valid.amount}`);
  }
  if (valid.card === 'declined') {
    throw new PaymentDeclined(`order ${valid.orderId}: the card was declined`);
  }
  const token = clientToken ?? `order#${valid.orderId}`;
  return {
    paymentId: `pay_${createHash('sha256').update(token).digest('hex').slice(0, 24)}`,
    orderId: valid.orderId,
    status: 'CAPTURED',
    amount: valid.amount,
    currency: valid.currency,
    clientToken: token,
  };
}

function validateOrder(order: unknown): Order {
  if (typeof order !== 'object' || order === null) {
    throw new InvalidPaymentRequest(`expected an order object, got ${JSON.stringify(order)}`);
  }
  const { orderId, amount, currency, card } = order as Record<string, unknown>;
  if (typeof orderId !== 'string' || orderId.length === 0) {
    throw new InvalidPaymentRequest(`orderId must be a non-empty string, got ${JSON.stringify(orderId)}`);
  }
  if (typeof amount !== 'number' || !Number.isInteger(amount)) {
    throw new InvalidPaymentRequest(
      `order ${orderId}: amount must be whole minor units, got ${JSON.stringify(amount)}`,
    );
  }
  if (typeof currency !== 'string' || !CURRENCY.test(currency)) {
    throw new InvalidPaymentRequest(
      `order ${orderId}: currency must be an ISO 4217 code such as "EUR", got ${JSON.stringify(currency)}`,
    );
  }
  if (typeof card !== 'string' || card.length === 0) {
    throw new InvalidPaymentRequest(
      `order ${orderId}: card must be a card token, got ${JSON.stringify(card)}`,
    );
  }
  return { orderId, amount, currency, card };
}

function isEnvelope(event: unknown): event is EnvelopedEvent {
  return typeof event === 'object' && event !== null && 'idempotencyKey' in event && 'event' in event;
}

/** Lambda entry point: accepts the raw event or the workflow's envelope. */
export async function handler(
  event: OrderPlacedEvent | EnvelopedEvent,
  _context?: unknown,
): Promise<PaymentReceipt> {
  if (isEnvelope(event)) {
    return capturePayment(event.event?.detail, event.idempotencyKey);
  }
  return capturePayment(event?.detail);
}
