// The complaint REST API: validate, call the CommandBus, map the answer.
import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { loadCustomerHistory } from '@crm/customers';
import { EVENT_STORE, EventStore } from '@crm/event-store';
import { loadRuleSchedule, tierOn } from '@crm/tiers';
import { answerWrite, ApiRead, ApiWrite, APP_CONFIG, AppConfig, Ctx, nameUuid, notFound, parseAmount, refused, RequestContext, shopDate, WriteResultDto } from '@crm/shared';
import { ComplaintCommand } from './business-logic';
import { ExecuteComplaintCommand } from './complaint-commands';
import { loadComplaintView } from './complaint-view';
import { AssignComplaintDto, EscalateComplaintDto, OpenComplaintDto, RateComplaintDto, ReopenComplaintDto, RespondComplaintDto, ResolveComplaintDto } from './complaints.dto';

const idPipe = new ParseUUIDPipe();

@ApiTags('complaints')
@Controller('complaints')
export class ComplaintsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private async run(id: string, command: ComplaintCommand, ctx: RequestContext, res: Response, created = false) {
    const result = await this.commands.execute(new ExecuteComplaintCommand(id, command, ctx, new Date()));
    if (created && !result.unchanged) res.status(201).setHeader('Location', `/api/v1/complaints/${id}`);
    return answerWrite(res, result, { complaintId: id });
  }

  @Post()
  @ApiWrite()
  @ApiCreatedResponse({ type: WriteResultDto })
  async open(@Body() body: OpenComplaintDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const customerId = body.customerId.toLowerCase();
    const customer = await loadCustomerHistory(this.store, customerId, this.config.shopTimezone);
    if (!customer) throw refused('UnknownCustomer', `customer ${body.customerId} is not registered`, { customerId: body.customerId });
    // Service is a tier privilege: the tier today sets the SLA factor, fixed for this complaint.
    const now = new Date();
    const tier = tierOn(customer.facts, await loadRuleSchedule(this.store), shopDate(now, this.config.shopTimezone), this.config.shopCurrency).tier;
    const complaintId = ctx.idempotencyKey ? nameUuid(`complaint:${ctx.idempotencyKey}`) : randomUUID();
    return this.run(complaintId, { type: 'OpenComplaint', complaintId, ...body, customerId, occurredAt: now, customerTier: tier }, ctx, res, true);
  }

  @Get(':id')
  @ApiRead()
  async get(@Param('id', idPipe) id: string, @Res({ passthrough: true }) res: Response) {
    const view = await loadComplaintView(this.store, id);
    if (!view) throw notFound('ComplaintNotFound', `complaint ${id} not found`);
    res.setHeader('ETag', `"${view.version}"`);
    return view;
  }

  @Post(':id/assign')
  @HttpCode(200)
  @ApiWrite({ ifMatch: true })
  @ApiOkResponse({ type: WriteResultDto })
  assign(@Param('id', idPipe) id: string, @Body() body: AssignComplaintDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'AssignComplaint', agent: body.agent }, ctx, res);
  }

  @Post(':id/escalate')
  @HttpCode(200)
  @ApiWrite({ ifMatch: true })
  @ApiOkResponse({ type: WriteResultDto })
  escalate(@Param('id', idPipe) id: string, @Body() body: EscalateComplaintDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'EscalateComplaint', priority: body.priority, occurredAt: new Date() }, ctx, res);
  }

  @Post(':id/respond')
  @HttpCode(200)
  @ApiWrite({ ifMatch: true })
  @ApiOkResponse({ type: WriteResultDto })
  respond(@Param('id', idPipe) id: string, @Body() body: RespondComplaintDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'RespondToComplaint', message: body.message, agent: ctx.actor }, ctx, res);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @ApiWrite({ ifMatch: true })
  @ApiOkResponse({ type: WriteResultDto })
  resolve(@Param('id', idPipe) id: string, @Body() body: ResolveComplaintDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const currency = body.currency ?? this.config.shopCurrency;
    if (body.compensation !== undefined && currency !== this.config.shopCurrency) {
      throw refused('CompensationCurrency', `compensation is recorded in the shop currency ${this.config.shopCurrency}`);
    }
    const compensationMinor = body.compensation !== undefined ? parseAmount(body.compensation, currency) : undefined;
    return this.run(id, { type: 'ResolveComplaint', resolution: body.resolution, compensationMinor, currency: compensationMinor !== undefined ? currency : undefined }, ctx, res);
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @ApiWrite({ ifMatch: true })
  @ApiOkResponse({ type: WriteResultDto })
  reopen(@Param('id', idPipe) id: string, @Body() body: ReopenComplaintDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'ReopenComplaint', reason: body.reason }, ctx, res);
  }

  @Post(':id/rate')
  @HttpCode(200)
  @ApiWrite({ ifMatch: true })
  @ApiOkResponse({ type: WriteResultDto, description: 'the customer\'s satisfaction (1-5) with the handling of a resolved complaint' })
  rate(@Param('id', idPipe) id: string, @Body() body: RateComplaintDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    return this.run(id, { type: 'RateComplaint', satisfaction: body.satisfaction, comment: body.comment }, ctx, res);
  }
}
