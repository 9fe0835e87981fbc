// The webhook application service: registering, listing and removing
// webhooks, their delivery log and redelivery. Every transport calls this;
// the rules (who may, which URLs and secrets, from where a webhook starts)
// live here.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SQL_CLIENT, SqlClient } from '@crm/database';
import { EVENT_STORE, EventStore } from '@crm/event-store';
import { allow, APP_CONFIG, AppConfig, invalid, masterKeyOf, nameUuid, openingKeysOf, notFound, RequestContext } from '@crm/shared';
import { isSecret, newSecret } from './signature';
import { privateHostReason } from './webhook-target';
import { openSecret, sealSecret } from './webhook-secrets';

export interface RegisterWebhookInput {
  url: string;
  eventTypes: string[];
  secret?: string;
  description?: string;
  includeImports?: boolean;
}

interface WebhookRow {
  id: string;
  url: string;
  event_types: string[];
  description: string | null;
  from_position: string | number;
  include_imports: boolean;
  created_at: Date;
  created_by: string;
}

export interface WebhookView {
  id: string;
  url: string;
  eventTypes: string[];
  description: string | null;
  /** Events after this log position are delivered. */
  fromPosition: number;
  includeImports: boolean;
  createdAt: string;
  createdBy: string;
}

interface DeliveryRow {
  id: string;
  seq: string | number;
  event_type: string;
  customer_id: string;
  position: string | number | null;
  payload: unknown;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

const viewOf = (r: WebhookRow): WebhookView => ({
  id: r.id,
  url: r.url,
  eventTypes: r.event_types,
  description: r.description,
  fromPosition: Number(r.from_position),
  includeImports: r.include_imports,
  createdAt: new Date(r.created_at).toISOString(),
  createdBy: r.created_by,
});

const deliveryOf = (r: DeliveryRow) => ({
  id: r.id,
  eventType: r.event_type,
  customerId: r.customer_id,
  position: r.position === null ? null : Number(r.position),
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.status === 'pending' ? iso(r.next_attempt_at) : null,
  lastAttemptAt: iso(r.last_attempt_at),
  lastStatus: r.last_status,
  lastError: r.last_error,
  deliveredAt: iso(r.delivered_at),
  createdAt: iso(r.created_at),
  payload: r.payload,
});

/** A receiver's address: http(s), a host, no credentials in it (they would be logged and shown), not this machine or a private network unless allowed. */
function checkUrl(raw: string, allowPrivate: boolean): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('InvalidWebhookUrl', 'url must be an absolute http or https URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('InvalidWebhookUrl', 'url must use http or https');
  if (url.username || url.password) throw invalid('InvalidWebhookUrl', 'url must not carry credentials: the signature authenticates deliveries');
  if (url.hash) throw invalid('InvalidWebhookUrl', 'url must not have a fragment');
  const reason = allowPrivate ? undefined : privateHostReason(url);
  if (reason)
    throw invalid('WebhookTargetNotAllowed', `url must reach a receiver outside this machine and its private networks: ${reason} (WEBHOOK_PRIVATE_TARGETS=allow permits it)`);
  return url.toString();
}

@Injectable()
export class WebhooksService {
  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Registers a webhook; it receives the events appended after it. The secret
   * is answered here only. With an Idempotency-Key a retry answers the same
   * webhook (the secret included) and registers nothing new.
   */
  async register(ctx: RequestContext, input: RegisterWebhookInput): Promise<WebhookView & { secret: string }> {
    allow(ctx, 'webhooks.manage');
    const url = checkUrl(input.url, this.config.webhookPrivateTargets === 'allow');
    if (input.secret !== undefined && !isSecret(input.secret))
      throw invalid('InvalidWebhookSecret', 'secret must be "whsec_" followed by base64 of 24 to 64 random bytes (or leave it out to have one made)');
    const secret = input.secret ?? newSecret();
    const id = ctx.idempotencyKey ? nameUuid(`webhook:${ctx.idempotencyKey}`) : randomUUID();
    const lastPosition = await this.store.lastPosition();
    // Under the outbox checkpoint's row lock: a batch either ran before (and
    // covered no event past from_position) or runs after and sees the webhook.
    await this.sql.transaction(async (tx) => {
      const [checkpoint] = await tx.query<{ position: string | number }>(`SELECT position FROM crm_projection_checkpoints WHERE name = 'webhook-outbox' FOR UPDATE`);
      await tx.query(
        `INSERT INTO crm_webhooks (id, url, event_types, secret, description, from_position, created_by, include_imports) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO NOTHING`,
        [
          id,
          url,
          input.eventTypes,
          sealSecret(masterKeyOf(this.config), id, secret),
          input.description ?? null,
          Math.max(lastPosition, Number(checkpoint?.position ?? 0)),
          ctx.actor,
          input.includeImports ?? false,
        ],
      );
    });
    const [row] = await this.sql.query<WebhookRow & { secret: string }>('SELECT * FROM crm_webhooks WHERE id = $1', [id]);
    return { ...viewOf(row), secret: openSecret(openingKeysOf(this.config), id, row.secret) };
  }

  async list(ctx: RequestContext): Promise<WebhookView[]> {
    allow(ctx, 'webhooks.manage');
    const rows = await this.sql.query<WebhookRow>('SELECT * FROM crm_webhooks WHERE removed_at IS NULL ORDER BY created_at, id');
    return rows.map(viewOf);
  }

  async get(ctx: RequestContext, id: string): Promise<WebhookView> {
    allow(ctx, 'webhooks.manage');
    return viewOf(await this.live(id));
  }

  /** Stops deliveries to it (pending ones are not sent); its delivery log stays readable. */
  async remove(ctx: RequestContext, id: string): Promise<void> {
    allow(ctx, 'webhooks.manage');
    await this.live(id);
    await this.sql.query('UPDATE crm_webhooks SET removed_at = now() WHERE id = $1 AND removed_at IS NULL', [id]);
  }

  /** The delivery log, newest first, keyset-paginated. */
  async deliveries(ctx: RequestContext, id: string, query: { status?: string; limit?: number; cursor?: string }) {
    allow(ctx, 'webhooks.manage');
    await this.known(id);
    const limit = query.limit ?? 50;
    const rows = await this.sql.query<DeliveryRow>(
      `SELECT * FROM crm_webhook_deliveries WHERE webhook_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::bigint IS NULL OR seq < $3)
        ORDER BY seq DESC LIMIT $4`,
      [id, query.status ?? null, query.cursor ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    return { items: page.map(deliveryOf), nextCursor: rows.length > limit ? String(page[page.length - 1].seq) : null };
  }

  /** Sends a delivery again (dead-lettered, or delivered and wanted again): pending now, with fresh attempts and the same webhook-id. */
  async redeliver(ctx: RequestContext, id: string, deliveryId: string) {
    allow(ctx, 'webhooks.manage');
    await this.live(id);
    const [row] = await this.sql.query<DeliveryRow>(
      `UPDATE crm_webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL
        WHERE webhook_id = $1 AND id = $2 RETURNING *`,
      [id, deliveryId],
    );
    if (!row) throw notFound('DeliveryNotFound', `webhook ${id} has no delivery ${deliveryId}`);
    return deliveryOf(row);
  }

  private async known(id: string): Promise<WebhookRow & { removed_at: Date | null }> {
    const [row] = await this.sql.query<WebhookRow & { removed_at: Date | null }>('SELECT * FROM crm_webhooks WHERE id = $1', [id]);
    if (!row) throw notFound('WebhookNotFound', `no webhook ${id}`);
    return row;
  }

  private async live(id: string): Promise<WebhookRow> {
    const row = await this.known(id);
    if (row.removed_at) throw notFound('WebhookNotFound', `webhook ${id} was removed`);
    return row;
  }
}
