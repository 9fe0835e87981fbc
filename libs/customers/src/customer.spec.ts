// The decoding seam: events stored by earlier versions reach the domain in
// today's shape (upcasting), and today's events pass through unchanged.
import { decodeCustomerEvent, evolve, initialCustomer } from './customer';

const recordedAt = new Date('2024-06-01T00:00:05.000Z');

describe('decoding stored customer events', () => {
  it('a purchase stored in the old shape (business time in the metadata, prices in whole minor units) is upcast', () => {
    const stored = {
      type: 'PurchaseRecorded',
      data: { customerId: 'c-1', orderId: 'O-1', amountMinor: 600_00, currency: 'CNY', items: [{ sku: 'D', category: 'dresses', quantity: 2, unitPriceMinor: 300_00 }] },
      metadata: { actor: 'alice', occurredAt: '2024-05-31T02:00:00.000Z' },
      recordedAt,
    };
    expect(decodeCustomerEvent(stored)).toEqual({
      type: 'PurchaseRecorded',
      data: {
        customerId: 'c-1',
        orderId: 'O-1',
        amountMinor: 600_00,
        currency: 'CNY',
        items: [{ sku: 'D', category: 'dresses', quantity: 2, unitPriceScaled: 300_00_0000 }],
        occurredAt: '2024-05-31T02:00:00.000Z',
      },
    });
  });

  it('an old registration without any business time happened when it was recorded', () => {
    const event = decodeCustomerEvent({ type: 'CustomerRegistered', data: { customerId: 'c-1', profile: {} }, metadata: {}, recordedAt });
    expect(event.data).toMatchObject({ occurredAt: '2024-06-01T00:00:05.000Z' });
  });

  it("today's shape passes through unchanged, and the old and new shapes fold to the same state", () => {
    const today = {
      type: 'PurchaseRecorded',
      data: {
        customerId: 'c-1',
        orderId: 'O-1',
        amountMinor: 1_00,
        currency: 'CNY',
        items: [{ sku: 'W', quantity: 1000, unitPriceScaled: 1000 }],
        occurredAt: '2024-05-31T02:00:00.000Z',
      },
      metadata: {},
      recordedAt,
    };
    expect(decodeCustomerEvent(today)).toEqual({ type: today.type, data: today.data });
    const old = { ...today, data: { ...today.data, occurredAt: undefined, items: [] }, metadata: { occurredAt: '2024-05-31T02:00:00.000Z' } };
    const fold = (e: Parameters<typeof decodeCustomerEvent>[0]) => evolve(initialCustomer(), decodeCustomerEvent(e));
    expect(fold(old).purchaseTimes).toEqual(fold(today).purchaseTimes);
  });

  it('a type that is not a customer event is refused, not cast', () => {
    expect(() => decodeCustomerEvent({ type: 'ComplaintOpened', data: {}, metadata: {}, recordedAt })).toThrow('not a customer event');
  });
});
