/**
 * Second example business Lambda: books the shipment of an order. It shares the idempotency table
 * with the payment workflow under its own key prefix (`shipping#<orderId>`), and receives the raw
 * event (payload shape EVENT): it never sees the idempotency key.
 */
import { createHash } from 'node:crypto';

/** What the shipment needs from an "OrderPlaced" event's `detail`. */
export interface ShipmentRequest {
  readonly orderId: string;
  /** ISO 3166-1 alpha-2 country code of the delivery address, e.g. "DE". */
  readonly country: string;
  /** Parcel weight in grams. */
  readonly weightGrams: number;
}

export interface ShipmentBooking {
  readonly shipmentId: string;
  readonly orderId: string;
  readonly service: 'PARCEL' | 'FREIGHT';
  readonly country: string;
}

/** The event does not describe a shippable order. */
export class InvalidShipmentRequest extends Error {
  override readonly name = 'InvalidShipmentRequest';
}

/** Parcels up to this weight go as parcels; heavier ones as freight. */
export const PARCEL_LIMIT_GRAMS = 31_500;

const COUNTRY = /^[A-Z]{2}$/;

/** Books the shipment; the same order always gets the same shipment id (safe for the carrier to see twice). */
export function bookShipment(request: unknown): ShipmentBooking {
  if (typeof request !== 'object' || request === null) {
    throw new InvalidShipmentRequest(`expected an order object, got ${JSON.stringify(request)}`);
  }
  const { orderId, country, weightGrams } = request as Record<string, unknown>;
  if (typeof orderId !== 'string' || orderId.length === 0) {
    throw new InvalidShipmentRequest(`orderId must be a non-empty string, got ${JSON.stringify(orderId)}`);
  }
  if (typeof country !== 'string' || !COUNTRY.test(country)) {
    throw new InvalidShipmentRequest(
      `order ${orderId}: country must be an ISO 3166 code such as "DE", got ${JSON.stringify(country)}`,
    );
  }
  if (typeof weightGrams !== 'number' || !Number.isInteger(weightGrams) || weightGrams <= 0) {
    throw new InvalidShipmentRequest(
      `order ${orderId}: weightGrams must be a positive whole number, got ${JSON.stringify(weightGrams)}`,
    );
  }
  return {
    shipmentId: `shp_${createHash('sha256').update(`shipment#${orderId}`).digest('hex').slice(0, 20)}`,
    orderId,
    service: weightGrams <= PARCEL_LIMIT_GRAMS ? 'PARCEL' : 'FREIGHT',
    country,
  };
}

/** Lambda entry point: the raw EventBridge-style event. */
export async function handler(
  event: { readonly detail?: unknown },
  _context?: unknown,
): Promise<ShipmentBooking> {
  return bookShipment(event?.detail);
}
