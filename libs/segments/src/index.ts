// The segments slice's public face: definitions, their matching, the list's projector (and migrations), the module.
export { parseDefinition, SEGMENT_FIELDS, SEGMENT_OPS } from './segment-definition';
export type { Condition, SegmentDefinition, SegmentGroup } from './segment-definition';
export { daysToBirthday, matches } from './segment-match';
export type { Standing } from './segment-match';
export { segmentMigrations, SegmentsProjector } from './segments.projector';
export { SEGMENT_MEMBERS, segmentMemberMigrations, SegmentMembersProjector } from './membership/segment-members.projector';
export { SegmentsService } from './segments.service';
export { SegmentsModule } from './segments.module';
export { segmentChangesOf } from './membership/segment-members.query';
export type { SegmentChange } from './membership/segment-members.query';
export type { Cause } from './membership/customer-history';
