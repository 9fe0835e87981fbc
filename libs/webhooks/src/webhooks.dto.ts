// Request bodies and queries of the webhook API.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { IsCleanText, Omittable } from '@crm/shared/http';
import { WEBHOOK_EVENT_TYPES } from './webhook-events';

export class RegisterWebhookDto {
  @ApiProperty({ example: 'https://shop.example/hooks/crm', description: 'http or https; receives a POST per event' })
  @IsString()
  @MaxLength(2048)
  url!: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true, example: ['PurchaseRecorded', 'TierChanged'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true, message: `each event type must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}` })
  eventTypes!: string[];
  @ApiPropertyOptional({ description: 'whsec_ + base64 of 24 to 64 bytes; absent: one is generated and shown once in the answer' })
  @Omittable()
  @IsString()
  @MaxLength(100)
  secret?: string;
  @ApiPropertyOptional({ description: 'also deliver events written by history imports (crm import, POST /imports); default false' })
  @Omittable()
  @IsBoolean()
  includeImports?: boolean;
  @ApiPropertyOptional({ example: 'loyalty app' })
  @Omittable()
  @IsString()
  @IsCleanText()
  @MaxLength(200)
  description?: string;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'dead'] as const;

export class DeliveriesQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @Omittable()
  @IsIn(DELIVERY_STATUSES)
  status?: (typeof DELIVERY_STATUSES)[number];
  @ApiPropertyOptional({ description: '1 to 200, default 50' })
  @Omittable()
  @Matches(/^(?:[1-9]\d?|1\d\d|200)$/, { message: 'limit must be a whole number from 1 to 200' })
  limit?: string;
  @ApiPropertyOptional({ description: 'the nextCursor of the previous page' })
  @Omittable()
  @Matches(/^\d{1,18}$/, { message: 'cursor is not one this API gave out' })
  cursor?: string;
}
