// Complaints in GraphQL: reads, a customer's complaints, and a mutation for
// every step. It only translates; ComplaintsService checks and decides.
import { Args, ArgsType, Field, Float, ID, Int, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min } from 'class-validator';
import { CustomerType, CustomerViewsService, fromView, PageInfoType } from '@crm/customer-views';
import { WaitForProjections } from '@crm/projections';
import { RequestContext } from '@crm/shared';
import { dateArg, GqlCtx, idArg, IsCalendarDate, IsKey, JSONScalar, positionArg, WriteResult, writeResult } from '@crm/shared/http';
import { ServiceFiguresType } from './complaint.types';
import { PRIORITIES } from '../complaint';
import { ComplaintsService } from '../complaints.service';
import { AssignComplaintDto, EscalateComplaintDto, OpenComplaintDto, RateComplaintDto, ReopenComplaintDto, RespondComplaintDto, ResolveComplaintDto } from '../complaints.dto';

@ObjectType('Complaint')
export class ComplaintType {
  @Field(() => ID) id!: string;
  @Field(() => ID) customerId!: string;
  @Field(() => String) subject!: string;
  @Field(() => String) channel!: string;
  @Field(() => String) priority!: string;
  @Field(() => String) status!: string;
  @Field(() => String, { nullable: true }) agent!: string | null;
  @Field(() => String) openedAt!: string | null;
  @Field(() => String) respondBy!: string | null;
  @Field(() => Float, { nullable: true }) slaHours?: number;
  @Field(() => String, { nullable: true }) firstResponseAt!: string | null;
  @Field(() => String, { nullable: true }) resolvedAt!: string | null;
  @Field(() => String, { nullable: true }) resolution!: string | null;
  @Field(() => Int) reopenCount!: number;
  @Field(() => Int, { nullable: true }) satisfaction?: number | null;
  @Field(() => Boolean) breached!: boolean;
  @Field(() => Int) version!: number;
}

@ObjectType('ComplaintEdge')
class ComplaintEdge {
  @Field(() => String) cursor!: string;
  @Field(() => ComplaintType) node!: ComplaintType;
}

@ObjectType('ComplaintConnection')
class ComplaintConnection {
  @Field(() => [ComplaintEdge]) edges!: ComplaintEdge[];
  @Field(() => PageInfoType) pageInfo!: PageInfoType;
}

@ArgsType()
class ComplaintsArgs {
  @Field(() => String, { nullable: true }) @IsOptional() @IsIn(['open', 'resolved']) status?: 'open' | 'resolved';
  @Field(() => String, { nullable: true }) @IsOptional() @IsIn(PRIORITIES) priority?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @IsKey() agent?: string;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() breached?: boolean;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() customerId?: string;
  @Field(() => String, { nullable: true, description: 'only complaints opened on or before this date (shop calendar)' }) @IsOptional() @IsCalendarDate() openedBy?: string;
  @Field(() => Int, { nullable: true, description: '1-500, default 50' }) @IsOptional() @IsInt() @Min(1) @Max(500) first?: number;
  @Field(() => String, { nullable: true }) @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,300}$/, { message: 'after must be a cursor this API gave out' }) after?: string;
  @Field(() => Float, { nullable: true }) @IsOptional() waitFor?: number;
}

@Resolver(() => ComplaintType)
export class ComplaintsResolver {
  constructor(
    private readonly service: ComplaintsService,
    private readonly projections: WaitForProjections,
  ) {}

  @Query(() => ComplaintType)
  async complaint(
    @GqlCtx() ctx: RequestContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('waitFor', { type: () => Float, nullable: true }) waitFor?: number,
  ): Promise<ComplaintType> {
    await this.projections.waitFor(positionArg(waitFor));
    return this.service.get(ctx, idArg(id));
  }

  @Query(() => ComplaintConnection, { description: 'the service history, newest first (an agent: the complaints assigned to them)' })
  async complaints(@GqlCtx() ctx: RequestContext, @Args() args: ComplaintsArgs): Promise<ComplaintConnection> {
    await this.projections.waitFor(positionArg(args.waitFor));
    const { items, nextCursor } = await this.service.list(ctx, {
      status: args.status,
      priority: args.priority,
      agent: args.agent,
      breached: args.breached,
      customerId: args.customerId,
      openedBy: args.openedBy,
      cursor: args.after,
      limit: args.first ?? 50,
    });
    return { edges: items.map((node) => ({ cursor: node.id, node })), pageInfo: { hasNextPage: nextCursor !== null, endCursor: nextCursor } };
  }

  @Query(() => JSONScalar, {
    description: 'time to first response and to resolution, breaches, reopen rate, satisfaction: overall, per agent, per priority',
    deprecationReason: 'use serviceFigures (typed)',
  })
  serviceMetrics(
    @GqlCtx() ctx: RequestContext,
    @Args('from', { type: () => String, nullable: true }) from?: string,
    @Args('to', { type: () => String, nullable: true }) to?: string,
  ) {
    return this.serviceFigures(ctx, from, to);
  }

  @Query(() => ServiceFiguresType, { description: 'time to first response and to resolution, breaches, reopen rate, satisfaction: overall, per agent, per priority' })
  serviceFigures(
    @GqlCtx() ctx: RequestContext,
    @Args('from', { type: () => String, nullable: true }) from?: string,
    @Args('to', { type: () => String, nullable: true }) to?: string,
  ) {
    return this.service.figures(ctx, dateArg(from, 'from'), dateArg(to, 'to'));
  }

  @Mutation(() => WriteResult, { description: 'open a complaint (deadline from its priority and the customer tier)' })
  async openComplaint(
    @GqlCtx() ctx: RequestContext,
    @Args('input', { type: () => OpenComplaintDto }) input: OpenComplaintDto,
    @Args('idempotencyKey', { type: () => String, nullable: true }) _key?: string,
  ): Promise<WriteResult> {
    const { complaintId, result } = await this.service.open(input, ctx);
    return writeResult(complaintId, result);
  }

  @Mutation(() => WriteResult)
  async assignComplaint(
    @GqlCtx() ctx: RequestContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('input', { type: () => AssignComplaintDto }) input: AssignComplaintDto,
    @Args('expectedVersion', { type: () => Int, nullable: true }) _version?: number,
    @Args('idempotencyKey', { type: () => String, nullable: true }) _key?: string,
  ): Promise<WriteResult> {
    return writeResult(id, await this.service.assign(idArg(id), input.agent, ctx));
  }

  @Mutation(() => WriteResult)
  async escalateComplaint(
    @GqlCtx() ctx: RequestContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('input', { type: () => EscalateComplaintDto }) input: EscalateComplaintDto,
    @Args('expectedVersion', { type: () => Int, nullable: true }) _version?: number,
    @Args('idempotencyKey', { type: () => String, nullable: true }) _key?: string,
  ): Promise<WriteResult> {
    return writeResult(id, await this.service.escalate(idArg(id), input.priority, ctx));
  }

  @Mutation(() => WriteResult)
  async respondToComplaint(
    @GqlCtx() ctx: RequestContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('input', { type: () => RespondComplaintDto }) input: RespondComplaintDto,
    @Args('expectedVersion', { type: () => Int, nullable: true }) _version?: number,
    @Args('idempotencyKey', { type: () => String, nullable: true }) _key?: string,
  ): Promise<WriteResult> {
    return writeResult(id, await this.service.respond(idArg(id), input.message, ctx));
  }

  @Mutation(() => WriteResult)
  async resolveComplaint(
    @GqlCtx() ctx: RequestContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('input', { type: () => ResolveComplaintDto }) input: ResolveComplaintDto,
    @Args('expectedVersion', { type: () => Int, nullable: true }) _version?: number,
    @Args('idempotencyKey', { type: () => String, nullable: true }) _key?: string,
  ): Promise<WriteResult> {
    return writeResult(id, await this.service.resolve(idArg(id), input, ctx));
  }

  @Mutation(() => WriteResult)
  async reopenComplaint(
    @GqlCtx() ctx: RequestContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('input', { type: () => ReopenComplaintDto, nullable: true }) input?: ReopenComplaintDto,
    @Args('expectedVersion', { type: () => Int, nullable: true }) _version?: number,
    @Args('idempotencyKey', { type: () => String, nullable: true }) _key?: string,
  ): Promise<WriteResult> {
    return writeResult(id, await this.service.reopen(idArg(id), input?.reason, ctx));
  }

  @Mutation(() => WriteResult, { description: "the customer's satisfaction (1-5) with a resolved complaint" })
  async rateComplaint(
    @GqlCtx() ctx: RequestContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('input', { type: () => RateComplaintDto }) input: RateComplaintDto,
    @Args('expectedVersion', { type: () => Int, nullable: true }) _version?: number,
    @Args('idempotencyKey', { type: () => String, nullable: true }) _key?: string,
  ): Promise<WriteResult> {
    return writeResult(id, await this.service.rate(idArg(id), input.satisfaction, input.comment, ctx));
  }
}

@Resolver(() => CustomerType)
export class CustomerComplaintsResolver {
  constructor(private readonly service: ComplaintsService) {}

  @ResolveField(() => [ComplaintType], { description: "the customer's complaints opened on or before the customer's asOf, newest first (an agent: those assigned to them)" })
  async complaints(@GqlCtx() ctx: RequestContext, @Parent() customer: CustomerType): Promise<ComplaintType[]> {
    return (await this.service.list(ctx, { customerId: customer.id, openedBy: customer.asOf, limit: 100 })).items;
  }
}

@Resolver(() => ComplaintType)
export class ComplaintCustomerResolver {
  constructor(private readonly views: CustomerViewsService) {}

  @ResolveField(() => CustomerType, { nullable: true, description: 'the customer who complained, as of today (null once not found)' })
  async customer(@GqlCtx() ctx: RequestContext, @Parent() complaint: ComplaintType): Promise<CustomerType | null> {
    const view = await this.views.viewOnce(ctx, complaint.customerId);
    return view ? fromView(view) : null;
  }
}
