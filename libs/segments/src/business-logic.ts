// Decisions on a segment's stream: publish version 1 once, publish the next
// version while it is not retired, retire it. A version equal to the last
// one publishes nothing (a repeat of the same request).
import { conflict, notFound, refused, sameJson } from '@crm/shared';
import type { SegmentDefinition } from './segment-definition';
import { Segment, SegmentEvent } from './segment';

export type SegmentCommand =
  | { type: 'CreateSegment'; segmentId: string; definition: SegmentDefinition; asTag: boolean }
  | { type: 'ReviseSegment'; segmentId: string; definition: SegmentDefinition; asTag: boolean }
  | { type: 'RetireSegment'; segmentId: string };

const same = (state: Segment, definition: SegmentDefinition, asTag: boolean) => state.asTag === asTag && sameJson(state.definition, definition);

export function decide(command: SegmentCommand, state: Segment): SegmentEvent[] {
  const { segmentId } = command;
  const missing = () => notFound('SegmentNotFound', `segment ${segmentId} is not published`, { segmentId });
  switch (command.type) {
    case 'CreateSegment':
      if (state.version === 0) return [{ type: 'SegmentPublished', data: { segmentId, version: 1, definition: command.definition, asTag: command.asTag } }];
      if (state.version === 1 && same(state, command.definition, command.asTag)) return [];
      throw conflict('SegmentExists', `segment ${segmentId} is published already: PUT /segments/${segmentId} publishes its next version`, { segmentId });
    case 'ReviseSegment':
      if (state.version === 0) throw missing();
      if (state.retired) throw refused('SegmentRetired', `segment ${segmentId} is retired: it takes no new version`, { segmentId });
      if (same(state, command.definition, command.asTag)) return [];
      return [{ type: 'SegmentPublished', data: { segmentId, version: state.version + 1, definition: command.definition, asTag: command.asTag } }];
    case 'RetireSegment':
      if (state.version === 0) throw missing();
      return state.retired ? [] : [{ type: 'SegmentRetired', data: { segmentId, version: state.version } }];
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}
