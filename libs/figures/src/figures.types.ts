// The figures' GraphQL types, named as the REST answers name them: rates carry
// numerator and denominator beside the ratio, amounts are decimal strings.
import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('Rate')
export class RateType {
  @Field(() => Int) numerator!: number;
  @Field(() => Int) denominator!: number;
  @Field(() => Float, { nullable: true, description: 'numerator / denominator to 4 decimals; null when the denominator is 0' }) rate!: number | null;
}

@ObjectType('DaysRate', { description: 'a rate over a number of days (retention within N days)' })
export class DaysRateType extends RateType {
  @Field(() => Int) withinDays!: number;
}

@ObjectType('StatusRate', { description: 'of the customers in a lifecycle status a marketing contact reached, the share who bought within N days' })
export class StatusRateType extends DaysRateType {
  @Field(() => String) status!: string;
  @Field(() => String, { description: "campaigns: the campaigns' contacts in the period, each with its response window; contacts: every marketing contact" }) from!: string;
}

@ObjectType('Period')
export class PeriodType {
  @Field(() => String, { description: 'exclusive' }) after!: string;
  @Field(() => String, { description: 'inclusive' }) through!: string;
}

@ObjectType('SalesByTier')
export class SalesByTierType {
  @Field(() => String, { description: 'tier code on the date; NONE for none' }) tier!: string;
  @Field(() => Int) customers!: number;
  @Field(() => String) sales!: string;
}

@ObjectType('SalesByRegion')
export class SalesByRegionType {
  @Field(() => String, { description: 'province' }) region!: string;
  @Field(() => Int) customers!: number;
  @Field(() => String) sales!: string;
}

@ObjectType('SalesByCategory')
export class SalesByCategoryType {
  @Field(() => String) category!: string;
  @Field(() => String) sales!: string;
}

@ObjectType('SalesComposition')
export class SalesCompositionType {
  @Field(() => [SalesByTierType]) byTier!: SalesByTierType[];
  @Field(() => [SalesByRegionType]) byRegion!: SalesByRegionType[];
  @Field(() => [SalesByCategoryType]) byCategory!: SalesByCategoryType[];
}

@ObjectType('Stickiness')
export class StickinessType {
  @Field(() => String) asOf!: string;
  @Field(() => Int) windowMonths!: number;
  @Field(() => PeriodType) period!: PeriodType;
  @Field(() => String) currency!: string;
  @Field(() => Int, { description: 'customers who bought in the period' }) activeCustomers!: number;
  @Field(() => RateType) repeatPurchaseRate!: RateType;
  @Field(() => String) sales!: string;
  @Field(() => String) refunds!: string;
  @Field(() => String) netSpend!: string;
  @Field(() => String, { description: 'net spend in the period per active customer' }) activeArpu!: string;
  @Field(() => DaysRateType) retention!: DaysRateType;
  @Field(() => StatusRateType) wakeUp!: StatusRateType;
  @Field(() => StatusRateType) reactivation!: StatusRateType;
  @Field(() => SalesCompositionType) composition!: SalesCompositionType;
}

@ObjectType('RfmSegmentFigure')
export class RfmSegmentFigureType {
  @Field(() => String) segment!: string;
  @Field(() => Int) customers!: number;
  @Field(() => String) netSpend!: string;
}

@ObjectType('RfmMember')
export class RfmMemberType {
  @Field(() => String) customerId!: string;
  @Field(() => Int) recencyDays!: number;
  @Field(() => Int) frequency!: number;
  @Field(() => String) monetary!: string;
  @Field(() => Int) r!: number;
  @Field(() => Int) f!: number;
  @Field(() => Int) m!: number;
  @Field(() => String) segment!: string;
}

@ObjectType('RfmSegments')
export class RfmSegmentsType {
  @Field(() => String) asOf!: string;
  @Field(() => Int, { description: 'customers scored (a purchase on or before asOf)' }) customers!: number;
  @Field(() => [RfmSegmentFigureType]) segments!: RfmSegmentFigureType[];
  @Field(() => String, { nullable: true, description: 'the segment asked for' }) segment?: string;
  @Field(() => [RfmMemberType], { nullable: true, description: "the segment's members by net spend, when a segment was asked for" }) members?: RfmMemberType[];
}

@ObjectType('GreetingDue')
export class GreetingDueType {
  @Field(() => String) customerId!: string;
  @Field(() => String, { nullable: true }) customerRef!: string | null;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => String) orderId!: string;
  @Field(() => String) purchasedAt!: string;
  @Field(() => String) dueOn!: string;
  @Field(() => Boolean) overdue!: boolean;
}

@ObjectType('BirthdayDue')
export class BirthdayDueType {
  @Field(() => String) customerId!: string;
  @Field(() => String, { nullable: true }) customerRef!: string | null;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => String, { description: 'the date the birthday falls on' }) birthday!: string;
  @Field(() => Boolean) overdue!: boolean;
}

@ObjectType('TierCount')
export class TierCountType {
  @Field(() => String, { description: 'a tier code; NONE: no tier yet' }) tier!: string;
  @Field(() => Int) customers!: number;
}

@ObjectType('DayFigures', { description: 'one day at a glance' })
export class DayFiguresType {
  @Field(() => String) asOf!: string;
  @Field(() => String) currency!: string;
  @Field(() => Int, { description: 'customers registered that day' }) newCustomers!: number;
  @Field(() => Int, { description: 'purchases dated that day' }) purchases!: number;
  @Field(() => String, { description: 'their amount, a decimal string' }) sales!: string;
  @Field(() => Int) refunds!: number;
  @Field(() => String) refunded!: string;
  @Field(() => [TierCountType], { description: 'customers per tier held that day' }) byTier!: TierCountType[];
}

@ObjectType('CareDue')
export class CareDueType {
  @Field(() => String) asOf!: string;
  @Field(() => [GreetingDueType]) greetings!: GreetingDueType[];
  @Field(() => [BirthdayDueType]) birthdays!: BirthdayDueType[];
}
