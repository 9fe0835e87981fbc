// The decoding seam: events stored by earlier versions reach the domain in
// today's shape (upcasting), and today's events pass through unchanged.
import { randomBytes } from 'node:crypto';
import { Customer, CustomerEvent, customerSnapshot, decodeCustomerEvent, evolve, initialCustomer } from './customer';
import type { DataKey } from './privacy/personal-data';

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
    expect(() => decodeCustomerEvent({ type: 'ComplaintOpened', data: {}, metadata: {}, recordedAt })).toThrow('which this version does not know');
  });
});

describe('the customer snapshot', () => {
  const key = randomBytes(32);
  const history: CustomerEvent[] = [
    {
      type: 'CustomerRegistered',
      data: { customerId: 'c-1', customerRef: 'R-1', profile: { name: 'Lin', phone: '+86 13812345678', region: { city: 'Hangzhou' } }, occurredAt: '2024-01-01T00:00:00.000Z' },
    },
    ...Array.from({ length: 50 }, (_, i): CustomerEvent => ({
      type: 'PurchaseRecorded',
      data: {
        customerId: 'c-1',
        orderId: i === 0 ? 'constructor' : `O-${i}`,
        amountMinor: 100 + i,
        currency: 'CNY',
        items: [],
        occurredAt: `2024-02-${String((i % 28) + 1).padStart(2, '0')}T00:00:00.000Z`,
      },
    })),
    { type: 'RefundRecorded', data: { customerId: 'c-1', refundId: 'F-1', orderId: 'constructor', amountMinor: 40, currency: 'CNY', occurredAt: '2024-03-01T00:00:00.000Z' } },
    { type: 'RefundRecorded', data: { customerId: 'c-1', refundId: '__proto__', amountMinor: 5, currency: 'CNY', occurredAt: '2024-03-02T00:00:00.000Z' } },
    { type: 'ContactLogged', data: { customerId: 'c-1', contactId: 'k', kind: 'marketing', channel: 'sms', month: '2024-03', occurredAt: '2024-03-03T00:00:00.000Z' } },
    { type: 'ConsentChanged', data: { customerId: 'c-1', consent: { sms: true } } },
    { type: 'CustomerTagged', data: { customerId: 'c-1', tag: 'wholesale' } },
  ];
  const folded = history.reduce(evolve, initialCustomer());
  const roundTrip = (state: Customer, writeKey: DataKey | undefined, readKey: DataKey | undefined) => {
    const stored = customerSnapshot(writeKey).encode(state);
    return stored === undefined ? undefined : customerSnapshot(readKey).decode(JSON.parse(JSON.stringify(stored)));
  };

  it('given a long history, the snapshot decodes to the state the events fold to', () => {
    expect(roundTrip(folded, key, key)).toEqual(folded);
    expect(roundTrip(folded, key, key)?.orders.get('constructor')).toEqual({ amountMinor: 100, refundedMinor: 40, at: Date.parse('2024-02-01T00:00:00.000Z') });
  });

  it('holds the personal fields sealed, and after the key is erased they are gone from it too', () => {
    expect(JSON.stringify(customerSnapshot(key).encode(folded))).not.toMatch(/"Lin"|13812345678/);
    const erased = roundTrip(folded, key, 'erased');
    expect(erased?.profile).toEqual({ region: { city: 'Hangzhou' } });
    expect(erased?.orders).toEqual(folded.orders);
  });

  it('a state with personal data and no key to seal it is not stored', () => {
    expect(customerSnapshot(undefined).encode(folded)).toBeUndefined();
    const anonymous = evolve(folded, { type: 'CustomerErased', data: { customerId: 'c-1' } });
    expect(roundTrip(anonymous, undefined, undefined)).toEqual(anonymous);
  });
});
