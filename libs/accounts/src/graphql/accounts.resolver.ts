// Who the credential of a GraphQL operation belongs to.
import { Field, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { RequestContext } from '@crm/shared';
import { GqlCtx, JSONScalar } from '@crm/shared/http';
import { AccountsService } from '../accounts.service';

@ObjectType('Shop', { description: "the shop's calendar and currency, to show dates and money as the shop does" })
class ShopType {
  @Field(() => String, { description: 'IANA time zone' }) timezone!: string;
  @Field(() => String, { description: 'ISO 4217' }) currency!: string;
  @Field(() => String, { description: "today's date in the shop's calendar" }) today!: string;
}

@ObjectType('Me', { description: 'the signed-in account or API key' })
class MeType {
  @Field(() => String, { description: 'account, apiKey or operator' }) kind!: string;
  @Field(() => String, { nullable: true }) accountId?: string;
  @Field(() => String, { nullable: true }) username?: string;
  @Field(() => String, { nullable: true, description: 'agent, manager or admin' }) role?: string;
  @Field(() => String, { nullable: true }) keyId?: string;
  @Field(() => String, { nullable: true }) name?: string;
  @Field(() => [String], { nullable: true, description: 'what this credential may do' }) operations?: string[];
  @Field(() => String, { description: 'the actor events record' }) actor!: string;
  @Field(() => ShopType) shop!: ShopType;
}

@Resolver()
export class AccountsResolver {
  constructor(private readonly accounts: AccountsService) {}

  @Query(() => JSONScalar, {
    description: 'the signed-in account (username, role) or API key (name, operations), and the actor events record',
    deprecationReason: 'use whoAmI (typed)',
  })
  me(@GqlCtx() ctx: RequestContext) {
    return this.accounts.whoAmI(ctx);
  }

  @Query(() => MeType, { description: 'the signed-in account (username, role) or API key (name, operations), the actor events record, and the shop calendar' })
  whoAmI(@GqlCtx() ctx: RequestContext) {
    return this.accounts.whoAmI(ctx);
  }
}
