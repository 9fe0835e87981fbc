// A segment stream's command message, its one handler, and the view of one
// segment read straight from its stream (its versions, never lagging a write).
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { eventMetadata, knownEventType, nameUuid, RequestContext, requestEventId } from '@crm/shared';
import { CommandResult, EVENT_STORE, EventStore, handleCommand } from '@crm/event-store';
import { decide, SegmentCommand } from './business-logic';
import { decodeSegmentEvent, evolve, initialSegment, Segment, SegmentEvent, segmentStream } from './segment';
import type { SegmentDefinition } from './segment-definition';

export class ExecuteSegmentCommand extends Command<CommandResult> {
  constructor(
    readonly command: SegmentCommand,
    readonly context: RequestContext,
  ) {
    super();
  }
}

@CommandHandler(ExecuteSegmentCommand)
export class SegmentCommandHandler implements ICommandHandler<ExecuteSegmentCommand, CommandResult> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ command, context }: ExecuteSegmentCommand): Promise<CommandResult> {
    const stream = segmentStream(command.segmentId);
    return handleCommand<Segment, SegmentEvent>(this.store, stream, { initialState: initialSegment, evolve, decode: decodeSegmentEvent }, (state) => decide(command, state), {
      ifMatch: context.ifMatch,
      metadata: eventMetadata(context, 'api'),
      // A version is published once: its event id is named by the segment and the version.
      eventId: (event, i) => (event.type === 'SegmentPublished' ? nameUuid(`segment:${event.data.segmentId}:${event.data.version}`) : requestEventId(context, stream, i)),
      sameAsEarlier: (event) => (command.type === 'RetireSegment' ? event.type === 'SegmentRetired' : event.type === 'SegmentPublished'),
    });
  }
}

export interface SegmentVersion {
  version: number;
  definition: SegmentDefinition;
  asTag: boolean;
  publishedAt: string;
  publishedBy: string | null;
  position: number;
}

export interface SegmentView {
  segmentId: string;
  name: string;
  version: number;
  definition: SegmentDefinition;
  asTag: boolean;
  status: 'active' | 'retired';
  retiredAt: string | null;
  versions: SegmentVersion[];
  /** The stream version: the ETag a PUT's If-Match takes. */
  etag: number;
}

/** One segment with its versions, or undefined when never published. */
export async function loadSegment(store: EventStore, segmentId: string): Promise<SegmentView | undefined> {
  const events = await store.readStream(segmentStream(segmentId));
  const versions: SegmentVersion[] = [];
  let retiredAt: string | null = null;
  for (const recorded of events) {
    if (!knownEventType(recorded.streamId, recorded.type)) continue;
    const event = decodeSegmentEvent(recorded);
    if (event.type === 'SegmentRetired') retiredAt = recorded.recordedAt.toISOString();
    else
      versions.push({
        version: event.data.version,
        definition: event.data.definition,
        asTag: event.data.asTag,
        publishedAt: recorded.recordedAt.toISOString(),
        publishedBy: typeof recorded.metadata.actor === 'string' ? recorded.metadata.actor : null,
        position: recorded.position,
      });
  }
  const last = versions[versions.length - 1];
  if (!last) return undefined;
  return {
    segmentId,
    name: last.definition.name,
    version: last.version,
    definition: last.definition,
    asTag: last.asTag,
    status: retiredAt === null ? 'active' : 'retired',
    retiredAt,
    versions,
    etag: events[events.length - 1].streamVersion,
  };
}
