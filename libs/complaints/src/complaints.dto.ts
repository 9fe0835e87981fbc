// Request bodies of the complaint API.
import { Field, InputType, Int } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { IsCleanText, IsCurrencyCode, IsDecimalAmount, IsKey, Omittable } from '@crm/shared/http';
import { PRIORITIES, Priority } from './complaint';

@InputType('OpenComplaintInput')
export class OpenComplaintDto {
  @Field(() => String)
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  customerId!: string;
  @Field(() => String)
  @ApiProperty({ example: 'parcel arrived damaged' })
  @IsString()
  @IsCleanText()
  @MaxLength(200)
  subject!: string;
  @Field(() => String, { nullable: true })
  @ApiPropertyOptional()
  @Omittable()
  @IsString()
  @IsCleanText()
  @MaxLength(5000)
  description?: string;
  @Field(() => String)
  @ApiProperty({ example: 'wechat' })
  @IsString()
  @IsKey()
  channel!: string;
  @Field(() => String)
  @ApiProperty({ enum: PRIORITIES })
  @IsIn(PRIORITIES)
  priority!: Priority;
  @Field(() => String)
  @ApiProperty({ example: 'agent.wang', description: 'the responsible agent' })
  @IsString()
  @IsKey()
  agent!: string;
}

@InputType('AssignComplaintInput')
export class AssignComplaintDto {
  @Field(() => String)
  @ApiProperty({ example: 'agent.li' })
  @IsString()
  @IsKey()
  agent!: string;
}

@InputType('EscalateComplaintInput')
export class EscalateComplaintDto {
  @Field(() => String)
  @ApiProperty({ enum: PRIORITIES, description: 'must be above the current priority' })
  @IsIn(PRIORITIES)
  priority!: Priority;
}

@InputType('RespondComplaintInput')
export class RespondComplaintDto {
  @Field(() => String)
  @ApiProperty({ example: 'We are sending a replacement today.' })
  @IsString()
  @IsCleanText()
  @MaxLength(5000)
  message!: string;
}

@InputType('ResolveComplaintInput')
export class ResolveComplaintDto {
  @Field(() => String)
  @ApiProperty({ example: 'replacement delivered' })
  @IsString()
  @IsCleanText()
  @MaxLength(2000)
  resolution!: string;
  @Field(() => String, { nullable: true })
  @ApiPropertyOptional({ example: '20.00', description: 'compensation in the shop currency' })
  @Omittable()
  @IsDecimalAmount()
  compensation?: string;
  @Field(() => String, { nullable: true })
  @ApiPropertyOptional({ example: 'CNY' })
  @Omittable()
  @IsCurrencyCode()
  currency?: string;
}

@InputType('ReopenComplaintInput')
export class ReopenComplaintDto {
  @Field(() => String, { nullable: true })
  @ApiPropertyOptional()
  @Omittable()
  @IsString()
  @IsCleanText()
  @MaxLength(2000)
  reason?: string;
}

@InputType('RateComplaintInput')
export class RateComplaintDto {
  @Field(() => Int)
  @ApiProperty({ example: 5, description: "the customer's satisfaction with the handling, 1-5" })
  @IsInt()
  @Min(1)
  @Max(5)
  satisfaction!: number;
  @Field(() => String, { nullable: true })
  @ApiPropertyOptional({ example: 'fast and friendly' })
  @Omittable()
  @IsString()
  @IsCleanText()
  @MaxLength(2000)
  comment?: string;
}
