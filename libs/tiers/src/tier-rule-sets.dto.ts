// Request bodies of the tier rule set API.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsDefined, IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, ValidateNested, IsObject } from 'class-validator';
import { IsCalendarDate, IsCleanText, IsDecimalAmount, Omittable } from '@crm/shared/http';

export const RULE_SET_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export class TierRuleDto {
  @ApiProperty({ example: 'VIP' }) @IsString() @Matches(/^[A-Z][A-Z0-9_]{0,31}$/, { message: 'code must be upper case letters, digits and _ (e.g. VIP)' }) code!: string;
  @ApiProperty({ example: '3000.00', description: 'spend basis needed, decimal string in the shop currency; the first tier is 0' }) @IsDecimalAmount() threshold!: string;
  @ApiPropertyOptional({ example: 2, description: 'purchases needed as well' }) @Omittable() @IsInt() @Min(0) @Max(100_000) minPurchases?: number;
}

export class BasisDto {
  @ApiProperty({ enum: ['lifetime', 'rollingMonths'] }) @IsIn(['lifetime', 'rollingMonths']) kind!: 'lifetime' | 'rollingMonths';
  @ApiPropertyOptional({ example: 12, description: 'window of a rollingMonths basis' }) @Omittable() @IsInt() @Min(1) @Max(120) months?: number;
}

export class DowngradeDto {
  @ApiPropertyOptional({ example: 3, description: 'months the basis must stay below a tier before the downgrade takes effect (0: at once)' })
  @Omittable()
  @IsInt()
  @Min(0)
  @Max(60)
  retentionMonths?: number;
  @ApiPropertyOptional({ description: 'keep a tier until the anniversary of reaching it; re-evaluate on each anniversary' }) @Omittable() @IsBoolean() atAnniversary?: boolean;
  @ApiPropertyOptional({ description: 'one tier down per retention period or anniversary' }) @Omittable() @IsBoolean() stepwise?: boolean;
}

export class PublishTierRuleSetDto {
  @ApiProperty({ example: 'rolling-12m-2027', description: 'lower case letters, digits . _ -; published once, never changed' })
  @IsString()
  @Matches(RULE_SET_ID, { message: 'id must be 1-64 lower case letters, digits, . _ - (e.g. rolling-12m-2027)' })
  id!: string;
  @ApiProperty({ example: 'Rolling 12 months, VIP keeps tier 3 months' }) @IsString() @IsCleanText() @MaxLength(200) name!: string;
  @ApiProperty({ type: [TierRuleDto] }) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => TierRuleDto) tiers!: TierRuleDto[];
  @ApiPropertyOptional({ type: BasisDto, description: 'default lifetime' }) @Omittable() @IsObject() @ValidateNested() @Type(() => BasisDto) basis?: BasisDto;
  @ApiPropertyOptional({ description: 'whether refunds lower the basis (default true)' }) @Omittable() @IsBoolean() refundsCount?: boolean;
  @ApiPropertyOptional({ type: DowngradeDto }) @Omittable() @IsObject() @ValidateNested() @Type(() => DowngradeDto) downgrade?: DowngradeDto;
}

export class ActivateTierRuleSetDto {
  @ApiPropertyOptional({ example: '2027-01-01', description: 'first calendar date it is in force (shop time zone); default today' })
  @Omittable()
  @IsCalendarDate()
  effectiveFrom?: string;
}

export class SimulateTierRuleSetDto {
  @ApiPropertyOptional({ example: '2026-11-23', description: 'the date whose tiers are compared; default today' }) @Omittable() @IsCalendarDate() asOf?: string;
  @ApiPropertyOptional({
    example: '2026-07-01',
    description: 'simulate activating it on this date after the rule sets in force; default: as if it had been in force from the beginning',
  })
  @Omittable()
  @IsCalendarDate()
  effectiveFrom?: string;
  @ApiPropertyOptional({ example: 100, description: 'movers listed (0-10000, default 100); the counts cover everyone' })
  @Omittable()
  @IsInt()
  @Min(0)
  @Max(10_000)
  moversLimit?: number;
}

export class SimulateDraftDto extends SimulateTierRuleSetDto {
  @ApiProperty({ type: PublishTierRuleSetDto, description: 'a rule set as POST /tier-rule-sets takes it, not published: nothing is written' })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => PublishTierRuleSetDto)
  ruleSet!: PublishTierRuleSetDto;
}
