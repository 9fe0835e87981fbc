// The complaint capability's application layer, called by every transport:
// opening a complaint (the customer must be known; their tier today fixes
// the SLA factor), its steps, and the service history reads.
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { CustomerViewsService } from '@crm/customer-views';
import { SQL_CLIENT, SqlClient } from '@crm/database';
import { CommandResult, EVENT_STORE, EventStore } from '@crm/event-store';
import { addDays, allow, APP_CONFIG, AppConfig, can, forbidden, nameUuid, notFound, Operation, parseAmount, refused, RequestContext, shopDate, startOfShopDay } from '@crm/shared';
import { ComplaintCommand } from './business-logic';
import type { Priority } from './complaint';
import { ExecuteComplaintCommand } from './complaint-commands';
import { ComplaintView, loadComplaintView } from './complaint-view';
import { ComplaintFilter, listComplaints, serviceFigures } from './service-history/service-history.query';

/** What a caller says to open a complaint; the id, the time and the customer's tier are the service's. */
export type OpenComplaintInput = Omit<Extract<ComplaintCommand, { type: 'OpenComplaint' }>, 'type' | 'complaintId' | 'occurredAt' | 'customerTier'>;

export interface ResolveInput {
  resolution: string;
  compensation?: string;
  currency?: string;
}

@Injectable()
export class ComplaintsService {
  constructor(
    private readonly commands: CommandBus,
    private readonly views: CustomerViewsService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private run(complaintId: string, command: ComplaintCommand, ctx: RequestContext): Promise<CommandResult> {
    return this.commands.execute(new ExecuteComplaintCommand(complaintId, command, ctx));
  }

  /**
   * An agent reads and handles the complaints assigned to them; a manager,
   * an admin and a key granted complaints.readAll, every complaint.
   */
  private async allowOn(ctx: RequestContext, operation: Operation, complaintId: string): Promise<ComplaintView | undefined> {
    allow(ctx, operation);
    if (can(ctx.principal, 'complaints.readAll')) return undefined;
    const view = await loadComplaintView(this.store, complaintId);
    if (view && view.agent !== ctx.actor) throw forbidden(operation, `complaint ${complaintId} is assigned to another agent`);
    return view;
  }

  async open(input: OpenComplaintInput, ctx: RequestContext): Promise<{ complaintId: string; result: CommandResult }> {
    allow(ctx, 'complaints.open');
    const customerId = input.customerId.toLowerCase();
    const customer = await this.views.tierToday(customerId);
    if (!customer) throw refused('UnknownCustomer', `customer ${input.customerId} is not registered`, { customerId: input.customerId });
    const complaintId = ctx.idempotencyKey ? nameUuid(`complaint:${ctx.idempotencyKey}`) : randomUUID();
    const result = await this.run(complaintId, { type: 'OpenComplaint', complaintId, ...input, customerId, occurredAt: new Date(), customerTier: customer.tier }, ctx);
    return { complaintId, result };
  }

  async assign(complaintId: string, agent: string, ctx: RequestContext) {
    await this.allowOn(ctx, 'complaints.handle', complaintId);
    return this.run(complaintId, { type: 'AssignComplaint', agent }, ctx);
  }

  async escalate(complaintId: string, priority: Priority, ctx: RequestContext) {
    await this.allowOn(ctx, 'complaints.handle', complaintId);
    return this.run(complaintId, { type: 'EscalateComplaint', priority, occurredAt: new Date() }, ctx);
  }

  async respond(complaintId: string, message: string, ctx: RequestContext) {
    await this.allowOn(ctx, 'complaints.handle', complaintId);
    return this.run(complaintId, { type: 'RespondToComplaint', message, agent: ctx.actor }, ctx);
  }

  async resolve(complaintId: string, input: ResolveInput, ctx: RequestContext) {
    await this.allowOn(ctx, 'complaints.handle', complaintId);
    const currency = input.currency ?? this.config.shopCurrency;
    const compensationMinor = input.compensation !== undefined ? parseAmount(input.compensation, currency) : undefined;
    return this.run(
      complaintId,
      { type: 'ResolveComplaint', resolution: input.resolution, compensationMinor, currency: compensationMinor !== undefined ? currency : undefined },
      ctx,
    );
  }

  async reopen(complaintId: string, reason: string | undefined, ctx: RequestContext) {
    await this.allowOn(ctx, 'complaints.handle', complaintId);
    return this.run(complaintId, { type: 'ReopenComplaint', reason }, ctx);
  }

  async rate(complaintId: string, satisfaction: number, comment: string | undefined, ctx: RequestContext) {
    await this.allowOn(ctx, 'complaints.handle', complaintId);
    return this.run(complaintId, { type: 'RateComplaint', satisfaction, comment }, ctx);
  }

  async get(ctx: RequestContext, complaintId: string): Promise<ComplaintView> {
    const checked = await this.allowOn(ctx, 'complaints.read', complaintId);
    const view = checked ?? (await loadComplaintView(this.store, complaintId));
    if (!view) throw notFound('ComplaintNotFound', `complaint ${complaintId} not found`);
    return view;
  }

  /** `openedBy`: a calendar date in the shop's time zone; only complaints opened on or before it (their state is today's). */
  list(ctx: RequestContext, filter: Omit<ComplaintFilter, 'now' | 'openedBefore'> & { openedBy?: string }) {
    allow(ctx, 'complaints.read');
    if (!can(ctx.principal, 'complaints.readAll')) {
      if (filter.agent !== undefined && filter.agent !== ctx.actor) throw forbidden('complaints.readAll', 'an agent lists only the complaints assigned to them');
      filter = { ...filter, agent: ctx.actor };
    }
    const { openedBy, ...rest } = filter;
    const openedBefore = openedBy === undefined ? undefined : startOfShopDay(addDays(openedBy, 1), this.config.shopTimezone);
    return listComplaints(this.sql, { ...rest, openedBefore, customerId: filter.customerId?.toLowerCase(), now: new Date() });
  }

  figures(ctx: RequestContext, from?: string, to?: string) {
    allow(ctx, 'metrics.read');
    const until = to ?? shopDate(new Date(), this.config.shopTimezone);
    const since = from ?? addDays(until, -29);
    if (since > until) throw refused('InvalidPeriod', `from (${since}) is after to (${until})`);
    return serviceFigures(this.sql, since, until, new Date());
  }
}
