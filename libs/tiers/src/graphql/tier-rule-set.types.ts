// Tier rule sets, their schedule and what-if simulations in GraphQL, as the
// REST answers shape them.
import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('TierRule')
export class TierRuleType {
  @Field(() => String) code!: string;
  @Field(() => String, { description: 'spend basis needed, a decimal string' }) threshold!: string;
  @Field(() => Int, { nullable: true }) minPurchases?: number;
}

@ObjectType('RuleSetBasis')
export class RuleSetBasisType {
  @Field(() => String, { description: 'lifetime or rollingMonths' }) kind!: string;
  @Field(() => Int, { nullable: true }) months?: number;
}

@ObjectType('Downgrade')
export class DowngradeType {
  @Field(() => Int, { nullable: true }) retentionMonths?: number;
  @Field(() => Boolean, { nullable: true }) atAnniversary?: boolean;
  @Field(() => Boolean, { nullable: true }) stepwise?: boolean;
}

@ObjectType('RuleSetActivation')
export class RuleSetActivationType {
  @Field(() => String) effectiveFrom!: string;
  @Field(() => String) activatedAt!: string;
  @Field(() => String, { nullable: true }) activatedBy!: string | null;
  @Field(() => Float) position!: number;
}

@ObjectType('TierRuleSet')
export class TierRuleSetType {
  @Field(() => String) id!: string;
  @Field(() => String) name!: string;
  @Field(() => [TierRuleType]) tiers!: TierRuleType[];
  @Field(() => RuleSetBasisType) basis!: RuleSetBasisType;
  @Field(() => Boolean, { nullable: true }) refundsCount?: boolean;
  @Field(() => DowngradeType, { nullable: true }) downgrade?: DowngradeType;
  @Field(() => String, { description: 'draft, scheduled, in-force or superseded' }) status!: string;
  @Field(() => String, { nullable: true }) publishedAt!: string | null;
  @Field(() => String, { nullable: true }) publishedBy!: string | null;
  @Field(() => [RuleSetActivationType]) activations!: RuleSetActivationType[];
}

@ObjectType('ScheduledRuleSet')
export class ScheduledRuleSetType {
  @Field(() => String) ruleSetId!: string;
  @Field(() => String, { nullable: true, description: 'null: from the beginning' }) effectiveFrom!: string | null;
  @Field(() => String, { nullable: true }) activatedAt!: string | null;
  @Field(() => Float, { nullable: true }) position!: number | null;
}

@ObjectType('TierRuleSets')
export class TierRuleSetsType {
  @Field(() => Int, { description: 'the rule sets stream version: pass it as expectedVersion' }) version!: number;
  @Field(() => String, { description: 'the rule set in force today' }) inForce!: string;
  @Field(() => [ScheduledRuleSetType]) schedule!: ScheduledRuleSetType[];
  @Field(() => [TierRuleSetType]) items!: TierRuleSetType[];
}

@ObjectType('MigrationCell', { description: 'customers moving from one tier to another (NONE for prospects)' })
export class MigrationCellType {
  @Field(() => String) from!: string;
  @Field(() => String) to!: string;
  @Field(() => Int) customers!: number;
}

@ObjectType('TierMover')
export class TierMoverType {
  @Field(() => String) customerId!: string;
  @Field(() => String, { nullable: true }) customerRef!: string | null;
  @Field(() => String) from!: string;
  @Field(() => String) to!: string;
  @Field(() => String, { description: 'up, down or across' }) direction!: string;
  @Field(() => String, { description: 'the basis under the candidate' }) basis!: string;
  @Field(() => String, { description: 'the basis under the rule sets in force' }) basisBefore!: string;
}

@ObjectType('TierSimulation')
export class TierSimulationType {
  @Field(() => String) ruleSetId!: string;
  @Field(() => String) comparedWith!: string;
  @Field(() => String, { nullable: true }) effectiveFrom!: string | null;
  @Field(() => String) asOf!: string;
  @Field(() => Int) customers!: number;
  @Field(() => Int) unchanged!: number;
  @Field(() => Int) upgraded!: number;
  @Field(() => Int) downgraded!: number;
  @Field(() => Int, { description: 'moved between codes no one ladder holds both of' }) across!: number;
  @Field(() => [MigrationCellType], { description: 'the migration matrix, a cell per (from, to) with customers' }) matrix!: MigrationCellType[];
  @Field(() => [TierMoverType]) movers!: TierMoverType[];
  @Field(() => Int) moversTotal!: number;
  @Field(() => Boolean) moversTruncated!: boolean;
}
