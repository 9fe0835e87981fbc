// The one SQL seam the store and the read models share: PostgreSQL (pg pool)
// and embedded PGlite both implement it, so every query is written once.

export interface QueryOptions {
  /** Prepare once per connection under this name (PostgreSQL); hot statements skip parse and plan. */
  name?: string;
}

export interface SqlExecutor {
  query<R = Record<string, unknown>>(text: string, params?: unknown[], options?: QueryOptions): Promise<R[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface SqlClient extends SqlExecutor {
  readonly kind: 'postgres' | 'pglite';
  /** Runs fn in one transaction on one connection: commit on success, rollback on error. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** A short description for /health and logs, without secrets. */
  describe(): Record<string, unknown>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A PostgreSQL error code (SQLSTATE) if the error carries one. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
