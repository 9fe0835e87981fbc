// Imports started over REST: their progress and rejected rows, so that
// `GET /imports/{id}` answers from any moment and a restarted service
// resumes what was running.
import type { Migration, SqlClient } from '@crm/database';
import type { Principal } from '@crm/shared';
import type { ImportColumn, RejectedRow } from './import-file';
import type { ImportProgress } from './importer';

export const importMigrations: Migration[] = [
  {
    id: '0009_imports',
    sql: `
CREATE TABLE crm_imports (
  import_id      uuid PRIMARY KEY,
  status         text NOT NULL,
  source         text NOT NULL,
  options        jsonb NOT NULL,
  principal      jsonb NOT NULL,
  total_bytes    bigint NOT NULL,
  phase          text NOT NULL DEFAULT 'reading',
  percent        int NOT NULL DEFAULT 0,
  bytes          bigint NOT NULL DEFAULT 0,
  rows_read      bigint NOT NULL DEFAULT 0,
  imported       bigint NOT NULL DEFAULT 0,
  rejected       bigint NOT NULL DEFAULT 0,
  events_written bigint NOT NULL DEFAULT 0,
  registered     bigint NOT NULL DEFAULT 0,
  written        boolean,
  error          text,
  created_by     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz,
  -- A running import's process touches it every few seconds; a stale one is resumed by another start.
  heartbeat_at   timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE crm_import_rejects (
  import_id    uuid NOT NULL REFERENCES crm_imports (import_id) ON DELETE CASCADE,
  seq          int NOT NULL,
  line         bigint NOT NULL,
  customer_ref text,
  code         text NOT NULL,
  reason       text NOT NULL,
  PRIMARY KEY (import_id, seq)
);`,
  },
  {
    // The column a rejected row was refused for: the console words it in the reader's language.
    id: '0024_import_reject_field',
    sql: 'ALTER TABLE crm_import_rejects ADD COLUMN field text;',
  },
];

/** Rejected rows kept per import (the count is always exact). */
export const STORED_REJECTS = 10_000;

export type ImportStatus = 'running' | 'done' | 'failed';

export interface ImportRecord {
  importId: string;
  status: ImportStatus;
  options: { map?: string; allOrNothing: boolean };
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
  totalBytes: number;
  progress: ImportProgress;
  /** False when allOrNothing found a bad row (nothing was written); null while running. */
  written: boolean | null;
  error: string | null;
}

interface Row {
  import_id: string;
  status: ImportStatus;
  options: ImportRecord['options'];
  principal: Principal;
  source: string;
  total_bytes: string;
  phase: ImportProgress['phase'];
  percent: number;
  bytes: string;
  rows_read: string;
  imported: string;
  rejected: string;
  events_written: string;
  registered: string;
  written: boolean | null;
  error: string | null;
  created_by: string;
  created_at: Date | string;
  finished_at: Date | string | null;
}

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

function toRecord(r: Row): ImportRecord {
  return {
    importId: r.import_id,
    status: r.status,
    options: r.options,
    createdBy: r.created_by,
    createdAt: iso(r.created_at) as string,
    finishedAt: iso(r.finished_at),
    totalBytes: Number(r.total_bytes),
    progress: {
      phase: r.status === 'done' ? 'done' : r.phase,
      percent: r.status === 'done' ? 100 : r.percent,
      rows: Number(r.rows_read),
      imported: Number(r.imported),
      rejected: Number(r.rejected),
      eventsWritten: Number(r.events_written),
      registered: Number(r.registered),
      bytes: Number(r.bytes),
    },
    written: r.written,
    error: r.error,
  };
}

export class ImportsStore {
  constructor(private readonly sql: SqlClient) {}

  async create(importId: string, source: string, options: ImportRecord['options'], principal: Principal, createdBy: string, totalBytes: number): Promise<void> {
    await this.sql.query(
      `INSERT INTO crm_imports (import_id, status, source, options, principal, created_by, total_bytes) VALUES ($1, 'running', $2, $3::jsonb, $4::jsonb, $5, $6)`,
      [importId, source, JSON.stringify(options), JSON.stringify(principal), createdBy, totalBytes],
    );
  }

  async progress(importId: string, p: ImportProgress): Promise<void> {
    await this.sql.query(
      'UPDATE crm_imports SET bytes = $2, rows_read = $3, imported = $4, rejected = $5, events_written = $6, registered = $7, heartbeat_at = now() WHERE import_id = $1',
      [importId, p.bytes, p.rows, p.imported, p.rejected, p.eventsWritten, p.registered],
    );
  }

  /** Rejected rows in the order they came, up to STORED_REJECTS an import. */
  async addRejects(importId: string, from: number, rejects: RejectedRow[]): Promise<void> {
    const kept = rejects.slice(0, Math.max(0, STORED_REJECTS - from));
    if (kept.length === 0) return;
    await this.sql.query(
      `INSERT INTO crm_import_rejects (import_id, seq, line, customer_ref, code, reason, field)
       SELECT $1, $2::int + ord, line, ref, code, reason, field
         FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS r(line, ref, code, reason, field, ord)
       ON CONFLICT DO NOTHING`,
      [importId, from, kept.map((r) => r.line), kept.map((r) => r.customerRef), kept.map((r) => r.code), kept.map((r) => r.reason), kept.map((r) => r.field ?? null)],
    );
  }

  /** A run starts over (a resumed import): its counts and rejects too. */
  async restart(importId: string): Promise<void> {
    await this.sql.query('DELETE FROM crm_import_rejects WHERE import_id = $1', [importId]);
    await this.progress(importId, { phase: 'reading', percent: 0, bytes: 0, rows: 0, imported: 0, rejected: 0, eventsWritten: 0, registered: 0 });
  }

  async finish(importId: string, status: 'done' | 'failed', written: boolean | null, error: string | null): Promise<void> {
    await this.sql.query('UPDATE crm_imports SET status = $2, written = $3, error = $4, finished_at = now() WHERE import_id = $1', [importId, status, written, error]);
  }

  async get(importId: string): Promise<ImportRecord | undefined> {
    const [row] = await this.sql.query<Row>('SELECT * FROM crm_imports WHERE import_id = $1', [importId]);
    return row ? toRecord(row) : undefined;
  }

  async rejects(importId: string, limit: number): Promise<RejectedRow[]> {
    const rows = await this.sql.query<{ line: string; customer_ref: string | null; code: string; reason: string; field: ImportColumn | null }>(
      'SELECT line, customer_ref, code, reason, field FROM crm_import_rejects WHERE import_id = $1 ORDER BY line, seq LIMIT $2',
      [importId, limit],
    );
    return rows.map((r) => ({ line: Number(r.line), customerRef: r.customer_ref, code: r.code, reason: r.reason, ...(r.field ? { field: r.field } : {}) }));
  }

  async heartbeat(importId: string): Promise<void> {
    await this.sql.query('UPDATE crm_imports SET heartbeat_at = now() WHERE import_id = $1', [importId]);
  }

  /** A stopping process hands its import over: the next start resumes it at once. */
  async release(importId: string): Promise<void> {
    await this.sql.query("UPDATE crm_imports SET heartbeat_at = 'epoch' WHERE import_id = $1", [importId]);
  }

  /** Running imports whose process stopped (no heartbeat for staleSeconds). */
  async abandoned(staleSeconds: number): Promise<Array<{ importId: string; source: string; options: ImportRecord['options']; principal: Principal }>> {
    const rows = await this.sql.query<Row>(
      `SELECT * FROM crm_imports WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => $1::double precision) ORDER BY created_at`,
      [staleSeconds],
    );
    return rows.map((r) => ({ importId: r.import_id, source: r.source, options: r.options, principal: r.principal }));
  }

  /** Taken over atomically: of two processes starting at once, one resumes it. */
  async claim(importId: string, staleSeconds: number): Promise<boolean> {
    const rows = await this.sql.query(
      `UPDATE crm_imports SET heartbeat_at = now()
        WHERE import_id = $1 AND status = 'running' AND heartbeat_at < now() - make_interval(secs => $2::double precision) RETURNING import_id`,
      [importId, staleSeconds],
    );
    return rows.length > 0;
  }
}
