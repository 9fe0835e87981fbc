// Request bodies of the customer API. Unknown properties are refused, types
// are strict (no coercion), text is bounded and free of control characters.
import { Field, InputType, Int } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, ValidateNested, IsObject } from 'class-validator';
import { IsCalendarDate, IsCleanText, IsCurrencyCode, IsDecimalAmount, IsInstant, IsKey, IsUnitPrice, Omittable } from '@crm/shared/http';
import { CONTACT_CHANNELS, GENDERS } from './customer';

@InputType('RegionInput')
export class RegionDto {
  @Field(() => String, { nullable: true })
  @ApiPropertyOptional({ example: '浙江' })
  @Omittable()
  @IsString()
  @IsCleanText()
  @MaxLength(50)
  province?: string;
  @Field(() => String, { nullable: true })
  @ApiPropertyOptional({ example: '杭州' })
  @Omittable()
  @IsString()
  @IsCleanText()
  @MaxLength(50)
  city?: string;
}

@InputType('ProfileInput')
export class ProfileDto {
  @Field(() => String, { nullable: true })
  @ApiPropertyOptional({ example: '林小姐' })
  @Omittable()
  @IsString()
  @IsCleanText()
  @MaxLength(100)
  name?: string;
  @Field(() => String, { nullable: true })
  @ApiPropertyOptional({ enum: GENDERS })
  @Omittable()
  @IsIn(GENDERS)
  gender?: (typeof GENDERS)[number];
  @Field(() => String, { nullable: true })
  @ApiPropertyOptional({ example: '1990-04-12' })
  @Omittable()
  @IsCalendarDate()
  birthDate?: string;
  @Field(() => String, { nullable: true })
  @ApiPropertyOptional({ example: '+8613800000000' })
  @Omittable()
  @IsString()
  @Matches(/^\+?[0-9 ()-]{5,20}$/, { message: 'phone must be 5-20 digits, spaces, ( ) - with an optional leading +' })
  phone?: string;
  @Field(() => String, { nullable: true })
  @ApiPropertyOptional({ example: 'lin@example.com' })
  @Omittable()
  @IsEmail()
  @MaxLength(254)
  email?: string;
  @Field(() => RegionDto, { nullable: true })
  @ApiPropertyOptional({ type: RegionDto })
  @Omittable()
  @IsObject()
  @ValidateNested()
  @Type(() => RegionDto)
  region?: RegionDto;
  @Field(() => String, { nullable: true })
  @ApiPropertyOptional()
  @Omittable()
  @IsString()
  @IsCleanText()
  @MaxLength(300)
  shippingAddress?: string;
  @Field(() => String, { nullable: true })
  @ApiPropertyOptional({ description: 'platform nickname' })
  @Omittable()
  @IsString()
  @IsCleanText()
  @MaxLength(100)
  nickname?: string;
  @Field(() => String, { nullable: true })
  @ApiPropertyOptional()
  @Omittable()
  @IsString()
  @IsCleanText()
  @MaxLength(30)
  creditLevel?: string;
  @Field(() => String, { nullable: true })
  @ApiPropertyOptional({ description: 'acquisition channel', example: 'tmall' })
  @Omittable()
  @IsString()
  @IsKey()
  channel?: string;
}

@InputType('RegisterCustomerInput')
export class RegisterCustomerDto extends ProfileDto {
  @Field(() => String, { nullable: true })
  @ApiPropertyOptional({ description: "the shop's own id for the customer; unique", example: 'C-10086' })
  @Omittable()
  @IsString()
  @IsKey()
  customerRef?: string;
  @Field(() => String, { nullable: true })
  @ApiPropertyOptional({ description: 'when the customer really joined (history import); default now' })
  @Omittable()
  @IsInstant()
  occurredAt?: string;
}

@InputType('UpdateProfileInput')
export class UpdateProfileDto extends ProfileDto {}

@InputType('PurchaseItemInput')
export class PurchaseItemDto {
  @Field(() => String)
  @ApiProperty({ example: 'DRESS-001', description: 'any text up to 128 characters' })
  @IsString()
  @IsCleanText()
  @MaxLength(128)
  sku!: string;
  @Field(() => String, { nullable: true })
  @ApiPropertyOptional({ example: 'T-LIGHT & CANDLE', description: 'any text up to 128 characters (punctuation welcome)' })
  @Omittable()
  @IsString()
  @IsCleanText()
  @MaxLength(128)
  category?: string;
  @Field(() => Int)
  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(1)
  @Max(100_000)
  quantity!: number;
  @Field(() => String)
  @ApiProperty({ example: '0.001', description: 'decimal string in the purchase currency, up to its minor digits + 4 (wholesale prices below a cent)' })
  @IsUnitPrice()
  unitPrice!: string;
}

@InputType('RecordPurchaseInput')
export class RecordPurchaseDto {
  @Field(() => String)
  @ApiProperty({ example: 'TB-20240531-0001', description: 'external order id, unique per shop' })
  @IsString()
  @IsKey()
  orderId!: string;
  @Field(() => String)
  @ApiProperty({ example: '2024-05-31T10:00:00+08:00' })
  @IsInstant()
  occurredAt!: string;
  @Field(() => String)
  @ApiProperty({ example: '398.00', description: 'decimal string; 0.00 is a purchase too' })
  @IsDecimalAmount()
  amount!: string;
  @Field(() => String)
  @ApiProperty({ example: 'CNY' })
  @IsCurrencyCode()
  currency!: string;
  @Field(() => String, { nullable: true })
  @ApiPropertyOptional({ example: '398.00', description: 'the amount in the shop currency; required when currency differs' })
  @Omittable()
  @IsDecimalAmount()
  baseAmount?: string;
  @Field(() => String, { nullable: true })
  @ApiPropertyOptional({ example: 'tmall' })
  @Omittable()
  @IsString()
  @IsKey()
  channel?: string;
  @Field(() => [PurchaseItemDto], { nullable: true })
  @ApiPropertyOptional({ type: [PurchaseItemDto] })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => PurchaseItemDto)
  items?: PurchaseItemDto[];
}

@InputType('RecordRefundInput')
export class RecordRefundDto {
  @Field(() => String)
  @ApiProperty({ example: 'RF-1' })
  @IsString()
  @IsKey()
  refundId!: string;
  @Field(() => String, { nullable: true })
  @ApiPropertyOptional({ example: 'TB-20240531-0001', description: 'the order refunded; the refund is capped by what is left of it' })
  @Omittable()
  @IsString()
  @IsKey()
  orderId?: string;
  @Field(() => String)
  @ApiProperty({ example: '2024-06-02T09:00:00+08:00' })
  @IsInstant()
  occurredAt!: string;
  @Field(() => String)
  @ApiProperty({ example: '199.00' })
  @IsDecimalAmount()
  amount!: string;
  @Field(() => String)
  @ApiProperty({ example: 'CNY' })
  @IsCurrencyCode()
  currency!: string;
  @Field(() => String, { nullable: true })
  @ApiPropertyOptional()
  @Omittable()
  @IsDecimalAmount()
  baseAmount?: string;
  @Field(() => String, { nullable: true })
  @ApiPropertyOptional({ example: 'size too small' })
  @Omittable()
  @IsString()
  @IsCleanText()
  @MaxLength(500)
  reason?: string;
}

@InputType('TagInput')
export class TagDto {
  @Field(() => String)
  @ApiProperty({ example: 'south' })
  @IsString()
  @IsKey()
  tag!: string;
}

@InputType('ConsentInput')
export class ConsentDto {
  @Field(() => Boolean, { nullable: true })
  @ApiPropertyOptional()
  @Omittable()
  @IsBoolean()
  sms?: boolean;
  @Field(() => Boolean, { nullable: true })
  @ApiPropertyOptional()
  @Omittable()
  @IsBoolean()
  email?: boolean;
  @Field(() => Boolean, { nullable: true })
  @ApiPropertyOptional()
  @Omittable()
  @IsBoolean()
  phone?: boolean;
  @Field(() => Boolean, { nullable: true })
  @ApiPropertyOptional()
  @Omittable()
  @IsBoolean()
  wechat?: boolean;
}

@InputType('LogContactInput')
export class LogContactDto {
  @Field(() => String)
  @ApiProperty({ enum: ['care', 'marketing'] })
  @IsIn(['care', 'marketing'])
  kind!: 'care' | 'marketing';
  @Field(() => String)
  @ApiProperty({ enum: CONTACT_CHANNELS })
  @IsIn(CONTACT_CHANNELS)
  channel!: (typeof CONTACT_CHANNELS)[number];
  @Field(() => String)
  @ApiProperty({ example: '2024-06-01T10:00:00+08:00' })
  @IsInstant()
  occurredAt!: string;
  @Field(() => String, { nullable: true })
  @ApiPropertyOptional({ example: 'thank-you call after delivery' })
  @Omittable()
  @IsString()
  @IsCleanText()
  @MaxLength(1000)
  note?: string;
  @Field(() => Boolean, { nullable: true })
  @ApiPropertyOptional({ description: 'part of a big yearly promotion: the only marketing a LOST customer may get' })
  @Omittable()
  @IsBoolean()
  yearlyPromotion?: boolean;
}
