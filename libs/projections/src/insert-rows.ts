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

export async function insertRows(tx: SqlExecutor, table: string, columns: Columns, rows: readonly object[], onConflict = ''): Promise<void> {
  if (rows.length === 0) return;
  const names = Object.keys(columns);
  // Array-typed columns travel as their literals (text) and are cast back per row.
  const paramType = (type: string) => (type.endsWith('[]') ? 'text' : type);
  const params = names.map((name) => rows.map((row) => columnValue((row as Record<string, unknown>)[name], columns[name])));
  await tx.query(
    `INSERT INTO ${table} (${names.join(', ')})
     SELECT ${names.map((n) => (columns[n].endsWith('[]') ? `u.${n}::${columns[n]}` : `u.${n}`)).join(', ')}
       FROM unnest(${names.map((n, i) => `$${i + 1}::${paramType(columns[n])}[]`).join(', ')}) AS u(${names.join(', ')})
     ${onConflict}`,
    params,
  );
}
