// GET /customers/{id}/timeline: the audit record, in the order things
// happened, cursor-paginated; ?waitFor=<position> waits for the projection.
import { Controller, Get, Inject, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IsOptional, Matches } from 'class-validator';
import { SQL_CLIENT, SqlClient } from '@crm/database';
import { PROJECTION_RUNNER, ProjectionRunner, waitForPosition } from '@crm/projections';
import { ApiRead, refused } from '@crm/shared';

class TimelineQuery {
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'cursor must be a cursor this API gave out' }) cursor?: string;
  @IsOptional() @Matches(/^([1-9]\d{0,2}|1000)$/, { message: 'limit must be 1-1000' }) limit?: string;
  @IsOptional() @Matches(/^\d{1,15}$/, { message: 'waitFor must be a global position' }) waitFor?: string;
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

function decode(cursor: string): [string, number] {
  try {
    const [at, position] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, number];
    if (typeof at === 'string' && !Number.isNaN(Date.parse(at)) && Number.isSafeInteger(position)) return [at, position];
  } catch {
    // fall through
  }
  throw refused('InvalidCursor', 'cursor is not one this API gave out');
}

@ApiTags('timeline')
@Controller('customers')
export class TimelineController {
  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  @Get(':id/timeline')
  @ApiRead()
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1-1000, default 100' })
  @ApiQuery({ name: 'waitFor', required: false, description: 'a write position to wait for (at most 5 s)' })
  async timeline(@Param('id', new ParseUUIDPipe()) id: string, @Query() query: TimelineQuery, @Res({ passthrough: true }) res: Response) {
    await waitForPosition(this.runner, query.waitFor, res);
    const limit = Number(query.limit ?? 100);
    const [at, position] = query.cursor ? decode(query.cursor) : ['-infinity', 0];
    const rows = await this.sql.query<TimelineRow>(
      `SELECT position, stream_id, stream_version, event_id, type, occurred_at, recorded_at, actor, correlation_id, causation_id, source, data
         FROM rm_timeline WHERE customer_id = $1 AND (occurred_at, position) > ($2::timestamptz, $3::bigint)
        ORDER BY occurred_at, position LIMIT $4`,
      [id, at, position, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        position: Number(r.position),
        type: r.type,
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
      })),
      nextCursor: rows.length > limit && last ? Buffer.from(JSON.stringify([new Date(last.occurred_at).toISOString(), Number(last.position)])).toString('base64url') : null,
    };
  }
}
