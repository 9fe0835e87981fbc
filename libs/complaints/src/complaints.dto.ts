// Request bodies of the complaint API.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { IsCleanText, IsCurrencyCode, IsDecimalAmount, IsKey, Omittable } from '@crm/shared/http';
import { PRIORITIES, Priority } from './complaint';

export class OpenComplaintDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() customerId!: string;
  @ApiProperty({ example: 'parcel arrived damaged' }) @IsString() @IsCleanText() @MaxLength(200) subject!: string;
  @ApiPropertyOptional() @Omittable() @IsString() @IsCleanText() @MaxLength(5000) description?: string;
  @ApiProperty({ example: 'wechat' }) @IsString() @IsKey() channel!: string;
  @ApiProperty({ enum: PRIORITIES }) @IsIn(PRIORITIES) priority!: Priority;
  @ApiProperty({ example: 'agent.wang', description: 'the responsible agent' }) @IsString() @IsKey() agent!: string;
}

export class AssignComplaintDto {
  @ApiProperty({ example: 'agent.li' }) @IsString() @IsKey() agent!: string;
}

export class EscalateComplaintDto {
  @ApiProperty({ enum: PRIORITIES, description: 'must be above the current priority' }) @IsIn(PRIORITIES) priority!: Priority;
}

export class RespondComplaintDto {
  @ApiProperty({ example: 'We are sending a replacement today.' }) @IsString() @IsCleanText() @MaxLength(5000) message!: string;
}

export class ResolveComplaintDto {
  @ApiProperty({ example: 'replacement delivered' }) @IsString() @IsCleanText() @MaxLength(2000) resolution!: string;
  @ApiPropertyOptional({ example: '20.00', description: 'compensation in the shop currency' }) @Omittable() @IsDecimalAmount() compensation?: string;
  @ApiPropertyOptional({ example: 'CNY' }) @Omittable() @IsCurrencyCode() currency?: string;
}

export class ReopenComplaintDto {
  @ApiPropertyOptional() @Omittable() @IsString() @IsCleanText() @MaxLength(2000) reason?: string;
}

export class RateComplaintDto {
  @ApiProperty({ example: 5, description: "the customer's satisfaction with the handling, 1-5" }) @IsInt() @Min(1) @Max(5) satisfaction!: number;
  @ApiPropertyOptional({ example: 'fast and friendly' }) @Omittable() @IsString() @IsCleanText() @MaxLength(2000) comment?: string;
}
