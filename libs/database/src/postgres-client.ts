// PostgreSQL through a pg pool. int8 comes back as a string from pg; callers
// convert explicitly, so no global type parser is changed here.
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { Client, Pool, PoolConfig, QueryResult } from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import { QueryOptions, SqlClient, Transaction, TransactionOptions } from './sql-client';

export class PostgresClient implements SqlClient {
  readonly kind = 'postgres' as const;
  readonly pool: Pool;

  constructor(
    private readonly connectionString: string,
    private readonly options: PoolConfig = {},
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

  async transaction<T>(fn: (tx: Transaction) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const client = await this.pool.connect();
    // A checked-out client has no listener of the pool's: a server that goes away between two statements
    // (a restart) would emit an unhandled 'error' and end the process. Heard here; the client is then thrown away.
    let lost: Error | undefined;
    const onError = (error: Error) => void (lost = error);
    client.on('error', onError);
    try {
      const begin = options.asyncCommit ? 'BEGIN; SET LOCAL synchronous_commit = off' : 'BEGIN';
      const first: QueryResult | QueryResult[] = await client.query(options.opening ? `${begin}; ${options.opening}` : begin);
      let closing = '';
      const result = await fn({
        query: async <R>(text: string, params?: unknown[], options?: QueryOptions) =>
          (options?.name ? await client.query({ name: options.name, text, values: params as unknown[] }) : await client.query(text, params as unknown[])).rows as R[],
        exec: async (script: string) => {
          await client.query(script);
        },
        opened: options.opening ? (Array.isArray(first) ? first[first.length - 1] : first).rows : [],
        commitWith: (script: string) => void (closing += `${script}; `),
        copyFrom: async (statement: string, text: string) => {
          await pipeline(Readable.from([Buffer.from(text)]), client.query(copyFromStdin(statement)));
        },
      });
      await client.query(`${closing}COMMIT`);
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.off('error', onError);
      client.release(lost);
    }
  }

  describe(): Record<string, unknown> {
    const url = new URL(this.connectionString);
    return { kind: this.kind, host: url.hostname, port: Number(url.port || 5432), database: url.pathname.slice(1) };
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  /**
   * LISTEN on a connection of its own (outside the pool: a pooled connection
   * would be handed to others). When it is lost it comes back, retried every
   * second, and says so (channel undefined) so that callers check what they
   * wait for.
   */
  async listen(channels: readonly string[], onNotify: (channel: string | undefined, payload: string) => void): Promise<() => Promise<void>> {
    let client: Client | undefined;
    let retry: NodeJS.Timeout | undefined;
    let stopped = false;
    const again = () => {
      if (stopped || retry) return;
      void client?.end().catch(() => undefined);
      client = undefined;
      retry = setTimeout(() => {
        retry = undefined;
        connect().then(
          () => onNotify(undefined, ''),
          () => again(),
        );
      }, 1_000);
      retry.unref();
    };
    const connect = async () => {
      const c = new Client({ ...this.options, connectionString: this.connectionString });
      c.on('notification', (message) => onNotify(message.channel, message.payload ?? ''));
      // Only the connection in use: an old one ending late must not drop its successor.
      const lost = () => client === c && again();
      c.on('error', lost);
      c.on('end', lost);
      client = c;
      await c.connect();
      for (const channel of channels) await c.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
      const [me] = (
        await c.query<{ mark: string }>(`SELECT 'pg:' || pid || '@' || extract(epoch FROM backend_start)::text AS mark FROM pg_stat_activity WHERE pid = pg_backend_pid()`)
      ).rows;
      this.mark = me?.mark;
      if (stopped) await c.end();
    };
    await connect().catch(again);
    return async () => {
      stopped = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    };
  }

  private mark: string | undefined;

  presence(): string | undefined {
    return this.mark;
  }

  async close(): Promise<void> {
    if (this.pool.ended || this.pool.ending) return;
    await this.pool.end();
  }
}
