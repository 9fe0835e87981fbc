// The customer GraphQL reads: queries and where a customer stands (nested, as
// of any date). It only translates: the views service answers, as for REST.
import { Args, ArgsType, Field, Float, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { WaitForProjections } from '@crm/projections';
import { invalid, memoized, RequestContext } from '@crm/shared';
import { dateArg, GqlCtx, idArg, IsCalendarDate, IsCleanText, IsKey, JSONScalar, positionArg } from '@crm/shared/http';
import { LIFECYCLE_STATUSES } from '@crm/lifecycle';
import type { Lifecycle } from '@crm/lifecycle';
import { CustomerViewsService } from '../customer-views.service';
import type { CustomerView } from '../customer-view';
import { encodeCursor, LIST_SORTS, ListSort } from '../customer-list/customer-list.query';
import { CustomerConnection, CustomerType, LifecycleMoveType, LifecycleType, RfmScoreType, TierBasisRuleType, TierChangeType, TierType } from './customer.types';

@ArgsType()
class CustomersArgs {
  @Field(() => String, { nullable: true }) @IsOptional() @IsCalendarDate() asOf?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Matches(/^[A-Z][A-Z0-9_]{0,31}$/, { message: 'tier must be a tier code such as VIP' }) tier?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsIn(LIFECYCLE_STATUSES) lifecycle?: Lifecycle;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @IsKey() tag?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @IsCleanText() @MaxLength(50) region?: string;
  @Field(() => String, { nullable: true, description: 'part of the name, any case' }) @IsOptional() @IsString() @IsCleanText() @MaxLength(100) name?: string;
  @Field(() => Int, { nullable: true, description: '1-500, default 50' }) @IsOptional() @IsInt() @Min(1) @Max(500) first?: number;
  @Field(() => String, { nullable: true }) @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'after must be a cursor this API gave out' }) after?: string;
  @Field(() => Int, { nullable: true, description: 'lifecycle window in months: 3, 6 or 12' }) @IsOptional() @IsIn([3, 6, 12]) window?: number;
  @Field(() => Float, { nullable: true, description: 'a write position to wait for (at most 5 s)' }) @IsOptional() @IsNumber() waitFor?: number;
  @Field(() => String, { nullable: true, description: `order: ${LIST_SORTS.join(', ')} (as of asOf; - first: descending); default the id` })
  @IsOptional()
  @IsIn(LIST_SORTS)
  sort?: ListSort;
}

/** A customer's view as the GraphQL type (other slices' fields that name a customer answer with it). */
export const fromView = (v: CustomerView): CustomerType => ({
  ...v,
  name: v.profile.name ?? null,
  region: v.profile.region ?? null,
  location: v.profile.region ?? null,
  details: v.profile,
  consents: v.consent,
});
function windowArg(window: number | undefined): number | undefined {
  if (window !== undefined && window !== null && ![3, 6, 12].includes(window)) throw invalid('InvalidWindow', 'window must be 3, 6 or 12');
  return window ?? undefined;
}

@Resolver(() => CustomerType)
export class CustomerViewsResolver {
  constructor(
    private readonly views: CustomerViewsService,
    private readonly projections: WaitForProjections,
  ) {}

  @Query(() => CustomerType, { description: 'a customer as of a date (default today)' })
  async customer(
    @GqlCtx() ctx: RequestContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('asOf', { type: () => String, nullable: true }) asOf?: string,
    @Args('waitFor', { type: () => Float, nullable: true }) waitFor?: number,
  ): Promise<CustomerType> {
    await this.projections.waitFor(positionArg(waitFor));
    return fromView(await this.views.view(ctx, idArg(id), dateArg(asOf)));
  }

  @Query(() => CustomerType, { description: "a customer by the shop's own ref" })
  async customerByRef(
    @GqlCtx() ctx: RequestContext,
    @Args('ref', { type: () => String }) ref: string,
    @Args('asOf', { type: () => String, nullable: true }) asOf?: string,
  ): Promise<CustomerType> {
    if (ref.length === 0 || ref.length > 128) throw invalid('InvalidRef', 'ref must be 1-128 characters');
    return fromView(await this.views.viewByRef(ctx, ref, dateArg(asOf)));
  }

  @Query(() => CustomerConnection, { description: 'the filtered list as of a date, keyset-paginated' })
  async customers(@GqlCtx() ctx: RequestContext, @Args() args: CustomersArgs): Promise<CustomerConnection> {
    await this.projections.waitFor(positionArg(args.waitFor));
    const filter = { asOf: args.asOf, tier: args.tier, lifecycle: args.lifecycle, tag: args.tag, region: args.region, name: args.name, windowMonths: args.window };
    const { items, nextCursor } = await this.views.list(ctx, { ...filter, cursor: args.after, limit: args.first ?? 50, sort: args.sort });
    const views = this.views;
    const asOf = args.asOf ?? this.views.today();
    // Tier and lifecycle on the list's date and window come from the facts the list read.
    const edges = items.map((item) => {
      const node: CustomerType = Object.assign(item, {
        asOf,
        location: item.region,
        presets: {
          tier: () => this.views.tierStatus(ctx, item.id, asOf),
          // The nested field's default window is 3 months: a list in another window does not answer it.
          lifecycle: (args.window ?? 3) === 3 ? () => this.views.lifecycleStatus(ctx, item.id, asOf, 3) : undefined,
        },
      });
      // Made only when the query asks for it.
      return {
        node,
        get cursor() {
          return encodeCursor(node.id);
        },
      };
    });
    return {
      edges,
      pageInfo: { hasNextPage: nextCursor !== null, endCursor: nextCursor },
      // Counted only when the query asks for it (one more query).
      get totalCount() {
        return views.count(ctx, filter);
      },
    };
  }

  @ResolveField(() => TierType, { description: "the tier as of a date (default: the customer answer's date), with basis, rule set and reason" })
  tier(@GqlCtx() ctx: RequestContext, @Parent() customer: CustomerType, @Args('asOf', { type: () => String, nullable: true }) asOf?: string) {
    return this.views.tierStatus(ctx, customer.id, dateArg(asOf) ?? customer.asOf);
  }

  @ResolveField(() => JSONScalar, { description: 'every tier change up to a date', deprecationReason: 'use tierChanges (typed)' })
  async tierHistory(@GqlCtx() ctx: RequestContext, @Parent() customer: CustomerType, @Args('asOf', { type: () => String, nullable: true }) asOf?: string) {
    return (await this.views.tierHistory(ctx, customer.id, dateArg(asOf) ?? customer.asOf)).items;
  }

  @ResolveField(() => [TierChangeType], { description: "every tier change up to a date (default: the answer's date), oldest first, each with its cause" })
  async tierChanges(@GqlCtx() ctx: RequestContext, @Parent() customer: CustomerType, @Args('asOf', { type: () => String, nullable: true }) asOf?: string) {
    return (await this.views.tierHistory(ctx, customer.id, dateArg(asOf) ?? customer.asOf)).items;
  }

  @ResolveField(() => LifecycleType)
  lifecycle(
    @GqlCtx() ctx: RequestContext,
    @Parent() customer: CustomerType,
    @Args('asOf', { type: () => String, nullable: true }) asOf?: string,
    @Args('window', { type: () => Int, nullable: true }) window?: number,
  ) {
    return this.views.lifecycleStatus(ctx, customer.id, dateArg(asOf) ?? customer.asOf, windowArg(window));
  }

  @ResolveField(() => JSONScalar, { description: 'R, F, M scores, score and segment', deprecationReason: 'use rfmScore (typed)' })
  rfm(@GqlCtx() ctx: RequestContext, @Parent() customer: CustomerType, @Args('asOf', { type: () => String, nullable: true }) asOf?: string) {
    return this.views.rfm(ctx, customer.id, dateArg(asOf) ?? customer.asOf);
  }

  @ResolveField(() => RfmScoreType, { description: "R, F, M scores, score and segment as of a date (default: the answer's date)" })
  rfmScore(@GqlCtx() ctx: RequestContext, @Parent() customer: CustomerType, @Args('asOf', { type: () => String, nullable: true }) asOf?: string) {
    return this.views.rfm(ctx, customer.id, dateArg(asOf) ?? customer.asOf);
  }
}

/** The moves of a lifecycle are walked only when asked for. */
@Resolver(() => LifecycleType)
export class LifecycleResolver {
  constructor(private readonly views: CustomerViewsService) {}

  private full(ctx: RequestContext, l: LifecycleType) {
    return memoized(ctx, `lifecycle-moves:${l.customerId}:${l.asOf}:${l.windowMonths}`, () => this.views.lifecycle(ctx, l.customerId, l.asOf, l.windowMonths));
  }

  @ResolveField(() => JSONScalar, { description: 'each move: date, from, to, direction (forward or reverse)', deprecationReason: 'use changes (typed)' })
  async moves(@GqlCtx() ctx: RequestContext, @Parent() l: LifecycleType) {
    return (await this.full(ctx, l)).moves;
  }

  @ResolveField(() => [LifecycleMoveType], { description: 'every move up to the date, oldest first: date, from, to, direction, cause' })
  async changes(@GqlCtx() ctx: RequestContext, @Parent() l: LifecycleType) {
    return (await this.full(ctx, l)).moves;
  }

  @ResolveField(() => String, { nullable: true, description: 'the date of the last move' })
  async since(@GqlCtx() ctx: RequestContext, @Parent() l: LifecycleType) {
    return (await this.full(ctx, l)).since;
  }

  @ResolveField(() => String)
  async lastMoveDirection(@GqlCtx() ctx: RequestContext, @Parent() l: LifecycleType) {
    return (await this.full(ctx, l)).lastMoveDirection;
  }
}

/** Since when a tier is held, and until when a retention keeps it, are walked only when asked for. */
@Resolver(() => TierType)
export class TierResolver {
  constructor(private readonly views: CustomerViewsService) {}

  private full(ctx: RequestContext, t: TierType) {
    return memoized(ctx, `tier:${t.customerId}:${t.asOf}`, () => this.views.tier(ctx, t.customerId, t.asOf));
  }

  @ResolveField(() => TierBasisRuleType, { description: "the rule set's spend basis: lifetime, or rolling over the last N months" })
  basisRule(@Parent() t: TierType) {
    return t.basisKind;
  }

  @ResolveField(() => String, { nullable: true, description: 'the date the tier held was reached' })
  async since(@GqlCtx() ctx: RequestContext, @Parent() t: TierType) {
    return (await this.full(ctx, t)).since;
  }

  @ResolveField(() => String, { nullable: true, description: 'while a retention period keeps a tier above its basis: when it ends' })
  async downgradeDue(@GqlCtx() ctx: RequestContext, @Parent() t: TierType) {
    return (await this.full(ctx, t)).downgradeDue;
  }

  @ResolveField(() => String, { nullable: true, description: 'the tier the basis alone supports' })
  async basisTier(@GqlCtx() ctx: RequestContext, @Parent() t: TierType) {
    return (await this.full(ctx, t)).basisTier;
  }
}
