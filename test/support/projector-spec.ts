// Given events -> rows, for projectors on a real database: events are built
// as the store would record them (stream, version, position, metadata) and
// applied in one transaction, as the runner does.
import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '../../libs/event-store/src';
import type { SqlClient } from '../../libs/database/src';
import type { Projector } from '../../libs/projections/src';

export class History {
  private position = 0;
  private readonly versions = new Map<string, number>();
  readonly events: RecordedEvent[] = [];

  add(streamId: string, type: string, data: Record<string, unknown>, occurredAt: string, actor = 'tester'): RecordedEvent {
    const streamVersion = (this.versions.get(streamId) ?? 0) + 1;
    this.versions.set(streamId, streamVersion);
    const event: RecordedEvent = {
      id: randomUUID(),
      type,
      data,
      metadata: { actor, correlationId: `corr-${this.position + 1}`, causationId: `cause-${this.position + 1}`, source: 'api', occurredAt },
      streamId,
      streamVersion,
      position: ++this.position,
      recordedAt: new Date('2026-01-01T00:00:00.000Z'),
    };
    this.events.push(event);
    return event;
  }
}

export async function project(sql: SqlClient, projector: Projector, events: readonly RecordedEvent[]): Promise<void> {
  await sql.transaction((tx) => projector.apply(events, tx));
}

export async function rows<T = Record<string, unknown>>(sql: SqlClient, query: string, params: unknown[] = []): Promise<T[]> {
  return sql.query<T>(query, params);
}
