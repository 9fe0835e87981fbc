// Where a customer stands, as of any date, and how they got there: tier
// (with basis, rule set and reason), tier history, lifecycle and its moves,
// RFM. Read from the customer's stream (never behind a write) and the rule
// set schedule; RFM ranks against the whole base in the read model.
import { Controller, Get, Inject, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IsIn, IsOptional } from 'class-validator';
import { SQL_CLIENT, SqlClient } from '@crm/database';
import { EVENT_STORE, EventStore } from '@crm/event-store';
import { lifecycleAsOf, lifecycleMoves } from '@crm/lifecycle';
import { PROJECTION_RUNNER, ProjectionRunner, waitForPosition } from '@crm/projections';
import { ApiRead, APP_CONFIG, AppConfig, formatAmount, IsCalendarDate, minusMonths, notFound, shopDate, IsPosition } from '@crm/shared';
import { loadRuleSchedule, ruleSetOn, tierHistory, tierOn } from '@crm/tiers';
import { rfmAsOf } from './analytics/rfm.query';
import { CustomerHistory, loadCustomerHistory } from './customer-history';

class StandingQuery {
  @IsOptional() @IsCalendarDate() asOf?: string;
  @IsOptional() @IsIn(['3', '6', '12']) window?: string;
  @IsOptional() @IsPosition() waitFor?: string;
}

const idPipe = new ParseUUIDPipe({ version: undefined });

@ApiTags('customers')
@Controller('customers')
export class CustomerStandingController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  private async history(id: string, asOf: string): Promise<CustomerHistory> {
    const history = await loadCustomerHistory(this.store, id, this.config.shopTimezone);
    if (!history || history.joinedOn > asOf) throw notFound('CustomerNotFound', `customer ${id} not found${history ? ` as of ${asOf}` : ''}`);
    return history;
  }

  private asOf(query: StandingQuery) {
    return query.asOf ?? shopDate(new Date(), this.config.shopTimezone);
  }

  @Get(':id/tier')
  @ApiRead()
  @ApiQuery({ name: 'asOf', required: false, description: 'calendar date in the shop time zone (default today)' })
  async tier(@Param('id', idPipe) id: string, @Query() query: StandingQuery) {
    const asOf = this.asOf(query);
    const { facts } = await this.history(id, asOf);
    const schedule = await loadRuleSchedule(this.store);
    const t = tierOn(facts, schedule, asOf, this.config.shopCurrency);
    const currency = this.config.shopCurrency;
    return {
      customerId: id,
      asOf,
      tier: t.tier,
      basis: formatAmount(t.basisMinor, currency),
      basisKind: ruleSetOn(schedule, asOf).ruleSet.basis,
      basisTier: t.basisTier,
      purchaseCount: t.purchaseCount,
      ruleSetId: t.ruleSetId,
      since: t.since,
      downgradeDue: t.downgradeDue,
      reason: t.reason,
      currency,
    };
  }

  @Get(':id/tier-history')
  @ApiRead()
  @ApiQuery({ name: 'asOf', required: false, description: 'changes up to this date (default today)' })
  async tierHistory(@Param('id', idPipe) id: string, @Query() query: StandingQuery) {
    const asOf = this.asOf(query);
    const { facts } = await this.history(id, asOf);
    const schedule = await loadRuleSchedule(this.store);
    return {
      customerId: id,
      asOf,
      items: tierHistory(facts, schedule, asOf, this.config.shopCurrency).map(({ basisMinor, ...c }) => ({ ...c, basis: formatAmount(basisMinor, this.config.shopCurrency) })),
    };
  }

  @Get(':id/lifecycle')
  @ApiRead()
  @ApiQuery({ name: 'asOf', required: false, description: 'calendar date in the shop time zone (default today)' })
  @ApiQuery({ name: 'window', required: false, description: 'window W in months: 3 (default), 6 or 12' })
  async lifecycle(@Param('id', idPipe) id: string, @Query() query: StandingQuery) {
    const asOf = this.asOf(query);
    const windowMonths = Number(query.window ?? 3);
    const { facts } = await this.history(id, asOf);
    const dates = facts.purchases.map((p) => p.date).filter((d) => d <= asOf);
    const windowStart = minusMonths(asOf, windowMonths);
    const moves = lifecycleMoves(dates, asOf, windowMonths);
    const status = lifecycleAsOf(dates, asOf, windowMonths);
    return {
      customerId: id,
      asOf,
      windowMonths,
      lifecycle: status,
      window: { after: windowStart, through: asOf },
      purchasesInWindow: dates.filter((d) => d > windowStart).length,
      firstPurchaseOn: dates.length > 0 ? dates.reduce((a, b) => (a < b ? a : b)) : null,
      lastPurchaseOn: dates.length > 0 ? dates.reduce((a, b) => (a > b ? a : b)) : null,
      since: moves.length > 0 ? moves[moves.length - 1].date : null,
      moves,
      lastMoveDirection: moves[moves.length - 1]?.direction ?? 'none',
    };
  }

  @Get(':id/rfm')
  @ApiRead()
  @ApiQuery({ name: 'asOf', required: false, description: 'calendar date in the shop time zone (default today)' })
  @ApiQuery({ name: 'waitFor', required: false, description: 'a write position to wait for (at most 5 s)' })
  async rfm(@Param('id', idPipe) id: string, @Query() query: StandingQuery, @Res({ passthrough: true }) res: Response) {
    await waitForPosition(this.runner, query.waitFor, res);
    const asOf = this.asOf(query);
    await this.history(id, asOf);
    const scores = await rfmAsOf(this.sql, asOf);
    const mine = scores.find((s) => s.customerId === id);
    if (!mine) return { customerId: id, asOf, scored: false, reason: `no purchase on or before ${asOf}`, population: scores.length };
    const { monetaryMinor, ...rest } = mine;
    return { ...rest, asOf, scored: true, monetary: formatAmount(monetaryMinor, this.config.shopCurrency), score: `${mine.r}${mine.f}${mine.m}`, population: scores.length };
  }
}
