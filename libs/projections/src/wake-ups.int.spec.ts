// ?waitFor= and the projectors are woken, not polled: a wait resolves when the
// batch that covers its position commits (faster than its once-a-second
// re-check could), and on PostgreSQL a process that does not project announces
// its appends (NOTIFY crm_appended) and a committed batch announces itself
// (NOTIFY crm_progress), so that a writer's wait resolves through a projecting
// process. A batch that failed because the store could not be reached is
// retried as soon as the store answers again, not at the end of its backoff.
// Real SQL: PGlite always, PostgreSQL when DATABASE_URL is set.
import { PostgresClient, SqlClient } from '@crm/database';
import type { RecordedEvent } from '@crm/event-store';
import { SqlEventStore } from '@crm/event-store/adapters';
import { testDatabases } from '../../../test/support/test-databases';
import { APPENDED_CHANNEL, PROGRESS_CHANNEL, ProjectionRunner } from './projection-runner';
import type { Projector } from './projector';

const event = (i: number) => ({ id: crypto.randomUUID(), type: 'Noted', data: { i } });

/** A projector that holds each batch until released, and remembers what it applied. */
function gatedProjector() {
  const applied: RecordedEvent[] = [];
  let open: () => void = () => undefined;
  let gate = Promise.resolve();
  let entered: () => void = () => undefined;
  let reached = Promise.resolve();
  const projector: Projector = {
    name: 'gated',
    tables: [],
    apply: async (events) => {
      entered();
      await gate;
      applied.push(...events);
    },
  };
  return {
    projector,
    applied,
    hold: () => {
      gate = new Promise<void>((r) => (open = r));
      reached = new Promise<void>((r) => (entered = r));
    },
    /** Resolves when a batch is inside apply, held at the gate. */
    held: () => reached,
    release: () => open(),
  };
}

/** The next notification on a channel, from a connection of its own (another process's view). */
async function nextNotification(url: string, channel: string): Promise<{ payload: Promise<string>; stop: () => Promise<void> }> {
  const listener = new PostgresClient(url);
  let heard: (payload: string) => void = () => undefined;
  const payload = new Promise<string>((r) => (heard = r));
  const stopListening = await listener.listen([channel], (on, text) => on === channel && heard(text));
  return {
    payload,
    stop: async () => {
      await stopListening();
      await listener.close();
    },
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
      const runner = new ProjectionRunner(store, sql, [gated.projector], { pollIntervalMs: 50 });
      await runner.start();
      try {
        gated.hold();
        const { lastPosition } = await store.append(`note-${crypto.randomUUID()}`, [event(1)]);
        const waiting = runner.waitFor(lastPosition, 5_000).then((reached) => ({ reached, at: performance.now() }));
        await gated.held();
        await new Promise((r) => setTimeout(r, 50)); // the wait has looked and sleeps
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

    it('given a batch held, when a read of the streams alone waits, then it answers at once; a read of the held read model waits for its commit', async () => {
      const store = new SqlEventStore(sql);
      const gated = gatedProjector();
      const runner = new ProjectionRunner(store, sql, [gated.projector], { pollIntervalMs: 50 });
      await runner.start();
      try {
        gated.hold();
        const { lastPosition } = await store.append(`note-${crypto.randomUUID()}`, [event(1)]);
        await gated.held();
        const waiting = runner.waitFor(lastPosition, 5_000, ['gated']).then((reached) => ({ reached, at: performance.now() }));
        // The streams alone: answered while the batch is held (PGlite's one connection is held by it, so this asks nothing of the database).
        expect(await runner.waitFor(lastPosition, 5_000, [])).toBe(true);
        await new Promise((r) => setTimeout(r, 50));
        const released = performance.now();
        gated.release();
        const { reached, at } = await waiting;
        expect(reached).toBe(true);
        expect(at).toBeGreaterThanOrEqual(released);
      } finally {
        gated.release();
        await runner.stop();
      }
    });

    it('given a batch failing because the store could not be reached, when the store answers, then it is retried within seconds, not at the end of its backoff', async () => {
      const store = new SqlEventStore(sql);
      const applied: number[] = [];
      let failures = 0;
      const flaky: Projector = {
        name: 'flaky',
        tables: [],
        apply: async (events) => {
          // What pg throws while the server restarts; the store itself answers (ping), as when it is back.
          if (failures++ < 4) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
          applied.push(...events.map((e) => e.position));
        },
      };
      // Backing off alone, four failures would wait 2 + 4 + 8 + 16 s.
      const runner = new ProjectionRunner(store, sql, [flaky], { pollIntervalMs: 1_000, maxRetryDelayMs: 60_000 });
      await runner.start();
      try {
        const { lastPosition } = await store.append(`note-${crypto.randomUUID()}`, [event(3)]);
        await expect(runner.waitFor(lastPosition, 10_000)).resolves.toBe(true);
        expect(applied).toContain(lastPosition);
        expect(failures).toBe(5);
      } finally {
        await runner.stop();
      }
    });

    if (database.name === 'postgres') {
      it('given the listening connection is cut, when it comes back, then it says so and hears notifications again', async () => {
        const listener = new PostgresClient(url!);
        const heard: Array<string | undefined> = [];
        const stop = await listener.listen(['crm_test_channel'], (channel, payload) => heard.push(channel === undefined ? undefined : payload));
        const until = async (check: () => boolean) => {
          for (let tries = 0; !check() && tries < 100; tries++) await new Promise((r) => setTimeout(r, 50));
        };
        try {
          await sql.query(`SELECT pg_notify('crm_test_channel', 'before')`);
          await until(() => heard.includes('before'));
          // What a server restart or a failover does to it.
          // The listening session is the process's presence ("pg:<pid>@<start>").
          const pid = Number(/^pg:(\d+)@/.exec(listener.presence() ?? '')?.[1]);
          await sql.query('SELECT pg_terminate_backend($1)', [pid]);
          await until(() => heard.includes(undefined));
          expect(heard).toContain(undefined);
          await sql.query(`SELECT pg_notify('crm_test_channel', 'after')`);
          await until(() => heard.includes('after'));
          expect(heard).toEqual(['before', undefined, 'after']);
        } finally {
          await stop();
          await listener.close();
        }
      });

      it('given a process that does not project, when it appends, then it announces the append; the projecting process announces its committed batch', async () => {
        const writerStore = new SqlEventStore(sql);
        // It knows the projector (its waits look at its checkpoint) but does not run it.
        const writer = new ProjectionRunner(writerStore, sql, [gatedProjector().projector]);
        await writer.joinProcesses({ announceAppends: true });
        const appended = await nextNotification(url!, APPENDED_CHANNEL);
        const progress = await nextNotification(url!, PROGRESS_CHANNEL);
        const other: SqlClient = new PostgresClient(url!);
        const projecting = new ProjectionRunner(new SqlEventStore(other), other, [gatedProjector().projector], { pollIntervalMs: 1_000 });
        try {
          const { lastPosition } = await writerStore.append(`note-${crypto.randomUUID()}`, [event(2)]);
          await expect(appended.payload).resolves.toBe('');
          await projecting.start();
          // The batch names its checkpoint and the projectors it moved.
          await expect(progress.payload).resolves.toMatch(new RegExp(`^\\d+ gated$`));
          // The writer's wait resolves from the other process's checkpoint.
          await expect(writer.waitFor(lastPosition, 5_000)).resolves.toBe(true);
        } finally {
          await projecting.stop();
          await writer.stop();
          await appended.stop();
          await progress.stop();
          await other.close();
        }
      });
    }
  });
}
