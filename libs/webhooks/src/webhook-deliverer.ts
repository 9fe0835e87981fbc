// Sends what the outbox queued. One process delivers at a time (a lease in
// PostgreSQL, as projectors are shared), so the order per customer holds
// across processes: for each webhook and customer only the oldest pending
// delivery is sent, and the next one waits until it went through or went
// dead-letter. A failed attempt is retried after a doubling delay; after
// the last attempt the delivery is dead-lettered and the customer's later
// deliveries go on (a redelivery sends it again). At least once: a
// receiver's 2xx whose recording is lost in a crash is sent again, with the
// same webhook-id for the receiver to deduplicate on.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { SqlClient } from '@crm/database';
import { takeLease } from '@crm/projections';
import { type AppConfig, openingKeysOf, shopDate } from '@crm/shared';
import { metrics } from '@crm/shared/metrics';
import { sign } from './signature';
import { postTo } from './webhook-target';
import { openSecret } from './webhook-secrets';
import { sweepSegmentMoves } from './segment-moves';

const LEASE = 'webhook-delivery';
const MAX_DELAY_MS = 3_600_000;
/** How many deliveries are sent side by side (each to another customer or webhook). */
const PARALLEL = 8;

interface Due {
  id: string;
  webhook_id: string;
  url: string;
  secret: string;
  payload: unknown;
  attempts: number;
}

export interface DelivererOptions {
  pollMs?: number;
  leaseMs?: number;
  /** How often complaints are checked for passed deadlines. */
  sweepMs?: number;
}

export class WebhookDeliverer {
  private readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}:webhooks`;
  private readonly logger = new Logger('webhooks');
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  private lastSweep = 0;
  private renewAt = 0;

  constructor(
    private readonly sql: SqlClient,
    private readonly config: Pick<
      AppConfig,
      'webhookMaxAttempts' | 'webhookRetryBaseMs' | 'webhookTimeoutMs' | 'webhookPrivateTargets' | 'projectionLeaseMs' | 'masterKey' | 'masterKeyRotation' | 'shopTimezone'
    >,
    private readonly options: DelivererOptions = {},
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let busy = false;
      try {
        busy = await this.tick();
      } catch (error) {
        this.logger.warn(`delivery round failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (this.running && !busy) await new Promise<void>((resolve) => ((this.wake = resolve), setTimeout(resolve, this.options.pollMs ?? 200)));
    }
  }

  /**
   * The delivery lease, renewed when a third of it has passed rather than
   * every round: a renewal is a committed write (a WAL flush), and rounds
   * come five times a second.
   */
  private async holdLease(): Promise<boolean> {
    const leaseMs = this.options.leaseMs ?? this.config.projectionLeaseMs;
    if (Date.now() < this.renewAt) return true;
    const started = Date.now();
    const held = await takeLease(this.sql, LEASE, this.owner, leaseMs);
    this.renewAt = held ? started + leaseMs / 3 : 0;
    return held;
  }

  /** One round: hold the lease, queue breached deadlines now and then, send what is due. True when more may be due at once. */
  async tick(): Promise<boolean> {
    if (!(await this.holdLease())) return false;
    if (Date.now() - this.lastSweep >= (this.options.sweepMs ?? 5_000)) {
      await this.sweepDeadlines();
      await sweepSegmentMoves(this.sql, shopDate(new Date(), this.config.shopTimezone), this.config.shopTimezone);
      this.lastSweep = Date.now();
    }
    const due = await this.sql.query<Due>(
      `SELECT d.id, d.webhook_id, w.url, w.secret, d.payload, d.attempts FROM crm_webhook_deliveries d JOIN crm_webhooks w ON w.id = d.webhook_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND w.removed_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM crm_webhook_deliveries e
                           WHERE e.status = 'pending' AND e.webhook_id = d.webhook_id AND e.customer_id = d.customer_id AND e.seq < d.seq)
        ORDER BY d.seq LIMIT 64`,
    );
    for (let i = 0; i < due.length && this.running; i += PARALLEL) await Promise.all(due.slice(i, i + PARALLEL).map((d) => this.attempt(d)));
    return due.length === 64;
  }

  private async attempt(delivery: Due): Promise<void> {
    const body = JSON.stringify(delivery.payload);
    const started = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const headers = sign(openSecret(openingKeysOf(this.config), delivery.webhook_id, delivery.secret), delivery.id, Math.floor(Date.now() / 1000), body);
      status = await postTo(delivery.url, body, {
        headers: { 'content-type': 'application/json', 'user-agent': 'crm-webhooks/1', ...headers },
        timeoutMs: this.config.webhookTimeoutMs,
        allowPrivate: this.config.webhookPrivateTargets === 'allow',
      });
      if (status < 200 || status > 299) error = `the receiver answered ${status}`;
    } catch (cause) {
      error = cause instanceof Error ? (cause.cause instanceof Error ? `${cause.message}: ${cause.cause.message}` : cause.message) : String(cause);
    }
    metrics.webhookDuration.observe((performance.now() - started) / 1000);
    await this.record(delivery, status, error);
  }

  private async record(delivery: Due, status: number | null, error: string | null): Promise<void> {
    const attempts = delivery.attempts + 1;
    if (error === null) {
      metrics.webhookAttempts.inc({ outcome: 'delivered' });
      await this.sql.query(
        `UPDATE crm_webhook_deliveries SET status = 'delivered', attempts = $2, last_status = $3, last_error = NULL, last_attempt_at = now(), delivered_at = now() WHERE id = $1`,
        [delivery.id, attempts, status],
      );
      return;
    }
    const dead = attempts >= this.config.webhookMaxAttempts;
    metrics.webhookAttempts.inc({ outcome: dead ? 'dead' : 'failed' });
    const delay = Math.min(MAX_DELAY_MS, this.config.webhookRetryBaseMs * 2 ** Math.min(attempts - 1, 30));
    await this.sql.query(
      `UPDATE crm_webhook_deliveries SET status = $2, attempts = $3, last_status = $4, last_error = $5, last_attempt_at = now(),
              next_attempt_at = now() + $6::interval WHERE id = $1`,
      [delivery.id, dead ? 'dead' : 'pending', attempts, status, error.slice(0, 500), `${delay} milliseconds`],
    );
    if (dead) this.logger.warn(`delivery ${delivery.id} dead-lettered after ${attempts} attempts: ${error}`);
  }

  /**
   * ComplaintDeadlineBreached, derived from the service history read model:
   * a complaint whose respond-by time passed without a first response, once
   * per deadline (an escalation sets a new one), for webhooks registered
   * before the deadline passed.
   */
  async sweepDeadlines(): Promise<void> {
    await this.sql.query(
      `INSERT INTO crm_webhook_deliveries (id, webhook_id, event_type, customer_id, payload)
       SELECT 'msg_' || md5(w.id::text || '|breach|' || c.complaint_id::text || '|' || extract(epoch FROM c.respond_by)::text),
              w.id, 'ComplaintDeadlineBreached', c.customer_id::text,
              jsonb_build_object('type', 'ComplaintDeadlineBreached',
                'timestamp', to_char(c.respond_by AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                'data', jsonb_build_object('complaintId', c.complaint_id, 'customerId', c.customer_id, 'priority', c.priority, 'status', c.status,
                  'respondBy', to_char(c.respond_by AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                  'openedAt', to_char(c.opened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'complaintVersion', c.version))
         FROM rm_complaints c JOIN crm_webhooks w ON w.removed_at IS NULL AND 'ComplaintDeadlineBreached' = ANY (w.event_types)
        WHERE c.first_response_at IS NULL AND c.respond_by <= now() AND c.respond_by > w.created_at
        ORDER BY c.respond_by, c.complaint_id
       ON CONFLICT (id) DO NOTHING`,
    );
  }

  /** Something was queued in this process: look now rather than at the next poll. */
  nudge(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.sql.query('DELETE FROM crm_projection_leases WHERE name = $1 AND owner = $2', [LEASE, this.owner]).catch(() => undefined);
  }
}
