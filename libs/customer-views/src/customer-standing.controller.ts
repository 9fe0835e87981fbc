// Where a customer stands, as of any date, and how they got there: tier
// (with basis, rule set and reason), tier history, lifecycle and its moves,
// RFM. The answers come from CustomerViewsService; this only translates.
import { Controller, Get, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IsIn, IsOptional } from 'class-validator';
import { FROM_STREAMS, WaitForProjections } from '@crm/projections';
import { TIER_PERIODS } from '@crm/tiers';
import { RequestContext } from '@crm/shared';
import { ApiRead, Ctx, IsCalendarDate, ReadQuery } from '@crm/shared/http';
import { CustomerViewsService } from './customer-views.service';

class StandingQuery extends ReadQuery {
  @IsOptional() @IsCalendarDate() asOf?: string;
  @IsOptional() @IsIn(['3', '6', '12']) window?: string;
}

const idPipe = new ParseUUIDPipe({ version: undefined });

@ApiTags('customers')
@Controller('customers')
export class CustomerStandingController {
  constructor(
    private readonly views: CustomerViewsService,
    private readonly projections: WaitForProjections,
  ) {}

  @Get(':id/tier')
  @ApiRead()
  @ApiQuery({ name: 'asOf', required: false, description: 'calendar date in the shop time zone (default today)' })
  async tier(@Param('id', idPipe) id: string, @Query() query: StandingQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(query.waitFor, res, [TIER_PERIODS]);
    return this.views.tier(ctx, id, query.asOf);
  }

  @Get(':id/tier-history')
  @ApiRead()
  @ApiQuery({ name: 'asOf', required: false, description: 'changes up to this date (default today)' })
  async tierHistory(@Param('id', idPipe) id: string, @Query() query: StandingQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(query.waitFor, res, [TIER_PERIODS]);
    return this.views.tierHistory(ctx, id, query.asOf);
  }

  @Get(':id/lifecycle')
  @ApiRead()
  @ApiQuery({ name: 'asOf', required: false, description: 'calendar date in the shop time zone (default today)' })
  @ApiQuery({ name: 'window', required: false, description: 'window W in months: 3 (default), 6 or 12' })
  async lifecycle(@Param('id', idPipe) id: string, @Query() query: StandingQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(query.waitFor, res, FROM_STREAMS);
    return this.views.lifecycle(ctx, id, query.asOf, query.window !== undefined ? Number(query.window) : undefined);
  }

  @Get(':id/rfm')
  @ApiRead()
  @ApiQuery({ name: 'asOf', required: false, description: 'calendar date in the shop time zone (default today)' })
  @ApiQuery({ name: 'waitFor', required: false, description: 'a write position to wait for (at most 5 s)' })
  async rfm(@Param('id', idPipe) id: string, @Query() query: StandingQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(query.waitFor, res);
    return this.views.rfm(ctx, id, query.asOf);
  }
}
