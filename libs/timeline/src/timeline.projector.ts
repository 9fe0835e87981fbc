// The audit timeline: every event of a customer's stream and of their
// complaints, with who, when it happened, when it was recorded and why
// (correlation, causation). Rows are keyed by global position: immutable.
import type { Migration, SqlExecutor } from '@crm/database';
import { businessTime, type RecordedEvent } from '@crm/event-store';
import { Columns, insertRows, type Projector } from '@crm/projections';

export const timelineMigrations: Migration[] = [
  {
    id: '0005_timeline',
    sql: `
CREATE TABLE rm_timeline (
  position       bigint PRIMARY KEY,
  customer_id    uuid NOT NULL,
  stream_id      text NOT NULL,
  stream_version bigint NOT NULL,
  event_id       uuid NOT NULL,
  type           text NOT NULL,
  occurred_at    timestamptz NOT NULL,
  recorded_at    timestamptz NOT NULL,
  actor          text,
  correlation_id text,
  causation_id   text,
  source         text,
  data           jsonb NOT NULL
);
CREATE INDEX rm_timeline_customer ON rm_timeline (customer_id, occurred_at, position);`,
  },
];

const TIMELINE_COLUMNS: Columns = {
  position: 'bigint',
  customer_id: 'uuid',
  stream_id: 'text',
  stream_version: 'bigint',
  event_id: 'uuid',
  type: 'text',
  occurred_at: 'timestamptz',
  recorded_at: 'timestamptz',
  actor: 'text',
  correlation_id: 'text',
  causation_id: 'text',
  source: 'text',
  data: 'jsonb',
};

function customerOf(event: RecordedEvent): string | undefined {
  if (!event.streamId.startsWith('customer-') && !event.streamId.startsWith('complaint-')) return undefined;
  const id = (event.data as { customerId?: unknown } | null)?.customerId;
  return typeof id === 'string' ? id : undefined;
}

export class TimelineProjector implements Projector {
  readonly name = 'timeline';
  readonly byStream = true;
  readonly tables = ['rm_timeline'];

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor): Promise<void> {
    const rows = events.flatMap((e) => {
      const customerId = customerOf(e);
      if (!customerId) return [];
      const m = e.metadata;
      return [
        {
          position: e.position,
          customer_id: customerId,
          stream_id: e.streamId,
          stream_version: e.streamVersion,
          event_id: e.id,
          type: e.type,
          occurred_at: businessTime(e),
          recorded_at: e.recordedAt.toISOString(),
          actor: m.actor ?? null,
          correlation_id: m.correlationId ?? null,
          causation_id: m.causationId ?? null,
          source: m.source ?? null,
          data: e.data,
        },
      ];
    });
    await insertRows(tx, 'rm_timeline', TIMELINE_COLUMNS, rows, 'ON CONFLICT (position) DO NOTHING');
  }
}
