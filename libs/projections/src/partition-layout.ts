// A projector's checkpoints follow the partitions configured. Going from one
// checkpoint to N partitions (or from N partitions that all stand at one
// position) is safe: each partition continues from there. Anything else, such
// as 4 partitions at different positions to 2, cannot be carried over event
// for event, so the process refuses to start and says to rebuild, which
// projects anew into the layout configured.
import type { Logger } from '@nestjs/common';
import type { SqlClient } from '@crm/database';
import type { Projector } from './projector';

export class PartitionLayoutError extends Error {
  override readonly name = 'PartitionLayoutError';
}

/** The checkpoint rows of the projectors named in $1, in any layout: `name` or `name#i/n`. */
export const LAYOUT_ROWS = `split_part(name, '#', 1) = ANY ($1::text[])`;

export async function settleCheckpoints(sql: SqlClient, projectors: readonly Projector[], logger: Pick<Logger, 'log'>): Promise<void> {
  const wanted = new Map<string, string[]>();
  for (const p of projectors) wanted.set(p.base ?? p.name, [...(wanted.get(p.base ?? p.name) ?? []), p.name]);
  await sql.transaction(async (tx) => {
    // Processes starting together settle one after the other and agree.
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('crm_projection_checkpoints'))`);
    for (const [base, names] of wanted) {
      const rows = await tx.query<{ name: string; position: string | number }>(
        `SELECT name, position FROM crm_projection_checkpoints WHERE ${LAYOUT_ROWS} ORDER BY name FOR UPDATE`,
        [[base]],
      );
      const other = rows.filter((r) => !names.includes(r.name));
      if (other.length === 0) continue;
      const positions = [...new Set(other.map((r) => Number(r.position)))];
      if (other.length < rows.length || positions.length > 1) {
        throw new PartitionLayoutError(
          `${base}: its checkpoints are in ${other.length} partition(s) at different positions, PROJECTION_PARTITIONS asks for ${names.length}; ` +
            'stop every process that projects and run `npm run cli -- rebuild`, which projects anew into the partitions configured',
        );
      }
      await tx.query('DELETE FROM crm_projection_checkpoints WHERE name = ANY ($1::text[])', [other.map((r) => r.name)]);
      await tx.query('INSERT INTO crm_projection_checkpoints (name, position) SELECT unnest($1::text[]), $2', [names, positions[0]]);
      logger.log(`${base}: checkpoints moved from ${other.length} to ${names.length} partition(s) at position ${positions[0]}`);
    }
  });
}
