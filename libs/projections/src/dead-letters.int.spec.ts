// A poison event parks one stream, not the shop: a by-stream projector that
// keeps failing on one customer's event parks that stream (a dead letter)
// and goes on with the others; after a fix a retry applies the parked events
// in order and unparks it, a skip leaves the failing event out; later events
// of the stream are applied live again (real SQL: PGlite always, PostgreSQL
// when DATABASE_URL is set; the fault is injected into a test projector).
import type { SqlClient } from '@crm/database';
import type { RecordedEvent } from '@crm/event-store';
import { SqlEventStore } from '@crm/event-store/adapters';
import { testDatabases } from '../../../test/support/test-databases';
import { actOnDeadLetter, listDeadLetters } from './dead-letters';
import { ProjectionRunner } from './projection-runner';
import type { Projector } from './projector';

for (const database of testDatabases()) {
  describe(`dead letters on ${database.name}`, () => {
    let sql: SqlClient;
    let dispose: () => Promise<void>;
    beforeAll(async () => ({ sql, dispose } = await database.open()));
    afterAll(async () => dispose?.());

    it('Given a projector that throws on one event, When it keeps failing, Then that stream is parked, the others go on, and a retry after the fix applies it in order', async () => {
      const store = new SqlEventStore(sql);
      const suffix = crypto.randomUUID().slice(0, 8);
      // Kept by event id: the runner's trials apply parts of a batch and roll them back, which a table forgets and a list in memory would not.
      const seen = new Map<string, RecordedEvent>();
      const applied = {
        get: (stream: string) =>
          [...seen.values()]
            .filter((e) => e.streamId === stream)
            .sort((a, b) => a.streamVersion - b.streamVersion)
            .map((e) => e.type),
      };
      let poisoned = true;
      // Rows per stream, in stream order: a read model of one stream alone (byStream).
      const projector: Projector = {
        name: `notes-${suffix}`,
        tables: [],
        byStream: true,
        apply: async (events: readonly RecordedEvent[]) => {
          if (poisoned && events.some((e) => e.type === 'Poison')) throw new Error('cannot read this note');
          for (const e of events) seen.set(e.id, e);
        },
      };
      const runner = new ProjectionRunner(store, sql, [projector], { pollIntervalMs: 10, maxRetryDelayMs: 20, failAfter: 2 });
      await runner.start();
      const note = (stream: string, type: string) => store.append(`note-${suffix}-${stream}`, [{ id: crypto.randomUUID(), type, data: {} }]);
      try {
        await note('a', 'Noted');
        await note('bad', 'Noted');
        await note('bad', 'Poison');
        await note('bad', 'Noted');
        await note('b', 'Noted');
        const { lastPosition } = await note('c', 'Noted');
        expect(await runner.waitFor(lastPosition, 10_000, [projector.name])).toBe(true);
        expect(applied.get(`note-${suffix}-a`)).toEqual(['Noted']);
        expect(applied.get(`note-${suffix}-c`)).toEqual(['Noted']);
        // Its first event was applied before the poison; the ones from the poison on wait.
        expect(applied.get(`note-${suffix}-bad`)).toEqual(['Noted']);
        const letters = (await listDeadLetters(sql)).filter((d) => d.projector === projector.name);
        expect(letters).toEqual([expect.objectContaining({ streamId: `note-${suffix}-bad`, eventType: 'Poison', error: 'cannot read this note' })]);
        const status = (await runner.status()).find((s) => s.name === projector.name);
        expect(status).toMatchObject({ state: 'running', parkedStreams: 1, lag: 0 });

        // Parked streams stay parked while new events arrive for them; other streams go on.
        await note('bad', 'Noted');
        const more = await note('d', 'Noted');
        expect(await runner.waitFor(more.lastPosition, 5_000, [projector.name])).toBe(true);
        expect(applied.get(`note-${suffix}-bad`)).toEqual(['Noted']);

        // Retried before the fix: nothing changes but the record of the attempt.
        await expect(actOnDeadLetter(store, sql, [projector], { projector: projector.name, streamId: `note-${suffix}-bad`, action: 'retry', actor: 'test' })).rejects.toThrow(
          'cannot read this note',
        );
        expect(await listDeadLetters(sql)).toHaveLength(1);

        poisoned = false;
        const retried = await actOnDeadLetter(store, sql, [projector], { projector: projector.name, streamId: `note-${suffix}-bad`, action: 'retry', actor: 'test' });
        expect(retried).toEqual({ applied: 3 });
        expect(applied.get(`note-${suffix}-bad`)).toEqual(['Noted', 'Poison', 'Noted', 'Noted']);
        expect(await listDeadLetters(sql)).toEqual([]);
        const after = await note('bad', 'Noted');
        expect(await runner.waitFor(after.lastPosition, 5_000, [projector.name])).toBe(true);
        expect(applied.get(`note-${suffix}-bad`)).toEqual(['Noted', 'Poison', 'Noted', 'Noted', 'Noted']);
        expect((await runner.status()).find((s) => s.name === projector.name)?.parkedStreams).toBeUndefined();
        const actions = await sql.query<{ action: string; actor: string; outcome: string }>(
          'SELECT action, actor, outcome FROM crm_dead_letter_actions WHERE projector = $1 ORDER BY id',
          [projector.name],
        );
        expect(actions).toEqual([
          { action: 'retry', actor: 'test', outcome: 'failed: cannot read this note' },
          { action: 'retry', actor: 'test', outcome: 'applied 3 event(s)' },
        ]);
      } finally {
        await runner.stop();
      }
    });

    it('Given a parked stream, When it is skipped, Then its later events are applied without the one that failed', async () => {
      const store = new SqlEventStore(sql);
      const suffix = crypto.randomUUID().slice(0, 8);
      const seen = new Map<string, string>();
      const projector: Projector = {
        name: `skips-${suffix}`,
        tables: [],
        byStream: true,
        apply: async (all) => {
          // The log holds the other test's streams too: this one reads its own.
          const events = all.filter((e) => e.streamId.startsWith(`skip-${suffix}`));
          if (events.some((e) => e.type === 'Poison')) throw new Error('never readable');
          for (const e of events) seen.set(e.id, `${e.streamId.slice(-1)}:${e.streamVersion}`);
        },
      };
      const runner = new ProjectionRunner(store, sql, [projector], { pollIntervalMs: 10, maxRetryDelayMs: 20, failAfter: 2 });
      await runner.start();
      try {
        await store.append(`skip-${suffix}-x`, [
          { id: crypto.randomUUID(), type: 'Poison', data: {} },
          { id: crypto.randomUUID(), type: 'Noted', data: {} },
        ]);
        const { lastPosition } = await store.append(`skip-${suffix}-y`, [{ id: crypto.randomUUID(), type: 'Noted', data: {} }]);
        expect(await runner.waitFor(lastPosition, 10_000, [projector.name])).toBe(true);
        expect([...seen.values()]).toEqual(['y:1']);
        await expect(actOnDeadLetter(store, sql, [projector], { projector: projector.name, streamId: `skip-${suffix}-nope`, action: 'skip', actor: 'test' })).rejects.toThrow(
          /is parked/,
        );
        expect(await actOnDeadLetter(store, sql, [projector], { projector: projector.name, streamId: `skip-${suffix}-x`, action: 'skip', actor: 'test' })).toEqual({ applied: 1 });
        expect([...seen.values()].sort()).toEqual(['x:2', 'y:1']);
      } finally {
        await runner.stop();
      }
    });
  });
}
