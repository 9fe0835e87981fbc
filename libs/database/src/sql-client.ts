// The one SQL seam the store and the read models share: PostgreSQL (pg pool)
// and embedded PGlite both implement it, so every query is written once.

export interface QueryOptions {
  /** Prepare once per connection under this name (PostgreSQL); hot statements skip parse and plan. */
  name?: string;
}

export interface TransactionOptions {
  /**
   * Commit without waiting for the WAL flush (synchronous_commit off), for
   * what can be derived again: a read-model batch lost in a crash is lost
   * with its checkpoint and applied again. Set with BEGIN, in its round trip.
   */
  asyncCommit?: boolean;
  /**
   * Statements without parameters sent with BEGIN, in its round trip; the
   * rows of the last are the transaction's `opened` (a batch's checkpoints,
   * locked). Values in it go through sqlLiteral.
   */
  opening?: string;
}

/** A transaction: its statements, and what is sent with BEGIN and with COMMIT to save round trips. */
export interface Transaction extends SqlExecutor {
  /** The rows of the `opening` statement (empty without one). */
  readonly opened: Record<string, unknown>[];
  /** Statements without parameters run just before COMMIT, in its round trip; if they fail, nothing commits. */
  commitWith(script: string): void;
  /**
   * COPY ... FROM STDIN with rows in COPY's text format (PostgreSQL only;
   * undefined on PGlite): the bulk path's cost is COPY's, not one INSERT's.
   */
  copyFrom?(statement: string, text: string): Promise<void>;
}

export interface SqlExecutor {
  query<R = Record<string, unknown>>(text: string, params?: unknown[], options?: QueryOptions): Promise<R[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface SqlClient extends SqlExecutor {
  readonly kind: 'postgres' | 'pglite';
  /** Runs fn in one transaction on one connection: commit on success, rollback on error. */
  transaction<T>(fn: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** A short description for /health and logs, without secrets. */
  describe(): Record<string, unknown>;
  ping(): Promise<void>;
  /**
   * Calls onNotify for each NOTIFY on these channels from any process, and
   * with channel undefined after the listening connection came back (a
   * notification may have been missed meanwhile). Resolves to a stop function.
   */
  listen(channels: readonly string[], onNotify: (channel: string | undefined, payload: string) => void): Promise<() => Promise<void>>;
  /**
   * This process as other processes can tell it is alive: on PostgreSQL its
   * listening session ("pg:<pid>@<backend start>", gone from pg_stat_activity
   * the moment the process dies), undefined before it listens; on PGlite the
   * instance ("local:<uuid>": one process holds the data folder, so any other
   * instance is gone). SQL_SESSION_GONE tells a mark's process is gone.
   */
  presence(): string | undefined;
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

/**
 * A string as an SQL literal, for the few statements sent without
 * parameters (with BEGIN or COMMIT, in their round trip). Quotes are doubled;
 * backslashes are plain characters (standard_conforming_strings, on by
 * default since PostgreSQL 9.1); U+0000 cannot be stored at all.
 */
export function sqlLiteral(value: string): string {
  if (value.includes('\u0000')) throw new Error('an SQL literal cannot hold U+0000');
  return `'${value.replace(/'/g, "''")}'`;
}

/** True (in SQL) when the process of the presence mark in column `mark` is gone; `$current` is this process's mark. */
export const presenceGone = (mark: string, current: string) => `(
  (${mark} LIKE 'local:%' AND ${mark} <> ${current})
  OR (${mark} LIKE 'pg:%' AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a
        WHERE a.pid = split_part(substr(${mark}, 4), '@', 1)::int AND extract(epoch FROM a.backend_start)::text = split_part(substr(${mark}, 4), '@', 2))))`;
