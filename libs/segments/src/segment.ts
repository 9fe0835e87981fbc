// A segment's stream (`segment-<id>`): each published version of its
// definition, and its retirement. Versions are immutable once published, so
// any past membership can be explained by the version then in force.
import type { RecordedEvent } from '@crm/event-store';
import { decodeKnown, SEGMENT_EVENT_TYPES } from '@crm/shared';
import type { SegmentDefinition } from './segment-definition';

export const segmentStream = (segmentId: string) => `segment-${segmentId}`;

export type SegmentEvent =
  | { type: 'SegmentPublished'; data: { segmentId: string; version: number; definition: SegmentDefinition; asTag: boolean } }
  | { type: 'SegmentRetired'; data: { segmentId: string; version: number } };

export interface Segment {
  segmentId?: string;
  /** The last published version (0: never published). */
  version: number;
  definition?: SegmentDefinition;
  asTag: boolean;
  retired: boolean;
}

export const initialSegment = (): Segment => ({ version: 0, asTag: false, retired: false });

export function evolve(state: Segment, event: SegmentEvent): Segment {
  switch (event.type) {
    case 'SegmentPublished':
      return { ...state, segmentId: event.data.segmentId, version: event.data.version, definition: event.data.definition, asTag: event.data.asTag };
    case 'SegmentRetired':
      return { ...state, retired: true };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/** The seam from a stored event to a segment event. */
export function decodeSegmentEvent(recorded: Pick<RecordedEvent, 'type' | 'data'>): SegmentEvent {
  return decodeKnown<SegmentEvent>(SEGMENT_EVENT_TYPES, 'a segment', recorded);
}
