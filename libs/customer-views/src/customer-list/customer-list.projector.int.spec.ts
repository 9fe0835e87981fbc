// Given customer events -> rows of the customer list read model.
import { randomUUID } from 'node:crypto';
import { SqlClient } from '../../../database/src';
import { testDatabases } from '../../../../test/support/test-databases';
import { History, project, rows } from '../../../../test/support/projector-spec';
import { CustomerListProjector } from './customer-list.projector';

for (const database of testDatabases()) {
  describe(`customer list projector on ${database.name}`, () => {
    let sql: SqlClient;
    let dispose: () => Promise<void>;
    beforeAll(async () => ({ sql, dispose } = await database.open()));
    afterAll(async () => dispose?.());
    const projector = new CustomerListProjector({ shopTimezone: 'Asia/Shanghai' });

    it('registration, profile change, purchases, refund, tags, consent and contacts become one customer row and its dated facts', async () => {
      const id = randomUUID();
      const s = `customer-${id}`;
      const h = new History();
      h.add(s, 'CustomerRegistered', { customerId: id, customerRef: 'P-1', profile: { name: 'Lin', region: { province: '浙江', city: '杭州' } } }, '2024-01-01T00:00:00.000Z');
      h.add(s, 'CustomerProfileUpdated', { customerId: id, changes: { region: { city: '宁波' } } }, '2024-01-02T00:00:00.000Z');
      h.add(
        s,
        'PurchaseRecorded',
        { customerId: id, orderId: 'O-1', amountMinor: 600_00, currency: 'CNY', items: [{ sku: 'D', category: 'dresses', quantity: 1, unitPriceScaled: 600_00_0000 }] },
        '2024-03-31T16:30:00.000Z',
      );
      h.add(s, 'PurchaseRecorded', { customerId: id, orderId: 'O-2', amountMinor: 0, currency: 'CNY', items: [] }, '2024-02-01T10:00:00.000Z');
      h.add(s, 'RefundRecorded', { customerId: id, refundId: 'R-1', orderId: 'O-1', amountMinor: 100_00, currency: 'CNY' }, '2024-04-02T10:00:00.000Z');
      h.add(s, 'CustomerTagged', { customerId: id, tag: 'south' }, '2024-04-03T10:00:00.000Z');
      h.add(s, 'CustomerTagged', { customerId: id, tag: 'vip-candidate' }, '2024-04-03T10:00:00.000Z');
      h.add(s, 'CustomerUntagged', { customerId: id, tag: 'south' }, '2024-04-04T10:00:00.000Z');
      h.add(s, 'ConsentChanged', { customerId: id, consent: { sms: true } }, '2024-04-05T10:00:00.000Z');
      h.add(s, 'ConsentChanged', { customerId: id, consent: { email: false } }, '2024-04-05T11:00:00.000Z');
      h.add(s, 'ContactLogged', { customerId: id, contactId: 'K-1', kind: 'marketing', channel: 'sms', month: '2024-04' }, '2024-04-06T10:00:00.000Z');
      // Events of other streams are not this projector's.
      h.add(`complaint-${randomUUID()}`, 'ComplaintOpened', { complaintId: randomUUID(), customerId: id }, '2024-04-07T10:00:00.000Z');
      // Split into two batches: the result does not depend on batching.
      await project(sql, projector, h.events.slice(0, 4));
      await project(sql, projector, h.events.slice(4));

      const [c] = await rows(
        sql,
        'SELECT customer_ref, name, province, city, tags, consent, registered_on::text AS registered_on, joined_on::text AS joined_on, purchase_count, net_spend_minor::int AS net, first_purchase_at, last_purchase_at FROM rm_customers WHERE customer_id = $1',
        [id],
      );
      expect(c).toEqual({
        customer_ref: 'P-1',
        name: 'Lin',
        province: '浙江',
        city: '宁波',
        tags: ['vip-candidate'],
        consent: { sms: true, email: false },
        registered_on: '2024-01-01',
        joined_on: '2024-01-01',
        purchase_count: 2,
        net: 500_00,
        first_purchase_at: new Date('2024-02-01T10:00:00.000Z'),
        last_purchase_at: new Date('2024-03-31T16:30:00.000Z'),
      });
      // The date of a fact is its occurredAt's date in the shop's zone (00:30 in Shanghai is April 1st).
      expect(
        await rows(sql, 'SELECT order_id, occurred_on::text AS on, amount_minor::int AS amount, items FROM rm_customer_purchases WHERE customer_id = $1 ORDER BY order_id', [id]),
      ).toEqual([
        { order_id: 'O-1', on: '2024-04-01', amount: 600_00, items: [{ sku: 'D', category: 'dresses', quantity: 1, unitPriceScaled: 600_00_0000 }] },
        { order_id: 'O-2', on: '2024-02-01', amount: 0, items: [] },
      ]);
      expect(await rows(sql, 'SELECT refund_id, order_id, occurred_on::text AS on, amount_minor::int AS amount FROM rm_customer_refunds WHERE customer_id = $1', [id])).toEqual([
        { refund_id: 'R-1', order_id: 'O-1', on: '2024-04-02', amount: 100_00 },
      ]);
      expect(await rows(sql, 'SELECT contact_id, kind, channel, occurred_on::text AS on FROM rm_customer_contacts WHERE customer_id = $1', [id])).toEqual([
        { contact_id: 'K-1', kind: 'marketing', channel: 'sms', on: '2024-04-06' },
      ]);
    });

    it('a customer registered after their recorded history joined on the date of its first purchase or refund', async () => {
      const id = randomUUID();
      const h = new History();
      h.add(`customer-${id}`, 'CustomerRegistered', { customerId: id, profile: {} }, '2024-06-01T00:00:00.000Z');
      h.add(`customer-${id}`, 'RefundRecorded', { customerId: id, refundId: 'R-OLD', amountMinor: 5_00, currency: 'CNY' }, '2023-03-01T00:00:00.000Z');
      h.add(`customer-${id}`, 'PurchaseRecorded', { customerId: id, orderId: 'O-OLD', amountMinor: 10_00, currency: 'CNY', items: [] }, '2023-05-01T00:00:00.000Z');
      await project(sql, projector, h.events.slice(0, 1));
      await project(sql, projector, h.events.slice(1));
      expect(await rows(sql, 'SELECT registered_on::text AS registered, joined_on::text AS joined FROM rm_customers WHERE customer_id = $1', [id])).toEqual([
        { registered: '2024-06-01', joined: '2023-03-01' },
      ]);
    });

    it('a batch that fails leaves no rows behind (it is one transaction with the checkpoint)', async () => {
      const id = randomUUID();
      const h = new History();
      h.add(`customer-${id}`, 'CustomerRegistered', { customerId: id, profile: {} }, '2024-01-01T00:00:00.000Z');
      h.add(`customer-${id}`, 'PurchaseRecorded', { customerId: id, orderId: 'X', amountMinor: 1, currency: 'CNY', items: [] }, '2024-01-02T00:00:00.000Z');
      h.add(`customer-${id}`, 'PurchaseRecorded', { customerId: id, orderId: 'X', amountMinor: 1, currency: 'CNY', items: [] }, '2024-01-02T00:00:00.000Z');
      await expect(project(sql, projector, h.events)).rejects.toThrow();
      expect(await rows(sql, 'SELECT 1 FROM rm_customers WHERE customer_id = $1', [id])).toEqual([]);
    });
  });
}
