// Whole-base figures as of a date over REST: RFM segments, stickiness metrics, care due.
import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { WaitForProjections } from '@crm/projections';
import { RequestContext } from '@crm/shared';
import { ApiRead, Ctx, IsCalendarDate, ReadQuery } from '@crm/shared/http';
import { AnalyticsService, RFM_SEGMENTS } from './analytics.service';

class SegmentsQuery extends ReadQuery {
  @IsOptional() @IsCalendarDate() asOf?: string;
  @IsOptional() @IsIn(RFM_SEGMENTS) segment?: string;
  @IsOptional() @Matches(/^([1-9]\d{0,2}|1000)$/, { message: 'limit must be 1-1000' }) limit?: string;
}

class CareDueQuery extends ReadQuery {
  @IsOptional() @IsCalendarDate() asOf?: string;
  @IsOptional() @Matches(/^([1-9]\d{0,2}|1000)$/, { message: 'limit must be 1-1000' }) limit?: string;
}

class DayQuery extends ReadQuery {
  @IsOptional() @IsCalendarDate() asOf?: string;
}

const DAYS = /^([1-9]\d?|[1-2]\d\d|3[0-5]\d|36[0-5])$/;

class StickinessQuery extends ReadQuery {
  @IsOptional() @IsCalendarDate() asOf?: string;
  @IsOptional() @IsIn(['1', '3', '6', '12']) window?: string;
  @IsOptional() @Matches(DAYS, { message: 'retentionDays must be 1-365' }) retentionDays?: string;
  @IsOptional() @Matches(DAYS, { message: 'responseDays must be 1-365' }) responseDays?: string;
}

const optionalNumber = (value: string | undefined) => (value !== undefined ? Number(value) : undefined);

@ApiTags('analytics')
@Controller()
export class AnalyticsController {
  constructor(
    private readonly analytics: AnalyticsService,
    private readonly projections: WaitForProjections,
  ) {}

  @Get('segments/rfm')
  @ApiRead()
  @ApiQuery({ name: 'asOf', required: false })
  @ApiQuery({ name: 'segment', required: false, enum: RFM_SEGMENTS, description: 'list the members of one segment (first `limit`, by net spend)' })
  @ApiQuery({ name: 'limit', required: false })
  async segments(@Query() query: SegmentsQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(query.waitFor, res);
    return this.analytics.segments(ctx, query.asOf, query.segment, optionalNumber(query.limit));
  }

  @Get('care/due')
  @ApiRead()
  @ApiQuery({ name: 'asOf', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1-1000, default 100' })
  async careDue(@Query() query: CareDueQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(query.waitFor, res);
    return this.analytics.careDue(ctx, query.asOf, optionalNumber(query.limit));
  }

  @Get('metrics/day')
  @ApiRead()
  @ApiQuery({ name: 'asOf', required: false, description: 'the day (default today in the shop)' })
  async day(@Query() query: DayQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(query.waitFor, res);
    return this.analytics.day(ctx, query.asOf);
  }

  @Get('metrics/stickiness')
  @ApiRead()
  @ApiQuery({ name: 'asOf', required: false })
  @ApiQuery({ name: 'window', required: false, description: 'period in months back from asOf: 1, 3 (default), 6, 12' })
  @ApiQuery({ name: 'retentionDays', required: false, description: 'N of "bought again within N days" (default 30)' })
  @ApiQuery({ name: 'responseDays', required: false, description: 'days after a marketing contact that count as a response (default 30)' })
  async stickiness(@Query() query: StickinessQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(query.waitFor, res);
    return this.analytics.stickiness(ctx, {
      asOf: query.asOf,
      windowMonths: optionalNumber(query.window),
      retentionDays: optionalNumber(query.retentionDays),
      responseDays: optionalNumber(query.responseDays),
    });
  }
}
