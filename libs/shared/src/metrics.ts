// The service's Prometheus metrics, each defined once in prom-client's
// default registry: the API, the worker and the CLI record into the same
// names, and a process's /metrics shows what that process did. Labels are
// bounded sets (route patterns, not paths; projection names), and no label
// ever holds personal data.
import { timingSafeEqual } from 'node:crypto';
import { collectDefaultMetrics, Counter, Gauge, Histogram, register } from 'prom-client';

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const metrics = {
  httpRequests: new Counter({ name: 'crm_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status', labelNames: ['method', 'route', 'status'] }),
  httpDuration: new Histogram({
    name: 'crm_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: SECONDS,
  }),
  appendDuration: new Histogram({
    name: 'crm_append_duration_seconds',
    help: 'Appends to the event store: append (one stream) or appendMany (several, one transaction)',
    labelNames: ['operation'],
    buckets: SECONDS,
  }),
  bulkAppends: new Counter({
    name: 'crm_bulk_appends_total',
    help: 'Large appends that create streams (imports), by how they went: copied (COPY) or refused (a retry or a conflict; answered by the one-statement append)',
    labelNames: ['outcome'],
  }),
  appendConflicts: new Counter({ name: 'crm_append_conflicts_total', help: 'Appends refused because the stream had moved (wrong expected version)', labelNames: ['operation'] }),
  projectionBatchDuration: new Histogram({
    name: 'crm_projection_batch_duration_seconds',
    help: 'Time to apply one batch of events to the read models and move the checkpoints, by projection',
    labelNames: ['projection'],
    buckets: SECONDS,
  }),
  projectionBatchEvents: new Counter({ name: 'crm_projection_events_total', help: 'Events applied by a projection in this process', labelNames: ['projection'] }),
  projectionUnknownEvents: new Counter({
    name: 'crm_projection_unknown_events_total',
    help: 'Events of a type this build does not know (written by a newer version), skipped by a projection',
    labelNames: ['projection', 'type'],
  }),
  projectionParkedStreams: new Gauge({
    name: 'crm_projection_parked_streams',
    help: 'Streams parked for a projection (dead letters: it cannot apply them and goes on with the others), as this process last read them',
    labelNames: ['projection'],
  }),
  projectionBatchFailures: new Counter({ name: 'crm_projection_batch_failures_total', help: 'Batches a projection could not apply (retried)', labelNames: ['projection'] }),
  keptStates: new Gauge({ name: 'crm_stream_states_kept', help: 'Long streams whose folded state this process keeps in memory for its commands' }),
  keptStateEvents: new Gauge({
    name: 'crm_stream_states_kept_events',
    help: 'Events those kept states stand for (their memory grows with it; bounded at 1,000,000 a process)',
  }),
  idempotencyReplays: new Counter({ name: 'crm_idempotency_replays_total', help: 'Writes answered from an earlier request with the same Idempotency-Key' }),
  importRows: new Counter({ name: 'crm_import_rows_total', help: 'Rows of history imports, imported or rejected', labelNames: ['outcome'] }),
  importEvents: new Counter({ name: 'crm_import_events_total', help: 'Events history imports wrote' }),
  importsRunning: new Gauge({ name: 'crm_imports_running', help: 'History imports running in this process' }),
  webhookAttempts: new Counter({
    name: 'crm_webhook_attempts_total',
    help: 'Webhook delivery attempts: delivered (2xx), failed (retried later) or dead (dead-lettered after the last attempt)',
    labelNames: ['outcome'],
  }),
  webhookDuration: new Histogram({ name: 'crm_webhook_attempt_duration_seconds', help: 'Time a receiver took to answer a delivery attempt', buckets: SECONDS }),
};

/** Where the projection gauges read from when scraped (the process's projection runner). */
export interface ProjectionGaugeSource {
  status(): Promise<ReadonlyArray<{ name: string; position: number; lag: number; lagSeconds: number; state: string }>>;
}

let source: ProjectionGaugeSource | undefined;
/** Read once per scrape, before the registry collects: the four projection gauges show one moment. */
let scraped: Awaited<ReturnType<ProjectionGaugeSource['status']>> = [];

function projectionGauge(name: string, help: string, value: (s: (typeof scraped)[number]) => number): Gauge {
  return new Gauge({
    name,
    help,
    labelNames: ['projection'],
    collect() {
      this.reset();
      for (const s of scraped) this.set({ projection: s.name }, value(s));
    },
  });
}

projectionGauge('crm_projection_position', 'Global position of the last event a projection has applied (its checkpoint)', (s) => s.position);
projectionGauge('crm_projection_lag_events', 'Events in the log after a projection checkpoint', (s) => s.lag);
projectionGauge('crm_projection_lag_seconds', 'Age of the oldest event a projection has not applied yet (0 when caught up)', (s) => s.lagSeconds);
projectionGauge('crm_projection_failed', '1 while a projection is failed (its batch failed PROJECTION_FAIL_AFTER times in a row)', (s) => (s.state === 'failed' ? 1 : 0));

let defaults = false;

/** Process metrics (CPU, memory, event loop) and the projection gauges' source; once per process. */
export function startMetrics(projections?: ProjectionGaugeSource): void {
  if (projections) source = projections;
  if (defaults) return;
  defaults = true;
  collectDefaultMetrics();
}

/** What a scrape without the token is answered (401), by the API and the workers. */
export const METRICS_REFUSAL = { code: 'MetricsTokenRequired', detail: 'send the METRICS_TOKEN as Authorization: Bearer <token>' } as const;

/** Whether a scrape may read /metrics: always without METRICS_TOKEN, else with `Bearer <token>` (compared in constant time). */
export function metricsAllowed(authorization: string | undefined, token: string | undefined): boolean {
  if (token === undefined) return true;
  const given = Buffer.from(/^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** The exposition: text in the Prometheus format and its content type. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  scraped = source ? await source.status().catch(() => []) : [];
  return { contentType: register.contentType, body: await register.metrics() };
}
