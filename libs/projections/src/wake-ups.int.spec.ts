// ?waitFor= and the projectors are woken, not polled: a wait resolves when the
// batch that covers its position commits, and on PostgreSQL an append in one
// process wakes the projectors of another (NOTIFY), whose committed batch
// wakes the waits of the first. The fallbacks (a wait's re-check every second,
// a subscription's poll) are set far beyond what the checks allow, so only a
// push can pass them. Real SQL: PGlite always, PostgreSQL when DATABASE_URL is set.
import { PostgresClient, SqlClient } from '@crm/database';
import type { RecordedEvent } from '@crm/event-store';
import { SqlEventStore } from '@crm/event-store/adapters';
import { testDatabases } from '../../../test/support/test-databases';
import { ProjectionRunner } from './projection-runner';
import type { Projector } from './projector';

const event = (i: number) => ({ id: crypto.randomUUID(), type: 'Noted', data: { i } });

/** A projector that holds each batch until released, and remembers what it applied. */
function gatedProjector() {
  const applied: RecordedEvent[] = [];
  let open: () => void = () => undefined;
  let gate = Promise.resolve();
  const projector: Projector = {
    name: 'gated',
    tables: [],
    apply: async (events) => {
      await gate;
      applied.push(...events);
    },
  };
  return {
    projector,
    applied,
    hold: () => (gate = new Promise<void>((r) => (open = r))),
    release: () => open(),
  };
}

for (const database of testDatabases()) {
  describe(`wake-ups on ${database.name}`, () => {
    let sql: SqlClient;
    let url: string | undefined;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      ({ sql, url, dispose } = await database.open());
    });
    afterAll(async () => dispose?.());

    it('given a wait on a position whose batch is held, when the batch commits, then the wait resolves at once (not at the next re-check)', async () => {
      const store = new SqlEventStore(sql);
      const gated = gatedProjector();
      const runner = new ProjectionRunner(store, sql, [gated.projector], { pollIntervalMs: 60_000 });
      await runner.start();
      try {
        gated.hold();
        const { lastPosition } = await store.append(`note-${crypto.randomUUID()}`, [event(1)]);
        const waiting = runner.waitFor(lastPosition, 5_000).then((reached) => ({ reached, at: performance.now() }));
        await new Promise((r) => setTimeout(r, 150));
        const released = performance.now();
        gated.release();
        const { reached, at } = await waiting;
        expect(reached).toBe(true);
        // The re-check is every 1,000 ms; woken by the commit it takes a few.
        expect(at - released).toBeLessThan(500);
      } finally {
        gated.release();
        await runner.stop();
      }
    });

    if (database.name === 'postgres') {
      it('given a writer process and a projecting process, when the writer appends, then the projector runs at once and the writer sees it through its wait', async () => {
        const other: SqlClient = new PostgresClient(url!);
        const writerStore = new SqlEventStore(sql);
        const projectorStore = new SqlEventStore(other);
        const gated = gatedProjector();
        // The writer does not project (the API beside workers); the projecting process polls once a minute.
        const writer = new ProjectionRunner(writerStore, sql, [gated.projector]);
        const projecting = new ProjectionRunner(projectorStore, other, [gated.projector], { pollIntervalMs: 60_000 });
        await writer.joinProcesses({ announceAppends: true });
        await projecting.joinProcesses({ announceAppends: false });
        await projecting.start();
        try {
          await new Promise((r) => setTimeout(r, 200)); // the subscription has read the empty log and sleeps
          const started = performance.now();
          const { lastPosition } = await writerStore.append(`note-${crypto.randomUUID()}`, [event(2)]);
          const reached = await writer.waitFor(lastPosition, 5_000);
          expect(reached).toBe(true);
          expect(performance.now() - started).toBeLessThan(900);
          expect(gated.applied.map((e) => e.position)).toContain(lastPosition);
        } finally {
          await projecting.stop();
          await writer.stop();
          await other.close();
        }
      });
    }
  });
}
