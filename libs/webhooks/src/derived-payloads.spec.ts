import type { RecordedEvent } from '@crm/event-store';
import { DEFAULT_SCHEDULE } from '@crm/tiers';
import { derivedPayloads } from './derived-payloads';

const customerId = '5f0c0d7e-0000-4000-8000-000000000001';
let position = 100;
const recorded = (type: string, data: Record<string, unknown>, version: number): RecordedEvent => ({
  id: `e-${version}`,
  type,
  data: { customerId, ...data },
  metadata: {},
  streamId: `customer-${customerId}`,
  streamVersion: version,
  position: ++position,
  recordedAt: new Date('2026-03-01T12:00:00Z'),
});
const purchase = (orderId: string, amountMinor: number, version: number, occurredAt = '2026-03-01T10:00:00Z') =>
  recorded('PurchaseRecorded', { orderId, amountMinor, currency: 'CNY', items: [], occurredAt }, version);

describe('derived changes sent to webhooks', () => {
  const registered = recorded('CustomerRegistered', { profile: {}, occurredAt: '2026-01-01T00:00:00Z' }, 1);
  const first = purchase('O-1', 30_000, 2);
  const crossing = purchase('O-2', 30_000, 3);
  const small = purchase('O-3', 1_000, 4);
  const stream = [registered, first, crossing, small];
  const derived = (causes: RecordedEvent[]) => derivedPayloads(stream, causes, DEFAULT_SCHEDULE, 'Asia/Shanghai', 'CNY');

  it('Given three purchases on one day, When each is looked at, Then the tier change is caused by the one that crossed, once, from the tier it left', () => {
    const payloads = derived([first, crossing, small]);
    expect(payloads.get(first.id)?.map((p) => [p.type, p.data.from, p.data.to])).toEqual([
      ['TierChanged', null, 'NORMAL'],
      ['LifecycleChanged', 'PROSPECT', 'NEW_ONCE'],
    ]);
    expect(payloads.get(crossing.id)?.map((p) => [p.type, p.data.from, p.data.to])).toEqual([
      ['TierChanged', 'NORMAL', 'SENIOR'],
      ['LifecycleChanged', 'NEW_ONCE', 'NEW_REPEAT'],
    ]);
    expect(payloads.get(crossing.id)?.[0].data).toMatchObject({ direction: 'up', basis: '600.00', causedBy: crossing.id, date: '2026-03-01' });
    expect(payloads.has(small.id)).toBe(false);
  });

  it('Given the same events in separate batches, When derived again, Then each change is the same (one stable message each)', () => {
    const together = derived([first, crossing, small]);
    const apart = new Map([...derived([first]), ...derived([crossing]), ...derived([small])]);
    expect(apart).toEqual(together);
  });
});
