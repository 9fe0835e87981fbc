import { deciderSpec } from '../../../test/support/decider-spec';
import { decide, SegmentCommand } from './business-logic';
import { evolve, initialSegment, Segment, SegmentEvent } from './segment';
import { SegmentDefinition } from './segment-definition';

const given = deciderSpec<Segment, SegmentEvent, SegmentCommand>(initialSegment, evolve, decide);
const sleepers: SegmentDefinition = { name: 'sleepers', match: 'all', conditions: [{ field: 'lifecycle', op: 'in', value: ['SLEEPING'] }], groups: [], windowMonths: 3 };
const wider: SegmentDefinition = { ...sleepers, conditions: [{ field: 'lifecycle', op: 'in', value: ['SILENT', 'SLEEPING'] }] };
const published = (version: number, definition = sleepers, asTag = false): SegmentEvent => ({ type: 'SegmentPublished', data: { segmentId: 's', version, definition, asTag } });
const retired: SegmentEvent = { type: 'SegmentRetired', data: { segmentId: 's', version: 1 } };

describe('segments', () => {
  it('a new segment is published as version 1', () =>
    given()
      .when({ type: 'CreateSegment', segmentId: 's', definition: sleepers, asTag: false })
      .then([published(1)]));
  it('creating it again with the same definition records nothing (whatever the key order)', () =>
    given([published(1)])
      .when({
        type: 'CreateSegment',
        segmentId: 's',
        definition: JSON.parse(JSON.stringify({ conditions: sleepers.conditions, windowMonths: 3, name: 'sleepers', groups: [], match: 'all' })),
        asTag: false,
      })
      .thenNothing());
  it('creating it with another definition is refused: the next version is a PUT', () =>
    given([published(1)])
      .when({ type: 'CreateSegment', segmentId: 's', definition: wider, asTag: false })
      .thenRefused('SegmentExists', 'conflict'));
  it('a revision publishes the next version', () =>
    given([published(1)])
      .when({ type: 'ReviseSegment', segmentId: 's', definition: wider, asTag: false })
      .then([published(2, wider)]));
  it('shown as a tag is part of a version', () =>
    given([published(1)])
      .when({ type: 'ReviseSegment', segmentId: 's', definition: sleepers, asTag: true })
      .then([published(2, sleepers, true)]));
  it('a revision equal to the last version records nothing', () =>
    given([published(1), published(2, wider)])
      .when({ type: 'ReviseSegment', segmentId: 's', definition: wider, asTag: false })
      .thenNothing());
  it('a segment never published cannot be revised or retired', () => {
    given().when({ type: 'ReviseSegment', segmentId: 's', definition: wider, asTag: false }).thenRefused('SegmentNotFound', 'not_found');
    given().when({ type: 'RetireSegment', segmentId: 's' }).thenRefused('SegmentNotFound', 'not_found');
  });
  it('a segment is retired once; a retired one takes no new version', () => {
    given([published(1)])
      .when({ type: 'RetireSegment', segmentId: 's' })
      .then([retired]);
    given([published(1), retired])
      .when({ type: 'RetireSegment', segmentId: 's' })
      .thenNothing();
    given([published(1), retired])
      .when({ type: 'ReviseSegment', segmentId: 's', definition: wider, asTag: false })
      .thenRefused('SegmentRetired', 'rule');
  });
});
