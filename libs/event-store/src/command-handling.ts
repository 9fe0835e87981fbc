// The one shape of every command: load the stream, fold it, decide, append
// at the version that was read, answer the new version and global position.
// Written once; the slices pass their decider.
import { conflict, DomainError } from '@crm/shared';
import { AppendRequest, DuplicateEventIdError, EventMetadata, EventStore, NewEvent, RecordedEvent, WrongExpectedVersionError } from './event-store';
import { loadState, SnapshotCodec } from './stream-states';

export interface DomainEvent {
  type: string;
  data: unknown;
}

export interface Decider<State, Event extends DomainEvent> {
  initialState: () => State;
  evolve: (state: State, event: Event) => State;
  /** The typed seam from a stored event to a domain event of today's shape (upcasters live there). */
  decode: (recorded: RecordedEvent) => Event;
  /** Long streams: their state kept and snapshotted, so that a command reads only the events after it. */
  snapshot?: SnapshotCodec<State>;
}

export interface CommandOptions<Event extends DomainEvent> {
  /** The version the caller saw (If-Match): a different stream version answers 412 and writes nothing. */
  ifMatch?: number;
  metadata: EventMetadata;
  /** Event ids: natural-key ids make repeats no-ops in the store; otherwise derived from the request. */
  eventId: (event: Event, index: number) => string;
  /** When the decision is "nothing to do" because an earlier event already did it: that event. */
  sameAsEarlier?: (event: Event) => boolean;
  /** The stored form of an event's data (e.g. personal fields sealed); default: the data as decided. */
  encode?: (event: Event) => unknown;
  /** What a DuplicateEventIdError means for this command (e.g. "order recorded for another customer"). */
  onDuplicateId?: () => DomainError;
}

export interface CommandResult {
  streamId: string;
  /** The stream version after the command (the ETag). */
  version: number;
  /** Global position of the last event written, or of the earlier event that already answered it. */
  position: number;
  eventIds: string[];
  eventTypes: string[];
  /** True when nothing new was written (a repeat, or no change). */
  unchanged: boolean;
}

/**
 * Without If-Match a lost race is decided again on fresh state; a busy stream
 * gets a few tries. This is the one retry layer of a command: the store does
 * not retry an append with an expected version.
 */
const MAX_ATTEMPTS = 10;

export async function handleCommand<State, Event extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: Decider<State, Event>,
  decide: (state: State) => Event[],
  options: CommandOptions<Event>,
): Promise<CommandResult> {
  let replayedOnce = false;
  for (let attempt = 1; ; attempt++) {
    const { state, version, events: read, decoded, whole } = await loadState(store, streamId, decider);
    if (options.ifMatch !== undefined && options.ifMatch !== version) {
      throw new DomainError('stale', 'StaleVersion', `the resource is at version ${version}, not ${options.ifMatch}`, {
        currentVersion: version,
        expectedVersion: options.ifMatch,
      });
    }
    const events = decide(state);

    if (events.length === 0) {
      const earlier = options.sameAsEarlier && (await earlierAnswer(store, streamId, decider, options.sameAsEarlier, { read, decoded, whole }));
      const position = earlier?.position ?? read[read.length - 1]?.position ?? (version > 0 ? await positionOf(store, streamId, version) : 0);
      return {
        streamId,
        version,
        position,
        eventIds: earlier ? [earlier.id] : [],
        eventTypes: earlier ? [earlier.type] : [],
        unchanged: true,
      };
    }

    const toAppend: NewEvent[] = events.map((e, i) => ({ id: options.eventId(e, i), type: e.type, data: options.encode ? options.encode(e) : e.data, metadata: options.metadata }));
    try {
      const result = await store.append(streamId, toAppend, version === 0 ? 'noStream' : version);
      // These event ids were stored by another request meanwhile (same natural key): decide again on what is
      // stored now, so that only the writer whose events were stored hears "recorded".
      // A second replay is this very request retried (ids from its Idempotency-Key): it is what was recorded.
      if (result.replayed && !replayedOnce) {
        replayedOnce = true;
        continue;
      }
      return {
        streamId,
        version: result.nextExpectedVersion,
        position: result.lastPosition,
        eventIds: toAppend.map((e) => e.id),
        eventTypes: toAppend.map((e) => e.type),
        unchanged: false,
      };
    } catch (error) {
      if (error instanceof DuplicateEventIdError) {
        throw options.onDuplicateId?.() ?? conflict('EventIdInUse', 'these events were already recorded elsewhere');
      }
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      // Someone wrote between our read and our append.
      if (options.ifMatch !== undefined) {
        throw new DomainError('stale', 'StaleVersion', `the resource changed while the request ran (now at version ${error.actual})`, {
          currentVersion: error.actual,
          expectedVersion: options.ifMatch,
        });
      }
      if (attempt >= MAX_ATTEMPTS) throw conflict('ConcurrentModification', 'the resource is being changed by other requests; retry');
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}

/** The earlier event that made this command a no-op: among the events just read, else in the whole stream (rare: a repeat). */
async function earlierAnswer<Event extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: Pick<Decider<unknown, Event>, 'decode'>,
  matches: (event: Event) => boolean,
  loaded: { read: RecordedEvent[]; decoded: Event[]; whole: boolean },
): Promise<RecordedEvent | undefined> {
  const index = loaded.decoded.findIndex(matches);
  if (index >= 0 || loaded.whole) return loaded.read[index];
  const history = await store.readStream(streamId);
  return history.find((recorded) => matches(decider.decode(recorded)));
}

async function positionOf(store: EventStore, streamId: string, version: number): Promise<number> {
  const [last] = await store.readStream(streamId, { from: version, limit: 1 });
  return last?.position ?? 0;
}

export interface BatchCommand<State, Event extends DomainEvent> {
  streamId: string;
  decider: Decider<State, Event>;
  decide: (state: State) => Event[];
  options: Omit<CommandOptions<Event>, 'ifMatch' | 'sameAsEarlier' | 'onDuplicateId'>;
}

/**
 * Many streams' commands decided on one read and appended in one transaction
 * (an import's batch): one round trip each way instead of two a stream.
 * Answers each command's result, or what its decision threw. When the store
 * refuses the append as a whole (a concurrent writer, an id stored
 * elsewhere), answers undefined: the caller then runs the commands one by
 * one through handleCommand, which says which one. Nothing was written on
 * SQL; on EventStoreDB (appendMany is not atomic there) some streams may
 * have been, and the one-by-one run decides on what is stored.
 */
export async function handleCommandBatch<State, Event extends DomainEvent>(
  store: EventStore,
  commands: ReadonlyArray<BatchCommand<State, Event>>,
): Promise<Array<CommandResult | { error: unknown }> | undefined> {
  const streams = await store.readStreams(commands.map((c) => c.streamId));
  const answers: Array<CommandResult | { error: unknown }> = [];
  const appends: Array<{ index: number; request: AppendRequest }> = [];
  commands.forEach((command, index) => {
    const history = streams.get(command.streamId) ?? [];
    const version = history.length > 0 ? history[history.length - 1].streamVersion : 0;
    try {
      const state = history.map(command.decider.decode).reduce(command.decider.evolve, command.decider.initialState());
      const events = command.decide(state);
      const { options } = command;
      answers.push({ streamId: command.streamId, version, position: history[history.length - 1]?.position ?? 0, eventIds: [], eventTypes: [], unchanged: true });
      if (events.length === 0) return;
      const toAppend: NewEvent[] = events.map((e, i) => ({
        id: options.eventId(e, i),
        type: e.type,
        data: options.encode ? options.encode(e) : e.data,
        metadata: options.metadata,
      }));
      appends.push({ index, request: { streamId: command.streamId, events: toAppend, expectedVersion: version === 0 ? 'noStream' : version } });
    } catch (error) {
      answers.push({ error });
    }
  });
  if (appends.length === 0) return answers;
  try {
    const results = await store.appendMany(appends.map((a) => a.request));
    appends.forEach(({ index, request }, i) => {
      answers[index] = {
        streamId: request.streamId,
        version: results[i].nextExpectedVersion,
        position: results[i].lastPosition,
        eventIds: request.events.map((e) => e.id),
        eventTypes: request.events.map((e) => e.type),
        unchanged: false,
      };
    });
    return answers;
  } catch (error) {
    if (error instanceof WrongExpectedVersionError || error instanceof DuplicateEventIdError) return undefined;
    throw error;
  }
}
