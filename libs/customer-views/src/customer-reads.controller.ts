// The customer REST reads: validate, call the views service, map the answer.
import { Controller, Get, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { Lifecycle, LIFECYCLE_STATUSES } from '@crm/lifecycle';
import { FROM_STREAMS, WaitForProjections } from '@crm/projections';
import { TIER_PERIODS } from '@crm/tiers';
import { CUSTOMER_LIST } from './customer-list/customer-list.projector';
import { LIST_SORTS, ListSort } from './customer-list/customer-list.query';
import { RequestContext } from '@crm/shared';
import { ApiRead, Ctx, IsCalendarDate, IsCleanText, IsKey, ReadQuery } from '@crm/shared/http';
import { CustomerViewsService } from './customer-views.service';

class CustomerRefParam {
  @IsString() @IsKey() customerRef!: string;
}

class AsOfQuery extends ReadQuery {
  @IsOptional() @IsCalendarDate() asOf?: string;
  @IsOptional() @IsIn(['3', '6', '12']) window?: string;
}

class ListQuery extends ReadQuery {
  @IsOptional() @IsCalendarDate() asOf?: string;
  @IsOptional() @Matches(/^[A-Z][A-Z0-9_]{0,31}$/, { message: 'tier must be a tier code such as VIP' }) tier?: string;
  @IsOptional() @IsIn(LIFECYCLE_STATUSES) lifecycle?: Lifecycle;
  @IsOptional() @IsString() @IsKey() tag?: string;
  @IsOptional() @IsString() @IsCleanText() @MaxLength(50) region?: string;
  @IsOptional() @IsString() @IsCleanText() @MaxLength(100) name?: string;
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'cursor must be a cursor this API gave out' }) cursor?: string;
  @IsOptional() @Matches(/^([1-9]\d?|[1-4]\d\d|500)$/, { message: 'limit must be 1-500' }) limit?: string;
  @IsOptional() @IsIn(['3', '6', '12']) window?: string;
  @IsOptional() @IsIn(LIST_SORTS) sort?: ListSort;
  @IsOptional() @IsIn(['true', 'false']) total?: string;
}

const idPipe = new ParseUUIDPipe({ version: undefined });
const optionalNumber = (value: string | undefined) => (value !== undefined ? Number(value) : undefined);

@ApiTags('customers')
@Controller('customers')
export class CustomerReadsController {
  constructor(
    private readonly views: CustomerViewsService,
    private readonly projections: WaitForProjections,
  ) {}

  @Get()
  @ApiRead()
  @ApiOkResponse({ description: '{ items, nextCursor, total? }: customers registered by asOf, keyset-paginated' })
  @ApiQuery({ name: 'asOf', required: false, description: 'calendar date in the shop time zone (default today)' })
  @ApiQuery({ name: 'tier', required: false })
  @ApiQuery({ name: 'lifecycle', required: false, enum: LIFECYCLE_STATUSES })
  @ApiQuery({ name: 'tag', required: false })
  @ApiQuery({ name: 'region', required: false, description: 'province or city' })
  @ApiQuery({ name: 'name', required: false, description: 'part of the name, any case' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1-500, default 50' })
  @ApiQuery({ name: 'window', required: false, description: 'lifecycle window in months: 3, 6 or 12' })
  @ApiQuery({ name: 'waitFor', required: false, description: 'a write position to wait for (at most 5 s)' })
  @ApiQuery({ name: 'sort', required: false, enum: LIST_SORTS, description: 'order by ref, net spend or last purchase as of asOf (- first: descending); default the id' })
  @ApiQuery({ name: 'total', required: false, description: 'true: the answer carries total, the customers of the filter on every page (one more query)' })
  async list(@Query() query: ListQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(query.waitFor, res, [CUSTOMER_LIST, TIER_PERIODS]);
    const { limit, window, waitFor: _, total, ...filters } = query;
    const input = { ...filters, limit: optionalNumber(limit), windowMonths: optionalNumber(window) };
    const page = await this.views.list(ctx, input);
    return total === 'true' ? { ...page, total: await this.views.count(ctx, input) } : page;
  }
  @Get('export')
  @ApiRead()
  @ApiOkResponse({ description: 'text/csv: every customer of the filter as of asOf (the columns of the list, consent per channel), as an attachment' })
  @ApiQuery({ name: 'asOf', required: false })
  @ApiQuery({ name: 'tier', required: false })
  @ApiQuery({ name: 'lifecycle', required: false, enum: LIFECYCLE_STATUSES })
  @ApiQuery({ name: 'tag', required: false })
  @ApiQuery({ name: 'region', required: false })
  @ApiQuery({ name: 'name', required: false })
  @ApiQuery({ name: 'window', required: false })
  async export(@Query() query: ListQuery, @Ctx() ctx: RequestContext, @Res() res: Response) {
    await this.projections.waitFor(query.waitFor, res, [CUSTOMER_LIST, TIER_PERIODS]);
    // In id order whatever the sort: a sorted export would order the whole base once a page.
    const { limit: _limit, cursor: _cursor, window, waitFor: _, sort: _sort, total: _total, ...filters } = query;
    const lines = await this.views.exportCsv(ctx, { ...filters, windowMonths: optionalNumber(window) });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="customers-${filters.asOf ?? 'today'}.csv"`);
    // A BOM so that spreadsheets open the CJK names as UTF-8.
    res.write('\uFEFF');
    for await (const line of lines) if (!res.write(`${line}\r\n`)) await new Promise((resolve) => res.once('drain', resolve));
    res.end();
  }

  @Get('by-ref/:customerRef')
  @ApiRead()
  @ApiQuery({ name: 'asOf', required: false, description: 'calendar date YYYY-MM-DD in the shop time zone' })
  async byRef(@Param() params: CustomerRefParam, @Query() query: AsOfQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(query.waitFor, res, FROM_STREAMS);
    const view = await this.views.viewByRef(ctx, params.customerRef, query.asOf, optionalNumber(query.window));
    res.setHeader('ETag', `"${view.version}"`);
    return view;
  }
  @Get(':id')
  @ApiRead()
  @ApiQuery({ name: 'asOf', required: false, description: 'calendar date YYYY-MM-DD in the shop time zone' })
  @ApiQuery({ name: 'waitFor', required: false, description: 'a write position to wait for (at most 5 s)' })
  async get(@Param('id', idPipe) id: string, @Query() query: AsOfQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(query.waitFor, res, FROM_STREAMS);
    const view = await this.views.view(ctx, id, query.asOf, optionalNumber(query.window));
    res.setHeader('ETag', `"${view.version}"`);
    return view;
  }
}
