// Service quality figures in GraphQL, as GET /metrics/service answers them.
import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('Seconds', { description: 'a duration in seconds: mean and median; null when there is none' })
export class SecondsType {
  @Field(() => Int, { nullable: true }) mean!: number | null;
  @Field(() => Int, { nullable: true }) median!: number | null;
}

@ObjectType('Satisfaction')
export class SatisfactionType {
  @Field(() => Int) rated!: number;
  @Field(() => Float, { nullable: true, description: "mean of each complaint's last rating (1-5), 2 decimals" }) mean!: number | null;
}

@ObjectType('ReopenRate')
export class ReopenRateType {
  @Field(() => Int, { description: 'reopened' }) numerator!: number;
  @Field(() => Int, { description: 'ever resolved' }) denominator!: number;
  @Field(() => Float, { nullable: true }) rate!: number | null;
}

@ObjectType('ServiceFigure')
export class ServiceFigureType {
  @Field(() => String, { nullable: true, description: 'the agent (in byAgent)' }) agent?: string;
  @Field(() => String, { nullable: true, description: 'the priority (in byPriority)' }) priority?: string;
  @Field(() => Int) complaints!: number;
  @Field(() => Int) responded!: number;
  @Field(() => SecondsType) firstResponseSeconds!: SecondsType;
  @Field(() => Int) resolved!: number;
  @Field(() => SecondsType) resolveSeconds!: SecondsType;
  @Field(() => Int) breaches!: number;
  @Field(() => SatisfactionType) satisfaction!: SatisfactionType;
  @Field(() => ReopenRateType) reopenRate!: ReopenRateType;
}

@ObjectType('ServiceFigures', { description: 'service quality of the complaints opened in [from, to]' })
export class ServiceFiguresType {
  @Field(() => String) from!: string;
  @Field(() => String) to!: string;
  @Field(() => ServiceFigureType) overall!: ServiceFigureType;
  @Field(() => [ServiceFigureType]) byAgent!: ServiceFigureType[];
  @Field(() => [ServiceFigureType]) byPriority!: ServiceFigureType[];
}
