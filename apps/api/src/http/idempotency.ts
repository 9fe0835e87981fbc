// Idempotency-Key on POST: the first answer to a key is stored with a hash of
// the request; the same key with the same request replays it, with another
// request answers 422. A key still being processed answers 409; a claim with
// no answer older than IDEMPOTENCY_CLAIM_TTL_SECONDS was left by a process
// that died, and the next retry takes it over - at once when the claim's
// process is known to be gone (its PostgreSQL session ended). Event ids are also derived
// from the key, so even a crash between append and storing the answer cannot
// record twice.
import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, Observable } from 'rxjs';
import { presenceGone, SQL_CLIENT, SqlClient } from '@crm/database';
import { APP_CONFIG, AppConfig, DomainError } from '@crm/shared';
import { principalOf, Problem, StoredProblem, toProblem } from '@crm/shared/http';
export { idempotencyMigrations } from '@crm/shared/http/idempotency.migrations';
import { metrics } from '@crm/shared/metrics';

const KEY = /^[\x21-\x7e]{1,200}$/;
const REPLAYED_HEADERS = ['etag', 'location', 'content-type'];

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    // GraphQL mutations carry their key as an argument (event ids are derived from it).
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const key = req.header('idempotency-key');
    if (req.method !== 'POST' || key === undefined) return next.handle();
    return from(this.handle(key, req, res, next));
  }

  private async handle(given: string, req: Request, res: Response, next: CallHandler): Promise<unknown> {
    if (!KEY.test(given)) throw new DomainError('rule', 'InvalidIdempotencyKey', 'Idempotency-Key must be 1-200 printable ASCII characters');
    // A key is the caller's own: another account's key of the same spelling is another key.
    const principal = principalOf(req);
    const key = principal ? `${principal.kind}:${principal.id}:${given}` : given;
    const hash = createHash('sha256')
      // A streamed body (an import's file) is not read here: its length stands for it.
      .update(`${req.method} ${req.path}\n${req.body === undefined ? `stream ${req.header('content-length') ?? ''}` : JSON.stringify(req.body)}`)
      .digest('hex');
    const claimed = await this.sql.query('INSERT INTO crm_idempotency_keys (key, request_hash, owner) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING RETURNING key', [
      key,
      hash,
      this.sql.presence() ?? null,
    ]);
    if (claimed.length === 0 && !(await this.takeOverAbandoned(key, hash))) return this.replay(key, hash, res);

    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      await this.remember(key, res.statusCode, body, res);
      return body;
    } catch (error) {
      const p = toProblem(error);
      if (p.status >= 500) await this.release(key);
      else await this.remember(key, p.status, p, res);
      throw error;
    }
  }

  /**
   * A request that failed gives its key back for the retry. When the store
   * cannot be reached (the likely cause), it is tried again every second
   * until it answers, rather than leaving the key claimed until its TTL.
   */
  private async release(key: string): Promise<void> {
    const drop = () => this.sql.query('DELETE FROM crm_idempotency_keys WHERE key = $1 AND status IS NULL', [key]);
    await drop().catch(() => {
      const deadline = Date.now() + this.config.idempotencyClaimTtlMs;
      const again = () => void drop().catch(() => Date.now() < deadline && setTimeout(again, 1_000).unref());
      setTimeout(again, 1_000).unref();
    });
  }

  /**
   * A claim without an answer whose process is gone (its session left
   * PostgreSQL, at once after a kill), or past its TTL (a process that could
   * not be told apart). Taken over atomically, so only one retry wins it.
   */
  private async takeOverAbandoned(key: string, hash: string): Promise<boolean> {
    const me = this.sql.presence() ?? null;
    const taken = await this.sql.query(
      `UPDATE crm_idempotency_keys SET created_at = now(), request_hash = $2, owner = $4
        WHERE key = $1 AND status IS NULL AND request_hash = $2
          AND (created_at < now() - make_interval(secs => $3::double precision) OR (owner IS NOT NULL AND ${presenceGone('owner', '$4::text')}))
        RETURNING key`,
      [key, hash, this.config.idempotencyClaimTtlMs / 1000, me],
    );
    return taken.length > 0;
  }

  private async remember(key: string, status: number, body: unknown, res: Response): Promise<void> {
    const headers: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const value = res.getHeader(name);
      if (typeof value === 'string') headers[name] = value;
    }
    await this.sql.query('UPDATE crm_idempotency_keys SET status = $2, body = $3::jsonb, headers = $4::jsonb WHERE key = $1', [
      key,
      status,
      JSON.stringify(body ?? null),
      JSON.stringify(headers),
    ]);
  }

  private async replay(key: string, hash: string, res: Response): Promise<unknown> {
    const [row] = await this.sql.query<{ request_hash: string; status: number | null; body: unknown; headers: Record<string, string> | null }>(
      'SELECT request_hash, status, body, headers FROM crm_idempotency_keys WHERE key = $1',
      [key],
    );
    if (!row) throw new DomainError('conflict', 'IdempotencyKeyInProgress', 'a request with this Idempotency-Key is in progress; retry shortly');
    if (row.request_hash !== hash) {
      throw new DomainError('rule', 'IdempotencyKeyReused', 'this Idempotency-Key was used with a different request');
    }
    if (row.status === null) throw new DomainError('conflict', 'IdempotencyKeyInProgress', 'a request with this Idempotency-Key is in progress; retry shortly');
    res.status(row.status);
    for (const [name, value] of Object.entries(row.headers ?? {})) res.setHeader(name, value);
    res.setHeader('Idempotent-Replayed', 'true');
    metrics.idempotencyReplays.inc();
    if (row.status >= 400) throw new StoredProblem(row.body as Problem);
    return row.body;
  }
}
