// Runs every projector on its own catch-up subscription over the store's
// global order, batch by batch, committing rows and checkpoint together.
import { Logger } from '@nestjs/common';
import type { Migration, SqlClient } from '@crm/database';
import { CatchUpSubscription, EventStore, RecordedEvent } from '@crm/event-store';
import { Projector } from './projector';

export const projectionMigrations: Migration[] = [
  {
    id: '0003_projection_checkpoints',
    sql: `
CREATE TABLE crm_projection_checkpoints (
  name       text PRIMARY KEY,
  position   bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);`,
  },
];

/** Thrown to make the subscription skip its own checkpoint update after a reset. */
export class CheckpointMovedError extends Error {
  override readonly name = 'CheckpointMovedError';
  constructor(readonly projector: string, readonly position: number) {
    super(`checkpoint of ${projector} moved to ${position}`);
  }
}

export interface ProjectionStatus {
  name: string;
  position: number;
  /** Events in the log after the checkpoint (0: caught up). */
  lag: number;
  state: 'running' | 'stopped';
}

export interface RunnerOptions {
  batchSize?: number;
  pollIntervalMs?: number;
}

export class ProjectionRunner {
  private readonly subscriptions = new Map<string, CatchUpSubscription>();
  private readonly logger = new Logger('projections');

  constructor(
    private readonly store: EventStore,
    private readonly sql: SqlClient,
    private readonly projectors: readonly Projector[],
    private readonly options: RunnerOptions = {},
  ) {}

  async start(): Promise<void> {
    for (const projector of this.projectors) {
      const after = await this.checkpointOf(projector.name);
      this.subscriptions.set(
        projector.name,
        new CatchUpSubscription(this.store, {
          after,
          batchSize: this.options.batchSize ?? 500,
          pollIntervalMs: this.options.pollIntervalMs ?? 50,
          handle: (events, checkpoint, from) => this.applyBatch(projector, events, checkpoint, from),
          onError: (error) => error instanceof CheckpointMovedError || this.logger.error(`${projector.name}: ${error instanceof Error ? error.message : String(error)}`),
        }),
      );
    }
  }

  /**
   * Rows and checkpoint in one transaction. The stored checkpoint is read FOR
   * UPDATE first: if it is not where this subscription stands (a rebuild was
   * swapped in, or another process projects too), nothing is applied and the
   * subscription continues from the stored one. That fence is what keeps a
   * batch from ever being applied twice.
   */
  private async applyBatch(projector: Projector, events: RecordedEvent[], checkpoint: number, from: number): Promise<void> {
    const moved = await this.sql.transaction(async (tx) => {
      const [row] = await tx.query<{ position: string | number }>('SELECT position FROM crm_projection_checkpoints WHERE name = $1 FOR UPDATE', [projector.name]);
      const stored = row ? Number(row.position) : 0;
      if (stored !== from) return stored;
      await projector.apply(events, tx);
      await tx.query(
        `INSERT INTO crm_projection_checkpoints (name, position) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = now()`,
        [projector.name, checkpoint],
      );
      return undefined;
    });
    if (moved !== undefined) {
      this.logger.log(`${projector.name}: checkpoint moved to ${moved} by another writer; continuing from there`);
      this.subscriptions.get(projector.name)?.resetTo(moved);
      throw new CheckpointMovedError(projector.name, moved);
    }
  }

  async checkpointOf(name: string): Promise<number> {
    const [row] = await this.sql.query<{ position: string | number }>('SELECT position FROM crm_projection_checkpoints WHERE name = $1', [name]);
    return row ? Number(row.position) : 0;
  }

  async status(): Promise<ProjectionStatus[]> {
    const result: ProjectionStatus[] = [];
    for (const projector of this.projectors) {
      const position = await this.checkpointOf(projector.name);
      // Events past the checkpoint: an index range count, cheap when caught up.
      const [behind] = await this.sql.query<{ n: string | number }>('SELECT count(*) AS n FROM crm_events WHERE global_position > $1', [position]);
      result.push({ name: projector.name, position, lag: Number(behind?.n ?? 0), state: this.subscriptions.has(projector.name) ? 'running' : 'stopped' });
    }
    return result;
  }

  /** Resolves true once every projector has processed `position`, false after `timeoutMs`. */
  async waitFor(position: number, timeoutMs = 5_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let covered = true;
      for (const projector of this.projectors) {
        const checkpoint = this.subscriptions.get(projector.name)?.checkpoint ?? (await this.checkpointOf(projector.name));
        if (!(await this.store.isCoveredBy(position, checkpoint))) {
          covered = false;
          break;
        }
      }
      if (covered) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 15));
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.subscriptions.values()].map((s) => s.stop()));
    this.subscriptions.clear();
  }
}
