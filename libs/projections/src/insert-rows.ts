// Set-based writes for projectors: a batch's rows for one table travel as one
// array a column in one statement (unnest), whatever their number. Arrays of
// plain values cost the server far less than a JSON document of the rows
// (measured: 50,000 timeline rows 1.2-1.5 s as jsonb_to_recordset, 0.97 s so).
import type { SqlExecutor } from '@crm/database';

/** Column name -> SQL type, in the table's terms. */
export type Columns = Record<string, string>;

/** An array value as an array literal ("{"a","b"}"): unnest would flatten an array of arrays. */
const arrayLiteral = (values: readonly unknown[]) => `{${values.map((v) => (v === null ? 'NULL' : `"${String(v).replace(/[\\"]/g, '\\$&')}"`)).join(',')}}`;

function columnValue(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'jsonb' || type === 'json') return JSON.stringify(value);
  if (type.endsWith('[]')) return arrayLiteral(value as unknown[]);
  return value;
}

/** One table's insert as SQL and its parameters, numbered from `offset` + 1; undefined without rows. */
function insertStatement(table: string, columns: Columns, rows: readonly object[], onConflict: string, offset: number): { text: string; params: unknown[] } | undefined {
  if (rows.length === 0) return undefined;
  const names = Object.keys(columns);
  // Array-typed columns travel as their literals (text) and are cast back per row.
  const paramType = (type: string) => (type.endsWith('[]') ? 'text' : type);
  return {
    text: `INSERT INTO ${table} (${names.join(', ')})
     SELECT ${names.map((n) => (columns[n].endsWith('[]') ? `u.${n}::${columns[n]}` : `u.${n}`)).join(', ')}
       FROM unnest(${names.map((n, i) => `$${offset + i + 1}::${paramType(columns[n])}[]`).join(', ')}) AS u(${names.join(', ')})
     ${onConflict}`,
    params: names.map((name) => rows.map((row) => columnValue((row as Record<string, unknown>)[name], columns[name]))),
  };
}

export function insertRows(tx: SqlExecutor, table: string, columns: Columns, rows: readonly object[], onConflict = ''): Promise<void> {
  return insertAll(tx, [{ table, columns, rows, onConflict }]);
}

export interface RowsFor {
  table: string;
  columns: Columns;
  rows: readonly object[];
  onConflict?: string;
}

/**
 * Several tables' inserts in one statement (data-modifying WITH): one round
 * trip for a batch's rows of every table. Only for different tables: the
 * parts see the same snapshot and not each other's rows.
 */
export async function insertAll(tx: SqlExecutor, parts: readonly RowsFor[]): Promise<void> {
  const statements: Array<{ text: string; params: unknown[] }> = [];
  let offset = 0;
  for (const part of parts) {
    const statement = insertStatement(part.table, part.columns, part.rows, part.onConflict ?? '', offset);
    if (!statement) continue;
    statements.push(statement);
    offset += statement.params.length;
  }
  if (statements.length === 0) return;
  if (statements.length === 1) return void (await tx.query(statements[0].text, statements[0].params));
  await tx.query(
    `WITH ${statements.map((st, i) => `part${i} AS (${st.text})`).join(',\n')} SELECT 1`,
    statements.flatMap((st) => st.params),
  );
}

/**
 * Makes `rows` the table's rows for the customers (or other scope values)
 * named, in one statement: rows whose key is not among the new ones are
 * deleted, the others inserted or updated where they changed (an unchanged
 * row is not written again). The delete and the upsert touch different rows,
 * so the one snapshot they share does not matter.
 */
export async function replaceRows(
  tx: SqlExecutor,
  table: string,
  columns: Columns,
  rows: readonly object[],
  scope: { column: string; values: readonly unknown[] },
  key: readonly string[],
): Promise<void> {
  const scopeType = columns[scope.column];
  const rest = Object.keys(columns).filter((n) => !key.includes(n));
  const onConflict = `ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${rest.map((n) => `${n} = excluded.${n}`).join(', ')}
     WHERE (${rest.map((n) => `${table}.${n}`).join(', ')}) IS DISTINCT FROM (${rest.map((n) => `excluded.${n}`).join(', ')})`;
  const insert = insertStatement(table, columns, rows, onConflict, 0);
  if (!insert) return void (await tx.query(`DELETE FROM ${table} WHERE ${scope.column} = ANY ($1::${scopeType}[])`, [scope.values]));
  const names = Object.keys(columns);
  const keyParam = (k: string) => `$${names.indexOf(k) + 1}::${columns[k]}[]`;
  const scopeParam = `$${insert.params.length + 1}::${scopeType}[]`;
  await tx.query(
    `WITH gone AS (DELETE FROM ${table} t WHERE t.${scope.column} = ANY (${scopeParam})
       AND NOT EXISTS (SELECT 1 FROM unnest(${key.map(keyParam).join(', ')}) AS k(${key.join(', ')}) WHERE ${key.map((k) => `k.${k} = t.${k}`).join(' AND ')}))
     ${insert.text}`,
    [...insert.params, scope.values],
  );
}

/**
 * Walks the customers of a table (`customer_id`, and `stale` when `staleOnly`)
 * in key order, `size` at a time: a finishing rebuild's batches (clearing
 * each batch's stale mark once done) and a whole-base re-computation.
 */
export function inCustomerBatches(tx: SqlExecutor, table: string, size: number, staleOnly: boolean, fn: (ids: string[]) => Promise<void>): Promise<void> {
  return inCustomerBatchesAhead(
    tx,
    table,
    size,
    staleOnly,
    async () => undefined,
    (ids) => fn(ids),
  );
}

/**
 * The same walk with each batch's reads (`load`) sent before the previous
 * batch is computed: the database reads the next batch while this process
 * computes the current one (two cores busy, not one at a time).
 */
export async function inCustomerBatchesAhead<T>(
  tx: SqlExecutor,
  table: string,
  size: number,
  staleOnly: boolean,
  load: (ids: string[]) => Promise<T>,
  fn: (ids: string[], loaded: T) => Promise<void>,
): Promise<void> {
  const idsAfter = async (after: string) =>
    (
      await tx.query<{ customer_id: string }>(`SELECT customer_id FROM ${table} WHERE ${staleOnly ? 'stale AND ' : ''}customer_id > $1 ORDER BY customer_id LIMIT ${size}`, [after])
    ).map((r) => r.customer_id);
  let ids = await idsAfter('00000000-0000-0000-0000-000000000000');
  let loading = ids.length > 0 ? load(ids) : undefined;
  while (loading) {
    const loaded = await loading;
    const next = ids.length < size ? [] : await idsAfter(ids[ids.length - 1]);
    loading = next.length > 0 ? load(next) : undefined;
    loading?.catch(() => undefined); // awaited on the next turn; a failure of fn below is the one reported
    await fn(ids, loaded);
    if (staleOnly) await tx.query(`UPDATE ${table} SET stale = false WHERE customer_id = ANY ($1::uuid[])`, [ids]);
    ids = next;
  }
}
