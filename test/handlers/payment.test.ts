import { capturePayment, handler, InvalidPaymentRequest, PaymentDeclined } from '../../handlers/payment';

const order = { orderId: 'o-1001', amount: 4250, currency: 'EUR', card: 'tok_visa' };

describe('capturePayment', () => {
  it('captures a valid order and derives the payment id from the client token', () => {
    const receipt = capturePayment(order, 'payments#o-1001');
    expect(receipt).toEqual({
      paymentId: expect.stringMatching(/^pay_[0-9a-f]{24}$/),
      orderId: 'o-1001',
      status: 'CAPTURED',
      amount: 4250,
      currency: 'EUR',
      clientToken: 'payments#o-1001',
    });
  });

  it('returns the same receipt for the same order and token (safe to retry downstream)', () => {
    expect(capturePayment(order, 't')).toEqual(capturePayment(order, 't'));
    expect(capturePayment(order, 't').paymentId).not.toBe(capturePayment(order, 'u').paymentId);
  });

  it('uses the order id as client token when none is given', () => {
    expect(capturePayment(order).clientToken).toBe('order#o-1001');
  });

  it('fails with PaymentDeclined when the card is declined', () => {
    expect(() => capturePayment({ ...order, card: 'declined' })).toThrow(PaymentDeclined);
    expect(() => capturePayment({ ...order, card: 'declined' })).toThrow(
      'order o-1001: the card was declined',
    );
  });

  it.each([0, -100])('fails with PaymentDeclined when the amount is %d', (amount) => {
    expect(() => capturePayment({ ...order, amount })).toThrow(PaymentDeclined);
  });

  it.each<[string, unknown, string]>([
    ['the order is not an object', 'o-1', 'expected an order object, got "o-1"'],
    ['the order id is missing', { ...order, orderId: undefined }, 'orderId must be a non-empty string'],
    [
      'the amount is not whole minor units',
      { ...order, amount: 12.5 },
      'amount must be whole minor units, got 12.5',
    ],
    ['the currency is not ISO 4217', { ...order, currency: 'euro' }, 'currency must be an ISO 4217 code'],
    ['the card is missing', { ...order, card: '' }, 'card must be a card token'],
  ])('fails with InvalidPaymentRequest when %s', (_why, input, message) => {
    expect(() => capturePayment(input)).toThrow(InvalidPaymentRequest);
    expect(() => capturePayment(input)).toThrow(message);
  });

  it('names its errors so Step Functions reports them as the error type', () => {
    expect(new PaymentDeclined('x').name).toBe('PaymentDeclined');
    expect(new InvalidPaymentRequest('x').name).toBe('InvalidPaymentRequest');
  });
});

describe('handler', () => {
  it('captures the order of a raw OrderPlaced event', async () => {
    await expect(handler({ detail: order })).resolves.toMatchObject({
      orderId: 'o-1001',
      clientToken: 'order#o-1001',
    });
  });

  it('uses the idempotency key of the envelope as the client token', async () => {
    const receipt = await handler({ idempotencyKey: 'payments#o-1001', event: { detail: order } });
    expect(receipt.clientToken).toBe('payments#o-1001');
  });

  it('rejects with the business error so the workflow releases the key', async () => {
    await expect(handler({ detail: { ...order, card: 'declined' } })).rejects.toMatchObject({
      name: 'PaymentDeclined',
    });
  });
});
