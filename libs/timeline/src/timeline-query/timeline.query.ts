// A customer's timeline page: the stored events of the customer and their
// complaints (read model rm_timeline), merged with the derived tier changes
// and lifecycle moves, in the order things happened, keyset-paginated.
import { Inject, Injectable } from '@nestjs/common';
import { DataKey, displayProfile } from '@crm/customers';
import { CustomerViewsService } from '@crm/customer-views';
import type { Profile } from '@crm/customers';
import { SQL_CLIENT, SqlClient } from '@crm/database';
import { EVENT_STORE, EventStore } from '@crm/event-store';
import { allow, APP_CONFIG, AppConfig, invalid, refused, RequestContext, shopDate, SOURCE_EVENT_TYPES, withDecimalAmounts } from '@crm/shared';
import { loadRuleSchedule } from '@crm/tiers';
import { segmentChangesOf } from '@crm/segments';
import { compareKeys, DerivedEntry, derivedChanges, segmentEntries } from '../derived-changes';

interface TimelineRow {
  position: string | number;
  stream_id: string;
  stream_version: string | number;
  event_id: string;
  type: string;
  occurred_at: Date;
  recorded_at: Date;
  actor: string | null;
  correlation_id: string | null;
  causation_id: string | null;
  source: string | null;
  data: unknown;
}

type Key = [string, number, number];

function decode(cursor: string): Key {
  try {
    const [at, position, seq = 0] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, number, number?];
    if (typeof at === 'string' && !Number.isNaN(Date.parse(at)) && Number.isSafeInteger(position) && Number.isSafeInteger(seq)) return [new Date(at).toISOString(), position, seq];
  } catch {
    // fall through
  }
  throw refused('InvalidCursor', 'cursor is not one this API gave out');
}

const encode = (key: Key) => Buffer.from(JSON.stringify(key)).toString('base64url');

/** Registrations and profile changes show their personal fields opened with the customer's key, or as erased. */
function opened(r: TimelineRow, customerId: string, key: DataKey | undefined): unknown {
  const data = r.data as Record<string, unknown>;
  if (r.type === 'CustomerRegistered' && data.profile) return { ...data, profile: displayProfile(data.profile as Profile, key, customerId) };
  if (r.type === 'CustomerProfileUpdated' && data.changes) return { ...data, changes: displayProfile(data.changes as Profile, key, customerId) };
  return data;
}

const entryOf = (r: TimelineRow, customerId: string, key: DataKey | undefined) => ({
  position: Number(r.position),
  type: r.type,
  derived: false,
  streamId: r.stream_id,
  streamVersion: Number(r.stream_version),
  eventId: r.event_id,
  occurredAt: new Date(r.occurred_at).toISOString(),
  recordedAt: new Date(r.recorded_at).toISOString(),
  actor: r.actor,
  correlationId: r.correlation_id,
  causationId: r.causation_id,
  source: r.source,
  data: withDecimalAmounts(opened(r, customerId, key)),
});

export interface TimelinePageInput {
  cursor?: string;
  limit?: number;
  derived?: boolean;
  /** Only entries of these types (stored or derived); all when absent. */
  types?: readonly string[];
  /** Page from the newest entry back (the cursor: the last entry of the page before). */
  newestFirst?: boolean;
}

/** What a timeline entry can be: a stored event of the customer or their complaints, or a derived change. */
export const TIMELINE_ENTRY_TYPES: readonly string[] = [...SOURCE_EVENT_TYPES, 'TierChanged', 'LifecycleChanged', 'SegmentEntered', 'SegmentLeft'];
const MAX_TYPES = TIMELINE_ENTRY_TYPES.length;

function typesFilter(types: readonly string[] | undefined): Set<string> | undefined {
  if (types === undefined) return undefined;
  if (types.length === 0 || types.length > MAX_TYPES) throw invalid('InvalidEntryTypes', `types must name 1-${MAX_TYPES} entry types`);
  const unknown = types.filter((t) => !TIMELINE_ENTRY_TYPES.includes(t));
  if (unknown.length > 0) throw invalid('InvalidEntryTypes', `unknown entry type(s): ${unknown.slice(0, 5).join(', ')}`, { known: TIMELINE_ENTRY_TYPES });
  return new Set(types);
}

@Injectable()
export class TimelineQuery {
  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly views: CustomerViewsService,
  ) {}

  /** A page of the customer's timeline; 404 for a customer never registered. */
  async page(ctx: RequestContext, customerId: string, input: TimelinePageInput = {}) {
    const { edges, nextCursor } = await this.edges(ctx, customerId, input);
    return { items: edges.map((e) => e.entry), nextCursor };
  }

  /** A page with each entry's own cursor (GraphQL's connection edges). */
  async edges(ctx: RequestContext, customerId: string, input: TimelinePageInput = {}) {
    allow(ctx, 'timeline.read');
    const only = typesFilter(input.types);
    const history = await this.views.history(customerId, '9999-12-31');
    const limit = input.limit ?? 100;
    const desc = input.newestFirst === true;
    const from: Key | undefined = input.cursor ? decode(input.cursor) : undefined;
    // Past the cursor in the page's order. A derived entry's key follows its cause's ([at, position, 1] after [at, position, 0]):
    // newest first, a cursor on a derived entry still has its cause ahead.
    const past = desc
      ? '((occurred_at, position) < ($2::timestamptz, $3::bigint) OR ((occurred_at, position) = ($2::timestamptz, $3::bigint) AND $6::int > 0))'
      : '(occurred_at, position) > ($2::timestamptz, $3::bigint)';
    const rows = await this.sql.query<TimelineRow>(
      `SELECT position, stream_id, stream_version, event_id, type, occurred_at, recorded_at, actor, correlation_id, causation_id, source, data
         FROM rm_timeline WHERE customer_id = $1 AND ${past}
          AND ($5::text[] IS NULL OR type = ANY ($5::text[]))
        ORDER BY occurred_at ${desc ? 'DESC' : ''}, position ${desc ? 'DESC' : ''} LIMIT $4`,
      [customerId, from ? from[0] : desc ? 'infinity' : '-infinity', from?.[1] ?? 0, limit + 1, only ? [...only] : null, ...(desc ? [from?.[2] ?? 0] : [])],
    );
    const dataKey = rows.some((r) => r.type === 'CustomerRegistered' || r.type === 'CustomerProfileUpdated') ? await this.views.dataKey(customerId) : undefined;
    const stored = rows.map((r) => ({
      key: [new Date(r.occurred_at).toISOString(), Number(r.position), 0] as Key,
      entry: entryOf(r, customerId, dataKey) as Record<string, unknown>,
    }));
    const today = shopDate(new Date(), this.config.shopTimezone);
    const derived =
      input.derived === false
        ? []
        : (await this.derived(customerId, history, today)).filter(
            (d) => (from === undefined || (desc ? compareKeys(d.key, from) < 0 : compareKeys(d.key, from) > 0)) && (!only || only.has(d.entry.type)),
          );
    if (desc) derived.reverse();
    // Merge two lists sorted in the page's order; stored rows past the page's last one may be missing (LIMIT), so stop at limit.
    const before = (a: Key, b: Key) => (desc ? compareKeys(a, b) > 0 : compareKeys(a, b) < 0);
    const merged: Array<{ key: Key; entry: Record<string, unknown> | DerivedEntry['entry'] }> = [];
    let i = 0;
    let j = 0;
    while (merged.length < limit + 1 && (i < stored.length || j < derived.length)) {
      if (j >= derived.length || (i < stored.length && before(stored[i].key, derived[j].key))) merged.push(stored[i++]);
      else merged.push(derived[j++]);
    }
    const page = merged.slice(0, limit);
    const more = merged.length > limit;
    return { edges: page.map((p) => ({ cursor: encode(p.key), entry: p.entry })), nextCursor: more && page.length > 0 ? encode(page[page.length - 1].key) : null };
  }

  /** The derived entries up to today: tier changes, lifecycle moves, and entries into and exits from segments. */
  private async derived(customerId: string, history: Awaited<ReturnType<CustomerViewsService['history']>>, today: string): Promise<DerivedEntry[]> {
    return [
      ...derivedChanges(history, await loadRuleSchedule(this.store), today, this.config.shopTimezone, this.config.shopCurrency),
      ...(await this.segmentDerived(customerId, today)),
    ].sort((a, b) => compareKeys(a.key, b.key));
  }

  /** The customer's entries into and exits from segments up to today, placed after their causing events. */
  private async segmentDerived(customerId: string, today: string): Promise<DerivedEntry[]> {
    return (await this.segmentDerivedOf([customerId], today)).get(customerId) ?? [];
  }

  /** The same for several customers (a page of them) in two queries. */
  private async segmentDerivedOf(customerIds: readonly string[], today: string): Promise<Map<string, DerivedEntry[]>> {
    const changes = await segmentChangesOf(this.sql, customerIds, today);
    const positions = [...new Set([...changes.values()].flat().flatMap((c) => (c.cause.kind === 'event' ? [c.cause.position] : [])))];
    const times =
      positions.length === 0
        ? []
        : await this.sql.query<{ position: string; occurred_at: Date }>(
            'SELECT position, occurred_at FROM rm_timeline WHERE customer_id = ANY ($1::uuid[]) AND position = ANY ($2::bigint[])',
            [customerIds, positions],
          );
    const eventTimes = new Map(times.map((t) => [Number(t.position), new Date(t.occurred_at).toISOString()]));
    return new Map([...changes].map(([id, mine]) => [id, segmentEntries(mine, eventTimes, this.config.shopTimezone)]));
  }

  /**
   * Everything the shop holds about one customer, for an access request: the
   * customer as they stand today and every stored event of them and their
   * complaints, personal fields opened (or shown as erased).
   */
  async exportCustomer(ctx: RequestContext, customerId: string) {
    allow(ctx, 'privacy.export');
    const customer = await this.views.view(ctx, customerId);
    const events: unknown[] = [];
    for (let cursor: string | undefined; ;) {
      const page = await this.page(ctx, customerId, { cursor, limit: 1000, derived: false });
      events.push(...page.items);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    return { exportedAt: new Date().toISOString(), customer, events };
  }

  /**
   * The stored entries recorded after a global position, in the order they
   * were recorded, each followed by the derived changes it caused: what a
   * live subscriber has not seen yet. Resuming after the last position it
   * got, a subscriber gets every entry once. Changes caused by time alone
   * (a customer growing SILENT) have no event and are not pushed.
   */
  async entriesAfter(ctx: RequestContext, customerId: string, position: number, limit = 500) {
    allow(ctx, 'timeline.read');
    const rows = await this.sql.query<TimelineRow>(
      `SELECT position, stream_id, stream_version, event_id, type, occurred_at, recorded_at, actor, correlation_id, causation_id, source, data
         FROM rm_timeline WHERE customer_id = $1 AND position > $2 ORDER BY position LIMIT $3`,
      [customerId, position, limit],
    );
    if (rows.length === 0) return [];
    const history = await this.views.history(customerId, '9999-12-31');
    const derived = await this.derived(customerId, history, shopDate(new Date(), this.config.shopTimezone));
    const key = rows.some((r) => r.type === 'CustomerRegistered' || r.type === 'CustomerProfileUpdated') ? await this.views.dataKey(customerId) : undefined;
    return rows.flatMap((r) => {
      const cursor = String(Number(r.position));
      const caused = derived.filter((d) => d.entry.causationId === r.event_id).map((d) => ({ cursor, entry: d.entry as Record<string, unknown> }));
      return [{ cursor, entry: entryOf(r, customerId, key) as Record<string, unknown> }, ...caused];
    });
  }

  /**
   * The last n entries of each of several customers (a page of them), in
   * one query of the read model, with their histories, keys and the rule
   * schedule read once for the page through the request's loaders.
   */
  async latest(ctx: RequestContext, customerIds: readonly string[], n: number, withDerived: boolean) {
    allow(ctx, 'timeline.read');
    const rows = await this.sql.query<TimelineRow & { customer_id: string }>(
      `SELECT customer_id, position, stream_id, stream_version, event_id, type, occurred_at, recorded_at, actor, correlation_id, causation_id, source, data
         FROM (SELECT t.*, row_number() OVER (PARTITION BY customer_id ORDER BY occurred_at DESC, position DESC) AS rn
                 FROM rm_timeline t WHERE customer_id = ANY($1::uuid[])) latest
        WHERE rn <= $2`,
      [[...new Set(customerIds)], n],
    );
    const today = shopDate(new Date(), this.config.shopTimezone);
    const schedule = withDerived ? await this.views.schedule(ctx) : undefined;
    const segmentDerived = withDerived ? await this.segmentDerivedOf([...new Set(customerIds)], today) : new Map<string, DerivedEntry[]>();
    return Promise.all(
      customerIds.map(async (customerId) => {
        const mine = rows.filter((r) => String(r.customer_id) === customerId);
        const key = mine.some((r) => r.type === 'CustomerRegistered' || r.type === 'CustomerProfileUpdated') ? await this.views.dataKey(customerId, ctx) : undefined;
        const stored = mine.map((r) => ({
          key: [new Date(r.occurred_at).toISOString(), Number(r.position), 0] as Key,
          entry: entryOf(r, customerId, key) as Record<string, unknown>,
        }));
        const derived = schedule
          ? [
              ...derivedChanges(await this.views.history(customerId, '9999-12-31', ctx), schedule, today, this.config.shopTimezone, this.config.shopCurrency),
              ...(segmentDerived.get(customerId) ?? []),
            ]
          : [];
        const all = [...stored, ...derived.map((d) => ({ key: d.key, entry: d.entry as Record<string, unknown> }))].sort((a, b) => compareKeys(a.key, b.key));
        return all.slice(-n).map((e) => ({ cursor: encode(e.key), entry: e.entry }));
      }),
    );
  }
}
