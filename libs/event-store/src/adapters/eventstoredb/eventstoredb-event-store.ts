// The event store on EventStoreDB / KurrentDB: for shops that outgrow one
// PostgreSQL or already run it. Stream version = revision + 1; the global
// position is the commit position in $all. EventStoreDB deduplicates appends
// by event id itself. appendMany is not atomic across streams here: the server
// has no multi-stream transaction, so each stream is appended in turn.
import { EventEmitter } from 'node:events';
import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  jsonEvent,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError as EsdbWrongExpectedVersion,
  type AppendExpectedRevision,
  type ResolvedEvent,
} from '@eventstore/db-client';
import {
  AppendRequest,
  AppendResult,
  EventMetadata,
  EventStore,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  ReadAllPage,
  ReadStreamOptions,
  RecordedEvent,
  WrongExpectedVersionError,
} from '../../event-store';
import type { SnapshotStore } from '../../stream-states';
import { validateAppend } from '../../validate-append';
import { partitionOf } from '../../partition';

export class EventStoreDbEventStore implements EventStore {
  readonly adapter = 'eventstoredb' as const;
  private readonly appended = new EventEmitter().setMaxListeners(0);
  private readonly client: EventStoreDBClient;

  constructor(
    connectionString: string,
    /** Snapshots live in the SQL database beside the read models. */
    readonly snapshots?: SnapshotStore,
  ) {
    this.client = EventStoreDBClient.connectionString(connectionString);
  }

  async append(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion = 'any'): Promise<AppendResult> {
    validateAppend([{ streamId, expectedVersion, events }]);
    let result;
    try {
      result = await this.client.appendToStream(
        streamId,
        events.map((e) => jsonEvent({ id: e.id, type: e.type, data: e.data as never, metadata: (e.metadata ?? {}) as never })),
        { expectedRevision: toRevision(expectedVersion) },
      );
    } catch (error) {
      if (error instanceof EsdbWrongExpectedVersion) {
        const actual = typeof error.actualVersion === 'bigint' ? Number(error.actualVersion) + 1 : 0;
        throw new WrongExpectedVersionError(streamId, expectedVersion, actual);
      }
      throw error;
    }
    this.appended.emit('appended');
    const nextExpectedVersion = Number(result.nextExpectedRevision) + 1;
    // The server answers only the last position; read the events back for each one's position.
    const written = await this.readStream(streamId, { from: nextExpectedVersion, direction: 'backwards', limit: events.length });
    const positions = written.reverse().map((e) => e.position);
    return { nextExpectedVersion, positions, lastPosition: positions[positions.length - 1] };
  }

  async appendMany(requests: readonly AppendRequest[]): Promise<AppendResult[]> {
    validateAppend(requests);
    const results: AppendResult[] = [];
    for (const r of requests) results.push(await this.append(r.streamId, r.events, r.expectedVersion));
    return results;
  }

  async readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    const unique = [...new Set(streamIds)];
    const read = await Promise.all(unique.map(async (id) => [id, await this.readStream(id)] as const));
    return new Map(read);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const from = options.from === undefined ? (backwards ? END : START) : BigInt(Math.max(options.from - 1, 0));
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, {
        fromRevision: from,
        direction: backwards ? BACKWARDS : FORWARDS,
        maxCount: options.limit ?? Number.MAX_SAFE_INTEGER,
      })) {
        const recorded = toRecorded(resolved);
        if (recorded) events.push(recorded);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllPage> {
    const after = options.after ?? 0;
    const limit = options.limit ?? 1000;
    const { partition } = options;
    const events: RecordedEvent[] = [];
    let scanned = 0;
    let last = after;
    // EventStoreDB cannot filter by a hash of the stream id: a partition's reader reads
    // the whole log and keeps its own streams' events (partition.ts; docs/operations.md).
    for await (const resolved of this.client.readAll({
      fromPosition: after > 0 ? { commit: BigInt(after), prepare: BigInt(after) } : START,
      direction: FORWARDS,
      maxCount: limit + 1,
    })) {
      scanned++;
      const recorded = toRecorded(resolved);
      if (!recorded || recorded.position <= after) continue;
      last = recorded.position;
      if (partition && partitionOf(recorded.streamId, partition.count) !== partition.index) continue;
      events.push(recorded);
      if (events.length === limit) break;
    }
    return {
      events,
      // Positions here are commit positions: a partition may move past events that are not its own.
      checkpoint: partition ? last : events.length > 0 ? events[events.length - 1].position : after,
      hasMore: scanned > limit || events.length === limit,
    };
  }

  async streamIdAt(position: number): Promise<string | undefined> {
    for await (const resolved of this.client.readAll({ fromPosition: { commit: BigInt(position), prepare: BigInt(position) }, direction: FORWARDS, maxCount: 1 })) {
      const recorded = toRecorded(resolved);
      return recorded?.position === position ? recorded.streamId : undefined;
    }
    return undefined;
  }

  async lastPosition(): Promise<number> {
    for await (const resolved of this.client.readAll({ maxCount: 100, fromPosition: END, direction: BACKWARDS })) {
      const recorded = toRecorded(resolved);
      if (recorded) return recorded.position;
    }
    return 0;
  }

  async isCoveredBy(position: number, checkpoint: number): Promise<boolean> {
    return checkpoint >= position;
  }

  onAppended(listener: () => void): () => void {
    this.appended.on('appended', listener);
    return () => this.appended.off('appended', listener);
  }

  async health() {
    try {
      for await (const _ of this.client.readAll({ maxCount: 1, fromPosition: START })) break;
      return { adapter: this.adapter, state: 'up' as const };
    } catch (error) {
      return { adapter: this.adapter, state: 'down' as const, error: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    this.appended.removeAllListeners();
    await this.client.dispose();
  }
}

function toRevision(expected: ExpectedVersion): AppendExpectedRevision {
  if (expected === 'any') return ANY;
  if (expected === 'noStream' || expected === 0) return NO_STREAM;
  return BigInt(expected - 1);
}

function toRecorded(resolved: ResolvedEvent): RecordedEvent | undefined {
  const e = resolved.event;
  if (!e || e.type.startsWith('$') || e.streamId.startsWith('$') || !e.isJson) return undefined;
  return {
    id: e.id,
    type: e.type,
    data: e.data,
    metadata: (e.metadata ?? {}) as EventMetadata,
    streamId: e.streamId,
    streamVersion: Number(e.revision) + 1,
    position: Number(e.position?.commit ?? resolved.commitPosition ?? 0n),
    recordedAt: e.created instanceof Date ? e.created : new Date(Number(e.created) / 10_000),
  };
}
