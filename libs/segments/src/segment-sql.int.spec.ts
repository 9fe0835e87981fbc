// The preview counted by the database (segment-sql.ts) against the preview
// evaluated here customer by customer (segment-match.ts, the reference): on
// random bases and random definitions over every field but RFM, as of today
// and with a compared version, both give the same count, the same members in
// the same order and the same customers entering and leaving.
import { randomUUID } from 'node:crypto';
import { SqlEventStore } from '../../event-store/src/adapters';
import type { AppendRequest } from '../../event-store/src';
import { rebuildProjections } from '../../projections/src/rebuild';
import { SqlClient } from '../../database/src';
import { loadConfig } from '../../shared/src/config';
import { shopDate } from '../../shared/src/shop-calendar';
import { CustomerListProjector } from '../../customer-views/src';
import { ServiceHistoryProjector } from '../../complaints/src';
import { TierPeriodsProjector } from '../../tiers/src';
import { testDatabases } from '../../../test/support/test-databases';
import { appendHistory } from '../../../test/support/history';
import { parseDefinition } from './segment-definition';
import { previewSegment } from './segment-preview';

const config = loadConfig({ SHOP_TIMEZONE: 'Asia/Shanghai' });

/** Customers with what the shared history lacks: birthdays (29 February too), channels and purchases by category. */
function profiledCustomers(count: number, rand: () => number): AppendRequest[] {
  const requests: AppendRequest[] = [];
  const meta = (occurredAt: string) => ({ actor: 'seed', correlationId: randomUUID(), source: 'import' as const, occurredAt });
  const today = Date.now();
  for (let c = 0; c < count; c++) {
    const customerId = randomUUID();
    const at = (daysAgo: number) => new Date(today - daysAgo * 86_400_000 - Math.floor(rand() * 3_600_000)).toISOString();
    const birth = rand() < 0.1 ? '1992-02-29' : new Date(Date.UTC(1990, 0, 1) + Math.floor(rand() * 365) * 86_400_000).toISOString().slice(0, 10);
    let ago = 200 + Math.floor(rand() * 400);
    const events: AppendRequest['events'][number][] = [
      {
        id: randomUUID(),
        type: 'CustomerRegistered',
        data: {
          customerId,
          customerRef: `P-${c}`,
          profile: { name: `P${c}`, birthDate: birth, channel: rand() < 0.5 ? 'tmall' : 'wechat', region: { province: '广东', city: rand() < 0.5 ? '广州' : '深圳' } },
        },
        metadata: meta(at(ago)),
      },
    ];
    const purchases = Math.floor(rand() * 5);
    for (let p = 0; p < purchases && ago > 1; p++) {
      ago = Math.max(1, ago - 1 - Math.floor(rand() * 120));
      const category = rand() < 0.5 ? '连衣裙' : '鞋';
      const amountMinor = 1_000 + Math.floor(rand() * 100_000);
      const items = [
        { sku: 'A', category, quantity: 1, unitPriceScaled: amountMinor * 5_000 },
        { sku: 'B', category: '包', quantity: 1, unitPriceScaled: amountMinor * 5_000 },
      ];
      events.push({ id: randomUUID(), type: 'PurchaseRecorded', data: { customerId, orderId: `P-${c}-${p}`, amountMinor, currency: 'CNY', items }, metadata: meta(at(ago)) });
    }
    requests.push({ streamId: `customer-${customerId}`, expectedVersion: 'noStream', events });
  }
  return requests;
}

const FIELD_MAKERS: Array<(rand: () => number) => unknown> = [
  (r) => ({ field: 'lifecycle', op: r() < 0.5 ? 'in' : 'not_in', value: r() < 0.5 ? ['NEW_ONCE', 'OLD_REPEAT', 'SILENT'] : ['SLEEPING', 'LOST', 'PROSPECT'] }),
  (r) => ({ field: 'lifecycle', op: '=', value: r() < 0.5 ? 'LOST' : 'SLEEPING' }),
  (r) => ({ field: 'tier', op: r() < 0.5 ? 'not_in' : 'in', value: ['GOLD'] }),
  (r) => ({ field: 'tag', op: (['has', 'not', 'in', 'not_in'] as const)[Math.floor(r() * 4)], value: r() < 0.5 ? ['south'] : ['vip-candidate', 'x'] }),
  (r) => ({ field: 'region.province', op: r() < 0.5 ? 'in' : 'not_in', value: ['浙江'] }),
  (r) => ({ field: 'region.city', op: '=', value: r() < 0.5 ? '广州' : 'X' }),
  (r) => ({ field: 'channel', op: r() < 0.5 ? 'not_in' : 'in', value: ['tmall'] }),
  (r) => ({ field: 'consent.sms', op: '=', value: r() < 0.5 }),
  (r) => ({ field: 'netSpend', op: (['>=', '<=', '=', 'between'] as const)[Math.floor(r() * 4)], value: r() < 0.25 ? ['100.00', '1500.00'] : '800.00' }),
  (r) => ({ field: 'purchaseCount', op: r() < 0.5 ? '>=' : 'between', value: r() < 0.5 ? 3 : [1, 2] }),
  (r) => ({ field: 'daysSinceLastPurchase', op: r() < 0.5 ? '<=' : 'between', value: r() < 0.5 ? 90 : [30, 400] }),
  (r) => ({ field: 'boughtCategory', op: r() < 0.5 ? 'has' : 'not', value: r() < 0.5 ? '连衣裙' : '鞋', days: 30 + Math.floor(r() * 300) }),
  (r) => ({ field: 'categorySpendShare', op: r() < 0.5 ? '>=' : '<=', value: r() < 0.5 ? '0.5' : '0.3', category: '连衣裙' }),
  (r) => ({ field: 'birthdayWithinDays', op: '<=', value: Math.floor(r() * 120) }),
  (r) => ({ field: 'openComplaint', op: '=', value: r() < 0.5 }),
];

function randomDefinition(rand: () => number, name: string) {
  const conditions = (n: number) => Array.from({ length: n }, () => FIELD_MAKERS[Math.floor(rand() * FIELD_MAKERS.length)](rand));
  const fixValue = (c: { op: string; value: unknown }) => {
    // between takes a pair; the others a single value (the makers mix them): keep what the op takes
    if (c.op === 'between' && !Array.isArray(c.value)) c.value = c.value === '800.00' ? ['100.00', '800.00'] : [0, c.value];
    if (c.op !== 'between' && Array.isArray(c.value) && !['in', 'not_in'].includes(c.op)) c.value = c.value[0];
    return c;
  };
  const raw = {
    name,
    match: rand() < 0.5 ? 'all' : 'any',
    windowMonths: [1, 3, 6][Math.floor(rand() * 3)],
    conditions: conditions(1 + Math.floor(rand() * 3)).map((c) => fixValue(c as { op: string; value: unknown })),
    groups: rand() < 0.5 ? [{ match: rand() < 0.5 ? 'all' : 'any', conditions: conditions(2).map((c) => fixValue(c as { op: string; value: unknown })) }] : [],
  };
  return parseDefinition(raw, 'CNY');
}

for (const database of testDatabases()) {
  describe(`the segment preview in SQL on ${database.name}`, () => {
    let sql: SqlClient;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      ({ sql, dispose } = await database.open());
      const store = new SqlEventStore(sql);
      await appendHistory(store, 150, 7);
      let x = 11;
      const rand = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
      await store.appendMany(profiledCustomers(120, rand));
      await rebuildProjections(store, sql, [new CustomerListProjector(config), new TierPeriodsProjector(config), new ServiceHistoryProjector(config)]);
    }, 120_000);
    afterAll(async () => dispose?.());

    it('counts, lists and compares exactly as the evaluation customer by customer, on 60 random definitions', async () => {
      let x = 5;
      const rand = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
      const asOf = shopDate(new Date(), config.shopTimezone);
      let nonEmpty = 0;
      for (let i = 0; i < 60; i++) {
        const draft = randomDefinition(rand, `d${i}`);
        const compareTo = rand() < 0.5 ? { segmentId: 'c', version: 1, definition: randomDefinition(rand, `c${i}`) } : undefined;
        const options = { asOf, limit: 500, currency: 'CNY', ...(compareTo ? { compareTo } : {}) };
        const inSql = await previewSegment(sql, draft, options);
        const byScan = await previewSegment(sql, draft, { ...options, evaluate: 'scan' });
        expect([i, JSON.stringify(draft), inSql]).toEqual([i, JSON.stringify(draft), byScan]);
        if (inSql.count > 0 && inSql.count < 270) nonEmpty++;
      }
      expect(nonEmpty).toBeGreaterThan(15); // the definitions cut the base, not all or nothing
    }, 300_000);
  });
}
