// Request bodies of the customer API. Unknown properties are refused, types
// are strict (no coercion), text is bounded and free of control characters.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate, IsCleanText, IsCurrencyCode, IsDecimalAmount, IsInstant, IsKey } from '@crm/shared';
import { CONTACT_CHANNELS, GENDERS } from './customer';

export class RegionDto {
  @ApiPropertyOptional({ example: '浙江' }) @IsOptional() @IsString() @IsCleanText() @MaxLength(50) province?: string;
  @ApiPropertyOptional({ example: '杭州' }) @IsOptional() @IsString() @IsCleanText() @MaxLength(50) city?: string;
}

export class ProfileDto {
  @ApiPropertyOptional({ example: '林小姐' }) @IsOptional() @IsString() @IsCleanText() @MaxLength(100) name?: string;
  @ApiPropertyOptional({ enum: GENDERS }) @IsOptional() @IsIn(GENDERS) gender?: (typeof GENDERS)[number];
  @ApiPropertyOptional({ example: '1990-04-12' }) @IsOptional() @IsCalendarDate() birthDate?: string;
  @ApiPropertyOptional({ example: '+8613800000000' }) @IsOptional() @IsString() @Matches(/^\+?[0-9 ()-]{5,20}$/, { message: 'phone must be 5-20 digits, spaces, ( ) - with an optional leading +' }) phone?: string;
  @ApiPropertyOptional({ example: 'lin@example.com' }) @IsOptional() @IsEmail() @MaxLength(254) email?: string;
  @ApiPropertyOptional({ type: RegionDto }) @IsOptional() @ValidateNested() @Type(() => RegionDto) region?: RegionDto;
  @ApiPropertyOptional() @IsOptional() @IsString() @IsCleanText() @MaxLength(300) shippingAddress?: string;
  @ApiPropertyOptional({ description: 'platform nickname' }) @IsOptional() @IsString() @IsCleanText() @MaxLength(100) nickname?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @IsCleanText() @MaxLength(30) creditLevel?: string;
  @ApiPropertyOptional({ description: 'acquisition channel', example: 'tmall' }) @IsOptional() @IsString() @IsKey() channel?: string;
}

export class RegisterCustomerDto extends ProfileDto {
  @ApiPropertyOptional({ description: 'the shop\'s own id for the customer; unique', example: 'C-10086' })
  @IsOptional() @IsString() @IsKey() customerRef?: string;
  @ApiPropertyOptional({ description: 'when the customer really joined (history import); default now' })
  @IsOptional() @IsInstant() occurredAt?: string;
}

export class UpdateProfileDto extends ProfileDto {}

export class PurchaseItemDto {
  @ApiProperty({ example: 'DRESS-001' }) @IsString() @IsKey() sku!: string;
  @ApiPropertyOptional({ example: 'dresses' }) @IsOptional() @IsString() @IsKey() category?: string;
  @ApiProperty({ example: 1 }) @IsInt() @Min(1) @Max(100_000) quantity!: number;
  @ApiProperty({ example: '199.00', description: 'decimal string in the purchase currency' }) @IsDecimalAmount() unitPrice!: string;
}

export class RecordPurchaseDto {
  @ApiProperty({ example: 'TB-20240531-0001', description: 'external order id, unique per shop' }) @IsString() @IsKey() orderId!: string;
  @ApiProperty({ example: '2024-05-31T10:00:00+08:00' }) @IsInstant() occurredAt!: string;
  @ApiProperty({ example: '398.00', description: 'decimal string; 0.00 is a purchase too' }) @IsDecimalAmount() amount!: string;
  @ApiProperty({ example: 'CNY' }) @IsCurrencyCode() currency!: string;
  @ApiPropertyOptional({ example: '398.00', description: 'the amount in the shop currency; required when currency differs' })
  @IsOptional() @IsDecimalAmount() baseAmount?: string;
  @ApiPropertyOptional({ example: 'tmall' }) @IsOptional() @IsString() @IsKey() channel?: string;
  @ApiPropertyOptional({ type: [PurchaseItemDto] }) @IsOptional() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => PurchaseItemDto) items?: PurchaseItemDto[];
}

export class RecordRefundDto {
  @ApiProperty({ example: 'RF-1' }) @IsString() @IsKey() refundId!: string;
  @ApiPropertyOptional({ example: 'TB-20240531-0001', description: 'the order refunded; the refund is capped by what is left of it' })
  @IsOptional() @IsString() @IsKey() orderId?: string;
  @ApiProperty({ example: '2024-06-02T09:00:00+08:00' }) @IsInstant() occurredAt!: string;
  @ApiProperty({ example: '199.00' }) @IsDecimalAmount() amount!: string;
  @ApiProperty({ example: 'CNY' }) @IsCurrencyCode() currency!: string;
  @ApiPropertyOptional() @IsOptional() @IsDecimalAmount() baseAmount?: string;
  @ApiPropertyOptional({ example: 'size too small' }) @IsOptional() @IsString() @IsCleanText() @MaxLength(500) reason?: string;
}

export class TagDto {
  @ApiProperty({ example: 'south' }) @IsString() @IsKey() tag!: string;
}

export class ConsentDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() sms?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() email?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() phone?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() wechat?: boolean;
}

export class LogContactDto {
  @ApiProperty({ enum: ['care', 'marketing'] }) @IsIn(['care', 'marketing']) kind!: 'care' | 'marketing';
  @ApiProperty({ enum: CONTACT_CHANNELS }) @IsIn(CONTACT_CHANNELS) channel!: (typeof CONTACT_CHANNELS)[number];
  @ApiProperty({ example: '2024-06-01T10:00:00+08:00' }) @IsInstant() occurredAt!: string;
  @ApiPropertyOptional({ example: 'thank-you call after delivery' }) @IsOptional() @IsString() @IsCleanText() @MaxLength(1000) note?: string;
}
