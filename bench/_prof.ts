import { PostgresClient } from '@crm/database';
import { loadConfig } from '@crm/shared';
import { SegmentMembersProjector } from '@crm/segments';

async function main() {
  const url = 'postgres://postgres@127.0.0.1:5432/crm_bench_segments';
  const config = loadConfig({ DATABASE_URL: url, SHOP_TIMEZONE: 'Asia/Shanghai' });
  const sql = new PostgresClient(url);
  const p = new SegmentMembersProjector(config) as unknown as { projectSegments(tx: unknown, s: Set<string>): Promise<void> };
  const [{ id }] = await sql.query<{ id: string }>('SELECT segment_id AS id FROM rm_segment_versions LIMIT 1');
  for (let i = 0; i < 2; i++) {
    const t = Date.now();
    await sql.transaction(async (tx) => {
      await p.projectSegments(tx, new Set([id]));
      throw new Error('rollback');
    }).catch((e) => { if ((e as Error).message !== 'rollback') throw e; });
    console.log('projectSegments', Date.now() - t, 'ms');
  }
  await sql.close?.();
}
void main();
