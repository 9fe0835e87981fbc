// Service history reads: GET /complaints (filtered list, newest first) and
// GET /metrics/service (quality figures per agent and priority).
import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IsIn, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { WaitForProjections } from '@crm/projections';
import { RequestContext } from '@crm/shared';
import { ApiRead, Ctx, IsCalendarDate, IsKey, ReadQuery } from '@crm/shared/http';
import { PRIORITIES } from '../complaint';
import { ComplaintsService } from '../complaints.service';

class ComplaintListQuery extends ReadQuery {
  @IsOptional() @IsIn(['open', 'resolved']) status?: 'open' | 'resolved';
  @IsOptional() @IsIn(PRIORITIES) priority?: string;
  @IsOptional() @IsString() @IsKey() agent?: string;
  @IsOptional() @IsIn(['true', 'false']) breached?: string;
  @IsOptional() @IsUUID() customerId?: string;
  @IsOptional() @IsCalendarDate() openedBy?: string;
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,300}$/, { message: 'cursor must be a cursor this API gave out' }) cursor?: string;
  @IsOptional() @Matches(/^([1-9]\d?|[1-4]\d\d|500)$/, { message: 'limit must be 1-500' }) limit?: string;
}

class ServiceMetricsQuery extends ReadQuery {
  @IsOptional() @IsCalendarDate() from?: string;
  @IsOptional() @IsCalendarDate() to?: string;
}

@ApiTags('complaints')
@Controller()
export class ServiceHistoryController {
  constructor(
    private readonly complaints: ComplaintsService,
    private readonly projections: WaitForProjections,
  ) {}

  @Get('complaints')
  @ApiRead()
  @ApiQuery({ name: 'status', required: false, enum: ['open', 'resolved'] })
  @ApiQuery({ name: 'priority', required: false, enum: PRIORITIES })
  @ApiQuery({ name: 'agent', required: false })
  @ApiQuery({ name: 'breached', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'customerId', required: false })
  @ApiQuery({ name: 'openedBy', required: false, description: 'only complaints opened on or before this date (shop calendar), e.g. a page moved back in time' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1-500, default 50' })
  @ApiQuery({ name: 'waitFor', required: false, description: 'a write position to wait for (at most 5 s)' })
  async list(@Query() q: ComplaintListQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(q.waitFor, res);
    return this.complaints.list(ctx, {
      status: q.status,
      priority: q.priority,
      agent: q.agent,
      breached: q.breached === undefined ? undefined : q.breached === 'true',
      customerId: q.customerId,
      openedBy: q.openedBy,
      cursor: q.cursor,
      limit: Number(q.limit ?? 50),
    });
  }

  @Get('metrics/service')
  @ApiRead()
  @ApiQuery({ name: 'from', required: false, description: 'complaints opened on or after this date (default 30 days before to)' })
  @ApiQuery({ name: 'to', required: false, description: 'complaints opened on or before this date (default today)' })
  async metrics(@Query() q: ServiceMetricsQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(q.waitFor, res);
    return this.complaints.figures(ctx, q.from, q.to);
  }
}
