// Request bodies of the segment API. A definition nests groups, so its parts
// pass through here untouched and are parsed in one place (parseDefinition),
// which names the path of a bad part.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsIn, IsInt, IsObject, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { IsCalendarDate, Omittable, ReadQuery } from '@crm/shared/http';
import { SEGMENT_ID } from './segments.service';

const CONDITION_EXAMPLE = [
  { field: 'lifecycle', op: 'in', value: ['SILENT', 'SLEEPING'] },
  { field: 'region.province', op: '=', value: '广东' },
  { field: 'boughtCategory', op: 'has', value: '连衣裙', days: 365 },
];

export class SegmentBodyDto {
  @ApiPropertyOptional({ example: 'south-dress-lovers', description: 'lower case letters, digits . _ -; default a new UUID (POST only)' }) @Allow() id?: unknown;
  @ApiProperty({ example: '南方连衣裙爱好者' }) @Allow() name?: unknown;
  @ApiPropertyOptional({ enum: ['all', 'any'], description: 'default all' }) @Allow() match?: unknown;
  @ApiPropertyOptional({ example: CONDITION_EXAMPLE, description: '{ field, op, value } (boughtCategory: days; categorySpendShare: category); see docs/segments.md' })
  @Allow()
  conditions?: unknown;
  @ApiPropertyOptional({ description: 'nested definitions { match, conditions, groups }, at most 5 deep' }) @Allow() groups?: unknown;
  @ApiPropertyOptional({ example: 3, description: 'lifecycle window in months (default 3)' }) @Allow() windowMonths?: unknown;
  @ApiPropertyOptional({ description: 'show it as a tag on its members (default false)' }) @Allow() asTag?: unknown;
}

export class PreviewSegmentDto {
  @ApiProperty({ type: SegmentBodyDto, description: 'a definition as POST /segments takes it: nothing is written' }) @IsObject() definition!: Record<string, unknown>;
  @ApiPropertyOptional({ example: 'south-dress-lovers', description: 'a published segment to compare with: who would enter and who would leave' })
  @Omittable()
  @Matches(SEGMENT_ID, { message: 'compareTo must be a segment id' })
  compareTo?: string;
  @ApiPropertyOptional({ example: '2026-11-30', description: 'the date the standings are judged on; default today' }) @Omittable() @IsCalendarDate() asOf?: string;
  @ApiPropertyOptional({ example: 50, description: 'members (and entering, leaving) listed, 0-1000; default 50' }) @Omittable() @IsInt() @Min(0) @Max(1000) limit?: number;
}

export class ListSegmentsQuery extends ReadQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'list retired segments too' }) @Omittable() @IsIn(['true', 'false']) includeRetired?: string;
}

export class MembersQuery extends ReadQuery {
  @ApiPropertyOptional({ example: '2026-11-30', description: 'default today' }) @Omittable() @IsCalendarDate() asOf?: string;
  @ApiPropertyOptional({ description: 'the nextCursor of the page before' }) @Omittable() @IsString() @MaxLength(200) cursor?: string;
  @ApiPropertyOptional({ example: 100, description: '1-1000, default 100' }) @Omittable() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class HistoryQuery extends ReadQuery {
  @ApiPropertyOptional({ example: '2026-11-01', description: 'default a month before to' }) @Omittable() @IsCalendarDate() from?: string;
  @ApiPropertyOptional({ example: '2026-11-30', description: 'default today' }) @Omittable() @IsCalendarDate() to?: string;
  @ApiPropertyOptional() @Omittable() @IsString() @MaxLength(300) cursor?: string;
  @ApiPropertyOptional({ example: 100 }) @Omittable() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class SizesQuery extends ReadQuery {
  @ApiPropertyOptional({ example: '2026-09-01', description: 'default three months before to' }) @Omittable() @IsCalendarDate() from?: string;
  @ApiPropertyOptional({ example: '2026-11-30', description: 'default today' }) @Omittable() @IsCalendarDate() to?: string;
  @ApiPropertyOptional({ enum: ['day', 'week', 'month'], description: 'default day; at most 1000 points' }) @Omittable() @IsIn(['day', 'week', 'month']) every?:
    'day' | 'week' | 'month';
}

export class CustomerSegmentsQuery extends ReadQuery {
  @ApiPropertyOptional({ example: '2026-11-30', description: 'default today' }) @Omittable() @IsCalendarDate() asOf?: string;
}
