// A command's state without folding the whole stream: the state of a long
// stream is kept in memory (per process) and in a snapshot row (shared), each
// at a stream version; a command reads only the events after it. Both are
// caches: the events stay the truth, and a snapshot of another decider
// version is ignored.
import type { SqlClient } from '@crm/database';
import { metrics } from '@crm/shared/metrics';
import type { EventStore, RecordedEvent } from './event-store';

export interface SnapshotCodec<State> {
  /** The state's name in the snapshot table (one snapshot per stream and type). */
  type: string;
  /** Bump when evolve, decode or the state's shape changes: older snapshots are then ignored and replaced. */
  version: number;
  /** The stored form (JSON); it must hold no personal data in clear. Undefined: this state is not stored. */
  encode: (state: State) => unknown;
  decode: (stored: unknown) => State;
  /** States kept in memory are per variant (e.g. opened with or without the customer's data key). */
  variant?: string;
}

export interface StoredSnapshot {
  streamVersion: number;
  deciderVersion: number;
  state: unknown;
}

export interface SnapshotStore {
  read(streamId: string, type: string): Promise<StoredSnapshot | undefined>;
  /** The snapshot of this decider version and the stream's events after it (all of them without one), in one round trip: where snapshots sit beside the events. */
  readWithEvents?(streamId: string, type: string, deciderVersion: number): Promise<{ snapshot?: StoredSnapshot; events: RecordedEvent[] }>;
  /** Keeps the newer snapshot: an older stream version never replaces a newer one of the same decider version. */
  write(streamId: string, type: string, snapshot: StoredSnapshot): Promise<void>;
}

/** Snapshots in the SQL database (also when the log is on EventStoreDB). Stored as text: parsed once, in JS. */
export class SqlSnapshotStore implements SnapshotStore {
  constructor(private readonly sql: SqlClient) {}

  async read(streamId: string, type: string): Promise<StoredSnapshot | undefined> {
    const [row] = await this.sql.query<{ decider_version: number; stream_version: string; state: string }>(
      'SELECT decider_version, stream_version, state FROM crm_snapshots WHERE stream_id = $1 AND type = $2',
      [streamId, type],
    );
    return row && { deciderVersion: Number(row.decider_version), streamVersion: Number(row.stream_version), state: JSON.parse(row.state) };
  }

  async write(streamId: string, type: string, snapshot: StoredSnapshot): Promise<void> {
    await this.sql.query(
      `INSERT INTO crm_snapshots (stream_id, type, decider_version, stream_version, state) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (stream_id, type) DO UPDATE SET decider_version = EXCLUDED.decider_version, stream_version = EXCLUDED.stream_version,
         state = EXCLUDED.state, written_at = now()
       WHERE crm_snapshots.decider_version <> EXCLUDED.decider_version OR crm_snapshots.stream_version < EXCLUDED.stream_version`,
      [streamId, type, snapshot.deciderVersion, snapshot.streamVersion, JSON.stringify(snapshot.state)],
    );
  }
}

/** A stream this many events past its last snapshot (or its start) gets a new snapshot. */
export const SNAPSHOT_AFTER_EVENTS = 200;
/** Streams shorter than this are cheap to read whole: not kept in memory. */
const KEEP_FROM_VERSION = 32;
/** States kept in memory per event store; the least recently used go first. */
const KEPT_STATES = 10_000;
/**
 * And at most this many events' worth of them: a state grows with its stream
 * (a customer's orders: about 230 bytes each, measured in bench:soak's heap
 * snapshots), so a count alone would not bound memory when long streams are
 * many. About 230 MiB at most.
 */
const KEPT_EVENTS = 1_000_000;

export interface Kept {
  version: number;
  state: unknown;
  /** The codec's version and variant it was folded under. */
  under?: string;
  /** The stream version of the newest stored snapshot. */
  snapshotAt: number;
}

/** The in-memory states of one event store (one per process and store). */
export class KeptStates {
  private readonly states = new Map<string, Kept>();
  /** The stream versions of the kept states summed: the events they stand for. */
  private events = 0;

  constructor(
    private readonly maxStates = KEPT_STATES,
    private readonly maxEvents = KEPT_EVENTS,
  ) {}

  get size(): { states: number; events: number } {
    return { states: this.states.size, events: this.events };
  }

  get(key: string): Kept | undefined {
    const kept = this.states.get(key);
    if (kept) {
      // Map order is insertion order: re-inserting marks it recently used.
      this.states.delete(key);
      this.states.set(key, kept);
    }
    return kept;
  }

  set(key: string, kept: Kept): void {
    const current = this.states.get(key);
    if (current && current.under === kept.under && current.version > kept.version) return;
    if (current) this.drop(key, current);
    this.states.set(key, kept);
    this.events += kept.version;
    metrics.keptStates.inc();
    metrics.keptStateEvents.inc(kept.version);
    for (const [oldest, state] of this.states) {
      if (this.states.size <= this.maxStates && this.events <= this.maxEvents) break;
      this.drop(oldest, state);
    }
  }

  private drop(key: string, kept: Kept): void {
    this.states.delete(key);
    this.events -= kept.version;
    metrics.keptStates.dec();
    metrics.keptStateEvents.dec(kept.version);
  }
}

const keptByStore = new WeakMap<EventStore, KeptStates>();

function keptStates(store: EventStore): KeptStates {
  let kept = keptByStore.get(store);
  if (!kept) keptByStore.set(store, (kept = new KeptStates()));
  return kept;
}

export interface LoadedState<State, Event> {
  state: State;
  /** The stream version the state is at. */
  version: number;
  /** The events read and folded by this load (the whole stream when there was no kept state or snapshot). */
  events: RecordedEvent[];
  decoded: Event[];
  /** True when `events` is the whole stream. */
  whole: boolean;
}

export interface StateFolding<State, Event> {
  initialState: () => State;
  evolve: (state: State, event: Event) => State;
  decode: (recorded: RecordedEvent) => Event;
  snapshot?: SnapshotCodec<State>;
}

/**
 * The stream's state now: from the state kept in memory, else the snapshot,
 * else the start, plus the events stored after it. Writes a new snapshot when
 * the events folded here were many.
 */
export async function loadState<State, Event>(store: EventStore, streamId: string, decider: StateFolding<State, Event>): Promise<LoadedState<State, Event>> {
  const codec = decider.snapshot;
  if (!codec) return fold(decider, decider.initialState(), 0, await store.readStream(streamId), true);
  const kept = keptStates(store);
  // One entry per stream: a state folded under another variant (say, before an erasure) is replaced, not kept beside.
  const key = `${codec.type}/${streamId}`;
  const under = `${codec.version}/${codec.variant ?? ''}`;
  const inMemory = kept.get(key);
  const { start, events } =
    inMemory?.under === under ? { start: inMemory, events: await readAfter(store, streamId, inMemory.version) } : await fromSnapshot(store, streamId, codec);
  const base = start ?? { version: 0, state: decider.initialState(), snapshotAt: 0 };
  const loaded = fold(decider, base.state as State, base.version, events, base.version === 0);
  let snapshotAt = base.snapshotAt;
  const stored = loaded.version - snapshotAt >= SNAPSHOT_AFTER_EVENTS && store.snapshots ? codec.encode(loaded.state) : undefined;
  if (stored !== undefined) {
    // A cache: a snapshot that could not be written is tried again after the next load, the command goes on.
    const written = await store.snapshots?.write(streamId, codec.type, { deciderVersion: codec.version, streamVersion: loaded.version, state: stored }).then(
      () => true,
      () => false,
    );
    if (written) snapshotAt = loaded.version;
  }
  if (loaded.version >= KEEP_FROM_VERSION) kept.set(key, { version: loaded.version, state: loaded.state, under, snapshotAt });
  return loaded;
}

const readAfter = (store: EventStore, streamId: string, version: number) => store.readStream(streamId, version > 0 ? { from: version + 1 } : undefined);

/** The stored snapshot (of this decider version) and the events after it: one round trip where the store can, else two. */
async function fromSnapshot<State>(store: EventStore, streamId: string, codec: SnapshotCodec<State>): Promise<{ start?: Kept; events: RecordedEvent[] }> {
  const asKept = (stored: StoredSnapshot | undefined): Kept | undefined =>
    stored && stored.deciderVersion === codec.version ? { version: stored.streamVersion, state: codec.decode(stored.state), snapshotAt: stored.streamVersion } : undefined;
  if (store.snapshots?.readWithEvents) {
    const { snapshot, events } = await store.snapshots.readWithEvents(streamId, codec.type, codec.version);
    return { start: asKept(snapshot), events };
  }
  const start = asKept(await store.snapshots?.read(streamId, codec.type));
  return { start, events: await readAfter(store, streamId, start?.version ?? 0) };
}

function fold<State, Event>(decider: StateFolding<State, Event>, state: State, version: number, events: RecordedEvent[], whole: boolean): LoadedState<State, Event> {
  const decoded = events.map(decider.decode);
  return {
    state: decoded.reduce(decider.evolve, state),
    version: events.length > 0 ? events[events.length - 1].streamVersion : version,
    events,
    decoded,
    whole,
  };
}
