// Partitions split the log by stream for projectors whose rows depend on one
// stream at a time: a stream's events all fall in one partition, in their
// order, and each partition can be read by another process. The hash is the
// first 32 bits of the stream id's MD5, the same in JavaScript and in SQL, so
// the store filters in the database and a reader never sees the others'
// events.
import { createHash } from 'node:crypto';

export interface Partition {
  /** 0 .. count - 1 */
  index: number;
  count: number;
}

/** Most partitions a projector may be split into. */
export const MAX_PARTITIONS = 64;

export function partitionOf(streamId: string, count: number): number {
  return parseInt(createHash('md5').update(streamId, 'utf8').digest('hex').slice(0, 8), 16) % count;
}

/** The same hash as SQL over a stream id column; `count` is a trusted integer. */
export function partitionSql(column: string, count: number): string {
  if (!Number.isInteger(count) || count < 1 || count > MAX_PARTITIONS) throw new Error(`partition count must be 1..${MAX_PARTITIONS}, got ${count}`);
  return `mod(('x' || substr(md5(${column}), 1, 8))::bit(32)::bigint, ${count})`;
}

export function describePartition(partition: Partition): string {
  return `${partition.index}/${partition.count}`;
}
