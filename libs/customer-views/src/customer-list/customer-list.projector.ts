// The customer list read model: one row a customer (archive fields, tags,
// consent, running totals) plus the dated purchase and refund facts that
// as-of answers (tier, lifecycle, spend on a date) are computed from, and
// each purchase's sales per category.
import type { Migration, SqlExecutor } from '@crm/database';
import { businessTime, type RecordedEvent } from '@crm/event-store';
import { Columns, insertAll, type Projector } from '@crm/projections';
import { AppConfig, openingKeysOf, shopDate, UNIT_PRICE_SCALE } from '@crm/shared';
import { decodeCustomerEvent, loadDataKeys } from '@crm/customers';
import type { DataKey, PurchaseItem } from '@crm/customers';

/** The category of a purchase without item lines, and of a line without a category. */
const NO_ITEMS = '(no items)';
const UNCATEGORIZED = '(uncategorized)';

export const customerListMigrations: Migration[] = [
  {
    id: '0004_customer_list',
    sql: `
CREATE TABLE rm_customers (
  customer_id       uuid PRIMARY KEY,
  customer_ref      text UNIQUE,
  name              text,
  province          text,
  city              text,
  tags              text[] NOT NULL DEFAULT '{}',
  consent           jsonb NOT NULL DEFAULT '{}'::jsonb,
  registered_at     timestamptz NOT NULL,
  registered_on     date NOT NULL,
  purchase_count    integer NOT NULL DEFAULT 0,
  net_spend_minor   bigint NOT NULL DEFAULT 0,
  first_purchase_at timestamptz,
  last_purchase_at  timestamptz
);
CREATE INDEX rm_customers_tags ON rm_customers USING gin (tags);
CREATE INDEX rm_customers_province ON rm_customers (province, customer_id);
CREATE INDEX rm_customers_city ON rm_customers (city, customer_id);
CREATE TABLE rm_customer_purchases (
  customer_id  uuid NOT NULL,
  order_id     text NOT NULL,
  occurred_at  timestamptz NOT NULL,
  occurred_on  date NOT NULL,
  amount_minor bigint NOT NULL,
  PRIMARY KEY (customer_id, order_id)
);
CREATE TABLE rm_customer_refunds (
  customer_id  uuid NOT NULL,
  refund_id    text NOT NULL,
  order_id     text,
  occurred_at  timestamptz NOT NULL,
  occurred_on  date NOT NULL,
  amount_minor bigint NOT NULL,
  PRIMARY KEY (customer_id, refund_id)
);`,
  },
  {
    // Items (category sales), contacts (wake-up and reactivation rates) and the
    // joined date are projected from now on: empty the read model so it
    // replays from position 0.
    id: '0006_customer_list_items_contacts',
    sql: `
TRUNCATE rm_customers, rm_customer_purchases, rm_customer_refunds;
DELETE FROM crm_projection_checkpoints WHERE name = 'customer-list';
-- Known from the earlier of registration and the first purchase or refund
-- (history recorded for a customer registered later).
ALTER TABLE rm_customers ADD COLUMN joined_on date NOT NULL;
ALTER TABLE rm_customer_purchases ADD COLUMN items jsonb NOT NULL DEFAULT '[]'::jsonb;
CREATE INDEX rm_customer_purchases_on ON rm_customer_purchases (occurred_on);
CREATE INDEX rm_customer_refunds_on ON rm_customer_refunds (occurred_on);
CREATE TABLE rm_customer_contacts (
  customer_id uuid NOT NULL,
  contact_id  text NOT NULL,
  kind        text NOT NULL,
  channel     text NOT NULL,
  occurred_at timestamptz NOT NULL,
  occurred_on date NOT NULL,
  PRIMARY KEY (customer_id, contact_id)
);
CREATE INDEX rm_customer_contacts_on ON rm_customer_contacts (occurred_on);`,
  },
  {
    // The birthday (month and day only) for the birthday greetings due: the
    // read model replays from position 0, whole or in partitions.
    id: '0013_customer_birthdays',
    sql: `
TRUNCATE rm_customers, rm_customer_purchases, rm_customer_refunds, rm_customer_contacts;
DELETE FROM crm_projection_checkpoints WHERE name = 'customer-list' OR name LIKE 'customer-list#%';
ALTER TABLE rm_customers ADD COLUMN birthday text;
CREATE INDEX rm_customers_birthday ON rm_customers (birthday) WHERE birthday IS NOT NULL;`,
  },
  {
    // The care due lists walk these in their answer's order and stop at the
    // limit, instead of reading every purchase of the span or every customer
    // born in it (bench:reads, careDue).
    id: '0014_care_due_indexes',
    sql: `
DROP INDEX rm_customer_purchases_on;
CREATE INDEX rm_customer_purchases_on ON rm_customer_purchases (occurred_on, occurred_at, customer_id);
DROP INDEX rm_customers_birthday;
CREATE INDEX rm_customers_birthday ON rm_customers (birthday, customer_id) WHERE birthday IS NOT NULL;`,
  },
  {
    // Whether a purchase came in an import and the day it was recorded: the
    // care due list greets a purchase recorded live, not a year of imported
    // history. The read model replays from position 0.
    id: '0018_customer_purchases_recorded',
    sql: `
TRUNCATE rm_customers, rm_customer_purchases, rm_customer_refunds, rm_customer_contacts;
DELETE FROM crm_projection_checkpoints WHERE name = 'customer-list' OR name LIKE 'customer-list#%';
ALTER TABLE rm_customer_purchases ADD COLUMN imported boolean NOT NULL DEFAULT false;
ALTER TABLE rm_customer_purchases ADD COLUMN recorded_on date;`,
  },
  {
    // The shop day of the last purchase beside the running totals: today's
    // RFM reads one row a customer instead of every purchase (from this
    // index alone: it holds all three measures). Filled from the dated rows
    // here, no replay.
    id: '0019_customer_last_purchase_on',
    sql: `
ALTER TABLE rm_customers ADD COLUMN last_purchase_on date;
CREATE INDEX rm_customers_rfm ON rm_customers (net_spend_minor, last_purchase_on, purchase_count) WHERE purchase_count > 0;
UPDATE rm_customers c SET last_purchase_on = p.last_on
  FROM (SELECT customer_id, max(occurred_on) AS last_on FROM rm_customer_purchases GROUP BY customer_id) p WHERE p.customer_id = c.customer_id;`,
  },
  {
    // The period figures (buyers, spend, retention, regions) read a period's
    // purchases from this index alone: the amount joins the walk of the care
    // due list's columns.
    id: '0020_purchases_period_index',
    sql: `
DROP INDEX rm_customer_purchases_on;
CREATE INDEX rm_customer_purchases_on ON rm_customer_purchases (occurred_on, occurred_at, customer_id) INCLUDE (amount_minor);`,
  },
  {
    // Each customer's purchases in date order with their amounts, from the
    // index alone: RFM as of a past date aggregates every customer's facts up
    // to it without sorting the purchases (bench:figures: 3.0 -> 2.0 s at
    // 10M purchases), and the list's lifecycle filter reads a customer's
    // first, last and window counts without the table.
    id: '0023_purchases_by_customer',
    sql: `CREATE INDEX rm_customer_purchases_by_customer ON rm_customer_purchases (customer_id, occurred_on) INCLUDE (amount_minor);`,
  },
  {
    // Each purchase's sales per category (item lines summed in 1/10,000 of
    // the minor unit; "(uncategorized)" for lines without one, the whole
    // amount under "(no items)" for a purchase without lines): a period's
    // sales by category read from an index instead of every purchase's item
    // JSON. Filled here from the purchases' items, no replay.
    id: '0025_purchase_categories',
    sql: `
CREATE TABLE rm_purchase_categories (
  customer_id uuid NOT NULL,
  order_id    text NOT NULL,
  occurred_on date NOT NULL,
  category    text NOT NULL,
  scaled      numeric NOT NULL,
  PRIMARY KEY (customer_id, order_id, category)
);
INSERT INTO rm_purchase_categories (customer_id, order_id, occurred_on, category, scaled)
SELECT p.customer_id, p.order_id, p.occurred_on, coalesce(i.value->>'category', '(uncategorized)'),
       sum((i.value->>'quantity')::numeric * coalesce((i.value->>'unitPriceScaled')::numeric, (i.value->>'unitPriceMinor')::numeric * ${UNIT_PRICE_SCALE}))
  FROM rm_customer_purchases p CROSS JOIN LATERAL jsonb_array_elements(p.items) AS i(value)
 GROUP BY 1, 2, 3, 4;
INSERT INTO rm_purchase_categories (customer_id, order_id, occurred_on, category, scaled)
SELECT customer_id, order_id, occurred_on, '${NO_ITEMS}', amount_minor::numeric * ${UNIT_PRICE_SCALE} FROM rm_customer_purchases WHERE jsonb_array_length(items) = 0;
CREATE INDEX rm_purchase_categories_on ON rm_purchase_categories (occurred_on) INCLUDE (category, scaled);`,
  },
  {
    // The acquisition channel, for segments (channel conditions): the read
    // model replays from position 0, whole or in partitions.
    id: '0026_customer_channel',
    sql: `
TRUNCATE rm_customers, rm_customer_purchases, rm_customer_refunds, rm_customer_contacts, rm_purchase_categories;
DELETE FROM crm_projection_checkpoints WHERE name = 'customer-list' OR name LIKE 'customer-list#%';
ALTER TABLE rm_customers ADD COLUMN channel text;`,
  },
  {
    // The shop day of the first purchase beside the last: a segment preview
    // as of today judges the lifecycle from the totals and the purchases in
    // the window, not every purchase. Filled from the dated rows, no replay.
    id: '0030_customer_first_purchase_on',
    sql: `
ALTER TABLE rm_customers ADD COLUMN first_purchase_on date;
UPDATE rm_customers c SET first_purchase_on = p.first_on
  FROM (SELECT customer_id, min(occurred_on) AS first_on FROM rm_customer_purchases GROUP BY customer_id) p WHERE p.customer_id = c.customer_id;`,
  },
  {
    // The shop day of the purchase before the last: with the last it tells
    // whether a window holds none, one or at least two purchases, all the
    // lifecycle rule asks (segment-sql.ts checks it), so a preview of today
    // reads no purchase rows for it. Filled from the dated rows, no replay.
    id: '0031_customer_previous_purchase_on',
    sql: `
ALTER TABLE rm_customers ADD COLUMN previous_purchase_on date;
UPDATE rm_customers c SET previous_purchase_on = p.previous_on
  FROM (SELECT customer_id, (array_agg(occurred_on ORDER BY occurred_on DESC))[2] AS previous_on FROM rm_customer_purchases GROUP BY customer_id HAVING count(*) > 1) p
 WHERE p.customer_id = c.customer_id;`,
  },
];

/** A purchase's sales per category in 1/10,000 of the minor unit, exact (BigInt: a line can pass 2^53). */
export function categorySalesOf(amountMinor: number, items: readonly PurchaseItem[]): Array<{ category: string; scaled: string }> {
  if (items.length === 0) return [{ category: NO_ITEMS, scaled: (BigInt(amountMinor) * BigInt(UNIT_PRICE_SCALE)).toString() }];
  const sums = new Map<string, bigint>();
  for (const item of items) {
    const category = item.category ?? UNCATEGORIZED;
    sums.set(category, (sums.get(category) ?? 0n) + BigInt(item.quantity) * BigInt(item.unitPriceScaled));
  }
  return [...sums].map(([category, scaled]) => ({ category, scaled: scaled.toString() }));
}

/** A row of rm_customers, as the projector folds it (times as ISO strings). */
export interface CustomerRow {
  customer_id: string;
  customer_ref: string | null;
  name: string | null;
  /** MM-DD of the birth date; null when not given or erased. */
  birthday: string | null;
  /** The acquisition channel of the profile. */
  channel: string | null;
  province: string | null;
  city: string | null;
  tags: string[];
  consent: Record<string, boolean>;
  registered_at: string;
  registered_on: string;
  joined_on: string;
  purchase_count: number;
  net_spend_minor: number;
  first_purchase_at: string | null;
  last_purchase_at: string | null;
  /** The shop days of the earliest and the latest purchase. */
  first_purchase_on: string | null;
  last_purchase_on: string | null;
  /** The shop day of the purchase before the last (the same day when two were bought that day). */
  previous_purchase_on: string | null;
}

const CUSTOMER_COLUMNS: Columns = {
  customer_id: 'uuid',
  customer_ref: 'text',
  name: 'text',
  birthday: 'text',
  channel: 'text',
  province: 'text',
  city: 'text',
  tags: 'text[]',
  consent: 'jsonb',
  registered_at: 'timestamptz',
  registered_on: 'date',
  joined_on: 'date',
  purchase_count: 'integer',
  net_spend_minor: 'bigint',
  first_purchase_at: 'timestamptz',
  last_purchase_at: 'timestamptz',
  first_purchase_on: 'date',
  last_purchase_on: 'date',
  previous_purchase_on: 'date',
};
const UPSERT_CUSTOMER = `ON CONFLICT (customer_id) DO UPDATE SET name = excluded.name, birthday = excluded.birthday, channel = excluded.channel, province = excluded.province, city = excluded.city, tags = excluded.tags,
  consent = excluded.consent, joined_on = excluded.joined_on, purchase_count = excluded.purchase_count, net_spend_minor = excluded.net_spend_minor,
  first_purchase_at = excluded.first_purchase_at, last_purchase_at = excluded.last_purchase_at,
  first_purchase_on = excluded.first_purchase_on, last_purchase_on = excluded.last_purchase_on, previous_purchase_on = excluded.previous_purchase_on`;
const PURCHASE_COLUMNS: Columns = {
  customer_id: 'uuid',
  order_id: 'text',
  occurred_at: 'timestamptz',
  occurred_on: 'date',
  amount_minor: 'bigint',
  items: 'jsonb',
  imported: 'boolean',
  recorded_on: 'date',
};
const CATEGORY_COLUMNS: Columns = { customer_id: 'uuid', order_id: 'text', occurred_on: 'date', category: 'text', scaled: 'numeric' };
const REFUND_COLUMNS: Columns = { customer_id: 'uuid', refund_id: 'text', order_id: 'text', occurred_at: 'timestamptz', occurred_on: 'date', amount_minor: 'bigint' };
const CONTACT_COLUMNS: Columns = { customer_id: 'uuid', contact_id: 'text', kind: 'text', channel: 'text', occurred_at: 'timestamptz', occurred_on: 'date' };

const monthDay = (birthDate: string | undefined) => (birthDate ? birthDate.slice(5, 10) : null);
const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());
const earlier = (a: string | null, b: string) => (a === null || Date.parse(b) < Date.parse(a) ? b : a);
const later = (a: string | null, b: string) => (a === null || Date.parse(b) > Date.parse(a) ? b : a);

/**
 * A batch is folded in memory over the current rows of the customers it
 * touches, then written with one statement a table: a handful of round trips
 * a batch instead of two a event (rebuilds of millions of events depend on it).
 */
export const CUSTOMER_LIST = 'customer-list';

export class CustomerListProjector implements Projector {
  readonly name = CUSTOMER_LIST;
  readonly byStream = true;
  readonly tables = ['rm_customers', 'rm_customer_purchases', 'rm_customer_refunds', 'rm_customer_contacts', 'rm_purchase_categories'];

  constructor(private readonly config: Pick<AppConfig, 'shopTimezone' | 'masterKey' | 'masterKeyRotation'>) {}

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor): Promise<void> {
    const mine = events.filter((e) => e.streamId.startsWith('customer-'));
    if (mine.length === 0) return;
    const ids = [...new Set(mine.map((e) => (e.data as { customerId: string }).customerId))];
    const loaded = await tx.query<Record<string, unknown>>(
      `SELECT customer_id, customer_ref, name, birthday, channel, province, city, tags, consent, registered_at, registered_on::text AS registered_on, joined_on::text AS joined_on,
              purchase_count, net_spend_minor, first_purchase_at, last_purchase_at, first_purchase_on::text AS first_purchase_on, last_purchase_on::text AS last_purchase_on,
              previous_purchase_on::text AS previous_purchase_on
         FROM rm_customers WHERE customer_id = ANY ($1::uuid[])`,
      [ids],
    );
    const rows = new Map<string, CustomerRow>();
    for (const r of loaded) {
      rows.set(String(r.customer_id), {
        ...(r as unknown as CustomerRow),
        registered_at: iso(r.registered_at) as string,
        purchase_count: Number(r.purchase_count),
        net_spend_minor: Number(r.net_spend_minor),
        first_purchase_at: iso(r.first_purchase_at),
        last_purchase_at: iso(r.last_purchase_at),
      });
    }
    // Names are sealed with each customer's key: open them, or store none once the key is erased.
    const profileIds = mine.filter((e) => e.type === 'CustomerRegistered' || e.type === 'CustomerProfileUpdated').map((e) => (e.data as { customerId: string }).customerId);
    const keys = this.config.masterKey && profileIds.length > 0 ? await loadDataKeys(tx, openingKeysOf(this.config), profileIds) : new Map<string, DataKey>();
    const touched = new Set<string>();
    const purchases: object[] = [];
    const categories: object[] = [];
    const refunds: object[] = [];
    const contacts: object[] = [];

    for (const recorded of mine) {
      const event = decodeCustomerEvent(recorded, keys.get((recorded.data as { customerId: string }).customerId));
      const at = businessTime(recorded);
      const on = shopDate(new Date(at), this.config.shopTimezone);
      const id = event.data.customerId;
      const row = rows.get(id);
      if (row) touched.add(id);
      switch (event.type) {
        case 'CustomerRegistered': {
          if (row) break; // registered once; a repeat changes nothing
          const { customerRef, profile } = event.data;
          rows.set(id, {
            customer_id: id,
            customer_ref: customerRef ?? null,
            name: profile.name ?? null,
            birthday: monthDay(profile.birthDate),
            channel: profile.channel ?? null,
            province: profile.region?.province ?? null,
            city: profile.region?.city ?? null,
            tags: [],
            consent: {},
            registered_at: new Date(at).toISOString(),
            registered_on: on,
            joined_on: on,
            purchase_count: 0,
            net_spend_minor: 0,
            first_purchase_at: null,
            last_purchase_at: null,
            first_purchase_on: null,
            last_purchase_on: null,
            previous_purchase_on: null,
          });
          touched.add(id);
          break;
        }
        case 'CustomerProfileUpdated': {
          if (!row) break;
          const c = event.data.changes;
          row.name = c.name ?? row.name;
          row.birthday = monthDay(c.birthDate) ?? row.birthday;
          row.channel = c.channel ?? row.channel;
          row.province = c.region?.province ?? row.province;
          row.city = c.region?.city ?? row.city;
          break;
        }
        case 'PurchaseRecorded':
          purchases.push({
            customer_id: id,
            order_id: event.data.orderId,
            occurred_at: at,
            occurred_on: on,
            amount_minor: event.data.amountMinor,
            items: event.data.items ?? [],
            imported: recorded.metadata.source === 'import',
            recorded_on: shopDate(recorded.recordedAt, this.config.shopTimezone),
          });
          for (const c of categorySalesOf(event.data.amountMinor, event.data.items ?? []))
            categories.push({ customer_id: id, order_id: event.data.orderId, occurred_on: on, ...c });
          if (!row) break;
          row.joined_on = on < row.joined_on ? on : row.joined_on;
          row.purchase_count += 1;
          row.net_spend_minor += event.data.amountMinor;
          row.first_purchase_at = earlier(row.first_purchase_at, at);
          row.last_purchase_at = later(row.last_purchase_at, at);
          row.first_purchase_on = row.first_purchase_on === null || on < row.first_purchase_on ? on : row.first_purchase_on;
          if (row.last_purchase_on === null || on >= row.last_purchase_on) {
            row.previous_purchase_on = row.last_purchase_on;
            row.last_purchase_on = on;
          } else if (row.previous_purchase_on === null || on > row.previous_purchase_on) row.previous_purchase_on = on;
          break;
        case 'RefundRecorded':
          refunds.push({
            customer_id: id,
            refund_id: event.data.refundId,
            order_id: event.data.orderId ?? null,
            occurred_at: at,
            occurred_on: on,
            amount_minor: event.data.amountMinor,
          });
          if (row) {
            row.net_spend_minor -= event.data.amountMinor;
            row.joined_on = on < row.joined_on ? on : row.joined_on;
          }
          break;
        case 'CustomerTagged':
          if (row) row.tags = [...row.tags.filter((t) => t !== event.data.tag), event.data.tag];
          break;
        case 'CustomerUntagged':
          if (row) row.tags = row.tags.filter((t) => t !== event.data.tag);
          break;
        case 'ConsentChanged':
          if (row) row.consent = { ...row.consent, ...event.data.consent };
          break;
        case 'ContactLogged':
          contacts.push({ customer_id: id, contact_id: event.data.contactId, kind: event.data.kind, channel: event.data.channel, occurred_at: at, occurred_on: on });
          break;
        case 'CampaignHeldOut':
          break;
        case 'CustomerErased':
          if (row) {
            row.name = null;
            row.birthday = null;
          }
          break;
        default: {
          const unknown: never = event;
          void unknown;
        }
      }
    }

    // The batch's rows of every table in one statement.
    await insertAll(tx, [
      { table: 'rm_customers', columns: CUSTOMER_COLUMNS, rows: [...touched].map((id) => rows.get(id) as CustomerRow), onConflict: UPSERT_CUSTOMER },
      { table: 'rm_customer_purchases', columns: PURCHASE_COLUMNS, rows: purchases },
      { table: 'rm_purchase_categories', columns: CATEGORY_COLUMNS, rows: categories },
      { table: 'rm_customer_refunds', columns: REFUND_COLUMNS, rows: refunds },
      { table: 'rm_customer_contacts', columns: CONTACT_COLUMNS, rows: contacts },
    ]);
  }
}
