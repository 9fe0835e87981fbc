// The customer's GraphQL types, named as the REST answers name them, so one
// vocabulary serves both.
import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '@crm/shared/http';

@ObjectType('Customer')
export class CustomerType {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true }) customerRef!: string | null;
  @Field(() => String, { nullable: true, description: 'null when erased or never given' }) name!: string | null;
  @Field(() => JSONScalar, { nullable: true, description: 'the profile (personal fields left out once erased)' }) profile?: unknown;
  @Field(() => Boolean, { nullable: true }) personalDataErased?: boolean;
  @Field(() => [String]) tags!: string[];
  @Field(() => JSONScalar, { nullable: true }) consent?: unknown;
  @Field(() => JSONScalar, { nullable: true }) region?: unknown;
  @Field(() => String, { description: 'net spend as of asOf, a decimal string in the shop currency' }) netSpend!: string;
  @Field(() => Int) purchaseCount!: number;
  @Field(() => String, { nullable: true }) firstPurchaseAt!: string | null;
  @Field(() => String, { nullable: true }) lastPurchaseAt!: string | null;
  @Field(() => String, { nullable: true }) registeredAt?: string | null;
  @Field(() => Int, { nullable: true, description: 'the stream version: pass it as expectedVersion' }) version?: number;
  /** The date the answer is as of (the field resolvers default to it). */
  asOf?: string;
  /** How to answer nested fields for their default arguments from what the list read (see answerPresets). */
  presets?: { tier?: () => unknown; lifecycle?: () => unknown };
}

@ObjectType('Tier')
export class TierType {
  customerId!: string;
  @Field(() => String, { nullable: true, description: 'tier code, null for a prospect' }) tier!: string | null;
  @Field(() => String) basis!: string;
  @Field(() => JSONScalar) basisKind!: unknown;
  @Field(() => Int) purchaseCount!: number;
  @Field(() => String) ruleSetId!: string;
  @Field(() => String) reason!: string;
  @Field(() => String) currency!: string;
  @Field(() => String) asOf!: string;
}

@ObjectType('Lifecycle')
export class LifecycleType {
  customerId!: string;
  @Field(() => String) lifecycle!: string;
  @Field(() => Int) windowMonths!: number;
  @Field(() => String) asOf!: string;
  @Field(() => Int) purchasesInWindow!: number;
  @Field(() => String, { nullable: true }) firstPurchaseOn!: string | null;
  @Field(() => String, { nullable: true }) lastPurchaseOn!: string | null;
}

@ObjectType('PageInfo')
export class PageInfoType {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

@ObjectType('CustomerEdge')
export class CustomerEdge {
  @Field(() => String) cursor!: string;
  @Field(() => CustomerType) node!: CustomerType;
}

@ObjectType('CustomerConnection')
export class CustomerConnection {
  @Field(() => [CustomerEdge]) edges!: CustomerEdge[];
  @Field(() => PageInfoType) pageInfo!: PageInfoType;
}
