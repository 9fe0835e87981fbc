// The tier read model: per customer, the steps of their tier answer (tier,
// basis, rule set, reason, and the change that starts a step with its
// cause), from the day they joined on, including the changes that time alone
// will bring. Built from purchases, refunds and the rule sets stream with
// tierSteps, the one definition of the rules; "the tier of one customer, or
// of every customer, as of D" is one indexed read.
//
// An activation changes every customer's answer: a live projector does not
// patch them in place but asks for a rebuild (RebuildNeededError), which
// fills fresh tables side by side and swaps them in; until then reads answer
// from the tables in place.
import type { Migration, SqlExecutor } from '@crm/database';
import type { RecordedEvent } from '@crm/event-store';
import { businessTime } from '@crm/event-store';
import { Columns, inCustomerBatches, insertAll, RebuildNeededError, replaceRows, type Projector } from '@crm/projections';
import { AppConfig, shopDate } from '@crm/shared';
import { datedFactOf, DatedFact, isDatedFact } from '../dated-facts';
import { RuleSchedule, TierStep, tierSteps } from '../tier-history';
import { TIER_RULES_STREAM } from '../tier-rule-set';
import { tierRuleSetsView } from '../tier-rule-set-view';

export const tierPeriodsMigrations: Migration[] = [
  {
    id: '0015_tier_periods',
    sql: `
CREATE TABLE rm_tier_customers (
  customer_id   uuid PRIMARY KEY,
  registered_on date,
  joined_on     date NOT NULL,
  -- set while a rebuild has not computed the customer's steps yet
  stale         boolean NOT NULL DEFAULT false
);
CREATE INDEX rm_tier_customers_stale ON rm_tier_customers (customer_id) WHERE stale;
CREATE TABLE rm_tier_facts (
  customer_id  uuid NOT NULL,
  event_id     text NOT NULL,
  type         text NOT NULL,
  position     bigint NOT NULL,
  occurred_at  text NOT NULL,
  occurred_on  date NOT NULL,
  amount_minor bigint NOT NULL,
  PRIMARY KEY (customer_id, event_id)
);
CREATE TABLE rm_tier_rule_set_events (
  position    bigint PRIMARY KEY,
  event_id    text NOT NULL,
  type        text NOT NULL,
  data        jsonb NOT NULL,
  recorded_at timestamptz NOT NULL,
  actor       text
);
CREATE TABLE rm_tier_periods (
  customer_id    uuid NOT NULL,
  valid_from     date NOT NULL,
  valid_to       date NOT NULL,
  tier           text,
  basis_tier     text,
  rule_set_id    text NOT NULL,
  basis_rule     jsonb NOT NULL,
  basis_minor    bigint NOT NULL,
  purchase_count integer NOT NULL,
  reason         text NOT NULL,
  since          date,
  downgrade_due  date,
  change         jsonb,
  PRIMARY KEY (customer_id, valid_from)
);
CREATE INDEX rm_tier_periods_tier ON rm_tier_periods (tier, valid_from, valid_to);`,
  },
  {
    // The list filtered by tier reads a tier's customers in id order (tierMembersSql).
    id: '0022_tier_periods_by_customer',
    sql: `CREATE INDEX rm_tier_periods_tier_customer ON rm_tier_periods (tier, customer_id) INCLUDE (valid_from, valid_to);`,
  },
];

const CUSTOMER_COLUMNS: Columns = { customer_id: 'uuid', registered_on: 'date', joined_on: 'date', stale: 'boolean' };
const FACT_COLUMNS: Columns = {
  customer_id: 'uuid',
  event_id: 'text',
  type: 'text',
  position: 'bigint',
  occurred_at: 'text',
  occurred_on: 'date',
  amount_minor: 'bigint',
};
const RULE_SET_EVENT_COLUMNS: Columns = { position: 'bigint', event_id: 'text', type: 'text', data: 'jsonb', recorded_at: 'timestamptz', actor: 'text' };
const PERIOD_COLUMNS: Columns = {
  customer_id: 'uuid',
  valid_from: 'date',
  valid_to: 'date',
  tier: 'text',
  basis_tier: 'text',
  rule_set_id: 'text',
  basis_rule: 'jsonb',
  basis_minor: 'bigint',
  purchase_count: 'integer',
  reason: 'text',
  since: 'date',
  downgrade_due: 'date',
  change: 'jsonb',
};

/** Customers whose steps a finishing rebuild computes at a time. */
const FINISH_BATCH = 2_000;

const customerIdOf = (e: RecordedEvent) => String((e.data as { customerId: string }).customerId);

export interface TierPeriodsOptions {
  /** In a rebuild: store facts and mark customers stale; finish() computes their steps once everything is loaded. */
  deferred?: boolean;
}

/** The tier read model's projector name (its checkpoint). */
export const TIER_PERIODS = 'tier-periods';

interface CustomerRow {
  customer_id: string;
  joined_on: string;
}

interface FactRow {
  customer_id: string;
  event_id: string;
  type: string;
  position: string | number;
  occurred_at: string;
  occurred_on: string;
  amount_minor: string | number;
}

/** pg answers json as parsed values, PGlite as text. */
const json = <T>(value: unknown): T | null => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T | null));

export class TierPeriodsProjector implements Projector {
  readonly name = TIER_PERIODS;
  readonly tables = ['rm_tier_customers', 'rm_tier_facts', 'rm_tier_rule_set_events', 'rm_tier_periods'];
  private kept: { key: string; schedule: RuleSchedule } | undefined;

  constructor(
    private readonly config: Pick<AppConfig, 'shopTimezone' | 'shopCurrency'>,
    private readonly options: TierPeriodsOptions = {},
  ) {}

  /** A rebuild computes every customer once at the end, whatever the number of activations on the way. */
  forRebuild(): TierPeriodsProjector {
    return new TierPeriodsProjector(this.config, { deferred: true });
  }

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor): Promise<void> {
    const ruleSetEvents = events.filter((e) => e.streamId === TIER_RULES_STREAM);
    const customerEvents = events.filter((e) => e.streamId.startsWith('customer-') && (e.type === 'CustomerRegistered' || isDatedFact(e)));
    if (ruleSetEvents.length === 0 && customerEvents.length === 0) return;

    const activated = ruleSetEvents.some((e) => e.type === 'TierRuleSetActivated');
    if (activated && !this.options.deferred) {
      const [known] = await tx.query('SELECT 1 AS known FROM rm_tier_customers LIMIT 1');
      if (known) throw new RebuildNeededError(this.name, 'a tier rule set was activated: every customer is re-projected side by side');
    }
    const ruleSetRows = ruleSetEventRows('rm_tier_rule_set_events', ruleSetEvents);
    if (activated) {
      await insertAll(tx, [ruleSetRows]);
      await tx.query('UPDATE rm_tier_customers SET stale = true');
    }

    const customers = new Map<string, { registered_on: string | null; joined_on: string }>();
    const facts: object[] = [];
    for (const e of customerEvents) {
      const id = customerIdOf(e);
      const on = e.type === 'CustomerRegistered' ? shopDate(new Date(businessTime(e)), this.config.shopTimezone) : undefined;
      const fact = isDatedFact(e) ? datedFactOf(e, this.config.shopTimezone) : undefined;
      const date = (on ?? fact?.date) as string;
      const known = customers.get(id);
      customers.set(id, {
        registered_on: known?.registered_on ?? on ?? null,
        joined_on: known && known.joined_on < date ? known.joined_on : date,
      });
      if (fact)
        facts.push({
          customer_id: id,
          event_id: fact.eventId,
          type: fact.type,
          position: fact.position,
          occurred_at: fact.occurredAt,
          occurred_on: fact.date,
          amount_minor: fact.amountMinor,
        });
    }
    const ids = [...customers.keys()];
    // One statement for the batch's rows of every table (the activation's were written above, before the stale mark).
    await insertAll(tx, [
      ...(activated ? [] : [ruleSetRows]),
      {
        table: 'rm_tier_customers',
        columns: CUSTOMER_COLUMNS,
        rows: ids.map((id) => ({ customer_id: id, ...customers.get(id), stale: this.options.deferred === true })),
        onConflict: `ON CONFLICT (customer_id) DO UPDATE SET registered_on = coalesce(rm_tier_customers.registered_on, excluded.registered_on),
         joined_on = least(rm_tier_customers.joined_on, excluded.joined_on), stale = rm_tier_customers.stale OR excluded.stale`,
      },
      { table: 'rm_tier_facts', columns: FACT_COLUMNS, rows: facts, onConflict: 'ON CONFLICT (customer_id, event_id) DO NOTHING' },
    ]);
    if (this.options.deferred) return;
    await this.project(tx, ids);
  }

  /** Computes the steps of every customer marked stale (a rebuild's last step, and again after its swap's catch-up). */
  finish(tx: SqlExecutor): Promise<void> {
    // In key order from the last one done: the entries this transaction already cleared are never walked again.
    return inCustomerBatches(tx, 'rm_tier_customers', FINISH_BATCH, true, (ids) => this.project(tx, ids));
  }

  /** Replaces the steps of these customers with those their facts give under the schedule. */
  private async project(tx: SqlExecutor, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    // One round trip: the customers, their facts, and which rule-set events this read model holds (the schedule's key).
    const [read] = await tx.query<{ rules: string; customers: CustomerRow[] | string | null; facts: FactRow[] | string | null }>(
      `SELECT (SELECT count(*) || ':' || coalesce(max(position), 0) FROM rm_tier_rule_set_events) AS rules,
              (SELECT json_agg(json_build_object('customer_id', customer_id, 'joined_on', joined_on::text))
                 FROM rm_tier_customers WHERE customer_id = ANY ($1::uuid[]) AND registered_on IS NOT NULL) AS customers,
              (SELECT json_agg(json_build_object('customer_id', customer_id, 'event_id', event_id, 'type', type, 'position', position, 'occurred_at', occurred_at,
                                                 'occurred_on', occurred_on::text, 'amount_minor', amount_minor) ORDER BY customer_id, occurred_at, position)
                 FROM rm_tier_facts WHERE customer_id = ANY ($1::uuid[])) AS facts`,
      [ids],
    );
    const customers = json<CustomerRow[]>(read.customers) ?? [];
    const facts = json<FactRow[]>(read.facts) ?? [];
    const schedule = await this.scheduleAt(tx, read.rules);
    const byCustomer = new Map<string, { purchases: DatedFact[]; refunds: DatedFact[] }>();
    for (const c of customers) byCustomer.set(c.customer_id, { purchases: [], refunds: [] });
    for (const f of facts) {
      const fact: DatedFact = {
        date: f.occurred_on,
        amountMinor: Number(f.amount_minor),
        eventId: f.event_id,
        position: Number(f.position),
        occurredAt: f.occurred_at,
        type: f.type as DatedFact['type'],
      };
      byCustomer.get(f.customer_id)?.[fact.type === 'PurchaseRecorded' ? 'purchases' : 'refunds'].push(fact);
    }
    const periods: object[] = [];
    for (const c of customers) {
      const steps = tierSteps(byCustomer.get(c.customer_id) ?? { purchases: [], refunds: [] }, schedule, c.joined_on, this.config.shopCurrency);
      for (const step of steps) periods.push(periodRow(c.customer_id, step));
    }
    await replaceRows(tx, 'rm_tier_periods', PERIOD_COLUMNS, periods, { column: 'customer_id', values: ids }, ['customer_id', 'valid_from']);
  }

  /**
   * The schedule for the rule-set events this read model holds, kept while
   * they are the same (`key`: their count and last position, both immutable
   * per event): a batch without a rule-set event does not read them again.
   */
  private async scheduleAt(tx: SqlExecutor, key: string): Promise<RuleSchedule> {
    if (this.kept?.key !== key) this.kept = { key, schedule: await this.schedule(tx) };
    return this.kept.schedule;
  }

  /** The schedule of rule sets as this read model has seen it (its own copy of the rule sets stream). */
  private async schedule(tx: SqlExecutor): Promise<RuleSchedule> {
    return ruleScheduleOf(await tx.query<RuleSetEventRow>('SELECT position, event_id, type, data, recorded_at, actor FROM rm_tier_rule_set_events ORDER BY position'));
  }
}

/** A read model's copy of a rule sets stream event (rm_tier_rule_set_events and its like). */
export interface RuleSetEventRow {
  position: string | number;
  event_id: string;
  type: string;
  data: unknown;
  recorded_at: Date | string;
  actor: string | null;
}

/** A batch's rule sets events as rows of a read model's copy (`table`); a repeat writes nothing. */
export function ruleSetEventRows(table: string, events: readonly RecordedEvent[]) {
  return {
    table,
    columns: RULE_SET_EVENT_COLUMNS,
    rows: events.map((e) => ({
      position: e.position,
      event_id: e.id,
      type: e.type,
      data: e.data,
      recorded_at: e.recordedAt.toISOString(),
      actor: typeof e.metadata.actor === 'string' ? e.metadata.actor : null,
    })),
    onConflict: 'ON CONFLICT (position) DO NOTHING',
  };
}

/** The schedule such copies give, in position order. */
export function ruleScheduleOf(rows: readonly RuleSetEventRow[]): RuleSchedule {
  const events: RecordedEvent[] = rows.map((r, i) => ({
    id: r.event_id,
    type: r.type,
    data: typeof r.data === 'string' ? JSON.parse(r.data) : r.data,
    metadata: r.actor === null ? {} : { actor: r.actor },
    streamId: TIER_RULES_STREAM,
    streamVersion: i + 1,
    position: Number(r.position),
    recordedAt: new Date(r.recorded_at),
  }));
  return tierRuleSetsView(events).schedule;
}

function periodRow(customerId: string, step: TierStep) {
  const s = step.standing;
  return {
    customer_id: customerId,
    valid_from: step.from,
    valid_to: step.to ?? 'infinity',
    tier: s.tier,
    basis_tier: s.basisTier,
    rule_set_id: s.ruleSetId,
    basis_rule: step.basis,
    basis_minor: s.basisMinor,
    purchase_count: s.purchaseCount,
    reason: s.reason,
    since: s.since,
    downgrade_due: s.downgradeDue,
    change: step.change ?? null,
  };
}
