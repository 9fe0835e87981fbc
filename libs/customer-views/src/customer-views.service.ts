// The customer capability's reads: a customer as of a date (their stream),
// the list (the customer list read model), their tier (the tier read model),
// lifecycle and RFM. Every transport reads through these.
import { customerCsvLines } from './customer-list/customer-csv';
import { Inject, Injectable } from '@nestjs/common';
import { SQL_CLIENT, SqlClient } from '@crm/database';
import { EVENT_STORE, EventStore } from '@crm/event-store';
import { PROJECTION_RUNNER, ProjectionRunner } from '@crm/projections';
import { lifecycleMoves } from '@crm/lifecycle';
import { allow, APP_CONFIG, AppConfig, DomainError, formatAmount, memoized, notFound, refused, RequestContext, shopDate } from '@crm/shared';
import { loadRuleSchedule, loadTierRuleSets, ruleSetOn, TIER_PERIODS, tierChangesUntil, tierHistory, tierOn, tierStandingOn } from '@crm/tiers';
import type { RuleSchedule, TierFacts } from '@crm/tiers';
import DataLoader from 'dataloader';
import { RfmBase } from '@crm/figures';
import { CustomerHistory, customerIdForRef, CustomerKeys, loadCustomerHistories, loadCustomerHistory } from '@crm/customers';
import type { DataKey } from '@crm/customers';
import { lifecycleSummary, purchaseDates, tierAnswer } from './customer-standing';
import { CustomerView, loadCustomerView } from './customer-view';
import { countCustomers, listCustomers } from './customer-list/customer-list.query';
import type { CustomerListFilter, ListedFacts, ListInput } from './customer-list/customer-list.query';
import { segmentTagsOf, withSegmentTags } from './customer-list/segment-tags';

@Injectable()
export class CustomerViewsService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    private readonly keys: CustomerKeys,
    private readonly rfmBase: RfmBase,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  /** Today in the shop's calendar. */
  today(): string {
    return shopDate(new Date(), this.config.shopTimezone);
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

  async view(ctx: RequestContext, customerId: string, asOf?: string, windowMonths?: number, askedAs = customerId): Promise<CustomerView> {
    allow(ctx, 'customers.read');
    const view = await loadCustomerView(this.store, customerId, {
      currency: this.config.shopCurrency,
      timezone: this.config.shopTimezone,
      schedule: await loadRuleSchedule(this.store),
      asOf,
      windowMonths,
      key: await this.keys.get(customerId),
    });
    if (!view) throw notFound('CustomerNotFound', `customer ${askedAs} not found${asOf ? ` as of ${asOf}` : ''}`);
    const derived = await segmentTagsOf(this.sql, [view.id], view.asOf);
    return { ...view, tags: withSegmentTags(view.tags, derived.get(view.id)) };
  }

  /** A customer as of today through the request's DataLoader, undefined when not there (a page of complaints names each customer once). */
  viewOnce(ctx: RequestContext, customerId: string): Promise<CustomerView | undefined> {
    const load = (ids: readonly string[]) => Promise.all(ids.map((id) => this.view(ctx, id).catch((error: unknown) => (isNotFound(error) ? undefined : Promise.reject(error)))));
    if (!ctx.memo) return load([customerId]).then(([view]) => view);
    return memoized(ctx, 'customer-view', () => new DataLoader<string, CustomerView | undefined>(load)).load(customerId);
  }

  viewByRef(ctx: RequestContext, customerRef: string, asOf?: string, windowMonths?: number): Promise<CustomerView> {
    return this.view(ctx, customerIdForRef(customerRef), asOf, windowMonths, `with ref ${JSON.stringify(customerRef)}`);
  }

  /** A tier filter names a tier some published rule set has. */
  private async knownTier(tier: string | undefined): Promise<void> {
    if (tier === undefined) return;
    const { ruleSets } = await loadTierRuleSets(this.store);
    if (!ruleSets.some((r) => r.ruleSet.tiers.some((t) => t.code === tier))) throw refused('UnknownTier', `no published rule set has a tier ${tier}`, { tier });
  }

  /** The list's filter with its defaults (today, 50 a page, a 3-month window). */
  private filterOf(input: ListInput): CustomerListFilter {
    const { asOf, limit, windowMonths, ...rest } = input;
    return { ...rest, asOf: asOf ?? this.today(), limit: limit ?? 50, windowMonths: windowMonths ?? 3 };
  }

  /** The whole filtered list as CSV lines (header first), every page: a target list for a sender or a spreadsheet. */
  async exportCsv(ctx: RequestContext, input: Omit<ListInput, 'cursor' | 'limit'>): Promise<AsyncGenerator<string>> {
    allow(ctx, 'customers.read');
    await this.knownTier(input.tier);
    return customerCsvLines(this.sql, this.filterOf(input), this.config.shopCurrency);
  }

  async list(ctx: RequestContext, input: ListInput) {
    allow(ctx, 'customers.read');
    await this.knownTier(input.tier);
    const filter = this.filterOf(input);
    const { items, nextCursor, facts } = await listCustomers(this.sql, filter, this.config.shopCurrency);
    // The facts the list read answer the standing of its customers on its date in the same request, without reading their streams.
    if (ctx.memo) {
      const primed = this.listed(ctx);
      for (const [id, l] of facts) primed.set(id, { asOf: filter.asOf, ...l });
    }
    return { items, nextCursor };
  }

  /** How many customers a list's filter holds as of its date (all pages). */
  async count(ctx: RequestContext, input: Omit<ListInput, 'cursor' | 'limit' | 'sort'>): Promise<number> {
    allow(ctx, 'customers.read');
    await this.knownTier(input.tier);
    return countCustomers(this.sql, this.filterOf(input));
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

  /**
   * The tier of a registered customer today, or undefined when the customer is
   * unknown (complaints fix their SLA by it). A decision must not read a stale
   * answer: when the tier read model has not yet seen the customer's last event,
   * the same rule answers from their stream.
   */
  async tierToday(customerId: string): Promise<{ tier: string | null } | undefined> {
    const history = await loadCustomerHistory(this.store, customerId, this.config.shopTimezone);
    if (!history) return undefined;
    const today = this.today();
    const last = history.events[history.events.length - 1].position;
    if (await this.runner.covers(TIER_PERIODS, last)) return { tier: (await tierStandingOn(this.sql, customerId, today))?.tier ?? null };
    return { tier: tierOn(history.facts, await loadRuleSchedule(this.store), today, this.config.shopCurrency).tier };
  }

  /**
   * The tier read model's step covering the date. A customer it does not know
   * yet (registered a moment ago) is answered from their stream by the same
   * rule; one who is not there on that date is a 404.
   */
  private async standing(customerId: string, asOf: string, ctx?: RequestContext) {
    const standing = await tierStandingOn(this.sql, customerId, asOf);
    if (standing) return standing;
    // Not in the read model yet (just registered): the same rule over their stream, or 404 when they are not there.
    const { facts } = await this.history(customerId, asOf, ctx);
    const schedule = await this.schedule(ctx);
    return { ...tierOn(facts, schedule, asOf, this.config.shopCurrency), basisRule: ruleSetOn(schedule, asOf).ruleSet.basis };
  }

  async tier(ctx: RequestContext, customerId: string, asOf = this.today()) {
    allow(ctx, 'customers.read');
    const t = await this.standing(customerId, asOf, ctx);
    return { ...tierAnswer(customerId, asOf, t, t.basisRule, this.config.shopCurrency), basisTier: t.basisTier, since: t.since, downgradeDue: t.downgradeDue };
  }

  /** The tier as of a date without when it was reached: what a list of customers shows. */
  async tierStatus(ctx: RequestContext, customerId: string, asOf = this.today()) {
    allow(ctx, 'customers.read');
    const listed = this.listedOn(ctx, customerId, asOf)?.tier;
    const t = listed ?? (await this.standing(customerId, asOf, ctx));
    return tierAnswer(customerId, asOf, t, t.basisRule, this.config.shopCurrency);
  }

  async tierHistory(ctx: RequestContext, customerId: string, asOf = this.today()) {
    allow(ctx, 'customers.read');
    const changes =
      (await tierChangesUntil(this.sql, customerId, asOf)) ??
      tierHistory((await this.history(customerId, asOf, ctx)).facts, await this.schedule(ctx), asOf, this.config.shopCurrency);
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

const isNotFound = (error: unknown) => error instanceof DomainError && error.code === 'CustomerNotFound';
