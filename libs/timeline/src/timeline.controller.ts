// GET /customers/{id}/timeline: the audit record, in the order things
// happened, cursor-paginated: the stored events of the customer and their
// complaints (read model), merged with the derived tier changes and
// lifecycle moves; ?waitFor=<position> waits for the projection.
import { Controller, Get, Inject, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { SQL_CLIENT, SqlClient } from '@crm/database';
import { loadCustomerHistory } from '@crm/customers';
import { EVENT_STORE, EventStore } from '@crm/event-store';
import { PROJECTION_RUNNER, ProjectionRunner, waitForPosition } from '@crm/projections';
import { ApiRead, APP_CONFIG, AppConfig, refused, shopDate, IsPosition } from '@crm/shared';
import { loadRuleSchedule } from '@crm/tiers';
import { compareKeys, DerivedEntry, derivedChanges } from './derived-changes';

class TimelineQuery {
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'cursor must be a cursor this API gave out' }) cursor?: string;
  @IsOptional() @Matches(/^([1-9]\d{0,2}|1000)$/, { message: 'limit must be 1-1000' }) limit?: string;
  @IsOptional() @IsPosition() waitFor?: string;
  @IsOptional() @IsIn(['true', 'false']) derived?: string;
}

interface TimelineRow {
  position: string | number;
  stream_id: string;
  stream_version: string | number;
  event_id: string;
  type: string;
  occurred_at: Date;
  recorded_at: Date;
  actor: string | null;
  correlation_id: string | null;
  causation_id: string | null;
  source: string | null;
  data: unknown;
}

type Key = [string, number, number];

function decode(cursor: string): Key {
  try {
    const [at, position, seq = 0] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, number, number?];
    if (typeof at === 'string' && !Number.isNaN(Date.parse(at)) && Number.isSafeInteger(position) && Number.isSafeInteger(seq)) return [new Date(at).toISOString(), position, seq];
  } catch {
    // fall through
  }
  throw refused('InvalidCursor', 'cursor is not one this API gave out');
}

const encode = (key: Key) => Buffer.from(JSON.stringify(key)).toString('base64url');

@ApiTags('timeline')
@Controller('customers')
export class TimelineController {
  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get(':id/timeline')
  @ApiRead()
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1-1000, default 100' })
  @ApiQuery({ name: 'derived', required: false, description: 'include derived tier changes and lifecycle moves (default true)' })
  @ApiQuery({ name: 'waitFor', required: false, description: 'a write position to wait for (at most 5 s)' })
  async timeline(@Param('id', new ParseUUIDPipe()) id: string, @Query() query: TimelineQuery, @Res({ passthrough: true }) res: Response) {
    await waitForPosition(this.runner, query.waitFor, res);
    const limit = Number(query.limit ?? 100);
    const after: Key = query.cursor ? decode(query.cursor) : ['0000-01-01T00:00:00.000Z', 0, 0];
    const rows = await this.sql.query<TimelineRow>(
      `SELECT position, stream_id, stream_version, event_id, type, occurred_at, recorded_at, actor, correlation_id, causation_id, source, data
         FROM rm_timeline WHERE customer_id = $1 AND (occurred_at, position) > ($2::timestamptz, $3::bigint)
        ORDER BY occurred_at, position LIMIT $4`,
      [id, query.cursor ? after[0] : '-infinity', after[1], limit + 1],
    );
    const stored = rows.map((r) => ({
      key: [new Date(r.occurred_at).toISOString(), Number(r.position), 0] as Key,
      entry: {
        position: Number(r.position),
        type: r.type,
        derived: false,
        streamId: r.stream_id,
        streamVersion: Number(r.stream_version),
        eventId: r.event_id,
        occurredAt: new Date(r.occurred_at).toISOString(),
        recordedAt: new Date(r.recorded_at).toISOString(),
        actor: r.actor,
        correlationId: r.correlation_id,
        causationId: r.causation_id,
        source: r.source,
        data: r.data,
      } as Record<string, unknown>,
    }));
    const derived = query.derived === 'false' ? [] : (await this.derived(id)).filter((d) => compareKeys(d.key, after) > 0);
    // Merge two sorted lists; stored rows past the page's last one may be missing (LIMIT), so stop at limit.
    const merged: Array<{ key: Key; entry: Record<string, unknown> | DerivedEntry['entry'] }> = [];
    let i = 0;
    let j = 0;
    while (merged.length < limit + 1 && (i < stored.length || j < derived.length)) {
      if (j >= derived.length || (i < stored.length && compareKeys(stored[i].key, derived[j].key) < 0)) merged.push(stored[i++]);
      else merged.push(derived[j++]);
    }
    const page = merged.slice(0, limit);
    const more = merged.length > limit;
    return { items: page.map((p) => p.entry), nextCursor: more && page.length > 0 ? encode(page[page.length - 1].key) : null };
  }

  private async derived(id: string): Promise<DerivedEntry[]> {
    const history = await loadCustomerHistory(this.store, id, this.config.shopTimezone);
    if (!history) return [];
    const today = shopDate(new Date(), this.config.shopTimezone);
    return derivedChanges(history, await loadRuleSchedule(this.store), today, this.config.shopTimezone, this.config.shopCurrency);
  }
}
