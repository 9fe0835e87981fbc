// Segments in GraphQL: the same application layer as REST (SegmentsService);
// definitions travel as JSON shaped like the REST bodies and are parsed there.
import { Args, Float, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { WaitForProjections } from '@crm/projections';
import { invalid, RequestContext, UUID_PATTERN } from '@crm/shared';
import { dateArg, GqlCtx, JSONScalar, positionArg, WriteResult, writeResult } from '@crm/shared/http';
import { SEGMENT_ID, SegmentInput, SegmentsService } from '../segments.service';
import {
  CustomerSegmentType,
  SegmentFieldType,
  SegmentHistoryType,
  SegmentListItemType,
  SegmentMembersType,
  SegmentPreviewType,
  SegmentSizesType,
  SegmentType,
} from './segment.types';

function segmentIdArg(id: string): string {
  if (!SEGMENT_ID.test(id)) throw invalid('InvalidSegmentId', 'segmentId must be a segment id');
  return id;
}

function limitArg(limit: number | undefined | null, max = 1000): number | undefined {
  if (limit === undefined || limit === null) return undefined;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw invalid('InvalidLimit', `limit must be 1-${max}`);
  return limit;
}

function previewLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 0 || limit > 1000) throw invalid('InvalidLimit', 'limit must be 0-1000');
  return limit;
}

function definitionArg(value: unknown): SegmentInput {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid('InvalidSegmentDefinition', 'definition: must be an object { name, match, conditions, groups }', { path: 'definition' });
  return value as SegmentInput;
}

@Resolver()
export class SegmentsResolver {
  constructor(
    private readonly segments: SegmentsService,
    private readonly projections: WaitForProjections,
  ) {}

  @Query(() => [SegmentListItemType], { name: 'segments', description: 'the segments with their last version' })
  async segments$(
    @GqlCtx() ctx: RequestContext,
    @Args('includeRetired', { type: () => Boolean, nullable: true }) includeRetired?: boolean,
    @Args('waitFor', { type: () => Float, nullable: true }) waitFor?: number,
  ) {
    await this.projections.waitFor(positionArg(waitFor));
    return this.segments.list(ctx, { includeRetired: includeRetired ?? false });
  }

  @Query(() => [SegmentFieldType], { description: 'the fields a definition may use, with their kind and ops' })
  segmentFields(@GqlCtx() ctx: RequestContext) {
    return this.segments.fields(ctx);
  }

  @Query(() => SegmentType, { description: 'one segment with every version' })
  segment(@GqlCtx() ctx: RequestContext, @Args('segmentId', { type: () => String }) segmentId: string) {
    return this.segments.get(ctx, segmentIdArg(segmentId));
  }

  @Query(() => SegmentMembersType, { description: 'members on a date (default today), with since when, by customer id' })
  async segmentMembers(
    @GqlCtx() ctx: RequestContext,
    @Args('segmentId', { type: () => String }) segmentId: string,
    @Args('asOf', { type: () => String, nullable: true }) asOf?: string,
    @Args('cursor', { type: () => String, nullable: true }) cursor?: string,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('waitFor', { type: () => Float, nullable: true }) waitFor?: number,
  ) {
    await this.projections.waitFor(positionArg(waitFor));
    return this.segments.members(ctx, segmentIdArg(segmentId), { asOf: dateArg(asOf), cursor: cursor ?? undefined, limit: limitArg(limit) });
  }

  @Query(() => SegmentHistoryType, { description: 'entries and exits between two dates, each with its cause' })
  async segmentHistory(
    @GqlCtx() ctx: RequestContext,
    @Args('segmentId', { type: () => String }) segmentId: string,
    @Args('from', { type: () => String, nullable: true }) from?: string,
    @Args('to', { type: () => String, nullable: true }) to?: string,
    @Args('cursor', { type: () => String, nullable: true }) cursor?: string,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('waitFor', { type: () => Float, nullable: true }) waitFor?: number,
  ) {
    await this.projections.waitFor(positionArg(waitFor));
    return this.segments.history(ctx, segmentIdArg(segmentId), { from: dateArg(from, 'from'), to: dateArg(to, 'to'), cursor: cursor ?? undefined, limit: limitArg(limit) });
  }

  @Query(() => SegmentSizesType, { description: 'the number of members on each day, week or month of a span' })
  async segmentSizes(
    @GqlCtx() ctx: RequestContext,
    @Args('segmentId', { type: () => String }) segmentId: string,
    @Args('from', { type: () => String, nullable: true }) from?: string,
    @Args('to', { type: () => String, nullable: true }) to?: string,
    @Args('every', { type: () => String, nullable: true, description: 'day (default), week or month' }) every?: string,
    @Args('waitFor', { type: () => Float, nullable: true }) waitFor?: number,
  ) {
    if (every !== undefined && every !== null && !['day', 'week', 'month'].includes(every)) throw invalid('InvalidStep', 'every must be day, week or month');
    await this.projections.waitFor(positionArg(waitFor));
    return this.segments.sizes(ctx, segmentIdArg(segmentId), {
      from: dateArg(from, 'from'),
      to: dateArg(to, 'to'),
      every: (every ?? undefined) as 'day' | 'week' | 'month' | undefined,
    });
  }

  @Query(() => [CustomerSegmentType], { description: "a customer's segments on a date (default today)" })
  async customerSegments(
    @GqlCtx() ctx: RequestContext,
    @Args('customerId', { type: () => String }) customerId: string,
    @Args('asOf', { type: () => String, nullable: true }) asOf?: string,
    @Args('waitFor', { type: () => Float, nullable: true }) waitFor?: number,
  ) {
    if (!UUID_PATTERN.test(customerId)) throw invalid('InvalidCustomerId', 'customerId must be a customer id (a UUID)');
    await this.projections.waitFor(positionArg(waitFor));
    return (await this.segments.ofCustomer(ctx, customerId, dateArg(asOf))).items;
  }

  @Query(() => SegmentPreviewType, { description: 'count and members of a definition on a date, and who would enter and leave against a published segment; writes nothing' })
  async segmentPreview(
    @GqlCtx() ctx: RequestContext,
    @Args('definition', { type: () => JSONScalar }) definition: unknown,
    @Args('compareTo', { type: () => String, nullable: true }) compareTo?: string,
    @Args('asOf', { type: () => String, nullable: true }) asOf?: string,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
  ) {
    return this.segments.preview(ctx, {
      definition: definitionArg(definition),
      compareTo: compareTo === undefined || compareTo === null ? undefined : segmentIdArg(compareTo),
      asOf: dateArg(asOf),
      limit: limit === undefined || limit === null ? undefined : previewLimit(limit),
    });
  }

  @Mutation(() => WriteResult, { description: 'publish version 1 of a segment (the body of POST /segments: id optional)' })
  async publishSegment(
    @GqlCtx() ctx: RequestContext,
    @Args('definition', { type: () => JSONScalar }) definition: unknown,
    @Args('idempotencyKey', { type: () => String, nullable: true }) _key?: string,
  ): Promise<WriteResult> {
    const { segmentId, result } = await this.segments.create(definitionArg(definition), ctx);
    return writeResult(segmentId, result);
  }

  @Mutation(() => WriteResult, { description: "publish a segment's next version (expectedVersion: the segment's etag)" })
  async reviseSegment(
    @GqlCtx() ctx: RequestContext,
    @Args('segmentId', { type: () => String }) segmentId: string,
    @Args('definition', { type: () => JSONScalar }) definition: unknown,
    @Args('expectedVersion', { type: () => Int, nullable: true }) _version?: number,
    @Args('idempotencyKey', { type: () => String, nullable: true }) _key?: string,
  ): Promise<WriteResult> {
    return writeResult(segmentId, await this.segments.revise(segmentIdArg(segmentId), definitionArg(definition), ctx));
  }

  @Mutation(() => WriteResult, { description: 'retire a segment: nobody is a member from that day on; its history stays' })
  async retireSegment(
    @GqlCtx() ctx: RequestContext,
    @Args('segmentId', { type: () => String }) segmentId: string,
    @Args('expectedVersion', { type: () => Int, nullable: true }) _version?: number,
    @Args('idempotencyKey', { type: () => String, nullable: true }) _key?: string,
  ): Promise<WriteResult> {
    return writeResult(segmentId, await this.segments.retire(segmentIdArg(segmentId), ctx));
  }
}
