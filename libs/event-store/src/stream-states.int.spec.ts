// Long streams: a command folds only the events after the state kept in memory
// or the snapshot, and its answer equals the fold of the whole stream. Real
// SQL stores (PGlite always, PostgreSQL when DATABASE_URL is set); a new
// SqlEventStore on the same database plays a new process (nothing in memory).
import { randomUUID } from 'node:crypto';
import type { SqlClient } from '@crm/database';
import { testDatabases } from '../../../test/support/test-databases';
import { SqlEventStore } from './adapters/postgres/sql-event-store';
import { Decider, handleCommand } from './command-handling';
import type { EventStore, ReadStreamOptions, RecordedEvent } from './event-store';
import { SNAPSHOT_AFTER_EVENTS } from './stream-states';

interface Total {
  count: number;
  sum: number;
}
type Added = { type: 'Added'; data: { n: number } };

/** Version 1 sums the numbers; version 2 (a new rule) counts them twice as much. */
const counter = (version: number): Decider<Total, Added> => ({
  initialState: () => ({ count: 0, sum: 0 }),
  evolve: (state, event) => ({ count: state.count + 1, sum: state.sum + event.data.n * version }),
  decode: (recorded) => recorded as unknown as Added,
  snapshot: { type: 'counter', version, encode: (state) => state, decode: (stored) => stored as Total },
});

/** The real store, with a record of how many events each read of a stream answered (readStream, or the snapshot read with the events after it: one round trip each). */
function counting(store: EventStore): { store: EventStore; reads: number[] } {
  const reads: number[] = [];
  const proxy = new Proxy(store, {
    get(target, property) {
      if (property === 'readStream') {
        return async (streamId: string, options?: ReadStreamOptions) => {
          const events: RecordedEvent[] = await target.readStream(streamId, options);
          reads.push(events.length);
          return events;
        };
      }
      if (property === 'snapshots' && target.snapshots?.readWithEvents) {
        const snapshots = target.snapshots;
        const readWithEvents = snapshots.readWithEvents!.bind(snapshots);
        return {
          read: snapshots.read.bind(snapshots),
          write: snapshots.write.bind(snapshots),
          readWithEvents: async (streamId: string, type: string, deciderVersion: number) => {
            const answer = await readWithEvents(streamId, type, deciderVersion);
            reads.push(answer.events.length);
            return answer;
          },
        };
      }
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: proxy, reads };
}

async function add(store: EventStore, streamId: string, n: number, version = 1): Promise<Total> {
  let seen: Total | undefined;
  await handleCommand(
    store,
    streamId,
    counter(version),
    (state) => {
      seen = state;
      return [{ type: 'Added' as const, data: { n } }];
    },
    { metadata: {}, eventId: () => randomUUID() },
  );
  return seen as Total;
}

async function appendDirectly(store: EventStore, streamId: string, numbers: number[]): Promise<void> {
  const events = numbers.map((n) => ({ id: randomUUID(), type: 'Added', data: { n } }));
  await store.append(streamId, events, 'any');
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const sum = (numbers: number[]) => numbers.reduce((a, b) => a + b, 0);

for (const database of testDatabases()) {
  describe(`long streams on ${database.name}`, () => {
    let sql: SqlClient;
    let dispose: () => Promise<void>;
    beforeAll(async () => ({ sql, dispose } = await database.open()));
    afterAll(async () => dispose?.());

    const snapshotOf = async (streamId: string) =>
      (
        await sql.query<{ decider_version: number; stream_version: number }>(
          'SELECT decider_version, stream_version::int AS stream_version FROM crm_snapshots WHERE stream_id = $1',
          [streamId],
        )
      )[0];

    it('a command on a long stream snapshots it, and the next process folds only what came after', async () => {
      const streamId = `counter-${randomUUID()}`;
      await appendDirectly(new SqlEventStore(sql), streamId, range(1, 300));

      // Given a first process that folds the whole stream
      const first = counting(new SqlEventStore(sql));
      expect(await add(first.store, streamId, 1000)).toEqual({ count: 300, sum: sum(range(1, 300)) });
      expect(first.reads).toEqual([300]);
      expect(await snapshotOf(streamId)).toMatchObject({ decider_version: 1, stream_version: 300 });

      // When another writer appends, and a new process runs a command
      await appendDirectly(new SqlEventStore(sql), streamId, [7, 8]);
      const next = counting(new SqlEventStore(sql));
      // Then it reads the snapshot and the three events after it, and sees them all
      expect(await add(next.store, streamId, 1)).toEqual({ count: 303, sum: sum(range(1, 300)) + 1000 + 15 });
      expect(next.reads).toEqual([3]);
    });

    it('within a process the state is kept: each command reads only the events appended since', async () => {
      const streamId = `counter-${randomUUID()}`;
      await appendDirectly(new SqlEventStore(sql), streamId, range(1, 100));
      const process = counting(new SqlEventStore(sql));
      await add(process.store, streamId, 1);
      await add(process.store, streamId, 1);
      await appendDirectly(process.store, streamId, [5]);
      const seen = await add(process.store, streamId, 1);
      expect(process.reads).toEqual([100, 1, 2]);
      expect(seen).toEqual({ count: 103, sum: sum(range(1, 100)) + 2 + 5 });
    });

    it('a snapshot is used under its decider version and ignored under a new one', async () => {
      const streamId = `counter-${randomUUID()}`;
      await appendDirectly(new SqlEventStore(sql), streamId, range(1, SNAPSHOT_AFTER_EVENTS));
      await add(new SqlEventStore(sql), streamId, 0);
      // A snapshot that says something the events do not: whoever trusts it shows it.
      await sql.query(`UPDATE crm_snapshots SET state = '{"count":-1,"sum":-1}' WHERE stream_id = $1`, [streamId]);

      expect(await add(new SqlEventStore(sql), streamId, 0, 1)).toEqual({ count: 0, sum: -1 });

      const v2 = counting(new SqlEventStore(sql));
      const whole = SNAPSHOT_AFTER_EVENTS + 2;
      expect(await add(v2.store, streamId, 0, 2)).toEqual({ count: whole, sum: 2 * sum(range(1, SNAPSHOT_AFTER_EVENTS)) });
      expect(v2.reads).toEqual([whole]);
      expect(await snapshotOf(streamId)).toMatchObject({ decider_version: 2, stream_version: whole });
    });

    it('the snapshot and the events after it come in one read; without a snapshot of the decider version, the whole stream', async () => {
      const streamId = `counter-${randomUUID()}`;
      const store = new SqlEventStore(sql);
      await appendDirectly(store, streamId, range(1, 10));
      expect(await store.snapshots.readWithEvents?.(streamId, 'counter', 1)).toEqual({ snapshot: undefined, events: await store.readStream(streamId) });
      await store.snapshots.write(streamId, 'counter', { deciderVersion: 1, streamVersion: 7, state: { count: 7, sum: 28 } });
      const after = await store.snapshots.readWithEvents?.(streamId, 'counter', 1);
      expect(after?.snapshot).toEqual({ deciderVersion: 1, streamVersion: 7, state: { count: 7, sum: 28 } });
      expect(after?.events.map((e) => e.streamVersion)).toEqual([8, 9, 10]);
      expect(after?.events).toEqual(await store.readStream(streamId, { from: 8 }));
      expect((await store.snapshots.readWithEvents?.(streamId, 'counter', 2))?.events).toHaveLength(10);
    });

    it('a short stream is folded whole, with no snapshot', async () => {
      const streamId = `counter-${randomUUID()}`;
      await appendDirectly(new SqlEventStore(sql), streamId, range(1, 5));
      const process = counting(new SqlEventStore(sql));
      await add(process.store, streamId, 1);
      await add(process.store, streamId, 1);
      expect(process.reads).toEqual([5, 6]);
      expect(await snapshotOf(streamId)).toBeUndefined();
    });
  });
}
