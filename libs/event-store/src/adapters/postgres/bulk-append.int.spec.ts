// Large appendMany batches that create streams: COPYed on PostgreSQL (the
// bulk path), crm_append on PGlite. Both must answer and store the same, and
// keep the same checks: a retry changes nothing, a conflict writes nothing.
import { randomUUID } from 'node:crypto';
import { SqlEventStore } from './sql-event-store';
import { AppendRequest, AppendResult, DuplicateEventIdError, InvalidAppendError, WrongExpectedVersionError } from '../../event-store';
import { metrics } from '@crm/shared/metrics';
import { testDatabases } from '../../../../../test/support/test-databases';

/** Data a shop sends: CJK, quotes, backslashes, tabs and newlines in text, nesting, big numbers as strings. */
const awkward = (n: number) => ({
  name: `林小美 "${n}"`,
  note: 'a\\b\tc\nd\re',
  items: [{ sku: `SKU-${n}`, category: 'home & living / 家居', unitPrice: '0.004' }],
  amountMinor: String(9_007_199_254_740_993n + BigInt(n)),
});

function newStreams(count: number, prefix = `bulk-${randomUUID()}`): AppendRequest[] {
  return Array.from({ length: count }, (_, i) => ({
    streamId: `${prefix}-${i}`,
    expectedVersion: 'noStream' as const,
    events: [
      { id: randomUUID(), type: 'Registered', data: awkward(i), metadata: { actor: 'import', line: i } },
      { id: randomUUID(), type: 'Purchased', data: { orderId: `O-${i}` } },
    ],
  }));
}

for (const database of testDatabases()) {
  describe(`appendMany of many new streams on ${database.name}`, () => {
    let store: SqlEventStore;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      const db = await database.open();
      store = new SqlEventStore(db.sql);
      dispose = db.dispose;
    });
    afterAll(async () => dispose?.());

    const counted = async (outcome: 'copied' | 'refused') => (await metrics.bulkAppends.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
    const copied = () => counted('copied');
    // On PostgreSQL a refused COPY goes again by crm_append, which gives the refusal; PGlite never COPYs.
    const refusedOnce = async (refuse: () => Promise<void>) => {
      const before = await counted('refused');
      await refuse();
      expect((await counted('refused')) - before).toBe(database.name === 'postgres' ? 1 : 0);
    };
    const eventsOf = async (requests: AppendRequest[]) => [...(await store.readStreams(requests.map((r) => r.streamId))).values()].flat();

    it('stores every event as given, versions from 1, and answers the positions it stored', async () => {
      const batch = newStreams(150);
      const before = await copied();
      const results = await store.appendMany(batch);
      // PostgreSQL takes the bulk path (COPY); PGlite has none and appends the same by crm_append.
      expect((await copied()) - before).toBe(database.name === 'postgres' ? 1 : 0);
      const stored = await store.readStreams(batch.map((r) => r.streamId));
      batch.forEach((request, i) => {
        const events = stored.get(request.streamId)!;
        expect(results[i].nextExpectedVersion).toBe(2);
        expect(results[i].positions).toEqual(events.map((e) => e.position));
        expect(events.map((e) => [e.id, e.type, e.streamVersion, e.data, e.metadata])).toEqual(request.events.map((e, v) => [e.id, e.type, v + 1, e.data, e.metadata ?? {}]));
      });
    });

    it('a retry of the same batch answers the first result and writes nothing', async () => {
      const batch = newStreams(120);
      const first = await store.appendMany(batch);
      let again: AppendResult[] = [];
      await refusedOnce(async () => void (again = await store.appendMany(batch)));
      expect(again.map((r) => r.positions)).toEqual(first.map((r) => r.positions));
      expect(await eventsOf(batch)).toHaveLength(240);
    });

    it('a stream that exists after all refuses the whole batch', async () => {
      const batch = newStreams(120);
      await store.append(batch[77].streamId, [{ id: randomUUID(), type: 'Earlier', data: {} }], 'noStream');
      await refusedOnce(() => expect(store.appendMany(batch)).rejects.toBeInstanceOf(WrongExpectedVersionError));
      expect((await eventsOf(batch)).map((e) => e.type)).toEqual(['Earlier']);
    });

    it('an event id stored in another stream refuses the whole batch', async () => {
      const batch = newStreams(120);
      const taken = batch[5].events[1].id;
      await store.append(`elsewhere-${randomUUID()}`, [{ id: taken, type: 'Other', data: {} }], 'noStream');
      await refusedOnce(() => expect(store.appendMany(batch)).rejects.toBeInstanceOf(DuplicateEventIdError));
      expect(await eventsOf(batch)).toHaveLength(0);
    });

    it('new streams and existing ones together: each at its version, in one transaction', async () => {
      const existing = `bulk-existing-${randomUUID()}`;
      await store.append(existing, [{ id: randomUUID(), type: 'First', data: {} }], 'noStream');
      const batch: AppendRequest[] = [...newStreams(120), { streamId: existing, expectedVersion: 1, events: [{ id: randomUUID(), type: 'Second', data: {} }] }];
      const results = await store.appendMany(batch);
      expect(results[120].nextExpectedVersion).toBe(2);
      expect((await store.readStream(existing)).map((e) => e.type)).toEqual(['First', 'Second']);
      expect(results[120].lastPosition).toBe((await store.readStream(existing))[1].position);

      const stale: AppendRequest[] = [...newStreams(120), { streamId: existing, expectedVersion: 1, events: [{ id: randomUUID(), type: 'Third', data: {} }] }];
      await expect(store.appendMany(stale)).rejects.toBeInstanceOf(WrongExpectedVersionError);
      expect(await eventsOf(stale.slice(0, 120))).toHaveLength(0);
    });

    it('data the database cannot store (a lone surrogate) is refused as invalid and writes nothing', async () => {
      const batch = newStreams(120);
      batch[3] = { ...batch[3], events: [{ id: randomUUID(), type: 'Registered', data: { name: 'broken \udc00' } }] };
      await expect(store.appendMany(batch)).rejects.toBeInstanceOf(InvalidAppendError);
      expect(await eventsOf(batch)).toHaveLength(0);
    });
  });
}
