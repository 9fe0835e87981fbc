// Whole-base figures as of a date: RFM segments and stickiness metrics.
import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { SQL_CLIENT, SqlClient } from '@crm/database';
import { EVENT_STORE, EventStore } from '@crm/event-store';
import { PROJECTION_RUNNER, ProjectionRunner, waitForPosition } from '@crm/projections';
import { ApiRead, APP_CONFIG, AppConfig, formatAmount, IsCalendarDate, shopDate, IsPosition } from '@crm/shared';
import { loadRuleSchedule } from '@crm/tiers';
import { rfmAsOf } from './rfm.query';
import { stickiness } from './stickiness.query';

export const RFM_SEGMENTS = ['CHAMPIONS', 'AT_RISK_VALUABLE', 'LOYAL', 'NEW_OR_PROMISING', 'LOST_LOW_VALUE', 'SLIPPING', 'NEEDS_ATTENTION'] as const;

class SegmentsQuery {
  @IsOptional() @IsCalendarDate() asOf?: string;
  @IsOptional() @IsIn(RFM_SEGMENTS) segment?: string;
  @IsOptional() @Matches(/^([1-9]\d{0,2}|1000)$/, { message: 'limit must be 1-1000' }) limit?: string;
  @IsOptional() @IsPosition() waitFor?: string;
}

class StickinessQuery {
  @IsOptional() @IsCalendarDate() asOf?: string;
  @IsOptional() @IsIn(['1', '3', '6', '12']) window?: string;
  @IsOptional() @Matches(/^([1-9]\d?|[1-2]\d\d|3[0-5]\d|36[0-5])$/, { message: 'retentionDays must be 1-365' }) retentionDays?: string;
  @IsOptional() @Matches(/^([1-9]\d?|[1-2]\d\d|3[0-5]\d|36[0-5])$/, { message: 'responseDays must be 1-365' }) responseDays?: string;
  @IsOptional() @IsPosition() waitFor?: string;
}

@ApiTags('analytics')
@Controller()
export class AnalyticsController {
  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  @Get('segments/rfm')
  @ApiRead()
  @ApiQuery({ name: 'asOf', required: false })
  @ApiQuery({ name: 'segment', required: false, enum: RFM_SEGMENTS, description: 'list the members of one segment (first `limit`, by net spend)' })
  @ApiQuery({ name: 'limit', required: false })
  async segments(@Query() query: SegmentsQuery, @Res({ passthrough: true }) res: Response) {
    await waitForPosition(this.runner, query.waitFor, res);
    const asOf = query.asOf ?? shopDate(new Date(), this.config.shopTimezone);
    const scores = await rfmAsOf(this.sql, asOf);
    const currency = this.config.shopCurrency;
    const bySegment = new Map<string, { customers: number; netSpendMinor: number }>();
    for (const s of scores) {
      const e = bySegment.get(s.segment) ?? { customers: 0, netSpendMinor: 0 };
      e.customers++;
      e.netSpendMinor += s.monetaryMinor;
      bySegment.set(s.segment, e);
    }
    const answer = {
      asOf,
      customers: scores.length,
      segments: RFM_SEGMENTS.map((segment) => {
        const e = bySegment.get(segment) ?? { customers: 0, netSpendMinor: 0 };
        return { segment, customers: e.customers, netSpend: formatAmount(e.netSpendMinor, currency) };
      }),
    };
    if (query.segment === undefined) return answer;
    const members = scores
      .filter((s) => s.segment === query.segment)
      .sort((a, b) => b.monetaryMinor - a.monetaryMinor || a.customerId.localeCompare(b.customerId))
      .slice(0, Number(query.limit ?? 100))
      .map(({ monetaryMinor, ...s }) => ({ ...s, monetary: formatAmount(monetaryMinor, currency) }));
    return { ...answer, segment: query.segment, members };
  }

  @Get('metrics/stickiness')
  @ApiRead()
  @ApiQuery({ name: 'asOf', required: false })
  @ApiQuery({ name: 'window', required: false, description: 'period in months back from asOf: 1, 3 (default), 6, 12' })
  @ApiQuery({ name: 'retentionDays', required: false, description: 'N of "bought again within N days" (default 30)' })
  @ApiQuery({ name: 'responseDays', required: false, description: 'days after a marketing contact that count as a response (default 30)' })
  async stickiness(@Query() query: StickinessQuery, @Res({ passthrough: true }) res: Response) {
    await waitForPosition(this.runner, query.waitFor, res);
    return stickiness(this.sql, {
      asOf: query.asOf ?? shopDate(new Date(), this.config.shopTimezone),
      windowMonths: Number(query.window ?? 3),
      retentionDays: Number(query.retentionDays ?? 30),
      responseDays: Number(query.responseDays ?? 30),
      currency: this.config.shopCurrency,
      schedule: await loadRuleSchedule(this.store),
    });
  }
}
