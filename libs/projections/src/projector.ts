// A projector turns a batch of stored events into read-model writes inside the
// runner's transaction, which also moves its checkpoint: a batch is applied
// whole or not at all, so a kill at any point neither loses nor doubles rows.
import type { SqlExecutor } from '@crm/database';
import type { RecordedEvent } from '@crm/event-store';

export interface Projector {
  /** Stable name: the key of its checkpoint. */
  readonly name: string;
  /** The tables it owns (unqualified): a rebuild fills fresh copies and swaps them in. */
  readonly tables: readonly string[];
  /** Deterministic: the same events give the same rows, whether incremental or rebuilt. */
  apply(events: readonly RecordedEvent[], tx: SqlExecutor, prepared?: unknown): Promise<void>;
  /**
   * Reads a batch needs from the event store, done before the batch's
   * transaction opens (on PGlite the store and the transaction share one
   * connection); its answer is handed to apply.
   */
  prepare?(events: readonly RecordedEvent[]): Promise<unknown>;
}

export const PROJECTORS = Symbol('PROJECTORS');
