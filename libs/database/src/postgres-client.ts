// PostgreSQL through a pg pool. int8 comes back as a string from pg; callers
// convert explicitly, so no global type parser is changed here.
import { Pool, PoolConfig } from 'pg';
import { QueryOptions, SqlClient, SqlExecutor } from './sql-client';

export class PostgresClient implements SqlClient {
  readonly kind = 'postgres' as const;
  readonly pool: Pool;

  constructor(
    private readonly connectionString: string,
    options: PoolConfig = {},
  ) {
    this.pool = new Pool({ connectionString, max: 20, ...options });
    // An idle client that loses its connection must not crash the process.
    this.pool.on('error', () => undefined);
  }

  async query<R>(text: string, params?: unknown[], options?: QueryOptions): Promise<R[]> {
    const result = options?.name ? await this.pool.query({ name: options.name, text, values: params as unknown[] }) : await this.pool.query(text, params as unknown[]);
    return result.rows as R[];
  }

  async exec(script: string): Promise<void> {
    await this.pool.query(script);
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn({
        query: async <R>(text: string, params?: unknown[], options?: QueryOptions) =>
          (options?.name ? await client.query({ name: options.name, text, values: params as unknown[] }) : await client.query(text, params as unknown[])).rows as R[],
        exec: async (script: string) => {
          await client.query(script);
        },
      });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  describe(): Record<string, unknown> {
    const url = new URL(this.connectionString);
    return { kind: this.kind, host: url.hostname, port: Number(url.port || 5432), database: url.pathname.slice(1) };
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.pool.ended || this.pool.ending) return;
    await this.pool.end();
  }
}
