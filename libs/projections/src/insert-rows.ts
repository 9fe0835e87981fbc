// Set-based writes for projectors: a batch's rows for one table travel as one
// JSON array in one statement (jsonb_to_recordset), whatever their number.
import type { SqlExecutor } from '@crm/database';

/** Column name -> SQL type, in the table's terms. */
export type Columns = Record<string, string>;

export async function insertRows(tx: SqlExecutor, table: string, columns: Columns, rows: readonly object[], onConflict = ''): Promise<void> {
  if (rows.length === 0) return;
  const names = Object.keys(columns);
  await tx.query(
    `INSERT INTO ${table} (${names.join(', ')})
     SELECT ${names.map((n) => `r.${n}`).join(', ')} FROM jsonb_to_recordset($1::jsonb) AS r(${names.map((n) => `${n} ${columns[n]}`).join(', ')})
     ${onConflict}`,
    [JSON.stringify(rows)],
  );
}
