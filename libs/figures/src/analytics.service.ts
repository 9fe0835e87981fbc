// Whole-base figures as of a date: RFM segments and stickiness metrics.
import { Inject, Injectable } from '@nestjs/common';
import { SQL_CLIENT, SqlClient } from '@crm/database';
import { allow, APP_CONFIG, AppConfig, formatAmount, RequestContext, shopDate } from '@crm/shared';
import { rfmSegments } from './rfm-segments.query';
import { stickiness } from './stickiness.query';
import { dayFacts } from './day.query';
import { birthdaysDue, greetingsDue } from './care-due.query';
import { PositionedCache, projectorPositions } from './positioned-cache';
import { TIER_PERIODS } from '@crm/tiers';

/** The read models whole-base figures read: the customer list's tables (by name: this slice reads them, it does not own them) and the tier periods. */
const FIGURES_READ = ['customer-list', TIER_PERIODS];

export const RFM_SEGMENTS = ['CHAMPIONS', 'AT_RISK_VALUABLE', 'LOYAL', 'NEW_OR_PROMISING', 'LOST_LOW_VALUE', 'SLIPPING', 'NEEDS_ATTENTION'] as const;

export interface StickinessInput {
  asOf?: string;
  windowMonths?: number;
  retentionDays?: number;
  responseDays?: number;
}

@Injectable()
export class AnalyticsService {
  private readonly rfmKept: PositionedCache<Awaited<ReturnType<typeof rfmSegments>>>;
  private readonly stickinessKept: PositionedCache<Awaited<ReturnType<typeof stickiness>>>;

  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    const positions = () => projectorPositions(this.sql, FIGURES_READ);
    this.rfmKept = new PositionedCache(positions);
    this.stickinessKept = new PositionedCache(positions);
  }

  private today() {
    return shopDate(new Date(), this.config.shopTimezone);
  }

  /** The customers whose post-purchase or birthday greeting is due or overdue on a date, the longest waiting first. */
  async careDue(ctx: RequestContext, asOf = this.today(), limit = 100) {
    allow(ctx, 'customers.read');
    return { asOf, greetings: await greetingsDue(this.sql, asOf, limit), birthdays: await birthdaysDue(this.sql, asOf, limit) };
  }

  /** Customers and net spend per segment; with `segment`, its first `limit` members by net spend. */
  async segments(ctx: RequestContext, asOf = this.today(), segment?: string, limit = 100) {
    allow(ctx, 'metrics.read');
    const found = await this.rfmKept.get(`${asOf}|${segment ?? ''}|${limit}`, () => rfmSegments(this.sql, asOf, segment, limit));
    const currency = this.config.shopCurrency;
    const answer = {
      asOf,
      customers: found.customers,
      segments: RFM_SEGMENTS.map((name) => {
        const e = found.segments.get(name) ?? { customers: 0, netSpendMinor: 0 };
        return { segment: name, customers: e.customers, netSpend: formatAmount(e.netSpendMinor, currency) };
      }),
    };
    if (segment === undefined) return answer;
    const members = (found.members ?? []).map(({ monetaryMinor, ...s }) => ({ ...s, monetary: formatAmount(monetaryMinor, currency) }));
    return { ...answer, segment, members };
  }

  /** The day at a glance: new customers, purchases and refunds that day, and customers per tier on it. */
  async day(ctx: RequestContext, asOf = this.today()) {
    allow(ctx, 'customers.read');
    const facts = await dayFacts(this.sql, asOf);
    const currency = this.config.shopCurrency;
    return {
      asOf,
      currency,
      newCustomers: facts.newCustomers,
      purchases: facts.purchases,
      sales: formatAmount(facts.salesMinor, currency),
      refunds: facts.refunds,
      refunded: formatAmount(facts.refundedMinor, currency),
      byTier: facts.byTier,
    };
  }

  async stickiness(ctx: RequestContext, input: StickinessInput) {
    allow(ctx, 'metrics.read');
    const options = {
      asOf: input.asOf ?? this.today(),
      windowMonths: input.windowMonths ?? 3,
      retentionDays: input.retentionDays ?? 30,
      responseDays: input.responseDays ?? 30,
      currency: this.config.shopCurrency,
    };
    // A copy: the kept answer is shared by every asker.
    return structuredClone(await this.stickinessKept.get(JSON.stringify(options), () => stickiness(this.sql, options)));
  }
}
