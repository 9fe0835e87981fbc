// The customer capability's application layer: every transport (REST, the
// CLI, GraphQL) calls these and nothing else. Input arrives as edge values
// (decimal strings, ISO 8601 times); amounts are parsed, ids derived and the
// one command path is taken here; the rules themselves are the decider's.
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { SQL_CLIENT, SqlClient } from '@crm/database';
import { CommandResult, EVENT_STORE, EventStore } from '@crm/event-store';
import { Lifecycle, lifecycleAsOf, lifecycleMoves } from '@crm/lifecycle';
import {
  allow,
  APP_CONFIG,
  AppConfig,
  formatAmount,
  invalid,
  memoized,
  minusMonths,
  nameUuid,
  notFound,
  parseAmount,
  parseInstant,
  parseUnitPrice,
  refused,
  RequestContext,
  shopDate,
} from '@crm/shared';
import { loadRuleSchedule, loadTierRuleSets, tierChangesUntil, tierStandingOn } from '@crm/tiers';
import type { RuleSchedule, TierAnswer, TierFacts, TierRuleSet } from '@crm/tiers';
import DataLoader from 'dataloader';
import { RfmBase } from './analytics/rfm.query';
import { ConsentChannel, ContactChannel, Profile, PurchaseItem } from './customer';
import { CustomerCommand } from './business-logic';
import { ExecuteCustomerCommand, ExecuteCustomerCommandBatch } from './customer-commands';
import { CustomerHistory, loadCustomerHistories, loadCustomerHistory } from './customer-history';
import type { DataKey } from './privacy/personal-data';
import { CustomerView, loadCustomerView } from './customer-view';
import { listCustomers } from './customer-list/customer-list.query';
import type { ListedFacts } from './customer-list/customer-list.query';
import { CustomerKeys } from './privacy/customer-keys';

/** The customer id of an external ref: name-based, so a ref maps to one stream and registering it twice conflicts. */
export const customerIdForRef = (customerRef: string) => nameUuid(`customer-ref:${customerRef}`);

export interface RegisterInput extends Profile {
  customerRef?: string;
  occurredAt?: string;
}

export interface PurchaseInput {
  orderId: string;
  occurredAt: string;
  amount: string;
  currency: string;
  baseAmount?: string;
  channel?: string;
  items?: Array<{ sku: string; category?: string; quantity: number; unitPrice: string }>;
}

export interface RefundInput {
  refundId: string;
  orderId?: string;
  occurredAt: string;
  amount: string;
  currency: string;
  baseAmount?: string;
  reason?: string;
}

export interface ContactInput {
  kind: 'care' | 'marketing';
  channel: ContactChannel;
  occurredAt: string;
  note?: string;
  yearlyPromotion?: boolean;
}

export interface ListInput {
  asOf?: string;
  tier?: string;
  lifecycle?: Lifecycle;
  tag?: string;
  region?: string;
  name?: string;
  cursor?: string;
  limit?: number;
  windowMonths?: number;
}

export interface Written<T> {
  ids: T;
  result: CommandResult;
}

/** A tier as the edges show it: the basis a decimal string, the rule set's basis kind beside it. */
function tierAnswer(customerId: string, asOf: string, t: TierAnswer, basisKind: TierRuleSet['basis'], currency: string) {
  return {
    customerId,
    asOf,
    tier: t.tier,
    basis: formatAmount(t.basisMinor, currency),
    basisKind,
    purchaseCount: t.purchaseCount,
    ruleSetId: t.ruleSetId,
    reason: t.reason,
    currency,
  };
}

const purchaseDates = (facts: TierFacts, asOf: string) => facts.purchases.map((p) => p.date).filter((d) => d <= asOf);

/** Where a customer stands in the lifecycle on a date, and the window it was judged in (the status given when already known). */
function lifecycleSummary(customerId: string, facts: TierFacts, asOf: string, windowMonths: number, known?: Lifecycle) {
  const dates = purchaseDates(facts, asOf);
  const windowStart = minusMonths(asOf, windowMonths);
  return {
    customerId,
    asOf,
    windowMonths,
    lifecycle: known ?? lifecycleAsOf(dates, asOf, windowMonths),
    window: { after: windowStart, through: asOf },
    purchasesInWindow: dates.filter((d) => d > windowStart).length,
    firstPurchaseOn: dates.length > 0 ? dates.reduce((a, b) => (a < b ? a : b)) : null,
    lastPurchaseOn: dates.length > 0 ? dates.reduce((a, b) => (a > b ? a : b)) : null,
  };
}

/** An ISO instant the DTO already checked; refused again here for callers that are not REST. */
function instant(value: string, field: string): Date {
  const parsed = parseInstant(value);
  if (!parsed) throw invalid('InvalidTime', `${field} must be an ISO 8601 date-time with an offset, e.g. 2024-05-31T10:00:00+08:00`);
  return parsed;
}

/** Profile fields without the undefined ones (what the events store). */
function profileOf(input: Profile): Profile {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Profile;
}

@Injectable()
export class CustomersService {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    private readonly keys: CustomerKeys,
    private readonly rfmBase: RfmBase,
  ) {}

  private run(customerId: string, command: CustomerCommand | CustomerCommand[], ctx: RequestContext, source: 'api' | 'import' = 'api'): Promise<CommandResult> {
    return this.commands.execute(new ExecuteCustomerCommand(customerId, command, ctx, source));
  }

  /** Today in the shop's calendar. */
  today(): string {
    return shopDate(new Date(), this.config.shopTimezone);
  }

  async register(input: RegisterInput, ctx: RequestContext): Promise<Written<{ customerId: string; customerRef: string | null }>> {
    allow(ctx, 'customers.register');
    const { customerRef, occurredAt, ...profile } = input;
    const customerId = customerRef ? customerIdForRef(customerRef) : ctx.idempotencyKey ? nameUuid(`register:${ctx.idempotencyKey}`) : randomUUID();
    const when = occurredAt !== undefined ? instant(occurredAt, 'occurredAt') : undefined;
    const result = await this.run(customerId, { type: 'RegisterCustomer', customerId, customerRef, profile: profileOf(profile), occurredAt: when }, ctx);
    return { ids: { customerId, customerRef: customerRef ?? null }, result };
  }

  async updateProfile(customerId: string, changes: Profile, ctx: RequestContext): Promise<Written<{ customerId: string }>> {
    allow(ctx, 'customers.update');
    return { ids: { customerId }, result: await this.run(customerId, { type: 'UpdateProfile', changes: profileOf(changes) }, ctx) };
  }

  purchaseCommand(input: PurchaseInput): Extract<CustomerCommand, { type: 'RecordPurchase' }> {
    return {
      type: 'RecordPurchase',
      orderId: input.orderId,
      amountMinor: parseAmount(input.amount, input.currency),
      currency: input.currency,
      baseAmountMinor: input.baseAmount !== undefined ? parseAmount(input.baseAmount, this.config.shopCurrency) : undefined,
      channel: input.channel,
      items: (input.items ?? []).map((i): PurchaseItem => ({
        sku: i.sku,
        ...(i.category ? { category: i.category } : {}),
        quantity: i.quantity,
        unitPriceScaled: parseUnitPrice(i.unitPrice, input.currency),
      })),
      occurredAt: instant(input.occurredAt, 'occurredAt'),
    };
  }

  refundCommand(input: RefundInput): Extract<CustomerCommand, { type: 'RecordRefund' }> {
    return {
      type: 'RecordRefund',
      refundId: input.refundId,
      orderId: input.orderId,
      amountMinor: parseAmount(input.amount, input.currency),
      currency: input.currency,
      baseAmountMinor: input.baseAmount !== undefined ? parseAmount(input.baseAmount, this.config.shopCurrency) : undefined,
      reason: input.reason,
      occurredAt: instant(input.occurredAt, 'occurredAt'),
    };
  }

  async recordPurchase(customerId: string, input: PurchaseInput, ctx: RequestContext): Promise<Written<{ customerId: string; orderId: string }>> {
    allow(ctx, 'purchases.record');
    return { ids: { customerId, orderId: input.orderId }, result: await this.run(customerId, this.purchaseCommand(input), ctx) };
  }

  async recordRefund(customerId: string, input: RefundInput, ctx: RequestContext): Promise<Written<{ customerId: string; refundId: string }>> {
    allow(ctx, 'refunds.record');
    return { ids: { customerId, refundId: input.refundId }, result: await this.run(customerId, this.refundCommand(input), ctx) };
  }

  /**
   * One customer's history rows of an import, through the same command path:
   * registered on the fly when the ref is new, then each row decided in order,
   * all appended at once or none.
   */
  async importRows(customerRef: string, rows: Array<{ purchase: PurchaseInput } | { refund: RefundInput }>, profile: Profile, ctx: RequestContext): Promise<CommandResult> {
    allow(ctx, 'imports.run');
    return this.run(customerIdForRef(customerRef), this.importCommands(customerRef, rows, profile), ctx, 'import');
  }

  /** An import's rows of a customer: registered if new (as of their first row), then each row. */
  private importCommands(customerRef: string, rows: Array<{ purchase: PurchaseInput } | { refund: RefundInput }>, profile: Profile): CustomerCommand[] {
    const customerId = customerIdForRef(customerRef);
    const commands: CustomerCommand[] = rows.map((r) => ('purchase' in r ? this.purchaseCommand(r.purchase) : this.refundCommand(r.refund)));
    const first = commands.reduce<Date | undefined>((min, c) => ('occurredAt' in c && c.occurredAt && (!min || c.occurredAt < min) ? c.occurredAt : min), undefined);
    return [{ type: 'RegisterCustomer', customerId, customerRef, profile, occurredAt: first, ifNew: true }, ...commands];
  }

  /**
   * Several customers' import rows decided on one read and appended in one
   * transaction; each customer's answer, or the refusal of one of its rows
   * (a CommandInBatchError naming it), or another error.
   */
  async importBatch(
    items: ReadonlyArray<{ customerRef: string; rows: Array<{ purchase: PurchaseInput } | { refund: RefundInput }>; profile: Profile; ctx: RequestContext }>,
  ): Promise<Array<CommandResult | { error: unknown }>> {
    for (const item of items) allow(item.ctx, 'imports.run');
    const answers: Array<CommandResult | { error: unknown }> = [];
    const batch: Array<{ at: number; customerId: string; commands: CustomerCommand[]; context: RequestContext }> = [];
    items.forEach(({ customerRef, rows, profile, ctx }, at) => {
      try {
        batch.push({ at, customerId: customerIdForRef(customerRef), commands: this.importCommands(customerRef, rows, profile), context: ctx });
      } catch (error) {
        answers[at] = { error };
      }
    });
    const decided = await this.commands.execute(new ExecuteCustomerCommandBatch(batch, 'import'));
    batch.forEach(({ at }, i) => (answers[at] = decided[i]));
    return answers;
  }

  async tag(customerId: string, tag: string, ctx: RequestContext): Promise<Written<{ customerId: string; tag: string }>> {
    allow(ctx, 'customers.update');
    return { ids: { customerId, tag }, result: await this.run(customerId, { type: 'TagCustomer', tag }, ctx) };
  }

  async untag(customerId: string, tag: string, ctx: RequestContext): Promise<Written<{ customerId: string; tag: string }>> {
    allow(ctx, 'customers.update');
    return { ids: { customerId, tag }, result: await this.run(customerId, { type: 'UntagCustomer', tag }, ctx) };
  }

  async changeConsent(customerId: string, consent: Partial<Record<ConsentChannel, boolean>>, ctx: RequestContext): Promise<Written<{ customerId: string }>> {
    allow(ctx, 'customers.update');
    const given = Object.fromEntries(Object.entries(consent).filter(([, v]) => v !== undefined));
    return { ids: { customerId }, result: await this.run(customerId, { type: 'ChangeConsent', consent: given }, ctx) };
  }

  async logContact(customerId: string, input: ContactInput, ctx: RequestContext): Promise<Written<{ customerId: string; contactId: string }>> {
    allow(ctx, 'contacts.log');
    const contactId = ctx.idempotencyKey ? nameUuid(`contact:${ctx.idempotencyKey}`) : randomUUID();
    const occurredAt = instant(input.occurredAt, 'occurredAt');
    const command: CustomerCommand = {
      type: 'LogContact',
      contactId,
      kind: input.kind,
      channel: input.channel,
      note: input.note,
      occurredAt,
      yearlyPromotion: input.yearlyPromotion,
    };
    return { ids: { customerId, contactId }, result: await this.run(customerId, command, ctx) };
  }

  /**
   * Erasure on request: the customer's data key is destroyed first (every
   * sealed copy of their personal fields becomes unreadable at once), then
   * CustomerErased is recorded, and the read models drop what they held.
   * Purchases, tiers, lifecycle, RFM and metrics are untouched. Repeating it
   * records nothing.
   */
  async erase(customerId: string, ctx: RequestContext): Promise<Written<{ customerId: string }>> {
    allow(ctx, 'privacy.erase');
    if (!(await loadCustomerHistory(this.store, customerId, this.config.shopTimezone))) throw notFound('CustomerNotFound', `customer ${customerId} not found`);
    await this.keys.erase(customerId);
    return { ids: { customerId }, result: await this.run(customerId, { type: 'EraseCustomer' }, ctx) };
  }

  /** The customer's key, for the slices that show their stored events (the timeline, the data export). */
  dataKey(customerId: string, ctx?: RequestContext) {
    if (!ctx?.memo) return this.keys.get(customerId);
    return memoized(ctx, 'data-keys', () => new DataLoader<string, DataKey | undefined>((ids) => this.keys.getMany(ids))).load(customerId);
  }

  /** A customer's history: through the request's DataLoader when it has one (a page of customers: one read). */
  private loadHistory(customerId: string, ctx?: RequestContext): Promise<CustomerHistory | undefined> {
    if (!ctx?.memo) return loadCustomerHistory(this.store, customerId, this.config.shopTimezone);
    const loader = memoized(
      ctx,
      'customer-history',
      () => new DataLoader<string, CustomerHistory | undefined>((ids) => loadCustomerHistories(this.store, ids, this.config.shopTimezone)),
    );
    return loader.load(customerId);
  }

  /** The rule schedule, read once a request. */
  schedule(ctx?: RequestContext): Promise<RuleSchedule> {
    return memoized(ctx, 'rule-schedule', () => loadRuleSchedule(this.store));
  }

  async view(ctx: RequestContext, customerId: string, asOf?: string, windowMonths?: number): Promise<CustomerView> {
    allow(ctx, 'customers.read');
    const view = await loadCustomerView(this.store, customerId, {
      currency: this.config.shopCurrency,
      timezone: this.config.shopTimezone,
      schedule: await loadRuleSchedule(this.store),
      asOf,
      windowMonths,
      key: await this.keys.get(customerId),
    });
    if (!view) throw notFound('CustomerNotFound', `customer ${customerId} not found${asOf ? ` as of ${asOf}` : ''}`);
    return view;
  }

  viewByRef(ctx: RequestContext, customerRef: string, asOf?: string, windowMonths?: number): Promise<CustomerView> {
    return this.view(ctx, customerIdForRef(customerRef), asOf, windowMonths);
  }

  async list(ctx: RequestContext, input: ListInput) {
    allow(ctx, 'customers.read');
    const { ruleSets } = await loadTierRuleSets(this.store);
    if (input.tier !== undefined && !ruleSets.some((r) => r.ruleSet.tiers.some((t) => t.code === input.tier))) {
      throw refused('UnknownTier', `no published rule set has a tier ${input.tier}`, { tier: input.tier });
    }
    const asOf = input.asOf ?? this.today();
    const { items, nextCursor, facts } = await listCustomers(
      this.sql,
      {
        asOf,
        tier: input.tier,
        lifecycle: input.lifecycle,
        tag: input.tag,
        region: input.region,
        name: input.name,
        cursor: input.cursor,
        limit: input.limit ?? 50,
        windowMonths: input.windowMonths ?? 3,
      },
      this.config.shopCurrency,
    );
    // The facts the list read answer the standing of its customers on its date in the same request, without reading their streams.
    if (ctx.memo) {
      const primed = this.listed(ctx);
      for (const [id, l] of facts) primed.set(id, { asOf, ...l });
    }
    return { items, nextCursor };
  }

  private listed(ctx: RequestContext) {
    return memoized(ctx, 'listed', () => new Map<string, ListedFacts & { asOf: string }>());
  }

  /** What a list this request read on that date knew of the customer, if it did. */
  private listedOn(ctx: RequestContext, customerId: string, asOf: string) {
    const listed = ctx.memo ? this.listed(ctx).get(customerId) : undefined;
    return listed && listed.asOf === asOf ? listed : undefined;
  }

  /** A customer's dated facts as of a date: from a list this request read on that date, else from their stream. */
  private async factsOf(ctx: RequestContext, customerId: string, asOf: string): Promise<TierFacts> {
    return this.listedOn(ctx, customerId, asOf)?.facts ?? (await this.history(customerId, asOf, ctx)).facts;
  }

  /** The customer's history, or 404 when they are unknown or joined after asOf. */
  async history(customerId: string, asOf = this.today(), ctx?: RequestContext): Promise<CustomerHistory> {
    const history = await this.loadHistory(customerId, ctx);
    if (!history || history.joinedOn > asOf) throw notFound('CustomerNotFound', `customer ${customerId} not found${history ? ` as of ${asOf}` : ''}`);
    return history;
  }

  /** The tier of a registered customer today, or undefined when the customer is unknown (complaints fix their SLA by it). */
  async tierToday(customerId: string): Promise<{ tier: string | null } | undefined> {
    if (!(await loadCustomerHistory(this.store, customerId, this.config.shopTimezone))) return undefined;
    return { tier: (await tierStandingOn(this.sql, customerId, this.today()))?.tier ?? null };
  }

  /** The tier read model's step covering the date, or 404 when it does not know the customer then (unknown, joined later, or not projected yet: read with ?waitFor). */
  private async standing(customerId: string, asOf: string) {
    const standing = await tierStandingOn(this.sql, customerId, asOf);
    if (!standing) throw notFound('CustomerNotFound', `customer ${customerId} not found as of ${asOf}`);
    return standing;
  }

  async tier(ctx: RequestContext, customerId: string, asOf = this.today()) {
    allow(ctx, 'customers.read');
    const t = await this.standing(customerId, asOf);
    return { ...tierAnswer(customerId, asOf, t, t.basisRule, this.config.shopCurrency), basisTier: t.basisTier, since: t.since, downgradeDue: t.downgradeDue };
  }

  /** The tier as of a date without when it was reached: what a list of customers shows. */
  async tierStatus(ctx: RequestContext, customerId: string, asOf = this.today()) {
    allow(ctx, 'customers.read');
    const listed = this.listedOn(ctx, customerId, asOf)?.tier;
    const t = listed ?? (await this.standing(customerId, asOf));
    return tierAnswer(customerId, asOf, t, t.basisRule, this.config.shopCurrency);
  }

  async tierHistory(ctx: RequestContext, customerId: string, asOf = this.today()) {
    allow(ctx, 'customers.read');
    const changes = await tierChangesUntil(this.sql, customerId, asOf);
    if (!changes) throw notFound('CustomerNotFound', `customer ${customerId} not found as of ${asOf}`);
    const currency = this.config.shopCurrency;
    return { customerId, asOf, items: changes.map(({ basisMinor, ...c }) => ({ ...c, basis: formatAmount(basisMinor, currency) })) };
  }

  /** The lifecycle status as of a date, without its moves (walking the moves costs a pass over every day since the first purchase). */
  async lifecycleStatus(ctx: RequestContext, customerId: string, asOf = this.today(), windowMonths = 3) {
    allow(ctx, 'customers.read');
    const listed = this.listedOn(ctx, customerId, asOf);
    const facts = listed?.facts ?? (await this.factsOf(ctx, customerId, asOf));
    return lifecycleSummary(customerId, facts, asOf, windowMonths, listed && listed.windowMonths === windowMonths ? listed.lifecycle : undefined);
  }

  async lifecycle(ctx: RequestContext, customerId: string, asOf = this.today(), windowMonths = 3) {
    allow(ctx, 'customers.read');
    const { facts } = await this.history(customerId, asOf, ctx);
    const moves = lifecycleMoves(purchaseDates(facts, asOf), asOf, windowMonths);
    return {
      ...lifecycleSummary(customerId, facts, asOf, windowMonths),
      since: moves.length > 0 ? moves[moves.length - 1].date : null,
      moves,
      lastMoveDirection: moves[moves.length - 1]?.direction ?? 'none',
    };
  }

  async rfm(ctx: RequestContext, customerId: string, asOf = this.today()) {
    allow(ctx, 'customers.read');
    await this.history(customerId, asOf, ctx);
    // Ranked in the base's distribution (computed once per date and read-model position), not by scoring the base.
    const { score: mine, population } = await this.rfmBase.scoreOf(customerId, asOf);
    if (!mine) return { customerId, asOf, scored: false, reason: `no purchase on or before ${asOf}`, population };
    const { monetaryMinor, ...rest } = mine;
    return { ...rest, asOf, scored: true, monetary: formatAmount(monetaryMinor, this.config.shopCurrency), score: `${mine.r}${mine.f}${mine.m}`, population };
  }
}
