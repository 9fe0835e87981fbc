// The membership read model on a real database: projected live by a runner
// while segments are published, revised and retired between customers'
// events, it holds the rows a clean rebuild gives (the pure rule itself is
// held by membership.spec.ts, and against the evaluation by the e2e test).
import { SqlEventStore } from '../../../event-store/src/adapters';
import { ProjectionRunner } from '../../../projections/src/projection-runner';
import { rebuildProjection } from '../../../projections/src/rebuild';
import { SqlClient } from '../../../database/src';
import { loadConfig } from '../../../shared/src/config';
import { nameUuid } from '../../../shared/src/ids';
import { testDatabases } from '../../../../test/support/test-databases';
import { appendHistory, snapshot } from '../../../../test/support/history';
import { parseDefinition } from '../segment-definition';
import { SegmentMembersProjector } from './segment-members.projector';

const config = loadConfig({ SHOP_TIMEZONE: 'Asia/Shanghai' });
const TABLES = ['rm_segment_members', 'rm_segment_versions', 'rm_segment_retirements', 'rm_segment_facts', 'rm_segment_customers'];
const definition = (name: string, conditions: unknown[]) => parseDefinition({ name, match: 'any', conditions }, 'CNY');

for (const database of testDatabases()) {
  describe(`the segment membership read model on ${database.name}`, () => {
    let sql: SqlClient;
    let store: SqlEventStore;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      ({ sql, dispose } = await database.open());
      store = new SqlEventStore(sql);
    });
    afterAll(async () => dispose?.());

    const publish = (segmentId: string, version: number, def: ReturnType<typeof definition>) =>
      store.append(
        `segment-${segmentId}`,
        [{ id: nameUuid(`segment:${segmentId}:${version}`), type: 'SegmentPublished', data: { segmentId, version, definition: def, asTag: false }, metadata: {} }],
        version === 1 ? 'noStream' : version - 1,
      );

    it('projected live between publishes, revisions and a retirement, it equals a clean rebuild', async () => {
      const runner = new ProjectionRunner(store, sql, [new SegmentMembersProjector(config)], { batchSize: 97 });
      await runner.start();
      await appendHistory(store, 60, 4);
      await publish('active', 1, definition('active', [{ field: 'lifecycle', op: 'in', value: ['NEW_ONCE', 'NEW_REPEAT', 'OLD_ONCE', 'OLD_REPEAT'] }]));
      await publish(
        'big',
        1,
        definition('big', [
          { field: 'netSpend', op: '>=', value: '500.00' },
          { field: 'daysSinceLastPurchase', op: 'between', value: [10, 40] },
        ]),
      );
      await appendHistory(store, 40, 5);
      await publish(
        'active',
        2,
        parseDefinition({ name: 'active 6', windowMonths: 6, conditions: [{ field: 'lifecycle', op: 'not_in', value: ['SILENT', 'SLEEPING', 'LOST', 'PROSPECT'] }] }, 'CNY'),
      );
      await store.append('segment-big', [{ id: nameUuid('retire-big'), type: 'SegmentRetired', data: { segmentId: 'big', version: 1 }, metadata: {} }], 1);
      await appendHistory(store, 20, 6);
      expect(await runner.waitFor(await store.lastPosition(), 120_000)).toBe(true);
      await runner.stop();
      const live = await snapshot(sql, TABLES);
      expect(live.rm_segment_members.length).toBeGreaterThan(50);
      expect(live.rm_segment_members.some((r) => r.includes('"segment_id":"big"'))).toBe(true);
      await rebuildProjection(store, sql, new SegmentMembersProjector(config));
      const clean = await snapshot(sql, TABLES);
      for (const table of TABLES) expect([table, live[table]]).toEqual([table, clean[table]]);
    });
  });
}
