// Embedded PostgreSQL (PGlite) in one process: one connection, queries queued
// by PGlite itself, the data folder locked while open.
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { DataDirLock } from './data-dir-lock';
import { SqlClient, Transaction, TransactionOptions } from './sql-client';

export class PGliteClient implements SqlClient {
  readonly kind = 'pglite' as const;
  private closed = false;

  private constructor(
    readonly db: PGlite,
    private readonly dataDir: string | undefined,
    private readonly lock?: DataDirLock,
  ) {}

  /** Opens (creating on first use) the database under dataDir, or in memory when dataDir is undefined. */
  static async open(dataDir?: string): Promise<PGliteClient> {
    const lock = dataDir ? DataDirLock.acquire(dataDir) : undefined;
    try {
      const { PGlite } = await import('@electric-sql/pglite');
      const db = await PGlite.create(dataDir ? path.join(dataDir, 'pglite') : undefined);
      return new PGliteClient(db, dataDir, lock);
    } catch (error) {
      lock?.release();
      throw error;
    }
  }

  async query<R>(text: string, params?: unknown[]): Promise<R[]> {
    const result = await this.db.query<R>(text, params as unknown[]);
    return result.rows;
  }

  async exec(script: string): Promise<void> {
    await this.db.exec(script);
  }

  async transaction<T>(fn: (tx: Transaction) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.db.transaction(async (tx) => {
      const opening = [options.asyncCommit ? 'SET LOCAL synchronous_commit = off' : '', options.opening ?? ''].filter(Boolean).join('; ');
      const first = opening ? await tx.exec(opening) : [];
      let closing = '';
      const result = await fn({
        query: async <R>(text: string, params?: unknown[]) => (await tx.query<R>(text, params as unknown[])).rows,
        exec: async (script: string) => {
          await tx.exec(script);
        },
        opened: options.opening ? ((first[first.length - 1]?.rows ?? []) as Record<string, unknown>[]) : [],
        commitWith: (script: string) => void (closing += `${script}; `),
      });
      if (closing) await tx.exec(closing);
      return result;
    });
  }

  describe(): Record<string, unknown> {
    return { kind: this.kind, dataDir: this.dataDir ?? 'memory' };
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  private readonly mark = `local:${randomUUID()}`;

  presence(): string {
    return this.mark;
  }

  /** One process holds the data folder (DataDirLock): nobody else can notify, so there is nothing to listen to. */
  async listen(): Promise<() => Promise<void>> {
    return async () => undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.db.close();
    } finally {
      this.lock?.release();
    }
  }
}
