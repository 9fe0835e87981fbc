// The segment membership read model: per segment and customer, the periods of
// membership with the cause of each entry and exit, including the moves time
// alone will make (kept ahead to a horizon). Built from the projector's own
// copy of what segments read - each customer's compact facts, the segment
// versions, the tier rule sets - so it never waits on another read model.
//
// A new segment version (or its retirement) re-computes that segment for
// every customer from the facts kept here, in the batch's transaction; a
// tier rule set activated moves every segment, so a live projector asks for
// a rebuild side by side (RebuildNeededError), as the tier read model does; a
// customer's event re-computes that customer alone. Definitions that rank the whole base (RFM)
// are not kept here: their members are evaluated when asked.
import type { Migration, SqlExecutor } from '@crm/database';
import { businessTime, type RecordedEvent } from '@crm/event-store';
import { decodeCustomerEvent, loadDataKeys } from '@crm/customers';
import type { DataKey } from '@crm/customers';
import { Columns, inCustomerBatches, inCustomerBatchesAhead, insertAll, RebuildNeededError, replaceRows, type Projector } from '@crm/projections';
import { AppConfig, knownEventType, monthsAfter, openingKeysOf, shopDate } from '@crm/shared';
import { ruleScheduleOf, RuleSchedule, ruleSetEventRows, RuleSetEventRow, TIER_RULES_STREAM, tierSteps } from '@crm/tiers';
import { decodeSegmentEvent } from '../segment';
import type { SegmentDefinition } from '../segment-definition';
import { fieldsOf, ranksTheBase } from '../segment-definition';
import { customerHistory, DatedSegmentFact, SegmentFact, segmentFactOf, tierFactsOf } from './customer-history';
import { membershipPeriods, SegmentVersions } from './membership';

export const SEGMENT_MEMBERS = 'segment-members';

export const segmentMemberMigrations: Migration[] = [
  {
    id: '0028_segment_members',
    sql: `
CREATE TABLE rm_segment_versions (
  segment_id   text NOT NULL,
  version      integer NOT NULL,
  published_on date NOT NULL,
  definition   jsonb NOT NULL,
  PRIMARY KEY (segment_id, version)
);
CREATE TABLE rm_segment_retirements (
  segment_id text PRIMARY KEY,
  retired_on date NOT NULL
);
CREATE TABLE rm_segment_customers (
  customer_id uuid PRIMARY KEY,
  -- set while a rebuild has not computed the customer's memberships yet
  stale       boolean NOT NULL DEFAULT false
);
CREATE INDEX rm_segment_customers_stale ON rm_segment_customers (customer_id) WHERE stale;
CREATE TABLE rm_segment_facts (
  customer_id uuid NOT NULL,
  position    bigint NOT NULL,
  event_id    text NOT NULL,
  event_type  text NOT NULL,
  occurred_on date NOT NULL,
  fact        jsonb NOT NULL,
  PRIMARY KEY (customer_id, position)
);
CREATE TABLE rm_segment_rule_set_events (
  position    bigint PRIMARY KEY,
  event_id    text NOT NULL,
  type        text NOT NULL,
  data        jsonb NOT NULL,
  recorded_at timestamptz NOT NULL,
  actor       text
);
CREATE TABLE rm_segment_members (
  segment_id      text NOT NULL,
  customer_id     uuid NOT NULL,
  entered_on      date NOT NULL,
  left_on         date,
  entered_version integer NOT NULL,
  entered_cause   jsonb NOT NULL,
  left_cause      jsonb,
  PRIMARY KEY (segment_id, customer_id, entered_on)
);
CREATE INDEX rm_segment_members_customer ON rm_segment_members (customer_id, segment_id);
CREATE INDEX rm_segment_members_entered ON rm_segment_members (segment_id, entered_on);
CREATE INDEX rm_segment_members_left ON rm_segment_members (segment_id, left_on) WHERE left_on IS NOT NULL;`,
  },
];

const FACT_COLUMNS: Columns = { customer_id: 'uuid', position: 'bigint', event_id: 'text', event_type: 'text', occurred_on: 'date', fact: 'jsonb' };
const MEMBER_COLUMNS: Columns = {
  segment_id: 'text',
  customer_id: 'uuid',
  entered_on: 'date',
  left_on: 'date',
  entered_version: 'integer',
  entered_cause: 'jsonb',
  left_cause: 'jsonb',
};

/** Customers a finishing rebuild computes at a time. */
const FINISH_BATCH = 1_000;
/** How far past a customer's last fact moves by time alone are kept (birthdays recur). */
const HORIZON_MONTHS = 120;

const COMPLAINT_FACTS: Record<string, 'complaintOpened' | 'complaintClosed'> = {
  ComplaintOpened: 'complaintOpened',
  ComplaintReopened: 'complaintOpened',
  ComplaintResolved: 'complaintClosed',
};

interface KeptSegments {
  segments: Map<string, SegmentVersions>;
  schedule: RuleSchedule;
  readsTiers: boolean;
}

/** pg answers json as parsed values, PGlite as text. */
const json = <T>(value: unknown): T => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T));

export class SegmentMembersProjector implements Projector {
  readonly name = SEGMENT_MEMBERS;
  readonly tables = ['rm_segment_versions', 'rm_segment_retirements', 'rm_segment_customers', 'rm_segment_facts', 'rm_segment_rule_set_events', 'rm_segment_members'];
  private kept: { key: string; schedule: RuleSchedule } | undefined;

  constructor(
    private readonly config: Pick<AppConfig, 'shopTimezone' | 'shopCurrency' | 'masterKey' | 'masterKeyRotation'>,
    private readonly options: { deferred?: boolean } = {},
  ) {}

  /** A rebuild computes every customer once at the end, whatever the number of versions on the way. */
  forRebuild(): SegmentMembersProjector {
    return new SegmentMembersProjector(this.config, { deferred: true });
  }

  private dateOf(e: RecordedEvent): string {
    return shopDate(new Date(businessTime(e)), this.config.shopTimezone);
  }

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor): Promise<void> {
    const known = events.filter((e) => knownEventType(e.streamId, e.type));
    const segmentEvents = known.filter((e) => e.streamId.startsWith('segment-'));
    const ruleEvents = known.filter((e) => e.streamId === TIER_RULES_STREAM);
    const customerEvents = known.filter((e) => e.streamId.startsWith('customer-') && e.type !== 'ContactLogged' && e.type !== 'CampaignHeldOut');
    const complaintEvents = known.filter((e) => e.streamId.startsWith('complaint-') && COMPLAINT_FACTS[e.type] !== undefined);
    if (segmentEvents.length + ruleEvents.length + customerEvents.length + complaintEvents.length === 0) return;

    // An activation moves tiers, and so memberships, only where some segment is kept.
    const activated = ruleEvents.some((e) => e.type === 'TierRuleSetActivated') && (await tx.query('SELECT 1 FROM rm_segment_versions LIMIT 1')).length > 0;
    if (activated && !this.options.deferred) {
      const [any] = await tx.query('SELECT 1 AS known FROM rm_segment_customers LIMIT 1');
      if (any) throw new RebuildNeededError(this.name, 'a tier rule set was activated: every membership is re-projected side by side');
    }
    await this.keepDefinitions(tx, segmentEvents, ruleEvents);
    if (activated) await tx.query('UPDATE rm_segment_customers SET stale = true');

    const facts = await this.factsOf(tx, customerEvents, complaintEvents);
    const ids = [...new Set(facts.map((f) => f.customer_id))];
    await insertAll(tx, [
      {
        table: 'rm_segment_customers',
        columns: { customer_id: 'uuid', stale: 'boolean' },
        rows: ids.map((customer_id) => ({ customer_id, stale: this.options.deferred === true })),
        onConflict: 'ON CONFLICT (customer_id) DO UPDATE SET stale = rm_segment_customers.stale OR excluded.stale',
      },
      { table: 'rm_segment_facts', columns: FACT_COLUMNS, rows: facts, onConflict: 'ON CONFLICT (customer_id, position) DO NOTHING' },
    ]);
    if (this.options.deferred) {
      // A new version in a rebuild: every customer is computed once at the end.
      if (segmentEvents.length > 0) await tx.query('UPDATE rm_segment_customers SET stale = true');
      return;
    }
    await this.project(tx, ids);
    const changed = new Set(segmentEvents.map((e) => decodeSegmentEvent(e).data.segmentId));
    if (changed.size > 0) await this.projectSegments(tx, changed);
  }

  /**
   * A new version or a retirement: that segment's periods of every customer,
   * from the facts this read model keeps (no read of the log), in batches of
   * customers within the batch's transaction.
   */
  private projectSegments(tx: SqlExecutor, segmentIds: ReadonlySet<string>): Promise<void> {
    return this.projectBatches(tx, false, segmentIds);
  }

  /** Every customer (or every stale one) in batches, the next batch's facts read while this one is computed. */
  private async projectBatches(tx: SqlExecutor, staleOnly: boolean, only?: ReadonlySet<string>): Promise<void> {
    const kept = await this.keptSegments(tx, only);
    // With nothing to keep the walk still clears the stale marks.
    if (!kept) return staleOnly ? inCustomerBatches(tx, 'rm_segment_customers', FINISH_BATCH, true, async () => undefined) : undefined;
    await inCustomerBatchesAhead(
      tx,
      'rm_segment_customers',
      FINISH_BATCH,
      staleOnly,
      (ids) => this.factsOfCustomers(tx, ids),
      (ids, facts) => this.write(tx, ids, this.periodsOf(kept, facts), only),
    );
  }

  private async keepDefinitions(tx: SqlExecutor, segmentEvents: readonly RecordedEvent[], ruleEvents: readonly RecordedEvent[]): Promise<void> {
    const versions: object[] = [];
    const retirements: object[] = [];
    for (const e of segmentEvents) {
      const event = decodeSegmentEvent(e);
      if (event.type === 'SegmentPublished')
        versions.push({ segment_id: event.data.segmentId, version: event.data.version, published_on: this.dateOf(e), definition: event.data.definition });
      else retirements.push({ segment_id: event.data.segmentId, retired_on: this.dateOf(e) });
    }
    await insertAll(tx, [
      {
        table: 'rm_segment_versions',
        columns: { segment_id: 'text', version: 'integer', published_on: 'date', definition: 'jsonb' },
        rows: versions,
        onConflict: 'ON CONFLICT DO NOTHING',
      },
      { table: 'rm_segment_retirements', columns: { segment_id: 'text', retired_on: 'date' }, rows: retirements, onConflict: 'ON CONFLICT DO NOTHING' },
      ruleSetEventRows('rm_segment_rule_set_events', ruleEvents),
    ]);
  }

  /** The batch's facts as rows: customer events decoded (birthdays are sealed: opened with the customer's key), complaints' openings and closings. */
  private async factsOf(tx: SqlExecutor, customerEvents: readonly RecordedEvent[], complaintEvents: readonly RecordedEvent[]) {
    const customerIdOf = (e: RecordedEvent) => String((e.data as { customerId: string }).customerId);
    const profileIds = customerEvents.filter((e) => e.type === 'CustomerRegistered' || e.type === 'CustomerProfileUpdated').map(customerIdOf);
    const keys = this.config.masterKey && profileIds.length > 0 ? await loadDataKeys(tx, openingKeysOf(this.config), profileIds) : new Map<string, DataKey>();
    const rows: Array<{ customer_id: string; position: number; event_id: string; event_type: string; occurred_on: string; fact: SegmentFact }> = [];
    for (const e of customerEvents) {
      const fact = segmentFactOf(decodeCustomerEvent(e, keys.get(customerIdOf(e))));
      if (fact) rows.push({ customer_id: customerIdOf(e), position: e.position, event_id: e.id, event_type: e.type, occurred_on: this.dateOf(e), fact });
    }
    for (const e of complaintEvents) {
      const complaintId = String((e.data as { complaintId: string }).complaintId);
      rows.push({
        customer_id: customerIdOf(e),
        position: e.position,
        event_id: e.id,
        event_type: e.type,
        occurred_on: this.dateOf(e),
        fact: { type: COMPLAINT_FACTS[e.type], complaintId },
      });
    }
    return rows;
  }

  /** Computes the memberships of every customer marked stale (a rebuild's last step, and again after its swap's catch-up). */
  finish(tx: SqlExecutor): Promise<void> {
    return this.projectBatches(tx, true);
  }

  /** Replaces these customers' membership periods with those their facts give under every segment's versions (or only those segments'). */
  private async project(tx: SqlExecutor, ids: readonly string[], only?: ReadonlySet<string>): Promise<void> {
    if (ids.length === 0) return;
    const kept = await this.keptSegments(tx, only);
    if (kept) await this.write(tx, ids, this.periodsOf(kept, await this.factsOfCustomers(tx, ids)), only);
  }

  /** The segments to compute with the tier rule schedule, or undefined when there is nothing to keep (and no rows to replace). */
  private async keptSegments(tx: SqlExecutor, only?: ReadonlySet<string>): Promise<KeptSegments | undefined> {
    const segments = await this.segments(tx);
    if (only) for (const id of segments.keys()) if (!only.has(id)) segments.delete(id);
    if (segments.size === 0 && !only) return undefined;
    const [rules] = await tx.query<{ key: string }>(`SELECT count(*) || ':' || coalesce(max(position), 0) AS key FROM rm_segment_rule_set_events`);
    if (this.kept?.key !== rules.key) {
      const rows = await tx.query<RuleSetEventRow>('SELECT position, event_id, type, data, recorded_at, actor FROM rm_segment_rule_set_events ORDER BY position');
      this.kept = { key: rules.key, schedule: ruleScheduleOf(rows) };
    }
    // Tier steps cost the most of a customer's history: computed only when a segment asks for tiers.
    const readsTiers = [...segments.values()].some((v) => v.versions.some((version) => fieldsOf(version.definition).has('tier')));
    return { segments, schedule: this.kept.schedule, readsTiers };
  }

  /** These customers' kept facts, in date order. */
  private async factsOfCustomers(tx: SqlExecutor, ids: readonly string[]): Promise<Map<string, DatedSegmentFact[]>> {
    const factRows = await tx.query<{ customer_id: string; position: string; event_id: string; event_type: string; occurred_on: string; fact: unknown }>(
      `SELECT customer_id, position, event_id, event_type, occurred_on::text AS occurred_on, fact FROM rm_segment_facts
        WHERE customer_id = ANY ($1::uuid[]) ORDER BY customer_id, occurred_on, position`,
      [ids],
    );
    const byCustomer = new Map<string, DatedSegmentFact[]>();
    for (const r of factRows) {
      const list = byCustomer.get(r.customer_id) ?? [];
      list.push({ date: r.occurred_on, position: Number(r.position), eventId: r.event_id, eventType: r.event_type, fact: json<SegmentFact>(r.fact) });
      byCustomer.set(r.customer_id, list);
    }
    return byCustomer;
  }

  /** The membership periods (as rows) the customers' facts give under the kept segments. Pure. */
  private periodsOf({ segments, schedule, readsTiers }: KeptSegments, byCustomer: ReadonlyMap<string, DatedSegmentFact[]>): object[] {
    const members: object[] = [];
    for (const [customerId, facts] of byCustomer) {
      const joined = facts.find((f) => !f.fact.type.startsWith('complaint'))?.date;
      if (joined === undefined) continue;
      const history = customerHistory(customerId, facts, readsTiers ? tierSteps(tierFactsOf(facts), schedule, joined, this.config.shopCurrency) : []);
      const until = monthsAfter(facts[facts.length - 1].date, HORIZON_MONTHS);
      for (const [segmentId, versions] of segments) {
        for (const p of membershipPeriods(history, versions, until)) {
          members.push({
            segment_id: segmentId,
            customer_id: customerId,
            entered_on: p.enteredOn,
            left_on: p.leftOn,
            entered_version: p.enteredVersion,
            entered_cause: p.enteredCause,
            left_cause: p.leftCause,
          });
        }
      }
    }
    return members;
  }

  private async write(tx: SqlExecutor, ids: readonly string[], members: object[], only?: ReadonlySet<string>): Promise<void> {
    if (!only) {
      await replaceRows(tx, 'rm_segment_members', MEMBER_COLUMNS, members, { column: 'customer_id', values: ids }, ['segment_id', 'customer_id', 'entered_on']);
      return;
    }
    await tx.query('DELETE FROM rm_segment_members WHERE segment_id = ANY ($1::text[]) AND customer_id = ANY ($2::uuid[])', [[...only], ids]);
    await insertAll(tx, [{ table: 'rm_segment_members', columns: MEMBER_COLUMNS, rows: members }]);
  }

  /** Every segment kept here with its versions (from the day each was published; version 1 for every earlier date too). */
  private async segments(tx: SqlExecutor): Promise<Map<string, SegmentVersions>> {
    const rows = await tx.query<{ segment_id: string; version: number; published_on: string; definition: unknown; retired_on: string | null }>(
      `SELECT v.segment_id, v.version, v.published_on::text AS published_on, v.definition, r.retired_on::text AS retired_on
         FROM rm_segment_versions v LEFT JOIN rm_segment_retirements r USING (segment_id) ORDER BY v.segment_id, v.version`,
    );
    const segments = new Map<string, SegmentVersions & { versions: Array<SegmentVersions['versions'][number]> }>();
    for (const r of rows) {
      const definition = json<SegmentDefinition>(r.definition);
      const entry = segments.get(r.segment_id) ?? { versions: [], retiredOn: r.retired_on };
      entry.versions.push({ version: Number(r.version), from: entry.versions.length === 0 ? '0001-01-01' : r.published_on, definition });
      segments.set(r.segment_id, entry);
    }
    for (const [id, s] of segments) if (s.versions.some((v) => ranksTheBase(v.definition))) segments.delete(id);
    return segments;
  }
}
