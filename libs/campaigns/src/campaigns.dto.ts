// Request bodies and queries of the campaign API.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Field, InputType, Int } from '@nestjs/graphql';
import { IsBoolean, IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { Type } from 'class-transformer';
import { IsCalendarDate, IsCleanText, IsInstant, Omittable, ReadQuery } from '@crm/shared/http';
import { CAMPAIGN_CHANNELS, CampaignChannel } from './campaign';
import { CAMPAIGN_ID } from './campaigns.service';

@InputType('DraftCampaignInput')
export class CreateCampaignDto {
  @Field(() => String, { nullable: true })
  @ApiPropertyOptional({ example: 'double-12-wake-up', description: 'lower case letters, digits . _ -; default a new UUID' })
  @Omittable()
  @Matches(CAMPAIGN_ID, { message: 'id must be 1-64 lower case letters, digits, . _ -' })
  id?: string;
  @Field(() => String)
  @ApiProperty({ example: '双十二唤醒' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @IsCleanText()
  name!: string;
  @Field(() => String)
  @ApiProperty({ example: 'sleeping-vips' })
  @Matches(CAMPAIGN_ID, { message: 'segmentId must be a segment id' })
  segmentId!: string;
  @Field(() => String)
  @ApiProperty({ enum: CAMPAIGN_CHANNELS })
  @IsIn(CAMPAIGN_CHANNELS)
  channel!: CampaignChannel;
  @Field(() => String)
  @ApiProperty({ example: '满300减50券', description: 'what the message offers (free text, shown to the sender)' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  @IsCleanText()
  offer!: string;
  @Field(() => String)
  @ApiProperty({ example: '2026-12-12T10:00:00+08:00', description: 'when it is sent: the contacts are dated so; the audience is the segment on its shop date' })
  @IsInstant()
  sendAt!: string;
  @Field(() => Int, { nullable: true })
  @ApiPropertyOptional({ example: 14, description: 'days after the send a purchase counts as a response; 1-365, default 14' })
  @Omittable()
  @IsInt()
  @Min(1)
  @Max(365)
  responseWindowDays?: number;
  @Field(() => Int, { nullable: true })
  @ApiPropertyOptional({ example: 10, description: 'share of the eligible audience held out (not contacted) to measure lift; 0-50, default 10' })
  @Omittable()
  @IsInt()
  @Min(0)
  @Max(50)
  holdoutPercent?: number;
  @Field(() => Boolean, { nullable: true })
  @ApiPropertyOptional({ description: 'a big yearly promotion: LOST customers may be contacted (default false)' })
  @Omittable()
  @IsBoolean()
  yearlyPromotion?: boolean;
}

export class BacktestDto {
  @ApiPropertyOptional({ example: '2026-06-18T10:00:00+08:00', description: 'a send in the past to test; default the campaign sendAt' }) @Omittable() @IsInstant() sendAt?: string;
}

export class ListCampaignsQuery extends ReadQuery {
  @ApiPropertyOptional({ enum: ['draft', 'cancelled', 'launching', 'launched'] }) @Omittable() @IsIn(['draft', 'cancelled', 'launching', 'launched']) status?: string;
  @ApiPropertyOptional() @Omittable() @IsString() @MaxLength(300) cursor?: string;
  @ApiPropertyOptional({ example: 100, description: '1-1000, default 100' }) @Omittable() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class ResultsQuery extends ReadQuery {
  @ApiPropertyOptional({ example: '2026-12-31', description: 'responses recorded by this date count; default today' }) @Omittable() @IsCalendarDate() asOf?: string;
}

export class RecipientsQuery extends ReadQuery {
  @ApiPropertyOptional({ enum: ['json', 'csv'], description: 'csv: every recipient as CSV (as Accept: text/csv)' }) @Omittable() @IsIn(['json', 'csv']) format?: 'json' | 'csv';
  @ApiPropertyOptional({ enum: ['contacted', 'held_out'], description: 'default contacted' }) @Omittable() @IsIn(['contacted', 'held_out']) outcome?: 'contacted' | 'held_out';
  @ApiPropertyOptional() @Omittable() @IsString() @MaxLength(200) cursor?: string;
  @ApiPropertyOptional({ example: 1000, description: '1-5000, default 100' }) @Omittable() @Type(() => Number) @IsInt() @Min(1) @Max(5000) limit?: number;
}
