// The customer REST API: validate, call the application service, map the answer.
import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { Lifecycle, LIFECYCLE_STATUSES } from '@crm/lifecycle';
import { WaitForProjections } from '@crm/projections';
import { RequestContext } from '@crm/shared';
import { answerWrite, ApiRead, ApiWrite, Ctx, IsCalendarDate, IsCleanText, IsKey, keyPipe, ReadQuery, WriteResultDto } from '@crm/shared/http';
import { CustomerCommandsService } from './customer-commands.service';
import { CustomerViewsService } from './customer-views.service';
import { ConsentDto, LogContactDto, RecordPurchaseDto, RecordRefundDto, RegisterCustomerDto, TagDto, UpdateProfileDto } from './customers.dto';

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
}

const idPipe = new ParseUUIDPipe({ version: undefined });
const optionalNumber = (value: string | undefined) => (value !== undefined ? Number(value) : undefined);

@ApiTags('customers')
@Controller('customers')
export class CustomersController {
  constructor(
    private readonly commands: CustomerCommandsService,
    private readonly views: CustomerViewsService,
    private readonly projections: WaitForProjections,
  ) {}

  @Get()
  @ApiRead()
  @ApiOkResponse({ description: '{ items, nextCursor }: customers registered by asOf, keyset-paginated' })
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
  async list(@Query() query: ListQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(query.waitFor, res);
    const { limit, window, waitFor: _, ...filters } = query;
    return this.views.list(ctx, { ...filters, limit: optionalNumber(limit), windowMonths: optionalNumber(window) });
  }

  @Post()
  @ApiWrite()
  @ApiCreatedResponse({ type: WriteResultDto, description: 'registered; Location names the customer' })
  async register(@Body() body: RegisterCustomerDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { ids, result } = await this.commands.register(body, ctx);
    res.status(result.unchanged ? 200 : 201).setHeader('Location', `/api/v1/customers/${ids.customerId}`);
    return answerWrite(res, result, ids);
  }

  @Get('by-ref/:customerRef')
  @ApiRead()
  @ApiQuery({ name: 'asOf', required: false, description: 'calendar date YYYY-MM-DD in the shop time zone' })
  async byRef(@Param() params: CustomerRefParam, @Query() query: AsOfQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(query.waitFor, res);
    const view = await this.views.viewByRef(ctx, params.customerRef, query.asOf, optionalNumber(query.window));
    res.setHeader('ETag', `"${view.version}"`);
    return view;
  }

  @Get(':id')
  @ApiRead()
  @ApiQuery({ name: 'asOf', required: false, description: 'calendar date YYYY-MM-DD in the shop time zone' })
  @ApiQuery({ name: 'waitFor', required: false, description: 'a write position to wait for (at most 5 s)' })
  async get(@Param('id', idPipe) id: string, @Query() query: AsOfQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(query.waitFor, res);
    const view = await this.views.view(ctx, id, query.asOf, optionalNumber(query.window));
    res.setHeader('ETag', `"${view.version}"`);
    return view;
  }

  @Patch(':id')
  @ApiWrite({ ifMatch: true })
  @ApiOkResponse({ type: WriteResultDto })
  async update(@Param('id', idPipe) id: string, @Body() body: UpdateProfileDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { ids, result } = await this.commands.updateProfile(id, body, ctx);
    return answerWrite(res, result, ids);
  }

  @Post(':id/purchases')
  @ApiWrite({ ifMatch: true })
  @ApiCreatedResponse({
    type: WriteResultDto,
    description: 'recorded (200 with unchanged=true when the same order was recorded before; 409 when it was recorded with another amount)',
  })
  async purchase(@Param('id', idPipe) id: string, @Body() body: RecordPurchaseDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { ids, result } = await this.commands.recordPurchase(id, body, ctx);
    res.status(result.unchanged ? 200 : 201);
    return answerWrite(res, result, ids);
  }

  @Post(':id/refunds')
  @ApiWrite({ ifMatch: true })
  @ApiCreatedResponse({ type: WriteResultDto })
  async refund(@Param('id', idPipe) id: string, @Body() body: RecordRefundDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { ids, result } = await this.commands.recordRefund(id, body, ctx);
    res.status(result.unchanged ? 200 : 201);
    return answerWrite(res, result, ids);
  }

  @Post(':id/tags')
  @ApiWrite({ ifMatch: true })
  @ApiCreatedResponse({ type: WriteResultDto })
  async tag(@Param('id', idPipe) id: string, @Body() body: TagDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { ids, result } = await this.commands.tag(id, body.tag, ctx);
    res.status(result.unchanged ? 200 : 201);
    return answerWrite(res, result, ids);
  }

  @Delete(':id/tags/:tag')
  @ApiWrite({ ifMatch: true })
  @ApiOkResponse({ type: WriteResultDto })
  async untag(@Param('id', idPipe) id: string, @Param('tag', keyPipe('tag')) tag: string, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { ids, result } = await this.commands.untag(id, tag, ctx);
    return answerWrite(res, result, ids);
  }

  @Put(':id/consent')
  @HttpCode(200)
  @ApiWrite({ ifMatch: true })
  @ApiOkResponse({ type: WriteResultDto })
  async consent(@Param('id', idPipe) id: string, @Body() body: ConsentDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { ids, result } = await this.commands.changeConsent(id, body, ctx);
    return answerWrite(res, result, ids);
  }

  @Post(':id/erasure')
  @HttpCode(200)
  @ApiWrite()
  @ApiOkResponse({ type: WriteResultDto, description: "erases the customer's personal data (admin): the data key is destroyed, read models drop the fields; the history stays" })
  async erase(@Param('id', idPipe) id: string, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { ids, result } = await this.commands.erase(id, ctx);
    return answerWrite(res, result, ids);
  }

  @Post(':id/contacts')
  @ApiWrite({ ifMatch: true })
  @ApiCreatedResponse({ type: WriteResultDto })
  async contact(@Param('id', idPipe) id: string, @Body() body: LogContactDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { ids, result } = await this.commands.logContact(id, body, ctx);
    res.status(201);
    return answerWrite(res, result, ids);
  }
}
