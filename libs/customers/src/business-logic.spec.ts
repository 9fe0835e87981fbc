import { deciderSpec } from '../../../test/support/decider-spec';
import { CustomerCommand, CustomerRules, decide } from './business-logic';
import { CustomerEvent, evolve, initialCustomer } from './customer';

const rules: CustomerRules = { shopCurrency: 'CNY', shopTimezone: 'Asia/Shanghai', marketingCapPerMonth: 3 };
const given = deciderSpec(initialCustomer, evolve, (c: CustomerCommand, s) => decide(c, s, rules));
const id = 'c-1';

const registered: CustomerEvent = { type: 'CustomerRegistered', data: { customerId: id, customerRef: 'C-1', profile: { name: 'Lin' } } };
const purchased = (orderId: string, amountMinor: number): CustomerEvent => ({
  type: 'PurchaseRecorded',
  data: { customerId: id, orderId, amountMinor, currency: 'CNY', items: [] },
});
const refunded = (refundId: string, amountMinor: number, orderId?: string): CustomerEvent => ({
  type: 'RefundRecorded',
  data: { customerId: id, refundId, ...(orderId ? { orderId } : {}), amountMinor, currency: 'CNY' },
});
const consented: CustomerEvent = { type: 'ConsentChanged', data: { customerId: id, consent: { sms: true } } };
const marketing = (month: string): CustomerEvent => ({
  type: 'ContactLogged',
  data: { customerId: id, contactId: `m-${month}-${Math.random()}`, kind: 'marketing', channel: 'sms', month },
});
const at = (iso: string) => new Date(iso);
const purchase = (orderId: string, amountMinor: number, extra: Partial<Extract<CustomerCommand, { type: 'RecordPurchase' }>> = {}): CustomerCommand => ({
  type: 'RecordPurchase',
  orderId,
  amountMinor,
  currency: 'CNY',
  items: [],
  occurredAt: at('2024-05-31T10:00:00+08:00'),
  ...extra,
});
const refund = (refundId: string, amountMinor: number, orderId?: string): CustomerCommand => ({
  type: 'RecordRefund',
  refundId,
  orderId,
  amountMinor,
  currency: 'CNY',
  occurredAt: at('2024-06-01T10:00:00+08:00'),
});
const contact = (kind: 'care' | 'marketing', occurredAt: string, channel: 'sms' | 'email' = 'sms'): CustomerCommand => ({
  type: 'LogContact',
  contactId: 'k-1',
  kind,
  channel,
  occurredAt: at(occurredAt),
});

describe('registering a customer', () => {
  it('a new customer is registered with their ref and profile', () =>
    given([]).when({ type: 'RegisterCustomer', customerId: id, customerRef: 'C-1', profile: { name: 'Lin' } }).then([registered]));

  it('registering the same customer again is a conflict naming the existing id', () => {
    const error = given([registered]).when({ type: 'RegisterCustomer', customerId: id, profile: {} }).refusal('CustomerAlreadyRegistered', 'conflict');
    expect(error.details).toMatchObject({ customerId: id, customerRef: 'C-1' });
  });

  it('any other command on an unknown customer is not found', () =>
    given([]).when(purchase('O-1', 100)).thenRefused('CustomerNotFound', 'not_found'));
});

describe('profile changes', () => {
  it('records only the fields that change', () =>
    given([registered])
      .when({ type: 'UpdateProfile', changes: { name: 'Lin', city: undefined, email: 'lin@example.com' } as never })
      .then([{ type: 'CustomerProfileUpdated', data: { customerId: id, changes: { email: 'lin@example.com' } } }]));

  it('records nothing when nothing changes', () => given([registered]).when({ type: 'UpdateProfile', changes: { name: 'Lin' } }).thenNothing());
});

describe('purchases', () => {
  it('a purchase in the shop currency is recorded as is', () =>
    given([registered]).when(purchase('O-1', 600_00, { channel: 'tmall' })).then([
      { type: 'PurchaseRecorded', data: { customerId: id, orderId: 'O-1', amountMinor: 600_00, currency: 'CNY', channel: 'tmall', items: [] } },
    ]));

  it('a purchase of 0.00 is still a purchase', () =>
    given([registered]).when(purchase('O-0', 0)).then([
      { type: 'PurchaseRecorded', data: { customerId: id, orderId: 'O-0', amountMinor: 0, currency: 'CNY', items: [] } },
    ]));

  it('a second purchase with the same order id records nothing', () => given([registered, purchased('O-1', 600_00)]).when(purchase('O-1', 999)).thenNothing());

  it('a purchase in another currency without the base amount is refused', () =>
    given([registered]).when(purchase('O-2', 100_00, { currency: 'USD' })).thenRefused('BaseAmountRequired', 'rule'));

  it('a purchase in another currency with the base amount counts the base amount and keeps the original', () =>
    given([registered]).when(purchase('O-2', 100_00, { currency: 'USD', baseAmountMinor: 720_00 })).then([
      {
        type: 'PurchaseRecorded',
        data: { customerId: id, orderId: 'O-2', amountMinor: 720_00, currency: 'CNY', originalAmountMinor: 100_00, originalCurrency: 'USD', items: [] },
      },
    ]));
});

describe('refunds', () => {
  it('a refund of part of an order is recorded', () =>
    given([registered, purchased('O-1', 600_00)]).when(refund('R-1', 200_00, 'O-1')).then([refunded('R-1', 200_00, 'O-1')]));

  it('refunding exactly what is left of an order is allowed', () =>
    given([registered, purchased('O-1', 600_00), refunded('R-1', 200_00, 'O-1')]).when(refund('R-2', 400_00, 'O-1')).then([refunded('R-2', 400_00, 'O-1')]));

  it('refunding more than what is left of an order is refused and says how much is left', () => {
    const error = given([registered, purchased('O-1', 600_00), refunded('R-1', 200_00, 'O-1')]).when(refund('R-2', 400_01, 'O-1')).refusal('RefundExceedsOrder', 'rule');
    expect(error.details).toMatchObject({ leftMinor: 400_00, requestedMinor: 400_01 });
  });

  it('a refund of an order this customer does not have is refused', () =>
    given([registered]).when(refund('R-1', 100, 'O-404')).thenRefused('UnknownOrder', 'rule'));

  it('a refund without an order is not capped (history from before the records)', () =>
    given([registered]).when(refund('R-9', 50_000_00)).then([refunded('R-9', 50_000_00)]));

  it('the same refund id again records nothing', () =>
    given([registered, purchased('O-1', 600_00), refunded('R-1', 200_00, 'O-1')]).when(refund('R-1', 200_00, 'O-1')).thenNothing());
});

describe('consent and tags', () => {
  it('records only the channels whose consent changes', () =>
    given([registered, consented]).when({ type: 'ChangeConsent', consent: { sms: true, email: true } }).then([
      { type: 'ConsentChanged', data: { customerId: id, consent: { email: true } } },
    ]));

  it('tagging twice records one tag; untagging an absent tag records nothing', () => {
    given([registered]).when({ type: 'TagCustomer', tag: 'south' }).then([{ type: 'CustomerTagged', data: { customerId: id, tag: 'south' } }]);
    given([registered, { type: 'CustomerTagged', data: { customerId: id, tag: 'south' } }]).when({ type: 'TagCustomer', tag: 'south' }).thenNothing();
    given([registered]).when({ type: 'UntagCustomer', tag: 'south' }).thenNothing();
  });
});

describe('contacts', () => {
  it('a care contact needs no consent', () =>
    given([registered]).when(contact('care', '2024-06-01T10:00:00+08:00')).then([
      { type: 'ContactLogged', data: { customerId: id, contactId: 'k-1', kind: 'care', channel: 'sms', month: '2024-06' } },
    ]));

  it('a marketing contact without consent for its channel is refused', () =>
    given([registered, consented]).when(contact('marketing', '2024-06-01T10:00:00+08:00', 'email')).thenRefused('ConsentMissing', 'rule'));

  it('the 4th marketing contact in a calendar month is refused and says why', () => {
    const error = given([registered, consented, marketing('2024-06'), marketing('2024-06'), marketing('2024-06')])
      .when(contact('marketing', '2024-06-30T10:00:00+08:00'))
      .refusal('MarketingCapReached', 'rule');
    expect(error.message).toContain('3 marketing contacts in 2024-06');
  });

  it('the month is the shop calendar month: 2024-06-30T20:00Z is July in Shanghai', () =>
    given([registered, consented, marketing('2024-06'), marketing('2024-06'), marketing('2024-06')])
      .when(contact('marketing', '2024-06-30T20:00:00Z'))
      .then([{ type: 'ContactLogged', data: { customerId: id, contactId: 'k-1', kind: 'marketing', channel: 'sms', month: '2024-07' } }]));

  it('care contacts do not count against the marketing cap', () =>
    given([
      registered,
      consented,
      marketing('2024-06'),
      marketing('2024-06'),
      { type: 'ContactLogged', data: { customerId: id, contactId: 'c', kind: 'care', channel: 'sms', month: '2024-06' } },
    ])
      .when(contact('marketing', '2024-06-15T10:00:00+08:00'))
      .then([{ type: 'ContactLogged', data: { customerId: id, contactId: 'k-1', kind: 'marketing', channel: 'sms', month: '2024-06' } }]));
});
