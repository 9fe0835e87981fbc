// Re-wrapping sealed values under a new master key, a page at a time: a
// value that already opens with the new key is left alone (a run stopped
// half-way resumes where it was), and each row is replaced only if it still
// holds what was read (compare and set), so a write meanwhile is not undone.
import { seal, unseal, unsealWithAny } from '@crm/shared';
import type { SqlClient } from './sql-client';

export interface SealedColumn {
  /** Constant SQL names, never input. */
  table: string;
  id: string;
  column: string;
  /** What the value is bound to (its additional data), by row id. */
  aad: (id: string) => string;
  /** What the values are, in messages: "customer key", "webhook secret". */
  what: string;
}

export interface RewrapKeys {
  /** The keys the values may be sealed with now (the current master key, and the other key of a rotation in progress). */
  open: readonly Buffer[];
  next: Buffer;
}

export interface RewrapProgress {
  what: string;
  seen: number;
  rewrapped: number;
}

function opensWith(key: Buffer, sealed: string, aad: string): boolean {
  try {
    unseal(key, sealed, aad);
    return true;
  } catch {
    return false;
  }
}

export async function rewrapSealed(sql: SqlClient, target: SealedColumn, keys: RewrapKeys, onPage?: (p: RewrapProgress) => void, pageSize = 1_000): Promise<RewrapProgress> {
  const { table, id, column } = target;
  const progress: RewrapProgress = { what: target.what, seen: 0, rewrapped: 0 };
  for (let after = ''; ;) {
    const rows = await sql.query<{ id: string; value: string }>(
      `SELECT ${id}::text AS id, ${column} AS value FROM ${table} WHERE ${column} LIKE 'v1.%' AND ${id}::text > $1 ORDER BY ${id}::text LIMIT ${pageSize}`,
      [after],
    );
    if (rows.length === 0) return progress;
    const ids: string[] = [];
    const olds: string[] = [];
    const nexts: string[] = [];
    for (const row of rows) {
      const aad = target.aad(row.id);
      if (opensWith(keys.next, row.value, aad)) continue;
      let plain: string;
      try {
        plain = unsealWithAny(keys.open, row.value, aad);
      } catch {
        throw new Error(`the ${target.what} of ${row.id} opens with none of the keys given: is CRM_MASTER_KEY the key in use?`);
      }
      ids.push(row.id);
      olds.push(row.value);
      nexts.push(seal(keys.next, plain, aad));
    }
    if (ids.length > 0) {
      await sql.query(
        `UPDATE ${table} t SET ${column} = v.next FROM unnest($1::text[], $2::text[], $3::text[]) AS v(id, old, next) WHERE t.${id}::text = v.id AND t.${column} = v.old`,
        [ids, olds, nexts],
      );
    }
    progress.seen += rows.length;
    progress.rewrapped += ids.length;
    onPage?.({ ...progress });
    after = rows[rows.length - 1].id;
  }
}
