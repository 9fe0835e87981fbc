// Whole-base figures in GraphQL, as REST answers them: RFM segments,
// stickiness and the care due lists, typed (the JSON fields before them are
// kept, deprecated, for the clients that use them).
import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { invalid, RequestContext } from '@crm/shared';
import { dateArg, GqlCtx, JSONScalar } from '@crm/shared/http';
import { AnalyticsService, RFM_SEGMENTS } from './analytics.service';
import { CareDueType, DayFiguresType, RfmSegmentsType, StickinessType } from './figures.types';

const within = (value: number | undefined | null, name: string, allowed: (n: number) => boolean): number | undefined => {
  if (value === undefined || value === null) return undefined;
  if (!allowed(value)) throw invalid('InvalidArgument', `${name} is out of range`);
  return value;
};

@Resolver()
export class AnalyticsResolver {
  constructor(private readonly analytics: AnalyticsService) {}

  @Query(() => JSONScalar, { description: 'customers and net spend per RFM segment as of a date; with segment, its members', deprecationReason: 'use rfmSegmentFigures (typed)' })
  rfmSegments(
    @GqlCtx() ctx: RequestContext,
    @Args('asOf', { type: () => String, nullable: true }) asOf?: string,
    @Args('segment', { type: () => String, nullable: true }) segment?: string,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
  ) {
    return this.rfmSegmentFigures(ctx, asOf, segment, limit);
  }

  @Query(() => RfmSegmentsType, { description: 'customers and net spend per RFM segment as of a date; with segment, its members' })
  rfmSegmentFigures(
    @GqlCtx() ctx: RequestContext,
    @Args('asOf', { type: () => String, nullable: true }) asOf?: string,
    @Args('segment', { type: () => String, nullable: true }) segment?: string,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
  ) {
    if (segment !== undefined && segment !== null && !(RFM_SEGMENTS as readonly string[]).includes(segment))
      throw invalid('InvalidSegment', `segment must be one of ${RFM_SEGMENTS.join(', ')}`);
    return this.analytics.segments(
      ctx,
      dateArg(asOf),
      segment ?? undefined,
      within(limit, 'limit', (n) => n >= 1 && n <= 1000),
    );
  }

  @Query(() => DayFiguresType, { description: 'one day at a glance: customers registered, purchases and refunds dated that day, customers per tier on it' })
  dayFigures(@GqlCtx() ctx: RequestContext, @Args('asOf', { type: () => String, nullable: true }) asOf?: string) {
    return this.analytics.day(ctx, dateArg(asOf));
  }

  @Query(() => JSONScalar, {
    description: 'the customers whose post-purchase greeting is due (within 2 days) or overdue as of a date',
    deprecationReason: 'use careDueList (typed)',
  })
  careDue(@GqlCtx() ctx: RequestContext, @Args('asOf', { type: () => String, nullable: true }) asOf?: string, @Args('limit', { type: () => Int, nullable: true }) limit?: number) {
    return this.careDueList(ctx, asOf, limit);
  }

  @Query(() => CareDueType, { description: 'post-purchase greetings (within 2 days) and birthday greetings due or overdue as of a date, the longest waiting first' })
  careDueList(
    @GqlCtx() ctx: RequestContext,
    @Args('asOf', { type: () => String, nullable: true }) asOf?: string,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
  ) {
    return this.analytics.careDue(
      ctx,
      dateArg(asOf),
      within(limit, 'limit', (n) => n >= 1 && n <= 1000),
    );
  }

  @Query(() => JSONScalar, {
    description: 'repeat purchase rate, active ARPU, retention, wake-up and reactivation rates, sales by tier, region and category',
    deprecationReason: 'use stickinessMetrics (typed)',
  })
  stickiness(
    @GqlCtx() ctx: RequestContext,
    @Args('asOf', { type: () => String, nullable: true }) asOf?: string,
    @Args('window', { type: () => Int, nullable: true }) window?: number,
    @Args('retentionDays', { type: () => Int, nullable: true }) retentionDays?: number,
    @Args('responseDays', { type: () => Int, nullable: true }) responseDays?: number,
  ) {
    return this.stickinessMetrics(ctx, asOf, window, retentionDays, responseDays);
  }

  @Query(() => StickinessType, { description: 'repeat purchase rate, active ARPU, retention, wake-up and reactivation rates, sales by tier, region and category' })
  stickinessMetrics(
    @GqlCtx() ctx: RequestContext,
    @Args('asOf', { type: () => String, nullable: true }) asOf?: string,
    @Args('window', { type: () => Int, nullable: true }) window?: number,
    @Args('retentionDays', { type: () => Int, nullable: true }) retentionDays?: number,
    @Args('responseDays', { type: () => Int, nullable: true }) responseDays?: number,
  ) {
    return this.analytics.stickiness(ctx, {
      asOf: dateArg(asOf),
      windowMonths: within(window, 'window', (n) => [1, 3, 6, 12].includes(n)),
      retentionDays: within(retentionDays, 'retentionDays', (n) => n >= 1 && n <= 365),
      responseDays: within(responseDays, 'responseDays', (n) => n >= 1 && n <= 365),
    });
  }
}
