// A projector turns a batch of stored events into read-model writes inside the
// runner's transaction, which also moves its checkpoint: a batch is applied
// whole or not at all, so a kill at any point neither loses nor doubles rows.
import type { SqlExecutor } from '@crm/database';
import type { Partition, RecordedEvent } from '@crm/event-store';

export interface Projector {
  /** Stable name: the key of its checkpoint. */
  readonly name: string;
  /** The tables it owns (unqualified): a rebuild fills fresh copies and swaps them in. */
  readonly tables: readonly string[];
  /**
   * Its rows each depend on one stream's events alone, in that stream's order:
   * it may be split into partitions by stream (PROJECTION_PARTITIONS). A read
   * model that needs one order across streams leaves this unset.
   */
  readonly byStream?: boolean;
  /** Set on one partition of a projector: the streams it applies. */
  readonly partition?: Partition;
  /** The projector's own name when this is one of its partitions. */
  readonly base?: string;
  /** Deterministic: the same events give the same rows, whether incremental or rebuilt. */
  apply(events: readonly RecordedEvent[], tx: SqlExecutor, prepared?: unknown): Promise<void>;
  /**
   * Reads a batch needs from the event store, done before the batch's
   * transaction opens (on PGlite the store and the transaction share one
   * connection); its answer is handed to apply.
   */
  prepare?(events: readonly RecordedEvent[]): Promise<unknown>;
  /** The instance a rebuild fills fresh tables with (one that may defer work to finish). */
  forRebuild?(): Projector;
  /** Work a rebuild does once its tables are loaded, and again after its swap caught up (in the fresh tables). */
  finish?(tx: SqlExecutor): Promise<void>;
}

/**
 * Thrown by a projector's apply when a batch changes its whole read model
 * (a tier rule set activated): the runner rebuilds it side by side and swaps
 * it in, the live tables answering meanwhile; the batch is not counted a failure.
 */
export class RebuildNeededError extends Error {
  override readonly name = 'RebuildNeededError';
  constructor(
    readonly projector: string,
    readonly why: string,
  ) {
    super(`${projector}: ${why}`);
  }
}

export const PROJECTORS = Symbol('PROJECTORS');

/** The checkpoint names of a projector split in `count` (its own name when not split). */
export function partitionNames(name: string, count: number): string[] {
  return count <= 1 ? [name] : Array.from({ length: count }, (_, i) => `${name}#${i}/${count}`);
}

/**
 * The units a runner schedules: each by-stream projector split into `count`
 * partitions (each with its checkpoint and lease), the others whole.
 */
export function partitioned(projectors: readonly Projector[], count: number): Projector[] {
  return projectors.flatMap((projector) => {
    if (count <= 1 || !projector.byStream) return [projector];
    const prepare = projector.prepare?.bind(projector);
    return partitionNames(projector.name, count).map((name, index): Projector => ({
      name,
      base: projector.name,
      tables: projector.tables,
      partition: { index, count },
      apply: (events, tx, prepared) => projector.apply(events, tx, prepared),
      ...(prepare ? { prepare } : {}),
    }));
  });
}
