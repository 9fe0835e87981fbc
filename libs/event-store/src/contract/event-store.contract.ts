// The one contract every EventStore adapter must keep. Each adapter's
// *.int.spec.ts calls eventStoreContract with a factory for a fresh store.
import { randomUUID } from 'node:crypto';
import { CatchUpSubscription } from '../catch-up-subscription';
import { partitionOf } from '../partition';
import { DuplicateEventIdError, EventStore, InvalidAppendError, NewEvent, RecordedEvent, WrongExpectedVersionError } from '../event-store';

export interface ContractOptions {
  /** appendMany is one transaction (not on EventStoreDB). */
  atomicAppendMany: boolean;
}

export interface StoreUnderTest {
  store: EventStore;
  dispose: () => Promise<void>;
}

const event = (type = 'Happened', data: unknown = { n: 1 }): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: { actor: 'tester', source: 'system' },
});
const stream = (prefix = 'test') => `${prefix}-${randomUUID()}`;

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Reads the whole log after `after` through readAll pages. */
export async function readAllFrom(store: EventStore, after: number, limit = 1000): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  let checkpoint = after;
  for (;;) {
    const page = await store.readAll({ after: checkpoint, limit });
    all.push(...page.events);
    checkpoint = page.checkpoint;
    if (!page.hasMore) return all;
  }
}

/**
 * Reads after `after` until `count` events are visible. Gap safety makes readAll
 * wait for every older transaction in the cluster (other test files run at the
 * same time), so fresh events become readable a moment after their commit.
 */
export async function readAllUntil(store: EventStore, after: number, count: number): Promise<RecordedEvent[]> {
  let events: RecordedEvent[] = [];
  await waitUntil(async () => (events = await readAllFrom(store, after)).length >= count);
  return events;
}

async function lastPosition(store: EventStore): Promise<number> {
  const events = await readAllFrom(store, 0, 10_000);
  return events.length > 0 ? events[events.length - 1].position : 0;
}

export function eventStoreContract(name: string, open: () => Promise<StoreUnderTest>, options: ContractOptions): void {
  describe(`event store contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: EventStore;

    beforeAll(async () => {
      subject = await open();
      store = subject.store;
    });
    afterAll(async () => {
      await subject?.dispose();
    });

    describe('append', () => {
      it('appends to a new stream with noStream and numbers versions from 1', async () => {
        const s = stream();
        const result = await store.append(s, [event(), event()], 'noStream');
        expect(result.nextExpectedVersion).toBe(2);
        expect(result.positions).toHaveLength(2);
        expect(result.positions[1]).toBeGreaterThan(result.positions[0]);
        expect(result.lastPosition).toBe(result.positions[1]);
        const read = await store.readStream(s);
        expect(read.map((e) => e.streamVersion)).toEqual([1, 2]);
      });

      it('refuses noStream on an existing stream with a typed conflict and writes nothing', async () => {
        const s = stream();
        await store.append(s, [event()], 'noStream');
        const error = await store.append(s, [event()], 'noStream').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect((error as WrongExpectedVersionError).actual).toBe(1);
        expect(await store.readStream(s)).toHaveLength(1);
      });

      it('appends at the exact expected version and refuses a stale one', async () => {
        const s = stream();
        await store.append(s, [event()], 'noStream');
        const ok = await store.append(s, [event(), event()], 1);
        expect(ok.nextExpectedVersion).toBe(3);
        const stale = await store.append(s, [event()], 1).catch((e: unknown) => e);
        expect(stale).toBeInstanceOf(WrongExpectedVersionError);
        expect((stale as WrongExpectedVersionError).actual).toBe(3);
        const ahead = await store.append(s, [event()], 7).catch((e: unknown) => e);
        expect(ahead).toBeInstanceOf(WrongExpectedVersionError);
        expect(await store.readStream(s)).toHaveLength(3);
      });

      it('refuses an exact version on a stream that does not exist', async () => {
        const s = stream();
        const error = await store.append(s, [event()], 2).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect((error as WrongExpectedVersionError).actual).toBe(0);
        expect(await store.readStream(s)).toHaveLength(0);
      });

      it('appends with any to new and existing streams', async () => {
        const s = stream();
        expect((await store.append(s, [event()], 'any')).nextExpectedVersion).toBe(1);
        expect((await store.append(s, [event(), event()], 'any')).nextExpectedVersion).toBe(3);
      });

      it('keeps type, data and metadata as given', async () => {
        const s = stream();
        const e: NewEvent = {
          id: randomUUID(),
          type: 'PurchaseRecorded',
          data: { orderId: 'A-1', amountMinor: 12_345, items: [{ sku: 'X', quantity: 2 }], note: '价格 ✓' },
          metadata: { actor: 'alice', correlationId: 'c-1', causationId: 'k-1', source: 'api', occurredAt: '2024-02-29T10:00:00.000Z' },
        };
        await store.append(s, [e], 'noStream');
        const [read] = await store.readStream(s);
        expect(read).toMatchObject({ id: e.id, type: e.type, data: e.data, streamId: s, streamVersion: 1 });
        expect(read.metadata).toMatchObject(e.metadata as object);
        expect(read.recordedAt).toBeInstanceOf(Date);
      });

      it('reads several streams at once, each in version order; an unknown one is empty', async () => {
        const a = stream();
        const b = stream();
        await store.append(a, [event(), event()], 'noStream');
        await store.append(b, [event()], 'noStream');
        await store.append(a, [event()], 2);
        const read = await store.readStreams([a, b, stream(), a]);
        expect(read.get(a)?.map((e) => e.streamVersion)).toEqual([1, 2, 3]);
        expect(read.get(b)?.map((e) => e.streamId)).toEqual([b]);
        expect([...read.values()].filter((events) => events.length === 0)).toHaveLength(1);
      });

      it('a retried append of the same event ids is a no-op answering the same positions', async () => {
        const s = stream();
        const events = [event(), event()];
        const first = await store.append(s, events, 'noStream');
        const retry = await store.append(s, events, 'noStream');
        expect(retry).toMatchObject(first);
        const retryAny = await store.append(s, events, 'any');
        expect(retryAny).toMatchObject(first);
        // An adapter that can tell says that nothing was written (the command path decides again then).
        if (store.adapter !== 'eventstoredb') expect([retry.replayed, retryAny.replayed, first.replayed]).toEqual([true, true, undefined]);
        expect(await store.readStream(s)).toHaveLength(2);
      });

      it('refuses event ids that already belong to other events', async () => {
        const a = stream();
        const b = stream();
        const used = event();
        await store.append(a, [used], 'noStream');
        const error = await store.append(b, [used], 'any').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DuplicateEventIdError);
        const partly = await store.append(a, [used, event()], 'any').catch((e: unknown) => e);
        expect(partly).toBeInstanceOf(DuplicateEventIdError);
        expect(await store.readStream(b)).toHaveLength(0);
        expect(await store.readStream(a)).toHaveLength(1);
      });

      it('refuses malformed appends before writing', async () => {
        const s = stream();
        await expect(store.append(s, [], 'any')).rejects.toBeInstanceOf(InvalidAppendError);
        await expect(store.append(s, [{ ...event(), id: 'not-a-uuid' }], 'any')).rejects.toBeInstanceOf(InvalidAppendError);
        const twice = event();
        await expect(store.append(s, [twice, twice], 'any')).rejects.toBeInstanceOf(InvalidAppendError);
        await expect(store.append(s, [event()], -1)).rejects.toBeInstanceOf(InvalidAppendError);
        await expect(store.append('', [event()], 'any')).rejects.toBeInstanceOf(InvalidAppendError);
        expect(await store.readStream(s)).toHaveLength(0);
      });

      it('32 concurrent appends at the same expected version: exactly 1 succeeds, 31 conflict', async () => {
        const s = stream();
        const results = await Promise.allSettled(Array.from({ length: 32 }, () => store.append(s, [event()], 'noStream')));
        const ok = results.filter((r) => r.status === 'fulfilled');
        const conflicts = results.filter((r) => r.status === 'rejected' && r.reason instanceof WrongExpectedVersionError);
        expect(ok).toHaveLength(1);
        expect(conflicts).toHaveLength(31);
        expect(await store.readStream(s)).toHaveLength(1);
      });

      it('32 concurrent appends with any all succeed with distinct versions', async () => {
        const s = stream();
        const results = await Promise.all(Array.from({ length: 32 }, () => store.append(s, [event()], 'any')));
        expect(new Set(results.map((r) => r.nextExpectedVersion)).size).toBe(32);
        const read = await store.readStream(s);
        expect(read.map((e) => e.streamVersion)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
      });

      it('appendMany appends to several streams and answers each', async () => {
        const a = stream();
        const b = stream();
        const results = await store.appendMany([
          { streamId: a, expectedVersion: 'noStream', events: [event(), event()] },
          { streamId: b, expectedVersion: 'any', events: [event()] },
        ]);
        expect(results.map((r) => r.nextExpectedVersion)).toEqual([2, 1]);
        expect(await store.readStream(a)).toHaveLength(2);
        expect(await store.readStream(b)).toHaveLength(1);
      });

      if (options.atomicAppendMany) {
        it('appendMany writes nothing when one stream conflicts', async () => {
          const a = stream();
          const b = stream();
          await store.append(b, [event()], 'noStream');
          const error = await store
            .appendMany([
              { streamId: a, expectedVersion: 'noStream', events: [event()] },
              { streamId: b, expectedVersion: 'noStream', events: [event()] },
            ])
            .catch((e: unknown) => e);
          expect(error).toBeInstanceOf(WrongExpectedVersionError);
          expect((error as WrongExpectedVersionError).streamId).toBe(b);
          expect(await store.readStream(a)).toHaveLength(0);
          expect(await store.readStream(b)).toHaveLength(1);
        });
      }
    });

    describe('readStream', () => {
      let s: string;
      beforeAll(async () => {
        s = stream();
        await store.append(
          s,
          Array.from({ length: 10 }, (_, i) => event('Numbered', { i })),
          'noStream',
        );
      });

      it('reads forwards from a version with a limit', async () => {
        const read = await store.readStream(s, { from: 3, limit: 4 });
        expect(read.map((e) => e.streamVersion)).toEqual([3, 4, 5, 6]);
        expect(read.map((e) => (e.data as { i: number }).i)).toEqual([2, 3, 4, 5]);
      });

      it('reads backwards from the end and from a version', async () => {
        expect((await store.readStream(s, { direction: 'backwards', limit: 3 })).map((e) => e.streamVersion)).toEqual([10, 9, 8]);
        expect((await store.readStream(s, { direction: 'backwards', from: 4 })).map((e) => e.streamVersion)).toEqual([4, 3, 2, 1]);
      });

      it('reads nothing from an unknown stream or past the end', async () => {
        expect(await store.readStream(stream('unknown'))).toEqual([]);
        expect(await store.readStream(s, { from: 11 })).toEqual([]);
      });

      it('reads a stream of more than 10,000 events whole when no limit is given (a wholesale customer)', async () => {
        const long = stream('long');
        for (let version = 0; version < 10_050; version += 1_005) {
          await store.append(
            long,
            Array.from({ length: 1_005 }, (_, i) => event('Numbered', { i: version + i })),
            version === 0 ? 'noStream' : version,
          );
        }
        const read = await store.readStream(long);
        expect(read).toHaveLength(10_050);
        expect(read[10_049].streamVersion).toBe(10_050);
        expect(await store.lastPosition()).toBe(read[10_049].position);
        expect((await store.readStream(long, { from: 10_001 })).map((e) => e.streamVersion)).toEqual(Array.from({ length: 50 }, (_, i) => 10_001 + i));
      }, 60_000);
    });

    describe('readAll', () => {
      it('reads every event in global order with paging', async () => {
        const a = stream();
        const b = stream();
        const appended: number[] = [];
        for (let i = 0; i < 5; i++) {
          appended.push(...(await store.append(a, [event()], 'any')).positions);
          appended.push(...(await store.append(b, [event(), event()], 'any')).positions);
        }
        // Other test files write to the cluster at the same time: wait until ours are visible, then page from 0.
        await waitUntil(async () => {
          const seen = new Set((await readAllFrom(store, 0)).map((e) => e.position));
          return appended.every((p) => seen.has(p));
        });
        const pages: RecordedEvent[][] = [];
        let checkpoint = 0;
        for (;;) {
          const page = await store.readAll({ after: checkpoint, limit: 4 });
          if (page.events.length > 0) pages.push(page.events);
          expect(page.checkpoint).toBe(page.events.length > 0 ? page.events[page.events.length - 1].position : checkpoint);
          checkpoint = page.checkpoint;
          if (!page.hasMore) break;
        }
        const ours = pages
          .flat()
          .filter((e) => e.streamId === a || e.streamId === b)
          .map((e) => e.position);
        expect(ours).toEqual(appended);
        expect(pages.slice(0, -1).every((p) => p.length === 4)).toBe(true);
        const all = pages.flat().map((e) => e.position);
        expect(new Set(all).size).toBe(all.length);
      });

      it('answers an empty page and the same checkpoint past the end', async () => {
        const events = await readAllFrom(store, 0);
        const end = events[events.length - 1].position;
        const page = await store.readAll({ after: end, limit: 10 });
        if (page.events.length === 0) expect(page).toEqual({ events: [], checkpoint: end, hasMore: false });
        else expect(page.events.every((e) => !events.some((seen) => seen.position === e.position))).toBe(true);
      });

      it('knows which positions a checkpoint covers', async () => {
        const first = await store.append(stream(), [event()], 'any');
        const second = await store.append(stream(), [event()], 'any');
        expect(await store.isCoveredBy(first.lastPosition, second.lastPosition)).toBe(true);
        expect(await store.isCoveredBy(second.lastPosition, first.lastPosition)).toBe(false);
        expect(await store.isCoveredBy(first.lastPosition, 0)).toBe(false);
      });

      it('splits the log into partitions by stream: each event in exactly one, a stream whole and in order in its own', async () => {
        const streams = Array.from({ length: 12 }, () => stream('part'));
        const appended: number[] = [];
        for (let round = 0; round < 3; round++) for (const s of streams) appended.push(...(await store.append(s, [event()], 'any')).positions);
        // The log holds the file's earlier events too: wait until every one of ours is readable.
        let all: RecordedEvent[] = [];
        await waitUntil(async () => {
          all = await readAllFrom(store, 0);
          const visible = new Set(all.map((e) => e.position));
          return appended.every((position) => visible.has(position));
        });
        const ours = all.filter((e) => streams.includes(e.streamId));
        const count = 3;
        const seen: RecordedEvent[] = [];
        for (let index = 0; index < count; index++) {
          const mine: RecordedEvent[] = [];
          let checkpoint = 0;
          for (;;) {
            const page = await store.readAll({ after: checkpoint, limit: 5, partition: { index, count } });
            mine.push(...page.events);
            checkpoint = page.checkpoint;
            if (!page.hasMore) break;
          }
          expect(mine.every((e) => partitionOf(e.streamId, count) === index)).toBe(true);
          // Within a partition the log's order holds.
          const order = all.map((e) => e.position);
          const positions = mine.filter((e) => streams.includes(e.streamId)).map((e) => order.indexOf(e.position));
          expect(positions).toEqual([...positions].sort((x, y) => x - y));
          seen.push(...mine.filter((e) => streams.includes(e.streamId)));
          if (mine.length > 0) expect(await store.streamIdAt(mine[0].position)).toBe(mine[0].streamId);
        }
        expect(seen.map((e) => e.position).sort((x, y) => x - y)).toEqual(ours.map((e) => e.position).sort((x, y) => x - y));
        expect(await store.streamIdAt(-1)).toBeUndefined();
      });
    });

    describe('catch-up subscription', () => {
      it('delivers past and new events, and resumes from a checkpoint', async () => {
        const start = await lastPosition(store);
        const s = stream();
        await store.append(s, [event('Past'), event('Past')], 'noStream');

        const seen: RecordedEvent[] = [];
        const first = new CatchUpSubscription(store, {
          after: start,
          batchSize: 1,
          pollIntervalMs: 20,
          handle: async (events) => {
            seen.push(...events.filter((e) => e.streamId === s));
          },
        });
        await waitUntil(() => seen.length === 2);
        await store.append(s, [event('Live')], 2);
        await waitUntil(() => seen.length === 3);
        await first.stop();
        const checkpoint = first.checkpoint;
        expect(seen.map((e) => e.type)).toEqual(['Past', 'Past', 'Live']);

        await store.append(s, [event('WhileAway')], 3);
        const resumed: RecordedEvent[] = [];
        const second = new CatchUpSubscription(store, {
          after: checkpoint,
          pollIntervalMs: 20,
          handle: async (events) => {
            resumed.push(...events.filter((e) => e.streamId === s));
          },
        });
        await waitUntil(() => resumed.length === 1);
        await second.stop();
        expect(resumed.map((e) => e.type)).toEqual(['WhileAway']);
      });

      it('redelivers a batch whose handler failed', async () => {
        const start = await lastPosition(store);
        const s = stream();
        await store.append(s, [event('Once')], 'noStream');
        let failures = 0;
        const delivered: string[] = [];
        const sub = new CatchUpSubscription(store, {
          after: start,
          pollIntervalMs: 10,
          handle: async (events) => {
            if (failures < 2) {
              failures++;
              throw new Error('projector down');
            }
            delivered.push(...events.filter((e) => e.streamId === s).map((e) => e.type));
          },
          onError: () => undefined,
        });
        await waitUntil(() => delivered.length === 1);
        await sub.stop();
        expect(delivered).toEqual(['Once']);
        expect(failures).toBe(2);
      });
    });
  });
}
