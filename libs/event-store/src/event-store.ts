// The event store port: what the domain and the projections need from any
// log of events. Adapters: SQL (PostgreSQL and PGlite share it) and EventStoreDB.
import type { Partition } from './partition';
import type { SnapshotStore } from './stream-states';

/** Stream version = number of events in the stream; the first event has version 1. */
export type ExpectedVersion = 'any' | 'noStream' | number;

export interface EventMetadata {
  actor?: string;
  correlationId?: string;
  causationId?: string;
  source?: 'api' | 'import' | 'system';
  /** Only in events stored before business time moved into the data; read it with businessTime(). */
  occurredAt?: string;
  [key: string]: unknown;
}

export interface NewEvent<Type extends string = string, Data = unknown> {
  /** UUID chosen by the caller; a retried append of the same ids is a no-op. */
  id: string;
  type: Type;
  data: Data;
  metadata?: EventMetadata;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> {
  id: string;
  type: Type;
  data: Data;
  metadata: EventMetadata;
  streamId: string;
  streamVersion: number;
  /** Global position: unique, increases with each append (see readAll for the order). */
  position: number;
  recordedAt: Date;
}

export interface AppendResult {
  /** The stream's version after the append: pass it as expected version next time (also the ETag). */
  nextExpectedVersion: number;
  /** Global positions of the appended events, in order. */
  positions: number[];
  /** Global position of the last appended event. */
  lastPosition: number;
  /** True when every event id was already stored in this stream: nothing was written (an idempotent retry). */
  replayed?: boolean;
}

export interface AppendRequest {
  streamId: string;
  expectedVersion: ExpectedVersion;
  events: readonly NewEvent[];
}

export interface ReadStreamOptions {
  /** Forwards: the first version to read (default 1); backwards: the last (default the stream's end). */
  from?: number;
  direction?: 'forwards' | 'backwards';
  /** At most this many events; absent: to the stream's end. */
  limit?: number;
}

export interface ReadAllOptions {
  /** Read events after this position (exclusive); 0 or absent: from the beginning. */
  after?: number;
  limit?: number;
  /** Only the events of the streams in this partition (partition.ts). */
  partition?: Partition;
}

export interface ReadAllPage {
  events: RecordedEvent[];
  /** Checkpoint to pass as `after` for the next page (the last event's position, or `after` when empty). */
  checkpoint: number;
  /** True when the page was full: more may follow at once. */
  hasMore: boolean;
}

export interface EventStore {
  readonly adapter: 'postgres' | 'pglite' | 'eventstoredb';
  /** Where the states of long streams are kept (stream-states.ts); none: commands fold from the start. */
  readonly snapshots?: SnapshotStore;
  append(streamId: string, events: readonly NewEvent[], expectedVersion?: ExpectedVersion): Promise<AppendResult>;
  /** Appends to many streams in one transaction, all or nothing (imports, bulk loads). */
  appendMany(requests: readonly AppendRequest[]): Promise<AppendResult[]>;
  /** The stream's events; without a limit, all of them (a long history too). */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Several whole streams at once (a page of customers): one round trip where the adapter can. */
  readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>>;
  /**
   * Events in the store's global order, gap-safe: an event whose transaction
   * is still in flight is never skipped; reading waits for it instead.
   */
  readAll(options?: ReadAllOptions): Promise<ReadAllPage>;
  /** The position of the log's last event (0 when empty): how far a full read has to go. */
  lastPosition(): Promise<number>;
  /** The stream the event at `position` belongs to (undefined: no such event). */
  streamIdAt(position: number): Promise<string | undefined>;
  /** True when the event at `position` has been read by a reader whose checkpoint is `checkpoint`. */
  isCoveredBy(position: number, checkpoint: number): Promise<boolean>;
  /** Resolves when new events may be readable (in-process append or a poll tick). */
  onAppended(listener: () => void): () => void;
  health(): Promise<{ adapter: string; state: 'up' | 'down'; [key: string]: unknown }>;
  close(): Promise<void>;
}

export class WrongExpectedVersionError extends Error {
  override readonly name = 'WrongExpectedVersionError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`stream ${streamId} is at version ${actual}, expected ${String(expected)}`);
  }
}

export class DuplicateEventIdError extends Error {
  override readonly name = 'DuplicateEventIdError';
  constructor(
    readonly streamId: string,
    readonly eventIds: string[],
  ) {
    super(`event ids already used by other events: ${eventIds.join(', ')}`);
  }
}

export class InvalidAppendError extends Error {
  override readonly name = 'InvalidAppendError';
}

export const EVENT_STORE = Symbol('EVENT_STORE');

/**
 * When a stored event happened in the business (ISO 8601): its data's
 * `occurredAt`; events of earlier versions kept it in the metadata; events
 * without a business time of their own happened when they were recorded.
 * The one place that knows all three.
 */
export function businessTime(event: Pick<RecordedEvent, 'data' | 'metadata' | 'recordedAt'>): string {
  const fromData = (event.data as { occurredAt?: unknown } | null)?.occurredAt;
  if (typeof fromData === 'string') return fromData;
  const legacy = event.metadata.occurredAt;
  return typeof legacy === 'string' ? legacy : event.recordedAt.toISOString();
}
