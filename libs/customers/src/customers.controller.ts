// The customer REST API: validate, call the CommandBus, map the answer.
import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { EVENT_STORE, EventStore } from '@crm/event-store';
import { answerWrite, refused, ApiRead, ApiWrite, APP_CONFIG, AppConfig, Ctx, IsCalendarDate, IsCleanText, IsKey, nameUuid, shopDate, notFound, parseAmount, parseInstant, RequestContext, WriteResultDto, IsPosition } from '@crm/shared';
import { randomUUID } from 'node:crypto';
import { CustomerCommand } from './business-logic';
import { ExecuteCustomerCommand } from './customer-commands';
import { loadCustomerView } from './customer-view';
import { ConsentDto, LogContactDto, RecordPurchaseDto, RecordRefundDto, RegisterCustomerDto, TagDto, UpdateProfileDto } from './customers.dto';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { SQL_CLIENT, SqlClient } from '@crm/database';
import { Lifecycle, LIFECYCLE_STATUSES } from '@crm/lifecycle';
import { PROJECTION_RUNNER, ProjectionRunner, waitForPosition } from '@crm/projections';
import { loadRuleSchedule, loadTierRuleSets } from '@crm/tiers';
import { listCustomers } from './customer-list/customer-list.query';

class CustomerRefParam {
  @IsString() @IsKey() customerRef!: string;
}

class AsOfQuery {
  @IsOptional() @IsCalendarDate() asOf?: string;
  @IsOptional() @IsIn(['3', '6', '12']) window?: string;
}

class ListQuery {
  @IsOptional() @IsCalendarDate() asOf?: string;
  @IsOptional() @Matches(/^[A-Z][A-Z0-9_]{0,31}$/, { message: 'tier must be a tier code such as VIP' }) tier?: string;
  @IsOptional() @IsIn(LIFECYCLE_STATUSES) lifecycle?: Lifecycle;
  @IsOptional() @IsString() @IsKey() tag?: string;
  @IsOptional() @IsString() @IsCleanText() @MaxLength(50) region?: string;
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'cursor must be a cursor this API gave out' }) cursor?: string;
  @IsOptional() @Matches(/^([1-9]\d?|[1-4]\d\d|500)$/, { message: 'limit must be 1-500' }) limit?: string;
  @IsOptional() @IsIn(['3', '6', '12']) window?: string;
  @IsOptional() @IsPosition() waitFor?: string;
}

class TagParam {
  @IsString() @IsKey() tag!: string;
}

const idPipe = new ParseUUIDPipe({ version: undefined });

/** The customer id of an external ref: name-based, so a ref maps to one stream and registering it twice conflicts. */
export const customerIdForRef = (customerRef: string) => nameUuid(`customer-ref:${customerRef}`);

@ApiTags('customers')
@Controller('customers')
export class CustomersController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  @Get()
  @ApiRead()
  @ApiOkResponse({ description: '{ items, nextCursor }: customers registered by asOf, keyset-paginated' })
  @ApiQuery({ name: 'asOf', required: false, description: 'calendar date in the shop time zone (default today)' })
  @ApiQuery({ name: 'tier', required: false })
  @ApiQuery({ name: 'lifecycle', required: false, enum: LIFECYCLE_STATUSES })
  @ApiQuery({ name: 'tag', required: false })
  @ApiQuery({ name: 'region', required: false, description: 'province or city' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1-500, default 50' })
  @ApiQuery({ name: 'window', required: false, description: 'lifecycle window in months: 3, 6 or 12' })
  @ApiQuery({ name: 'waitFor', required: false, description: 'a write position to wait for (at most 5 s)' })
  async list(@Query() query: ListQuery, @Res({ passthrough: true }) res: Response) {
    await waitForPosition(this.runner, query.waitFor, res);
    const { ruleSets, schedule } = await loadTierRuleSets(this.store);
    if (query.tier !== undefined && !ruleSets.some((r) => r.ruleSet.tiers.some((t) => t.code === query.tier))) {
      throw refused('UnknownTier', `no published rule set has a tier ${query.tier}`, { tier: query.tier });
    }
    return listCustomers(
      this.sql,
      {
        asOf: query.asOf ?? shopDate(new Date(), this.config.shopTimezone),
        tier: query.tier,
        lifecycle: query.lifecycle,
        tag: query.tag,
        region: query.region,
        cursor: query.cursor,
        limit: Number(query.limit ?? 50),
        windowMonths: Number(query.window ?? 3),
        schedule,
      },
      this.config.shopCurrency,
    );
  }

  private run(customerId: string, command: CustomerCommand, ctx: RequestContext, occurredAt = new Date()) {
    return this.commands.execute(new ExecuteCustomerCommand(customerId, command, ctx, occurredAt));
  }

  @Post()
  @ApiWrite()
  @ApiCreatedResponse({ type: WriteResultDto, description: 'registered; Location names the customer' })
  async register(@Body() body: RegisterCustomerDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { customerRef, occurredAt, ...profile } = body;
    const customerId = customerRef ? customerIdForRef(customerRef) : ctx.idempotencyKey ? nameUuid(`register:${ctx.idempotencyKey}`) : randomUUID();
    const when = occurredAt ? (parseInstant(occurredAt) as Date) : new Date();
    const result = await this.run(customerId, { type: 'RegisterCustomer', customerId, customerRef, profile: plain(profile) }, ctx, when);
    res.status(result.unchanged ? 200 : 201).setHeader('Location', `/api/v1/customers/${customerId}`);
    return answerWrite(res, result, { customerId, customerRef: customerRef ?? null });
  }

  @Get('by-ref/:customerRef')
  @ApiRead()
  @ApiQuery({ name: 'asOf', required: false, description: 'calendar date YYYY-MM-DD in the shop time zone' })
  async byRef(@Param() params: CustomerRefParam, @Query() query: AsOfQuery, @Res({ passthrough: true }) res: Response) {
    return this.view(customerIdForRef(params.customerRef), query, res);
  }

  @Get(':id')
  @ApiRead()
  @ApiQuery({ name: 'asOf', required: false, description: 'calendar date YYYY-MM-DD in the shop time zone' })
  async get(@Param('id', idPipe) id: string, @Query() query: AsOfQuery, @Res({ passthrough: true }) res: Response) {
    return this.view(id, query, res);
  }

  private async view(id: string, query: AsOfQuery, res: Response) {
    const view = await loadCustomerView(this.store, id, {
      currency: this.config.shopCurrency,
      timezone: this.config.shopTimezone,
      schedule: await loadRuleSchedule(this.store),
      asOf: query.asOf,
      windowMonths: query.window !== undefined ? Number(query.window) : undefined,
    });
    if (!view) throw notFound('CustomerNotFound', `customer ${id} not found`);
    res.setHeader('ETag', `"${view.version}"`);
    return view;
  }

  @Patch(':id')
  @ApiWrite({ ifMatch: true })
  @ApiOkResponse({ type: WriteResultDto })
  async update(@Param('id', idPipe) id: string, @Body() body: UpdateProfileDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const result = await this.run(id, { type: 'UpdateProfile', changes: plain(body) }, ctx);
    return answerWrite(res, result, { customerId: id });
  }

  @Post(':id/purchases')
  @ApiWrite({ ifMatch: true })
  @ApiCreatedResponse({ type: WriteResultDto, description: 'recorded (200 with unchanged=true when the order was recorded before)' })
  async purchase(@Param('id', idPipe) id: string, @Body() body: RecordPurchaseDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const occurredAt = parseInstant(body.occurredAt) as Date;
    const result = await this.run(
      id,
      {
        type: 'RecordPurchase',
        orderId: body.orderId,
        amountMinor: parseAmount(body.amount, body.currency),
        currency: body.currency,
        baseAmountMinor: body.baseAmount !== undefined ? parseAmount(body.baseAmount, this.config.shopCurrency) : undefined,
        channel: body.channel,
        items: (body.items ?? []).map((i) => ({
          sku: i.sku,
          ...(i.category ? { category: i.category } : {}),
          quantity: i.quantity,
          unitPriceMinor: parseAmount(i.unitPrice, body.currency),
        })),
        occurredAt,
      },
      ctx,
      occurredAt,
    );
    res.status(result.unchanged ? 200 : 201);
    return answerWrite(res, result, { customerId: id, orderId: body.orderId });
  }

  @Post(':id/refunds')
  @ApiWrite({ ifMatch: true })
  @ApiCreatedResponse({ type: WriteResultDto })
  async refund(@Param('id', idPipe) id: string, @Body() body: RecordRefundDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const occurredAt = parseInstant(body.occurredAt) as Date;
    const amountMinor = parseAmount(body.amount, body.currency);
    if (amountMinor === 0) throw new BadRequestException(['amount of a refund must be above 0']);
    const result = await this.run(
      id,
      {
        type: 'RecordRefund',
        refundId: body.refundId,
        orderId: body.orderId,
        amountMinor,
        currency: body.currency,
        baseAmountMinor: body.baseAmount !== undefined ? parseAmount(body.baseAmount, this.config.shopCurrency) : undefined,
        reason: body.reason,
        occurredAt,
      },
      ctx,
      occurredAt,
    );
    res.status(result.unchanged ? 200 : 201);
    return answerWrite(res, result, { customerId: id, refundId: body.refundId });
  }

  @Post(':id/tags')
  @ApiWrite({ ifMatch: true })
  @ApiCreatedResponse({ type: WriteResultDto })
  async tag(@Param('id', idPipe) id: string, @Body() body: TagDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const result = await this.run(id, { type: 'TagCustomer', tag: body.tag }, ctx);
    res.status(result.unchanged ? 200 : 201);
    return answerWrite(res, result, { customerId: id, tag: body.tag });
  }

  @Delete(':id/tags/:tag')
  @ApiWrite({ ifMatch: true })
  @ApiOkResponse({ type: WriteResultDto })
  async untag(@Param('id', idPipe) id: string, @Param() params: TagParam & { id: string }, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const result = await this.run(id, { type: 'UntagCustomer', tag: params.tag }, ctx);
    return answerWrite(res, result, { customerId: id, tag: params.tag });
  }

  @Put(':id/consent')
  @HttpCode(200)
  @ApiWrite({ ifMatch: true })
  @ApiOkResponse({ type: WriteResultDto })
  async consent(@Param('id', idPipe) id: string, @Body() body: ConsentDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const result = await this.run(id, { type: 'ChangeConsent', consent: plain(body) }, ctx);
    return answerWrite(res, result, { customerId: id });
  }

  @Post(':id/contacts')
  @ApiWrite({ ifMatch: true })
  @ApiCreatedResponse({ type: WriteResultDto })
  async contact(@Param('id', idPipe) id: string, @Body() body: LogContactDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const occurredAt = parseInstant(body.occurredAt) as Date;
    const contactId = ctx.idempotencyKey ? nameUuid(`contact:${ctx.idempotencyKey}`) : randomUUID();
    const result = await this.run(id, { type: 'LogContact', contactId, kind: body.kind, channel: body.channel, note: body.note, occurredAt }, ctx, occurredAt);
    res.status(201);
    return answerWrite(res, result, { customerId: id, contactId });
  }
}

/** DTO instance -> plain object without undefined fields (what the events store). */
function plain<T extends object>(dto: T): T {
  return JSON.parse(JSON.stringify(dto)) as T;
}
