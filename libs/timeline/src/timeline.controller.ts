// GET /customers/{id}/timeline: the audit record over REST; ?waitFor=<position>
// waits for the projection. The page itself is TimelineQuery's.
import { Controller, Get, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { WaitForProjections } from '@crm/projections';
import { RequestContext } from '@crm/shared';
import { ApiRead, Ctx, ReadQuery } from '@crm/shared/http';
import { TimelineQuery } from './timeline-query/timeline.query';

class TimelineParams extends ReadQuery {
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'cursor must be a cursor this API gave out' }) cursor?: string;
  @IsOptional() @Matches(/^([1-9]\d{0,2}|1000)$/, { message: 'limit must be 1-1000' }) limit?: string;
  @IsOptional() @IsIn(['true', 'false']) derived?: string;
  @IsOptional() @Matches(/^[A-Za-z]{1,40}(,[A-Za-z]{1,40}){0,29}$/, { message: 'types must be entry types separated by commas' }) types?: string;
  @IsOptional() @IsIn(['oldest', 'newest']) from?: 'oldest' | 'newest';
}

@ApiTags('timeline')
@Controller('customers')
export class TimelineController {
  constructor(
    private readonly timeline: TimelineQuery,
    private readonly projections: WaitForProjections,
  ) {}

  @Get(':id/export')
  @ApiRead()
  @ApiOkResponse({ description: 'everything held about the customer (access requests, admin): the customer and every stored event, personal fields opened' })
  async export(@Param('id', new ParseUUIDPipe()) id: string, @Query() query: ReadQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(query.waitFor, res);
    res.setHeader('Content-Disposition', `attachment; filename="customer-${id}.json"`);
    return this.timeline.exportCustomer(ctx, id);
  }

  @Get(':id/timeline')
  @ApiRead()
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1-1000, default 100' })
  @ApiQuery({ name: 'derived', required: false, description: 'include derived tier changes and lifecycle moves (default true)' })
  @ApiQuery({ name: 'types', required: false, description: 'only these entry types, comma-separated (e.g. ComplaintOpened,ComplaintResolved,TierChanged)' })
  @ApiQuery({
    name: 'from',
    required: false,
    enum: ['oldest', 'newest'],
    description: 'page from the oldest entry (default) or from the newest back; a cursor goes with the order it came from',
  })
  @ApiQuery({ name: 'waitFor', required: false, description: 'a write position to wait for (at most 5 s)' })
  async page(@Param('id', new ParseUUIDPipe()) id: string, @Query() query: TimelineParams, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(query.waitFor, res);
    return this.timeline.page(ctx, id, {
      cursor: query.cursor,
      limit: query.limit !== undefined ? Number(query.limit) : undefined,
      derived: query.derived !== 'false',
      types: query.types?.split(','),
      newestFirst: query.from === 'newest',
    });
  }
}
