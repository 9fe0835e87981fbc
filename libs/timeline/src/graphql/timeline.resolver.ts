// A customer's timeline in GraphQL: a Relay connection on Customer, keyset
// paged like REST, entries named as REST names them.
import { Args, Field, Float, ID, Int, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CustomerType, PageInfoType } from '@crm/customer-views';
import { invalid, memoized, RequestContext } from '@crm/shared';
import DataLoader from 'dataloader';
import { GqlCtx, JSONScalar } from '@crm/shared/http';
import { TIMELINE_ENTRY_TYPES, TimelineQuery } from '../timeline-query/timeline.query';

@ObjectType('TimelineEntry')
export class TimelineEntryType {
  @Field(() => Float, { nullable: true, description: 'global position of a stored event; null for a derived entry' }) position?: number | null;
  @Field(() => String) type!: string;
  @Field(() => Boolean, { description: 'a tier change or lifecycle move computed from the events, not stored' }) derived!: boolean;
  @Field(() => String, { nullable: true }) streamId?: string | null;
  @Field(() => ID, { nullable: true }) eventId?: string | null;
  @Field(() => String) occurredAt!: string;
  @Field(() => String, { nullable: true }) recordedAt?: string | null;
  @Field(() => String, { nullable: true, description: 'who did it: an account, an API key, or system' }) actor?: string | null;
  @Field(() => String, { nullable: true }) correlationId?: string | null;
  @Field(() => String, { nullable: true }) causationId?: string | null;
  @Field(() => String, { nullable: true }) source?: string | null;
  @Field(() => JSONScalar, { nullable: true }) data?: unknown;
}

@ObjectType('TimelineEdge')
class TimelineEdge {
  @Field(() => String) cursor!: string;
  @Field(() => TimelineEntryType) node!: TimelineEntryType;
}

@ObjectType('TimelineConnection')
class TimelineConnection {
  @Field(() => [TimelineEdge]) edges!: TimelineEdge[];
  @Field(() => PageInfoType) pageInfo!: PageInfoType;
}

@Resolver(() => CustomerType)
export class TimelineResolver {
  constructor(private readonly query: TimelineQuery) {}

  @ResolveField(() => TimelineConnection, { description: 'the audit timeline: every event of the customer and their complaints, and the derived changes' })
  async timeline(
    @GqlCtx() ctx: RequestContext,
    @Parent() customer: CustomerType,
    @Args('first', { type: () => Int, nullable: true, description: '1-1000, default 100' }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
    @Args('derived', { type: () => Boolean, nullable: true, description: 'include derived entries (default true)' }) derived?: boolean,
    @Args('last', { type: () => Int, nullable: true, description: 'the newest n entries (1-100), instead of first/after; batched across a page of customers' }) last?: number,
    @Args('types', { type: () => [String], nullable: true, description: 'only entries of these types (stored or derived), with first/after' }) types?: string[],
    @Args('newestFirst', { type: () => Boolean, nullable: true, description: 'page from the newest entry back, with first/after (default false: from the oldest)' })
    newestFirst?: boolean,
  ): Promise<TimelineConnection> {
    if (last !== undefined && last !== null) {
      if (types != null || newestFirst != null) throw invalid('InvalidPageArguments', 'types and newestFirst go with first/after, not last');
      if (last < 1 || last > 100) throw invalid('InvalidPageSize', 'last must be 1-100');
      if (first != null || after != null) throw invalid('InvalidPageArguments', 'last cannot be combined with first or after');
      const withDerived = derived ?? true;
      const loader = memoized(
        ctx,
        `timeline-last:${last}:${withDerived}`,
        () => new DataLoader<string, Array<{ cursor: string; entry: unknown }>>((ids) => this.query.latest(ctx, ids, last, withDerived)),
      );
      const edges = ctx.memo ? await loader.load(customer.id) : (await this.query.latest(ctx, [customer.id], last, withDerived))[0];
      return {
        edges: edges.map((e) => ({ cursor: e.cursor, node: e.entry as TimelineEntryType })),
        pageInfo: { hasNextPage: false, endCursor: edges[edges.length - 1]?.cursor ?? null },
      };
    }
    if (first !== undefined && first !== null && (first < 1 || first > 1000)) throw invalid('InvalidPageSize', 'first must be 1-1000');
    if (after !== undefined && after !== null && !/^[A-Za-z0-9_-]{1,500}$/.test(after)) throw invalid('InvalidCursor', 'after must be a cursor this API gave out');
    const page = await this.query.edges(ctx, customer.id, {
      cursor: after ?? undefined,
      limit: first ?? undefined,
      derived: derived ?? true,
      types: types ?? undefined,
      newestFirst: newestFirst ?? false,
    });
    return {
      edges: page.edges.map((e) => ({ cursor: e.cursor, node: e.entry as TimelineEntryType })),
      pageInfo: { hasNextPage: page.nextCursor !== null, endCursor: page.nextCursor },
    };
  }
}

@Resolver()
export class TimelineEntryTypesResolver {
  @Query(() => [String], { description: "the entry types a customer's timeline can hold, for its types filter" })
  timelineEntryTypes(): readonly string[] {
    return TIMELINE_ENTRY_TYPES;
  }
}
