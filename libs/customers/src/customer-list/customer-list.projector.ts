// The customer list read model: one row a customer (archive fields, tags,
// consent, running totals) plus the dated purchase and refund facts that
// as-of answers (tier, lifecycle, spend on a date) are computed from.
import type { Migration, SqlExecutor } from '@crm/database';
import type { RecordedEvent } from '@crm/event-store';
import type { Projector } from '@crm/projections';
import { AppConfig, shopDate } from '@crm/shared';
import { CustomerEvent } from '../customer';

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
    // Items (category sales) and contacts (wake-up and reactivation rates) are
    // projected from now on: empty the read model so it replays from position 0.
    id: '0006_customer_list_items_contacts',
    sql: `
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
CREATE INDEX rm_customer_contacts_on ON rm_customer_contacts (occurred_on);
TRUNCATE rm_customers, rm_customer_purchases, rm_customer_refunds;
DELETE FROM crm_projection_checkpoints WHERE name = 'customer-list';`,
  },
];

const occurredAt = (e: RecordedEvent) => String(e.metadata.occurredAt ?? e.recordedAt.toISOString());

export class CustomerListProjector implements Projector {
  readonly name = 'customer-list';
  readonly tables = ['rm_customers', 'rm_customer_purchases', 'rm_customer_refunds', 'rm_customer_contacts'];

  constructor(private readonly config: Pick<AppConfig, 'shopTimezone'>) {}

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor): Promise<void> {
    for (const recorded of events) {
      if (!recorded.streamId.startsWith('customer-')) continue;
      const event = recorded as unknown as CustomerEvent;
      const at = occurredAt(recorded);
      const on = shopDate(new Date(at), this.config.shopTimezone);
      switch (event.type) {
        case 'CustomerRegistered': {
          const { customerId, customerRef, profile } = event.data;
          await tx.query(
            `INSERT INTO rm_customers (customer_id, customer_ref, name, province, city, registered_at, registered_on)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (customer_id) DO NOTHING`,
            [customerId, customerRef ?? null, profile.name ?? null, profile.region?.province ?? null, profile.region?.city ?? null, at, on],
          );
          break;
        }
        case 'CustomerProfileUpdated': {
          const c = event.data.changes;
          await tx.query(
            `UPDATE rm_customers SET name = coalesce($2, name), province = coalesce($3, province), city = coalesce($4, city) WHERE customer_id = $1`,
            [event.data.customerId, c.name ?? null, c.region?.province ?? null, c.region?.city ?? null],
          );
          break;
        }
        case 'PurchaseRecorded':
          await tx.query(
            `INSERT INTO rm_customer_purchases (customer_id, order_id, occurred_at, occurred_on, amount_minor, items) VALUES ($1, $2, $3, $4, $5, $6)`,
            [event.data.customerId, event.data.orderId, at, on, event.data.amountMinor, JSON.stringify(event.data.items ?? [])],
          );
          await tx.query(
            `UPDATE rm_customers SET purchase_count = purchase_count + 1, net_spend_minor = net_spend_minor + $2,
                    first_purchase_at = least(first_purchase_at, $3::timestamptz), last_purchase_at = greatest(last_purchase_at, $3::timestamptz)
              WHERE customer_id = $1`,
            [event.data.customerId, event.data.amountMinor, at],
          );
          break;
        case 'RefundRecorded':
          await tx.query(
            `INSERT INTO rm_customer_refunds (customer_id, refund_id, order_id, occurred_at, occurred_on, amount_minor) VALUES ($1, $2, $3, $4, $5, $6)`,
            [event.data.customerId, event.data.refundId, event.data.orderId ?? null, at, on, event.data.amountMinor],
          );
          await tx.query('UPDATE rm_customers SET net_spend_minor = net_spend_minor - $2 WHERE customer_id = $1', [event.data.customerId, event.data.amountMinor]);
          break;
        case 'CustomerTagged':
          await tx.query('UPDATE rm_customers SET tags = array_append(array_remove(tags, $2), $2) WHERE customer_id = $1', [event.data.customerId, event.data.tag]);
          break;
        case 'CustomerUntagged':
          await tx.query('UPDATE rm_customers SET tags = array_remove(tags, $2) WHERE customer_id = $1', [event.data.customerId, event.data.tag]);
          break;
        case 'ConsentChanged':
          await tx.query('UPDATE rm_customers SET consent = consent || $2::jsonb WHERE customer_id = $1', [event.data.customerId, JSON.stringify(event.data.consent)]);
          break;
        case 'ContactLogged':
          await tx.query(
            `INSERT INTO rm_customer_contacts (customer_id, contact_id, kind, channel, occurred_at, occurred_on) VALUES ($1, $2, $3, $4, $5, $6)`,
            [event.data.customerId, event.data.contactId, event.data.kind, event.data.channel, at, on],
          );
          break;
        default: {
          const unknown: never = event;
          void unknown;
        }
      }
    }
  }
}
