// The segments list read model: one row a segment with its last version,
// for GET /segments (one segment's versions are read from its stream).
import type { Migration, SqlExecutor } from '@crm/database';
import type { RecordedEvent } from '@crm/event-store';
import type { Projector } from '@crm/projections';
import { knownEventType } from '@crm/shared';
import { decodeSegmentEvent } from './segment';

export const segmentMigrations: Migration[] = [
  {
    id: '0027_segments',
    sql: `
CREATE TABLE rm_segments (
  segment_id     text PRIMARY KEY,
  name           text NOT NULL,
  version        integer NOT NULL,
  definition     jsonb NOT NULL,
  as_tag         boolean NOT NULL,
  retired        boolean NOT NULL DEFAULT false,
  published_at   timestamptz NOT NULL,
  published_by   text,
  stream_version bigint NOT NULL
);`,
  },
];

export class SegmentsProjector implements Projector {
  readonly name = 'segments';
  readonly byStream = true;
  readonly tables = ['rm_segments'];

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor): Promise<void> {
    for (const recorded of events) {
      if (!recorded.streamId.startsWith('segment-') || !knownEventType(recorded.streamId, recorded.type)) continue;
      const event = decodeSegmentEvent(recorded);
      const v = recorded.streamVersion;
      if (event.type === 'SegmentPublished') {
        const { segmentId, version, definition, asTag } = event.data;
        const actor = typeof recorded.metadata.actor === 'string' ? recorded.metadata.actor : null;
        await tx.query(
          `INSERT INTO rm_segments (segment_id, name, version, definition, as_tag, published_at, published_by, stream_version)
           VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8)
           ON CONFLICT (segment_id) DO UPDATE SET name = $2, version = $3, definition = $4::jsonb, as_tag = $5, published_at = $6, published_by = $7, stream_version = $8
           WHERE rm_segments.stream_version < $8`,
          [segmentId, definition.name, version, JSON.stringify(definition), asTag, recorded.recordedAt.toISOString(), actor, v],
        );
      } else {
        await tx.query('UPDATE rm_segments SET retired = true, stream_version = $2 WHERE segment_id = $1 AND stream_version < $2', [event.data.segmentId, v]);
      }
    }
  }
}
