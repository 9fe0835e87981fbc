// A generated shop history for benchmarks: customers with registrations,
// profile changes, purchases with items, refunds, tags, consent, contacts and
// complaints (about 10 events a customer), deterministic for a given seed.
import { migrate, PostgresClient } from '@crm/database';
import { AppendRequest, NewEvent } from '@crm/event-store';
import { SqlEventStore } from '@crm/event-store/adapters';
import { nameUuid } from '@crm/shared';
import { allMigrations } from '@crm/wiring';

const CATEGORIES = ['dresses', 'shoes', 'bags', 'coats', 'accessories'];
const PROVINCES = ['浙江', '广东', '江苏', '北京', '四川', '山东'];

export function* shopHistory(customers: number, seed = 7): Generator<AppendRequest> {
  let x = seed;
  const rand = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  for (let c = 0; c < customers; c++) {
    const customerId = nameUuid(`bench-customer:${seed}:${c}`);
    let n = 0;
    const id = () => nameUuid(`bench-event:${seed}:${c}:${n++}`);
    let day = Math.floor(rand() * 700);
    const at = () => new Date(Date.UTC(2023, 0, 1) + day * 86_400_000 + Math.floor(rand() * 86_400_000)).toISOString();
    const meta = () => ({ actor: 'bench', correlationId: id(), source: 'import' as const, occurredAt: at() });
    // Birthdays spread over the year without drawing from rand(), so the rest of the history stays as it was.
    const birthDate = `${1960 + (c % 40)}-${new Date(Date.UTC(1991, 0, 1) + ((c * 7919) % 365) * 86_400_000).toISOString().slice(5, 10)}`;
    const events: NewEvent[] = [
      {
        id: id(),
        type: 'CustomerRegistered',
        data: { customerId, customerRef: `B-${c}`, profile: { name: `Customer ${c}`, birthDate, region: { province: pick(PROVINCES), city: 'city' } } },
        metadata: meta(),
      },
    ];
    if (rand() < 0.3) events.push({ id: id(), type: 'CustomerProfileUpdated', data: { customerId, changes: { phone: '+8613800000000' } }, metadata: meta() });
    const purchases = 2 + Math.floor(rand() * 10);
    for (let p = 0; p < purchases; p++) {
      day += 1 + Math.floor(rand() * 45);
      const quantity = 1 + Math.floor(rand() * 3);
      const unitPriceMinor = 50_00 + Math.floor(rand() * 800_00);
      events.push({
        id: id(),
        type: 'PurchaseRecorded',
        data: {
          customerId,
          orderId: `BO-${c}-${p}`,
          amountMinor: quantity * unitPriceMinor,
          currency: 'CNY',
          channel: 'tmall',
          items: [{ sku: `SKU-${Math.floor(rand() * 500)}`, category: pick(CATEGORIES), quantity, unitPriceMinor }],
        },
        metadata: meta(),
      });
    }
    if (rand() < 0.25)
      events.push({
        id: id(),
        type: 'RefundRecorded',
        data: { customerId, refundId: `BR-${c}`, orderId: `BO-${c}-0`, amountMinor: 10_00, currency: 'CNY', reason: 'size' },
        metadata: meta(),
      });
    if (rand() < 0.5) events.push({ id: id(), type: 'CustomerTagged', data: { customerId, tag: pick(['south', 'north', 'vip-candidate', 'gift-buyer']) }, metadata: meta() });
    if (rand() < 0.5) events.push({ id: id(), type: 'ConsentChanged', data: { customerId, consent: { sms: true, wechat: rand() < 0.5 } }, metadata: meta() });
    if (rand() < 0.4)
      events.push({
        id: id(),
        type: 'ContactLogged',
        data: { customerId, contactId: id(), kind: rand() < 0.5 ? 'care' : 'marketing', channel: 'sms', month: '2024-01' },
        metadata: meta(),
      });
    yield { streamId: `customer-${customerId}`, expectedVersion: 'noStream', events };

    if (rand() < 0.15) {
      const complaintId = nameUuid(`bench-complaint:${seed}:${c}`);
      const opened = at();
      const respondBy = new Date(Date.parse(opened) + 24 * 3_600_000).toISOString();
      const complaint: NewEvent[] = [
        {
          id: id(),
          type: 'ComplaintOpened',
          data: { complaintId, customerId, subject: 'late parcel', channel: 'phone', priority: 'NORMAL', agent: pick(['wang', 'zhao', 'li']), respondBy, slaHours: 24 },
          metadata: { ...meta(), occurredAt: opened },
        },
        { id: id(), type: 'ComplaintResponded', data: { complaintId, customerId, message: 'sorry', agent: 'wang', first: true }, metadata: meta() },
        { id: id(), type: 'ComplaintResolved', data: { complaintId, customerId, resolution: 'resent' }, metadata: meta() },
      ];
      yield { streamId: `complaint-${complaintId}`, expectedVersion: 'noStream', events: complaint };
    }
  }
}

/** Appends about `events` events of the generated history to an empty database (migrated here), with appendMany. */
export async function seedShopHistory(url: string, events: number, log: (...a: unknown[]) => void): Promise<{ events: number; customers: number; seconds: number }> {
  const sql = new PostgresClient(url);
  await migrate(sql, allMigrations);
  const store = new SqlEventStore(sql);
  const started = Date.now();
  let written = 0;
  let customers = 0;
  let batch: AppendRequest[] = [];
  const flush = async () => {
    if (batch.length > 0) await store.appendMany(batch);
    batch = [];
  };
  for (const request of shopHistory(Math.ceil(events / 9))) {
    if (written >= events) break;
    batch.push(request);
    written += request.events.length;
    if (request.streamId.startsWith('customer-')) customers++;
    if (batch.length >= 500) await flush();
    if (customers % 20_000 === 0 && request.streamId.startsWith('customer-')) log(`seeded ${written} events`);
  }
  await flush();
  await sql.exec('VACUUM ANALYZE crm_events');
  await store.close();
  await sql.close();
  return { events: written, customers, seconds: (Date.now() - started) / 1000 };
}
