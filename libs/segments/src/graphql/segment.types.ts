// GraphQL types of segments: definitions travel as JSON shaped like the REST
// bodies; members, history, sizes and previews are typed.
import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '@crm/shared/http';

@ObjectType('SegmentVersion')
export class SegmentVersionType {
  @Field(() => Int) version!: number;
  @Field(() => JSONScalar, { description: 'the definition as published (money in minor units, shares in basis points)' }) definition!: unknown;
  @Field(() => Boolean) asTag!: boolean;
  @Field(() => String) publishedAt!: string;
  @Field(() => String, { nullable: true }) publishedBy!: string | null;
  @Field(() => Float) position!: number;
}

@ObjectType('Segment')
export class SegmentType {
  @Field(() => String) segmentId!: string;
  @Field(() => String) name!: string;
  @Field(() => Int) version!: number;
  @Field(() => Boolean) asTag!: boolean;
  @Field(() => String, { description: 'active or retired' }) status!: string;
  @Field(() => String, { nullable: true }) retiredAt!: string | null;
  @Field(() => JSONScalar) definition!: unknown;
  @Field(() => [SegmentVersionType]) versions!: SegmentVersionType[];
  @Field(() => Int, { description: 'the stream version: reviseSegment takes it as expectedVersion' }) etag!: number;
}

@ObjectType('SegmentListItem')
export class SegmentListItemType {
  @Field(() => String) segmentId!: string;
  @Field(() => String) name!: string;
  @Field(() => Int) version!: number;
  @Field(() => Boolean) asTag!: boolean;
  @Field(() => String) status!: string;
  @Field(() => String) publishedAt!: string;
  @Field(() => String, { nullable: true }) publishedBy!: string | null;
}

@ObjectType('SegmentMember')
export class SegmentMemberType {
  @Field(() => String) customerId!: string;
  @Field(() => String, { nullable: true, description: 'the day the current membership began (null: evaluated on the date)' }) since!: string | null;
}

@ObjectType('SegmentMembers')
export class SegmentMembersType {
  @Field(() => String) segmentId!: string;
  @Field(() => Int) version!: number;
  @Field(() => Boolean, { description: 'a definition ranking the base (RFM), judged on the date' }) evaluated!: boolean;
  @Field(() => String) asOf!: string;
  @Field(() => [SegmentMemberType]) items!: SegmentMemberType[];
  @Field(() => String, { nullable: true }) nextCursor!: string | null;
}

@ObjectType('SegmentChange')
export class SegmentChangeType {
  @Field(() => String) date!: string;
  @Field(() => String, { description: 'entered or left' }) change!: string;
  @Field(() => String) customerId!: string;
  @Field(() => Int) version!: number;
  @Field(() => JSONScalar, { description: '{kind: event, type, eventId, position} | {kind: time, what} | {kind: version, version, what}' }) cause!: unknown;
}

@ObjectType('SegmentHistory')
export class SegmentHistoryType {
  @Field(() => String) segmentId!: string;
  @Field(() => String) from!: string;
  @Field(() => String) to!: string;
  @Field(() => [SegmentChangeType]) items!: SegmentChangeType[];
  @Field(() => String, { nullable: true }) nextCursor!: string | null;
}

@ObjectType('SegmentSize')
export class SegmentSizeType {
  @Field(() => String) date!: string;
  @Field(() => Int) size!: number;
}

@ObjectType('SegmentSizes')
export class SegmentSizesType {
  @Field(() => String) segmentId!: string;
  @Field(() => [SegmentSizeType]) points!: SegmentSizeType[];
}

@ObjectType('CustomerSegment')
export class CustomerSegmentType {
  @Field(() => String) segmentId!: string;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => String) since!: string;
  @Field(() => Int) version!: number;
}

@ObjectType('PreviewMember')
export class PreviewMemberType {
  @Field(() => String) customerId!: string;
  @Field(() => String, { nullable: true }) tier!: string | null;
  @Field(() => String) lifecycle!: string;
  @Field(() => String) netSpend!: string;
}

@ObjectType('PreviewList')
export class PreviewListType {
  @Field(() => Int) count!: number;
  @Field(() => [PreviewMemberType]) customers!: PreviewMemberType[];
}

@ObjectType('PreviewComparison')
export class PreviewComparisonType {
  @Field(() => String) segmentId!: string;
  @Field(() => Int) version!: number;
  @Field(() => Int) count!: number;
  @Field(() => PreviewListType) entering!: PreviewListType;
  @Field(() => PreviewListType) leaving!: PreviewListType;
}

@ObjectType('SegmentPreview')
export class SegmentPreviewType {
  @Field(() => String) asOf!: string;
  @Field(() => Int) count!: number;
  @Field(() => [PreviewMemberType]) members!: PreviewMemberType[];
  @Field(() => PreviewComparisonType, { nullable: true }) compared?: PreviewComparisonType;
}

@ObjectType('SegmentField', { description: 'a field a definition may use: how it is compared (kind) and with which ops' })
export class SegmentFieldType {
  @Field(() => String) field!: string;
  @Field(() => String, { description: 'choice, score, tag, flag, money, count, category, share or birthday' }) kind!: string;
  @Field(() => [String]) ops!: string[];
}
