import { deciderSpec } from '../../../test/support/decider-spec';
import { lifecycleAsOf } from '@crm/lifecycle';
import { shopDate } from '@crm/shared';
import { CONTACT_POLICY_WINDOW_MONTHS, CustomerCommand, CustomerRules, decide, decisivePurchaseDates } from './business-logic';
import { CustomerEvent, evolve, initialCustomer } from './customer';

const NOW = new Date('2024-07-01T00:00:00Z');
const rules: CustomerRules = {
  shopCurrency: 'CNY',
  shopTimezone: 'Asia/Shanghai',
  marketingCapsByStage: { ACTIVE: 3, SILENT: 3, SLEEPING: 1, LOST: 0 },
  now: NOW,
  clockSkewMs: 300_000,
};
const given = deciderSpec(initialCustomer, evolve, (c: CustomerCommand, s) => decide(c, s, rules));
const id = 'c-1';

const PURCHASED_AT = '2024-05-31T02:00:00.000Z';
const REFUNDED_AT = '2024-06-01T02:00:00.000Z';
const registered: CustomerEvent = { type: 'CustomerRegistered', data: { customerId: id, customerRef: 'C-1', profile: { name: 'Lin' }, occurredAt: NOW.toISOString() } };
const purchased = (orderId: string, amountMinor: number, occurredAt = PURCHASED_AT): CustomerEvent => ({
  type: 'PurchaseRecorded',
  data: { customerId: id, orderId, amountMinor, currency: 'CNY', items: [], occurredAt },
});
const refunded = (refundId: string, amountMinor: number, orderId?: string): CustomerEvent => ({
  type: 'RefundRecorded',
  data: { customerId: id, refundId, ...(orderId ? { orderId } : {}), amountMinor, currency: 'CNY', occurredAt: REFUNDED_AT },
});
const consented: CustomerEvent = { type: 'ConsentChanged', data: { customerId: id, consent: { sms: true } } };
const marketing = (month: string): CustomerEvent => ({
  type: 'ContactLogged',
  data: { customerId: id, contactId: `m-${month}-${Math.random()}`, kind: 'marketing', channel: 'sms', month, occurredAt: `${month}-01T02:00:00.000Z` },
});
const logged = (kind: 'care' | 'marketing', month: string, occurredAt: string, extra: object = {}): CustomerEvent => ({
  type: 'ContactLogged',
  data: { customerId: id, contactId: 'k-1', kind, channel: 'sms', month, ...extra, occurredAt: new Date(occurredAt).toISOString() },
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
const contact = (kind: 'care' | 'marketing', occurredAt: string, channel: 'sms' | 'email' = 'sms', yearlyPromotion?: boolean): CustomerCommand => ({
  type: 'LogContact',
  contactId: 'k-1',
  kind,
  channel,
  occurredAt: at(occurredAt),
  ...(yearlyPromotion ? { yearlyPromotion } : {}),
});

describe('registering a customer', () => {
  it('a new customer is registered with their ref and profile', () =>
    given([])
      .when({ type: 'RegisterCustomer', customerId: id, customerRef: 'C-1', profile: { name: 'Lin' } })
      .then([registered]));

  it('an import registering a known customer again records nothing', () =>
    given([registered]).when({ type: 'RegisterCustomer', customerId: id, profile: {}, ifNew: true }).thenNothing());

  it('a registration dated in the future (beyond the clock skew) is refused as invalid', () =>
    given([])
      .when({ type: 'RegisterCustomer', customerId: id, profile: {}, occurredAt: new Date(NOW.getTime() + 301_000) })
      .thenRefused('OccurredInFuture', 'invalid'));

  it('registering the same customer again is a conflict naming the existing id', () => {
    const error = given([registered]).when({ type: 'RegisterCustomer', customerId: id, profile: {} }).refusal('CustomerAlreadyRegistered', 'conflict');
    expect(error.details).toMatchObject({ customerId: id, customerRef: 'C-1' });
  });

  it('any other command on an unknown customer is not found', () => given([]).when(purchase('O-1', 100)).thenRefused('CustomerNotFound', 'not_found'));
});

describe('profile changes', () => {
  it('records only the fields that change', () =>
    given([registered])
      .when({ type: 'UpdateProfile', changes: { name: 'Lin', city: undefined, email: 'lin@example.com' } as never })
      .then([{ type: 'CustomerProfileUpdated', data: { customerId: id, changes: { email: 'lin@example.com' } } }]));

  it('records nothing when nothing changes', () =>
    given([registered])
      .when({ type: 'UpdateProfile', changes: { name: 'Lin' } })
      .thenNothing());
});

describe('purchases', () => {
  it('a purchase in the shop currency is recorded as is', () =>
    given([registered])
      .when(purchase('O-1', 600_00, { channel: 'tmall' }))
      .then([{ type: 'PurchaseRecorded', data: { customerId: id, orderId: 'O-1', amountMinor: 600_00, currency: 'CNY', channel: 'tmall', items: [], occurredAt: PURCHASED_AT } }]));

  it('a purchase of 0.00 is still a purchase', () =>
    given([registered])
      .when(purchase('O-0', 0))
      .then([{ type: 'PurchaseRecorded', data: { customerId: id, orderId: 'O-0', amountMinor: 0, currency: 'CNY', items: [], occurredAt: PURCHASED_AT } }]));

  it('a second purchase with the same order id and amount records nothing', () =>
    given([registered, purchased('O-1', 600_00)])
      .when(purchase('O-1', 600_00))
      .thenNothing());

  it('the same order id with another amount is a conflict naming the recorded amount', () => {
    const error = given([registered, purchased('O-1', 600_00)])
      .when(purchase('O-1', 999))
      .refusal('OrderIdInUse', 'conflict');
    expect(error.message).toBe('order O-1 is recorded with amount 600.00 CNY, not 9.99 CNY');
  });

  it('a purchase dated in the future is refused; within the clock skew it is recorded', () => {
    given([registered])
      .when(purchase('O-9', 1, { occurredAt: new Date(NOW.getTime() + 301_000) }))
      .thenRefused('OccurredInFuture', 'invalid');
    expect(decide(purchase('O-9', 1, { occurredAt: new Date(NOW.getTime() + 299_000) }), evolve(initialCustomer(), registered), rules)).toHaveLength(1);
  });

  it('item unit prices below the minor unit are kept exactly', () =>
    given([registered])
      .when(purchase('O-W', 1_00, { items: [{ sku: '85123A', category: 'T-LIGHT & CANDLE', quantity: 1000, unitPriceScaled: 10 * 100 }] }))
      .then([
        {
          type: 'PurchaseRecorded',
          data: {
            customerId: id,
            orderId: 'O-W',
            amountMinor: 1_00,
            currency: 'CNY',
            items: [{ sku: '85123A', category: 'T-LIGHT & CANDLE', quantity: 1000, unitPriceScaled: 1000 }],
            occurredAt: PURCHASED_AT,
          },
        },
      ]));

  it('a purchase in another currency without the base amount is refused', () =>
    given([registered])
      .when(purchase('O-2', 100_00, { currency: 'USD' }))
      .thenRefused('BaseAmountRequired', 'rule'));

  it('a purchase in another currency with the base amount counts the base amount and keeps the original', () =>
    given([registered])
      .when(purchase('O-2', 100_00, { currency: 'USD', baseAmountMinor: 720_00 }))
      .then([
        {
          type: 'PurchaseRecorded',
          data: { customerId: id, orderId: 'O-2', amountMinor: 720_00, currency: 'CNY', originalAmountMinor: 100_00, originalCurrency: 'USD', items: [], occurredAt: PURCHASED_AT },
        },
      ]));
});

describe('refunds', () => {
  it('a refund of part of an order is recorded', () =>
    given([registered, purchased('O-1', 600_00)])
      .when(refund('R-1', 200_00, 'O-1'))
      .then([refunded('R-1', 200_00, 'O-1')]));

  it('refunding exactly what is left of an order is allowed', () =>
    given([registered, purchased('O-1', 600_00), refunded('R-1', 200_00, 'O-1')])
      .when(refund('R-2', 400_00, 'O-1'))
      .then([refunded('R-2', 400_00, 'O-1')]));

  it('refunding more than what is left of an order is refused and says how much is left, in the currency', () => {
    const error = given([registered, purchased('O-1', 600_00), refunded('R-1', 200_00, 'O-1')])
      .when(refund('R-2', 400_01, 'O-1'))
      .refusal('RefundExceedsOrder', 'rule');
    expect(error.message).toBe('a refund of 400.01 CNY exceeds the 400.00 CNY left of order O-1');
    expect(error.details).toMatchObject({ left: '400.00', requested: '400.01', currency: 'CNY' });
  });

  it('a refund of an order dated before that order was bought is refused, and one on the same instant is taken', () => {
    const error = given([registered, purchased('O-1', 600_00, '2024-06-02T02:00:00.000Z')])
      .when(refund('R-1', 100_00, 'O-1'))
      .refusal('RefundBeforeOrder', 'rule');
    expect(error.details).toMatchObject({ orderId: 'O-1', purchasedAt: '2024-06-02T02:00:00.000Z' });
    given([registered, purchased('O-1', 600_00, '2024-06-01T02:00:00.000Z')])
      .when(refund('R-1', 100_00, 'O-1'))
      .then([refunded('R-1', 100_00, 'O-1')]);
  });

  it('a refund of 0 is refused as invalid', () =>
    given([registered, purchased('O-1', 600_00)])
      .when(refund('R-0', 0, 'O-1'))
      .thenRefused('RefundNotPositive', 'invalid'));

  it('the same refund id with another amount is a conflict', () =>
    given([registered, purchased('O-1', 600_00), refunded('R-1', 200_00, 'O-1')])
      .when(refund('R-1', 100_00, 'O-1'))
      .thenRefused('RefundIdInUse', 'conflict'));

  it('an order id named "constructor" is an order like any other', () =>
    given([registered])
      .when(refund('R-1', 100, 'constructor'))
      .thenRefused('UnknownOrder', 'rule'));

  it('a refund of an order this customer does not have is refused', () =>
    given([registered])
      .when(refund('R-1', 100, 'O-404'))
      .thenRefused('UnknownOrder', 'rule'));

  it('a refund without an order is not capped (history from before the records)', () =>
    given([registered])
      .when(refund('R-9', 50_000_00))
      .then([refunded('R-9', 50_000_00)]));

  it('the same refund id again records nothing', () =>
    given([registered, purchased('O-1', 600_00), refunded('R-1', 200_00, 'O-1')])
      .when(refund('R-1', 200_00, 'O-1'))
      .thenNothing());
});

describe('consent and tags', () => {
  it('records only the channels whose consent changes', () =>
    given([registered, consented])
      .when({ type: 'ChangeConsent', consent: { sms: true, email: true } })
      .then([{ type: 'ConsentChanged', data: { customerId: id, consent: { email: true } } }]));

  it('tagging twice records one tag; untagging an absent tag records nothing', () => {
    given([registered])
      .when({ type: 'TagCustomer', tag: 'south' })
      .then([{ type: 'CustomerTagged', data: { customerId: id, tag: 'south' } }]);
    given([registered, { type: 'CustomerTagged', data: { customerId: id, tag: 'south' } }])
      .when({ type: 'TagCustomer', tag: 'south' })
      .thenNothing();
    given([registered]).when({ type: 'UntagCustomer', tag: 'south' }).thenNothing();
  });
});

describe('contacts', () => {
  it('a care contact needs no consent', () =>
    given([registered])
      .when(contact('care', '2024-06-01T10:00:00+08:00'))
      .then([logged('care', '2024-06', '2024-06-01T10:00:00+08:00')]));

  it('a marketing contact without consent for its channel is refused', () =>
    given([registered, consented])
      .when(contact('marketing', '2024-06-01T10:00:00+08:00', 'email'))
      .thenRefused('ConsentMissing', 'rule'));

  it('the 4th marketing contact in a calendar month is refused and says why', () => {
    const error = given([registered, consented, marketing('2024-06'), marketing('2024-06'), marketing('2024-06')])
      .when(contact('marketing', '2024-06-30T10:00:00+08:00'))
      .refusal('MarketingCapReached', 'rule');
    expect(error.message).toContain('3 marketing contacts in 2024-06');
  });

  it('the month is the shop calendar month: 2024-06-30T20:00Z is July in Shanghai', () =>
    given([registered, consented, marketing('2024-06'), marketing('2024-06'), marketing('2024-06')])
      .when(contact('marketing', '2024-06-30T20:00:00Z'))
      .then([logged('marketing', '2024-07', '2024-06-30T20:00:00Z')]));

  it('care contacts do not count against the marketing cap', () =>
    given([
      registered,
      consented,
      marketing('2024-06'),
      marketing('2024-06'),
      { type: 'ContactLogged', data: { customerId: id, contactId: 'c', kind: 'care', channel: 'sms', month: '2024-06', occurredAt: '2024-06-02T02:00:00.000Z' } },
    ])
      .when(contact('marketing', '2024-06-15T10:00:00+08:00'))
      .then([logged('marketing', '2024-06', '2024-06-15T10:00:00+08:00')]));
});

describe('contact policy by lifecycle stage', () => {
  // A purchase on 2023-05-31 (Shanghai): SILENT from 2023-09-01, SLEEPING from 2023-12-01, LOST from 2024-06-01.
  const oldPurchase = purchased('O-OLD', 100_00, '2023-05-31T02:00:00.000Z');
  const history = [registered, consented, oldPurchase];

  it('a LOST customer gets no marketing: the refusal names the stage and the cap', () => {
    const error = given(history).when(contact('marketing', '2024-06-10T10:00:00+08:00')).refusal('ContactPolicy', 'rule');
    expect(error.message).toContain('the customer is LOST on 2024-06-10');
    expect(error.details).toMatchObject({ stage: 'LOST', cap: 0, sent: 0 });
  });

  it('a LOST customer may get a contact of the big yearly promotions', () =>
    given(history)
      .when(contact('marketing', '2024-06-10T10:00:00+08:00', 'sms', true))
      .then([logged('marketing', '2024-06', '2024-06-10T10:00:00+08:00', { yearlyPromotion: true })]));

  it('a SLEEPING customer gets one marketing contact a month', () => {
    given(history)
      .when(contact('marketing', '2024-01-10T10:00:00+08:00'))
      .then([logged('marketing', '2024-01', '2024-01-10T10:00:00+08:00')]);
    const error = given([...history, marketing('2024-01')])
      .when(contact('marketing', '2024-01-20T10:00:00+08:00'))
      .refusal('MarketingCapReached', 'rule');
    expect(error.details).toMatchObject({ stage: 'SLEEPING', cap: 1, sent: 1 });
  });

  it('a SILENT customer keeps the regular cap of 3', () =>
    given([...history, marketing('2023-10'), marketing('2023-10')])
      .when(contact('marketing', '2023-10-20T10:00:00+08:00'))
      .then([logged('marketing', '2023-10', '2023-10-20T10:00:00+08:00')]));

  it('care contacts are not marketing: a LOST customer may get one', () =>
    given(history)
      .when(contact('care', '2024-06-10T10:00:00+08:00'))
      .then([logged('care', '2024-06', '2024-06-10T10:00:00+08:00')]));
});

describe('the purchases that decide the contact policy stage', () => {
  // A seeded generator: the same cases every run.
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const instant = (from: string, days: number) => Date.parse(from) + Math.floor(random() * days * 86_400_000);

  it('given any purchase history, the lifecycle from the decisive dates equals the one from all of them', () => {
    for (let run = 0; run < 500; run++) {
      const times = Array.from({ length: Math.floor(random() * 12) }, () => instant('2023-01-01T00:00:00Z', 700));
      if (random() < 0.3 && times.length > 0) times.push(times[0]);
      const on = shopDate(new Date(instant('2023-01-01T00:00:00Z', 800)), rules.shopTimezone);
      const all = times.map((t) => shopDate(new Date(t), rules.shopTimezone));
      expect(lifecycleAsOf(decisivePurchaseDates(times, on, rules.shopTimezone), on, CONTACT_POLICY_WINDOW_MONTHS)).toBe(lifecycleAsOf(all, on, CONTACT_POLICY_WINDOW_MONTHS));
    }
  });

  it('a day boundary in the shop zone decides: a purchase at 23:59 Shanghai time counts for that day', () => {
    const lateEvening = Date.parse('2024-05-31T15:59:00Z');
    expect(decisivePurchaseDates([lateEvening], '2024-05-31', 'Asia/Shanghai')).toEqual(['2024-05-31']);
    expect(decisivePurchaseDates([Date.parse('2024-05-31T16:00:00Z')], '2024-05-31', 'Asia/Shanghai')).toEqual([]);
  });
});

describe('campaign contacts and holdouts', () => {
  const SEND = '2024-06-01T10:00:00+08:00';
  const campaignContact: CustomerCommand = { type: 'LogContact', contactId: 'k-1', kind: 'marketing', channel: 'sms', occurredAt: at(SEND), campaignId: 'june' };
  const holdOut: CustomerCommand = { type: 'HoldOutOfCampaign', campaignId: 'june', channel: 'sms', occurredAt: at(SEND) };
  const active = purchased('o-1', 100, '2024-05-01T02:00:00.000Z');

  it('a campaign contact carries the campaign and the stage it found', () =>
    given([registered, consented, active])
      .when(campaignContact)
      .then([logged('marketing', '2024-06', SEND, { campaignId: 'june', stage: 'ACTIVE' })]));

  it('a customer is decided once per campaign: contacted or held out, a second time is nothing', () => {
    given([registered, consented, active, logged('marketing', '2024-06', SEND, { campaignId: 'june', stage: 'ACTIVE' })])
      .when(campaignContact)
      .thenNothing();
    given([
      registered,
      consented,
      active,
      { type: 'CampaignHeldOut', data: { customerId: id, campaignId: 'june', channel: 'sms', stage: 'ACTIVE', occurredAt: at(SEND).toISOString() } },
    ])
      .when(campaignContact)
      .thenNothing();
  });

  it('a holdout is checked as its contact would be, then held out', () => {
    given([registered, active]).when(holdOut).thenRefused('ConsentMissing', 'rule');
    given([registered, consented, active])
      .when(holdOut)
      .then([{ type: 'CampaignHeldOut', data: { customerId: id, campaignId: 'june', channel: 'sms', stage: 'ACTIVE', occurredAt: at(SEND).toISOString() } }]);
  });

  it('an erased customer gets no marketing, whatever their consent', () =>
    given([registered, consented, active, { type: 'CustomerErased', data: { customerId: id } }])
      .when(campaignContact)
      .thenRefused('CustomerErased', 'rule'));
});
