// A shop's history as stored events (customers, purchases, refunds, tags,
// complaints), appended in bulk, for projection and rebuild tests.
import { randomUUID } from 'node:crypto';
import type { AppendRequest, EventStore } from '../../libs/event-store/src';
import type { SqlClient } from '../../libs/database/src';

const meta = (occurredAt: string) => ({ actor: 'seed', correlationId: randomUUID(), source: 'import' as const, occurredAt });

export function historyFor(customers: number, seed = 1): AppendRequest[] {
  let x = seed;
  const rand = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  const requests: AppendRequest[] = [];
  for (let c = 0; c < customers; c++) {
    const customerId = randomUUID();
    const day = (n: number) => new Date(Date.UTC(2023, 0, 1) + n * 86_400_000 + Math.floor(rand() * 86_400_000)).toISOString();
    let d = Math.floor(rand() * 300);
    const events: AppendRequest['events'][number][] = [
      {
        id: randomUUID(),
        type: 'CustomerRegistered',
        data: { customerId, customerRef: `H-${seed}-${c}`, profile: { name: `C${c}`, region: { province: rand() < 0.5 ? '浙江' : '广东', city: 'X' } } },
        metadata: meta(day(d)),
      },
    ];
    const purchases = 1 + Math.floor(rand() * 6);
    for (let p = 0; p < purchases; p++) {
      d += 1 + Math.floor(rand() * 60);
      events.push({
        id: randomUUID(),
        type: 'PurchaseRecorded',
        data: { customerId, orderId: `O-${seed}-${c}-${p}`, amountMinor: Math.floor(rand() * 200_000), currency: 'CNY', items: [] },
        metadata: meta(day(d)),
      });
    }
    if (rand() < 0.3)
      events.push({
        id: randomUUID(),
        type: 'RefundRecorded',
        data: { customerId, refundId: `R-${seed}-${c}`, orderId: `O-${seed}-${c}-0`, amountMinor: 100, currency: 'CNY' },
        metadata: meta(day(d + 1)),
      });
    if (rand() < 0.5) events.push({ id: randomUUID(), type: 'CustomerTagged', data: { customerId, tag: rand() < 0.5 ? 'south' : 'vip-candidate' }, metadata: meta(day(d + 2)) });
    if (rand() < 0.3) events.push({ id: randomUUID(), type: 'ConsentChanged', data: { customerId, consent: { sms: true } }, metadata: meta(day(d + 2)) });
    requests.push({ streamId: `customer-${customerId}`, expectedVersion: 'noStream', events });
    if (rand() < 0.2) {
      const complaintId = randomUUID();
      requests.push({
        streamId: `complaint-${complaintId}`,
        expectedVersion: 'noStream',
        events: [
          {
            id: randomUUID(),
            type: 'ComplaintOpened',
            data: { complaintId, customerId, subject: 's', channel: 'phone', priority: 'NORMAL', agent: 'a', respondBy: day(d + 4), slaHours: 24 },
            metadata: meta(day(d + 3)),
          },
        ],
      });
    }
  }
  return requests;
}

export async function appendHistory(store: EventStore, customers: number, seed = 1): Promise<number> {
  const requests = historyFor(customers, seed);
  let events = 0;
  for (let i = 0; i < requests.length; i += 300) {
    const batch = requests.slice(i, i + 300);
    await store.appendMany(batch);
    events += batch.reduce((n, r) => n + r.events.length, 0);
  }
  return events;
}

/** Every row of the tables, in a stable order, as text: equal snapshots mean equal read models. */
export async function snapshot(sql: SqlClient, tables: readonly string[]): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const table of tables) {
    const rows = await sql.query<{ r: string }>(`SELECT row_to_json(t)::text AS r FROM ${table} t ORDER BY 1`);
    result[table] = rows.map((row) => row.r);
  }
  return result;
}
