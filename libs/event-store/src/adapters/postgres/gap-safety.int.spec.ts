// Gap safety on PostgreSQL: a transaction that took a lower global position
// but commits after a higher one became visible must never be skipped, and a
// rolled-back append's hole must not stall readers. The late commit is made
// deterministic by a second connection that holds its transaction open.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { SqlEventStore } from './sql-event-store';
import { CatchUpSubscription } from '../../catch-up-subscription';
import { readAllFrom, readAllUntil, waitUntil } from '../../contract/event-store.contract';
import { RecordedEvent } from '../../event-store';
import { databaseUrl, testDatabases } from '../../../../../test/support/test-databases';

const postgres = testDatabases().find((d) => d.name === 'postgres');
const describeOnPostgres = postgres && databaseUrl() ? describe : describe.skip;

const batch = (stream: string) => JSON.stringify([{ s: stream, e: null, ev: [{ id: randomUUID(), type: 'Late', data: {}, metadata: {} }] }]);

describeOnPostgres('gap safety on PostgreSQL', () => {
  let store: SqlEventStore;
  let holder: Client;
  let dispose: () => Promise<void>;
  let url: string | undefined;

  beforeAll(async () => {
    const db = await postgres!.open();
    dispose = db.dispose;
    store = new SqlEventStore(db.sql);
    url = db.url;
    holder = new Client({ connectionString: url });
    await holder.connect();
  });
  afterAll(async () => {
    await holder.end();
    await dispose();
  });

  async function end(): Promise<number> {
    const all = await readAllFrom(store, 0);
    return all.length ? all[all.length - 1].position : 0;
  }

  async function holdAppendOpen(stream: string): Promise<number> {
    await holder.query('BEGIN');
    const { rows } = await holder.query<{ r: Array<{ p: number[] }> }>('SELECT crm_append($1::jsonb) AS r', [batch(stream)]);
    return Number(rows[0].r[0].p[0]);
  }

  it('readAll never skips an append that commits after a higher position became visible', async () => {
    const start = await end();
    const low = await holdAppendOpen(`late-${randomUUID()}`);
    const high = (await store.append(`early-${randomUUID()}`, [{ id: randomUUID(), type: 'Early', data: {} }], 'noStream')).lastPosition;
    expect(high).toBeGreaterThan(low);

    const before = await readAllFrom(store, start);
    expect(before.map((e) => e.position)).not.toContain(high);

    await holder.query('COMMIT');
    const after = await readAllUntil(store, start, 2);
    expect(after.map((e) => e.position)).toEqual([low, high]);
  });

  it('a catch-up subscription delivers the late commit before moving past it', async () => {
    const start = await end();
    const delivered: RecordedEvent[] = [];
    const sub = new CatchUpSubscription(store, {
      after: start,
      pollIntervalMs: 10,
      handle: async (events) => {
        delivered.push(...events);
      },
    });
    try {
      const low = await holdAppendOpen(`late-${randomUUID()}`);
      const high = (await store.append(`early-${randomUUID()}`, [{ id: randomUUID(), type: 'Early', data: {} }], 'noStream')).lastPosition;
      await new Promise((r) => setTimeout(r, 200));
      expect(delivered.map((e) => e.position)).not.toContain(high);
      await holder.query('COMMIT');
      await waitUntil(() => delivered.length === 2);
      expect(delivered.map((e) => e.position)).toEqual([low, high]);

      // Resuming from the checkpoint of a late commit neither repeats nor skips.
      const next = (await store.append(`after-${randomUUID()}`, [{ id: randomUUID(), type: 'After', data: {} }], 'noStream')).lastPosition;
      await waitUntil(() => delivered.length === 3);
      expect(delivered[2].position).toBe(next);
      expect((await store.readAll({ after: low })).events.map((e) => e.position)).toEqual([high, next]);
    } finally {
      await sub.stop();
    }
  });

  it("a rolled-back append's hole does not stall readers for more than a second", async () => {
    const start = await end();
    await holdAppendOpen(`rolled-back-${randomUUID()}`);
    const visible = (await store.append(`kept-${randomUUID()}`, [{ id: randomUUID(), type: 'Kept', data: {} }], 'noStream')).lastPosition;
    await holder.query('ROLLBACK');
    const rolledBackAt = Date.now();
    await waitUntil(async () => (await readAllFrom(store, start)).some((e) => e.position === visible), 1_000);
    expect(Date.now() - rolledBackAt).toBeLessThan(1_000);
    expect((await readAllFrom(store, start)).map((e) => e.position)).toEqual([visible]);
  });

  it('never skips when an older transaction takes a higher position than a younger one still open', async () => {
    // The case that defeats "position > checkpoint AND xid < xmin": the older
    // transaction (lower xid) commits a higher position while a younger one holds a lower position open.
    const start = await end();
    const younger = new Client({ connectionString: url });
    await younger.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_current_xact_id()'); // the older transaction gets its id first
      await younger.query('BEGIN');
      const { rows } = await younger.query<{ r: Array<{ p: number[] }> }>('SELECT crm_append($1::jsonb) AS r', [batch(`younger-${randomUUID()}`)]);
      const lowPosition = Number(rows[0].r[0].p[0]);
      const olderRows = await holder.query<{ r: Array<{ p: number[] }> }>('SELECT crm_append($1::jsonb) AS r', [batch(`older-${randomUUID()}`)]);
      const highPosition = Number(olderRows.rows[0].r[0].p[0]);
      expect(highPosition).toBeGreaterThan(lowPosition);
      await holder.query('COMMIT');

      const delivered: number[] = [];
      const sub = new CatchUpSubscription(store, {
        after: start,
        pollIntervalMs: 10,
        handle: async (events) => {
          delivered.push(...events.map((e) => e.position));
        },
      });
      try {
        await waitUntil(() => delivered.length === 1);
        await younger.query('COMMIT');
        await waitUntil(() => delivered.length === 2);
        await new Promise((r) => setTimeout(r, 50));
        expect(delivered.sort((a, b) => a - b)).toEqual([lowPosition, highPosition]);
      } finally {
        await sub.stop();
      }
    } finally {
      await younger.end();
    }
  });

  it('knows a late commit is not yet covered by a checkpoint past its position', async () => {
    const start = await end();
    const low = await holdAppendOpen(`late-${randomUUID()}`);
    const high = (await store.append(`early-${randomUUID()}`, [{ id: randomUUID(), type: 'Early', data: {} }], 'noStream')).lastPosition;
    await holder.query('COMMIT');
    const all = await readAllUntil(store, start, 2);
    expect(all.map((e) => e.position)).toEqual([low, high]);
    // The reader's order is (transaction, position): the lower position comes first and is covered by the higher.
    expect(await store.isCoveredBy(low, high)).toBe(true);
    expect(await store.isCoveredBy(high, low)).toBe(false);
  });
});
