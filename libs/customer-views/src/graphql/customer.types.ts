// The customer's GraphQL types, named as the REST answers name them, so one
// vocabulary serves both.
import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '@crm/shared/http';

@ObjectType('Region')
export class RegionType {
  @Field(() => String, { nullable: true }) province?: string | null;
  @Field(() => String, { nullable: true }) city?: string | null;
}

@ObjectType('CustomerProfile', { description: 'the archive fields; personal ones are left out once erased' })
export class CustomerProfileType {
  @Field(() => String, { nullable: true }) name?: string;
  @Field(() => String, { nullable: true, description: 'female, male, other or unknown' }) gender?: string;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) birthDate?: string;
  @Field(() => String, { nullable: true }) phone?: string;
  @Field(() => String, { nullable: true }) email?: string;
  @Field(() => RegionType, { nullable: true }) region?: RegionType;
  @Field(() => String, { nullable: true }) shippingAddress?: string;
  @Field(() => String, { nullable: true }) nickname?: string;
  @Field(() => String, { nullable: true }) creditLevel?: string;
  @Field(() => String, { nullable: true, description: 'acquisition channel' }) channel?: string;
}

@ObjectType('Consent', { description: 'consent per channel; null where the customer never said' })
export class ConsentType {
  @Field(() => Boolean, { nullable: true }) sms?: boolean;
  @Field(() => Boolean, { nullable: true }) email?: boolean;
  @Field(() => Boolean, { nullable: true }) phone?: boolean;
  @Field(() => Boolean, { nullable: true }) wechat?: boolean;
}

@ObjectType('TierBasisRule', { description: "the rule set's spend basis: lifetime, or rolling over the last N months" })
export class TierBasisRuleType {
  @Field(() => String, { description: 'lifetime or rollingMonths' }) kind!: string;
  @Field(() => Int, { nullable: true }) months?: number;
}

@ObjectType('TierChangeCause', { description: 'why a tier changed: an event, a rule set activation, or the passage of time' })
export class TierChangeCauseType {
  @Field(() => String, { description: 'event, ruleSetActivated or time' }) kind!: string;
  @Field(() => String, { nullable: true, description: 'the event type (kind event)' }) type?: string;
  @Field(() => String, { nullable: true }) eventId?: string;
  @Field(() => Float, { nullable: true, description: 'the global position of the event or activation' }) position?: number;
  @Field(() => String, { nullable: true }) occurredAt?: string;
  @Field(() => String, { nullable: true, description: 'the rule set activated (kind ruleSetActivated)' }) ruleSetId?: string;
  @Field(() => String, { nullable: true, description: 'what time did (kind time)' }) reason?: string;
}

@ObjectType('TierChange')
export class TierChangeType {
  @Field(() => String) date!: string;
  @Field(() => String, { nullable: true }) from!: string | null;
  @Field(() => String) to!: string;
  @Field(() => String, { description: 'up, down or same-rank' }) direction!: string;
  @Field(() => String) ruleSetId!: string;
  @Field(() => String, { description: 'the basis on that date, a decimal string' }) basis!: string;
  @Field(() => String) reason!: string;
  @Field(() => TierChangeCauseType) cause!: TierChangeCauseType;
}

@ObjectType('LifecycleMove')
export class LifecycleMoveType {
  @Field(() => String, { description: 'the first date of the new status' }) date!: string;
  @Field(() => String) from!: string;
  @Field(() => String) to!: string;
  @Field(() => String, { description: 'forward, reverse or none' }) direction!: string;
  @Field(() => String, { description: 'purchase or time' }) cause!: string;
}

@ObjectType('RfmScore', { description: 'R, F and M scored 1-5 by quintile over the customers with a purchase on or before asOf' })
export class RfmScoreType {
  @Field(() => String) asOf!: string;
  @Field(() => Boolean, { description: 'false for a prospect (no purchase on or before asOf)' }) scored!: boolean;
  @Field(() => String, { nullable: true }) reason?: string;
  @Field(() => Int, { description: 'customers scored on that date' }) population!: number;
  @Field(() => Int, { nullable: true }) recencyDays?: number;
  @Field(() => Int, { nullable: true }) frequency?: number;
  @Field(() => String, { nullable: true, description: 'net spend, a decimal string' }) monetary?: string;
  @Field(() => Int, { nullable: true }) r?: number;
  @Field(() => Int, { nullable: true }) f?: number;
  @Field(() => Int, { nullable: true }) m?: number;
  @Field(() => String, { nullable: true, description: 'the three digits, e.g. 545' }) score?: string;
  @Field(() => String, { nullable: true }) segment?: string;
}

@ObjectType('Customer')
export class CustomerType {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true }) customerRef!: string | null;
  @Field(() => String, { nullable: true, description: 'null when erased or never given' }) name!: string | null;
  @Field(() => JSONScalar, { nullable: true, description: 'the profile (personal fields left out once erased)', deprecationReason: 'use details (typed)' }) profile?: unknown;
  @Field(() => CustomerProfileType, { nullable: true, description: 'the profile (personal fields left out once erased)' }) details?: CustomerProfileType;
  @Field(() => Boolean, { nullable: true }) personalDataErased?: boolean;
  @Field(() => [String]) tags!: string[];
  @Field(() => JSONScalar, { nullable: true, deprecationReason: 'use consents (typed)' }) consent?: unknown;
  @Field(() => ConsentType, { nullable: true }) consents?: ConsentType;
  @Field(() => JSONScalar, { nullable: true, deprecationReason: 'use location (typed)' }) region?: unknown;
  @Field(() => RegionType, { nullable: true, description: 'province and city' }) location?: RegionType | null;
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
  @Field(() => JSONScalar, { deprecationReason: 'use basisRule (typed)' }) basisKind!: unknown;
  @Field(() => TierBasisRuleType, { description: "the rule set's spend basis" }) basisRule?: TierBasisRuleType;
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
  @Field(() => Int, { description: 'the customers of the filter on every page (one more query, made only when asked)' }) totalCount!: number | Promise<number>;
}
