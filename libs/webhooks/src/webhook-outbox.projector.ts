// The webhook outbox: a projector over the log that turns each event into a
// delivery row for every webhook that wants it, in the same transaction that
// moves its checkpoint, so an event is queued once, however often the batch
// is retried. Derived events (tier changes, lifecycle moves) are computed
// here from the customer's stream up to the causing event, by the same code
// the timeline uses. Not a read model: `crm rebuild` never replays it, which
// would send everything again.
import type { Migration, SqlClient, SqlExecutor } from '@crm/database';
import type { EventStore, RecordedEvent } from '@crm/event-store';
import { type Columns, insertRows, type Projector } from '@crm/projections';
import type { AppConfig } from '@crm/shared';
import { loadRuleSchedule } from '@crm/tiers';
import { customerOf, messageId, SOURCE_EVENT_TYPES, sourcePayload, type WebhookPayload } from './webhook-events';
import { derivedPayloads, isCause } from './derived-payloads';

export const webhookMigrations: Migration[] = [
  {
    id: '0012_webhooks',
    sql: `
CREATE TABLE crm_webhooks (
  id            uuid PRIMARY KEY,
  url           text NOT NULL,
  event_types   text[] NOT NULL,
  secret        text NOT NULL,
  description   text,
  from_position bigint NOT NULL,
  include_imports boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  created_by    text NOT NULL,
  removed_at    timestamptz
);
CREATE TABLE crm_webhook_deliveries (
  id              text PRIMARY KEY,
  seq             bigserial NOT NULL UNIQUE,
  webhook_id      uuid NOT NULL REFERENCES crm_webhooks (id),
  event_type      text NOT NULL,
  customer_id     text NOT NULL,
  position        bigint,
  payload         jsonb NOT NULL,
  status          text NOT NULL DEFAULT 'pending',
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_attempt_at timestamptz,
  last_status     integer,
  last_error      text,
  delivered_at    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX crm_webhook_deliveries_due ON crm_webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX crm_webhook_deliveries_order ON crm_webhook_deliveries (webhook_id, customer_id, seq) WHERE status = 'pending';
CREATE INDEX crm_webhook_deliveries_log ON crm_webhook_deliveries (webhook_id, seq DESC);`,
  },
];

const DELIVERY_COLUMNS: Columns = { id: 'text', webhook_id: 'uuid', event_type: 'text', customer_id: 'text', position: 'bigint', payload: 'jsonb' };
const SOURCE = new Set<string>(SOURCE_EVENT_TYPES);
const FROM_EVENTS = ['TierChanged', 'LifecycleChanged'];

interface Hook {
  id: string;
  event_types: string[];
  from_position: string | number;
  include_imports: boolean;
}

/** Not by stream: a customer's deliveries follow one order across its customer and complaint streams, so it runs whole. */
export class WebhookOutboxProjector implements Projector {
  readonly name = 'webhook-outbox';
  readonly tables = ['crm_webhook_deliveries'];

  constructor(
    private readonly store: EventStore,
    private readonly sql: SqlClient,
    private readonly config: Pick<AppConfig, 'shopTimezone' | 'shopCurrency'>,
  ) {}

  /** The derived events of the batch, computed before its transaction when some webhook wants them. */
  async prepare(events: readonly RecordedEvent[]): Promise<Map<string, WebhookPayload[]>> {
    const [wanted] = await this.sql.query<{ n: string | number }>(`SELECT count(*) AS n FROM crm_webhooks WHERE removed_at IS NULL AND event_types && $1::text[]`, [FROM_EVENTS]);
    return Number(wanted?.n ?? 0) > 0 ? this.derive(events) : new Map();
  }

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor, prepared?: unknown): Promise<void> {
    const hooks = await tx.query<Hook>('SELECT id, event_types, from_position, include_imports FROM crm_webhooks WHERE removed_at IS NULL ORDER BY created_at, id');
    if (hooks.length === 0) return;
    const derived = (prepared as Map<string, WebhookPayload[]> | undefined) ?? new Map<string, WebhookPayload[]>();
    const rows: object[] = [];
    for (const event of events) {
      const customerId = customerOf(event);
      if (!customerId) continue;
      const payloads = [...(SOURCE.has(event.type) ? [sourcePayload(event)] : []), ...(derived.get(event.id) ?? [])];
      // Imported history is old news (a purchase of last year): only webhooks that ask get it.
      const imported = event.metadata.source === 'import';
      for (const hook of hooks) {
        if (event.position <= Number(hook.from_position) || (imported && !hook.include_imports)) continue;
        payloads.forEach((payload, i) => {
          if (!hook.event_types.includes(payload.type)) return;
          rows.push({ id: messageId(hook.id, event.id, i), webhook_id: hook.id, event_type: payload.type, customer_id: customerId, position: event.position, payload });
        });
      }
    }
    await insertRows(tx, 'crm_webhook_deliveries', DELIVERY_COLUMNS, rows, 'ON CONFLICT (id) DO NOTHING');
  }

  /**
   * Tier changes and lifecycle moves caused by the batch's purchases and
   * refunds, by causing event id: each customer's standing just before and
   * just after each of them (derived-payloads.ts), under the rule sets
   * activated by then.
   */
  private async derive(events: readonly RecordedEvent[]): Promise<Map<string, WebhookPayload[]>> {
    const byEvent = new Map<string, WebhookPayload[]>();
    const causes = events.filter(isCause);
    if (causes.length === 0) return byEvent;
    const byStream = new Map<string, RecordedEvent[]>();
    for (const e of causes) byStream.set(e.streamId, [...(byStream.get(e.streamId) ?? []), e]);
    const [streams, schedule] = await Promise.all([this.store.readStreams([...byStream.keys()]), loadRuleSchedule(this.store)]);
    const { shopTimezone: zone, shopCurrency: currency } = this.config;
    for (const [streamId, ofStream] of byStream) {
      for (const [id, payloads] of derivedPayloads(streams.get(streamId) ?? [], ofStream, schedule, zone, currency)) byEvent.set(id, payloads);
    }
    return byEvent;
  }
}
