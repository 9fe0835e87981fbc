// Request bodies of the customer API. Unknown properties are refused, types
// are strict (no coercion), text is bounded and free of control characters.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, ValidateNested, IsObject } from 'class-validator';
import { IsCalendarDate, IsCleanText, IsCurrencyCode, IsDecimalAmount, IsInstant, IsKey, IsUnitPrice, Omittable } from '@crm/shared/http';
import { CONTACT_CHANNELS, GENDERS } from './customer';

export class RegionDto {
  @ApiPropertyOptional({ example: '浙江' }) @Omittable() @IsString() @IsCleanText() @MaxLength(50) province?: string;
  @ApiPropertyOptional({ example: '杭州' }) @Omittable() @IsString() @IsCleanText() @MaxLength(50) city?: string;
}

export class ProfileDto {
  @ApiPropertyOptional({ example: '林小姐' }) @Omittable() @IsString() @IsCleanText() @MaxLength(100) name?: string;
  @ApiPropertyOptional({ enum: GENDERS }) @Omittable() @IsIn(GENDERS) gender?: (typeof GENDERS)[number];
  @ApiPropertyOptional({ example: '1990-04-12' }) @Omittable() @IsCalendarDate() birthDate?: string;
  @ApiPropertyOptional({ example: '+8613800000000' })
  @Omittable()
  @IsString()
  @Matches(/^\+?[0-9 ()-]{5,20}$/, { message: 'phone must be 5-20 digits, spaces, ( ) - with an optional leading +' })
  phone?: string;
  @ApiPropertyOptional({ example: 'lin@example.com' }) @Omittable() @IsEmail() @MaxLength(254) email?: string;
  @ApiPropertyOptional({ type: RegionDto }) @Omittable() @IsObject() @ValidateNested() @Type(() => RegionDto) region?: RegionDto;
  @ApiPropertyOptional() @Omittable() @IsString() @IsCleanText() @MaxLength(300) shippingAddress?: string;
  @ApiPropertyOptional({ description: 'platform nickname' }) @Omittable() @IsString() @IsCleanText() @MaxLength(100) nickname?: string;
  @ApiPropertyOptional() @Omittable() @IsString() @IsCleanText() @MaxLength(30) creditLevel?: string;
  @ApiPropertyOptional({ description: 'acquisition channel', example: 'tmall' }) @Omittable() @IsString() @IsKey() channel?: string;
}

export class RegisterCustomerDto extends ProfileDto {
  @ApiPropertyOptional({ description: "the shop's own id for the customer; unique", example: 'C-10086' })
  @Omittable()
  @IsString()
  @IsKey()
  customerRef?: string;
  @ApiPropertyOptional({ description: 'when the customer really joined (history import); default now' })
  @Omittable()
  @IsInstant()
  occurredAt?: string;
}

export class UpdateProfileDto extends ProfileDto {}

export class PurchaseItemDto {
  @ApiProperty({ example: 'DRESS-001', description: 'any text up to 128 characters' }) @IsString() @IsCleanText() @MaxLength(128) sku!: string;
  @ApiPropertyOptional({ example: 'T-LIGHT & CANDLE', description: 'any text up to 128 characters (punctuation welcome)' })
  @Omittable()
  @IsString()
  @IsCleanText()
  @MaxLength(128)
  category?: string;
  @ApiProperty({ example: 1 }) @IsInt() @Min(1) @Max(100_000) quantity!: number;
  @ApiProperty({ example: '0.001', description: 'decimal string in the purchase currency, up to its minor digits + 4 (wholesale prices below a cent)' })
  @IsUnitPrice()
  unitPrice!: string;
}

export class RecordPurchaseDto {
  @ApiProperty({ example: 'TB-20240531-0001', description: 'external order id, unique per shop' }) @IsString() @IsKey() orderId!: string;
  @ApiProperty({ example: '2024-05-31T10:00:00+08:00' }) @IsInstant() occurredAt!: string;
  @ApiProperty({ example: '398.00', description: 'decimal string; 0.00 is a purchase too' }) @IsDecimalAmount() amount!: string;
  @ApiProperty({ example: 'CNY' }) @IsCurrencyCode() currency!: string;
  @ApiPropertyOptional({ example: '398.00', description: 'the amount in the shop currency; required when currency differs' })
  @Omittable()
  @IsDecimalAmount()
  baseAmount?: string;
  @ApiPropertyOptional({ example: 'tmall' }) @Omittable() @IsString() @IsKey() channel?: string;
  @ApiPropertyOptional({ type: [PurchaseItemDto] })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => PurchaseItemDto)
  items?: PurchaseItemDto[];
}

export class RecordRefundDto {
  @ApiProperty({ example: 'RF-1' }) @IsString() @IsKey() refundId!: string;
  @ApiPropertyOptional({ example: 'TB-20240531-0001', description: 'the order refunded; the refund is capped by what is left of it' })
  @Omittable()
  @IsString()
  @IsKey()
  orderId?: string;
  @ApiProperty({ example: '2024-06-02T09:00:00+08:00' }) @IsInstant() occurredAt!: string;
  @ApiProperty({ example: '199.00' }) @IsDecimalAmount() amount!: string;
  @ApiProperty({ example: 'CNY' }) @IsCurrencyCode() currency!: string;
  @ApiPropertyOptional() @Omittable() @IsDecimalAmount() baseAmount?: string;
  @ApiPropertyOptional({ example: 'size too small' }) @Omittable() @IsString() @IsCleanText() @MaxLength(500) reason?: string;
}

export class TagDto {
  @ApiProperty({ example: 'south' }) @IsString() @IsKey() tag!: string;
}

export class ConsentDto {
  @ApiPropertyOptional() @Omittable() @IsBoolean() sms?: boolean;
  @ApiPropertyOptional() @Omittable() @IsBoolean() email?: boolean;
  @ApiPropertyOptional() @Omittable() @IsBoolean() phone?: boolean;
  @ApiPropertyOptional() @Omittable() @IsBoolean() wechat?: boolean;
}

export class LogContactDto {
  @ApiProperty({ enum: ['care', 'marketing'] }) @IsIn(['care', 'marketing']) kind!: 'care' | 'marketing';
  @ApiProperty({ enum: CONTACT_CHANNELS }) @IsIn(CONTACT_CHANNELS) channel!: (typeof CONTACT_CHANNELS)[number];
  @ApiProperty({ example: '2024-06-01T10:00:00+08:00' }) @IsInstant() occurredAt!: string;
  @ApiPropertyOptional({ example: 'thank-you call after delivery' }) @Omittable() @IsString() @IsCleanText() @MaxLength(1000) note?: string;
  @ApiPropertyOptional({ description: 'part of a big yearly promotion: the only marketing a LOST customer may get' }) @Omittable() @IsBoolean() yearlyPromotion?: boolean;
}
