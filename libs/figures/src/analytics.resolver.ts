// Whole-base figures in GraphQL, as REST answers them: RFM segments and stickiness.
import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { invalid, RequestContext } from '@crm/shared';
import { dateArg, GqlCtx, JSONScalar } from '@crm/shared/http';
import { AnalyticsService, RFM_SEGMENTS } from './analytics.service';

const within = (value: number | undefined | null, name: string, allowed: (n: number) => boolean): number | undefined => {
  if (value === undefined || value === null) return undefined;
  if (!allowed(value)) throw invalid('InvalidArgument', `${name} is out of range`);
  return value;
};

@Resolver()
export class AnalyticsResolver {
  constructor(private readonly analytics: AnalyticsService) {}

  @Query(() => JSONScalar, { description: 'customers and net spend per RFM segment as of a date; with segment, its members' })
  rfmSegments(
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

  @Query(() => JSONScalar, { description: 'the customers whose post-purchase greeting is due (within 2 days) or overdue as of a date' })
  careDue(@GqlCtx() ctx: RequestContext, @Args('asOf', { type: () => String, nullable: true }) asOf?: string, @Args('limit', { type: () => Int, nullable: true }) limit?: number) {
    return this.analytics.careDue(
      ctx,
      dateArg(asOf),
      within(limit, 'limit', (n) => n >= 1 && n <= 1000),
    );
  }

  @Query(() => JSONScalar, { description: 'repeat purchase rate, active ARPU, retention, wake-up and reactivation rates, sales by tier, region and category' })
  stickiness(
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
