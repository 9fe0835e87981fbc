// The service history read model: one row a complaint with its deadline,
// first response, resolution and reopen count, for the complaint list and
// the service quality figures (per agent, per priority).
import type { Migration, SqlExecutor } from '@crm/database';
import { businessTime, type RecordedEvent } from '@crm/event-store';
import type { Projector } from '@crm/projections';
import { AppConfig, shopDate } from '@crm/shared';
import { decodeComplaintEvent } from '../complaint';

export const serviceHistoryMigrations: Migration[] = [
  {
    id: '0007_service_history',
    sql: `
CREATE TABLE rm_complaints (
  complaint_id      uuid PRIMARY KEY,
  customer_id       uuid NOT NULL,
  subject           text NOT NULL,
  channel           text NOT NULL,
  priority          text NOT NULL,
  status            text NOT NULL,
  agent             text NOT NULL,
  opened_at         timestamptz NOT NULL,
  opened_on         date NOT NULL,
  respond_by        timestamptz NOT NULL,
  first_response_at timestamptz,
  resolved_at       timestamptz,
  resolution        text,
  compensation_minor bigint NOT NULL DEFAULT 0,
  times_resolved    integer NOT NULL DEFAULT 0,
  reopen_count      integer NOT NULL DEFAULT 0,
  escalations       integer NOT NULL DEFAULT 0,
  satisfaction      smallint,
  rated_at          timestamptz,
  version           bigint NOT NULL
);
CREATE INDEX rm_complaints_opened ON rm_complaints (opened_at DESC, complaint_id DESC);
CREATE INDEX rm_complaints_customer ON rm_complaints (customer_id, opened_at DESC);
CREATE INDEX rm_complaints_agent ON rm_complaints (agent, opened_at DESC);
CREATE INDEX rm_complaints_open_deadline ON rm_complaints (respond_by) WHERE first_response_at IS NULL;`,
  },
];

export class ServiceHistoryProjector implements Projector {
  readonly name = 'service-history';
  readonly byStream = true;
  readonly tables = ['rm_complaints'];

  constructor(private readonly config: Pick<AppConfig, 'shopTimezone'>) {}

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor): Promise<void> {
    for (const recorded of events) {
      if (!recorded.streamId.startsWith('complaint-')) continue;
      const event = decodeComplaintEvent(recorded);
      const at = businessTime(recorded);
      const id = event.data.complaintId;
      const v = recorded.streamVersion;
      // Every update is guarded by the stream version: applying an event twice changes nothing.
      const update = (set: string, params: unknown[]) => tx.query(`UPDATE rm_complaints SET ${set}, version = $2 WHERE complaint_id = $1 AND version < $2`, [id, v, ...params]);
      switch (event.type) {
        case 'ComplaintOpened': {
          const d = event.data;
          await tx.query(
            `INSERT INTO rm_complaints (complaint_id, customer_id, subject, channel, priority, status, agent, opened_at, opened_on, respond_by, version)
             VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $8, $9, $10) ON CONFLICT (complaint_id) DO NOTHING`,
            [id, d.customerId, d.subject, d.channel, d.priority, d.agent, at, shopDate(new Date(at), this.config.shopTimezone), d.respondBy, v],
          );
          break;
        }
        case 'ComplaintAssigned':
          await update('agent = $3', [event.data.agent]);
          break;
        case 'ComplaintEscalated':
          await update('priority = $3, respond_by = $4, escalations = escalations + 1', [event.data.priority, event.data.respondBy]);
          break;
        case 'ComplaintResponded':
          await update('first_response_at = coalesce(first_response_at, $3::timestamptz)', [at]);
          break;
        case 'ComplaintResolved':
          await update(`status = 'resolved', resolved_at = $3, resolution = $4, compensation_minor = compensation_minor + $5, times_resolved = times_resolved + 1`, [
            at,
            event.data.resolution,
            event.data.compensationMinor ?? 0,
          ]);
          break;
        case 'ComplaintReopened':
          await update(`status = 'open', resolved_at = NULL, reopen_count = reopen_count + 1`, []);
          break;
        case 'ComplaintRated':
          await update('satisfaction = $3, rated_at = $4', [event.data.satisfaction, at]);
          break;
        default: {
          const unknown: never = event;
          void unknown;
        }
      }
    }
  }
}
