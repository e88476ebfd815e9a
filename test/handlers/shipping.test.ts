import { bookShipment, handler, InvalidShipmentRequest, PARCEL_LIMIT_GRAMS } from '../../handlers/shipping';

const order = { orderId: 'o-1001', country: 'DE', weightGrams: 1200 };

describe('bookShipment', () => {
  test('given a light order, then it is booked as a parcel with an id derived from the order', () => {
    expect(bookShipment(order)).toEqual({
      shipmentId: expect.stringMatching(/^shp_[0-9a-f]{20}$/),
      orderId: 'o-1001',
      service: 'PARCEL',
      country: 'DE',
    });
  });

  test('given the same order twice, then the shipment id is the same', () => {
    expect(bookShipment(order).shipmentId).toBe(bookShipment({ ...order }).shipmentId);
    expect(bookShipment(order).shipmentId).not.toBe(bookShipment({ ...order, orderId: 'o-1002' }).shipmentId);
  });

  test('given an order heavier than the parcel limit, then it goes as freight', () => {
    expect(bookShipment({ ...order, weightGrams: PARCEL_LIMIT_GRAMS + 1 }).service).toBe('FREIGHT');
    expect(bookShipment({ ...order, weightGrams: PARCEL_LIMIT_GRAMS }).service).toBe('PARCEL');
  });

  test.each<[string, unknown, string]>([
    ['the order is not an object', null, 'expected an order object, got null'],
    ['the order id is empty', { ...order, orderId: '' }, 'orderId must be a non-empty string, got ""'],
    [
      'the country is lower case',
      { ...order, country: 'de' },
      'country must be an ISO 3166 code such as "DE", got "de"',
    ],
    [
      'the weight is zero',
      { ...order, weightGrams: 0 },
      'weightGrams must be a positive whole number, got 0',
    ],
  ])('fails with InvalidShipmentRequest when %s', (_case, request, message) => {
    expect(() => bookShipment(request)).toThrow(InvalidShipmentRequest);
    expect(() => bookShipment(request)).toThrow(message);
  });
});

describe('handler', () => {
  test('given an OrderPlaced event, then it books the shipment of its detail', async () => {
    await expect(handler({ detail: order })).resolves.toMatchObject({ orderId: 'o-1001', service: 'PARCEL' });
  });
});
