// The tier read model on a real database: its steps are tierSteps' (the pure
// rule's) for every customer; an activation is never patched in place - a
// live batch asks for a rebuild and writes nothing - and a runner rebuilds it
// side by side, reads answering the old rule set until the swap, then
// continues; a rebuild gives the rows incremental projection gave.
import { SqlEventStore } from '../../../event-store/src/adapters';
import { RebuildNeededError } from '../../../projections/src/projector';
import { ProjectionRunner } from '../../../projections/src/projection-runner';
import { rebuildProjection } from '../../../projections/src/rebuild';
import { SqlClient } from '../../../database/src';
import { loadConfig } from '../../../shared/src/config';
import { testDatabases } from '../../../../test/support/test-databases';
import { appendHistory, snapshot } from '../../../../test/support/history';
import { History, project } from '../../../../test/support/projector-spec';
import { customerHistoryOf } from '../../../customers/src/customer-history';
import { loadRuleSchedule } from '../tier-rule-set-commands';
import { tierOn } from '../tier-history';
import { DEFAULT_RULE_SET } from '../tier-rules';
import { TIER_RULES_STREAM } from '../tier-rule-set';
import { TierPeriodsProjector } from './tier-periods.projector';
import { tierChangesUntil, tierStandingOn } from './tier-periods.query';

const config = loadConfig({ SHOP_TIMEZONE: 'Asia/Shanghai' });
const rolling = { ...DEFAULT_RULE_SET, id: 'rolling-6', name: 'rolling', basis: { kind: 'rollingMonths' as const, months: 6 } };

for (const database of testDatabases()) {
  describe(`the tier read model on ${database.name}`, () => {
    let sql: SqlClient;
    let store: SqlEventStore;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      ({ sql, dispose } = await database.open());
      store = new SqlEventStore(sql);
      await appendHistory(store, 120, 3);
    });
    afterAll(async () => dispose?.());

    const ids = async () => (await sql.query<{ id: string }>('SELECT DISTINCT customer_id::text AS id FROM rm_tier_customers ORDER BY 1')).map((r) => r.id);
    const agreesWithThePureRule = async (dates: string[]) => {
      const schedule = await loadRuleSchedule(store);
      let checked = 0;
      for (const id of (await ids()).slice(0, 40)) {
        const history = customerHistoryOf(await store.readStream(`customer-${id}`), config.shopTimezone);
        if (!history) continue;
        for (const date of dates) {
          const pure = history.joinedOn > date ? undefined : tierOn(history.facts, schedule, date, 'CNY');
          const { basisRule: _, ...read } = (await tierStandingOn(sql, id, date)) ?? { basisRule: undefined };
          expect(pure === undefined ? undefined : read).toEqual(pure);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(100);
    };

    it('given a history projected by a runner, every customer on every date answers what the pure rule answers', async () => {
      const runner = new ProjectionRunner(store, sql, [new TierPeriodsProjector(config)], { batchSize: 89 });
      await runner.start();
      expect(await runner.waitFor(await store.lastPosition(), 60_000)).toBe(true);
      await runner.stop();
      await agreesWithThePureRule(['2023-06-30', '2024-02-29', '2024-08-31', '2025-03-01']);
    });

    it('given customers already projected, a live batch with an activation asks for a rebuild and writes nothing', async () => {
      const h = new History();
      const activation = h.add(TIER_RULES_STREAM, 'TierRuleSetActivated', { ruleSetId: 'default', effectiveFrom: '2024-01-01' }, '2024-01-01T00:00:00.000Z');
      const before = await snapshot(sql, ['rm_tier_periods', 'rm_tier_rule_set_events']);
      await expect(project(sql, new TierPeriodsProjector(config), [activation])).rejects.toBeInstanceOf(RebuildNeededError);
      expect(await snapshot(sql, ['rm_tier_periods', 'rm_tier_rule_set_events'])).toEqual(before);
    });

    it('given an activation, the runner rebuilds side by side and swaps: reads follow the new rule set once its position is covered', async () => {
      const runner = new ProjectionRunner(store, sql, [new TierPeriodsProjector(config)], { batchSize: 89 });
      await runner.start();
      expect(await runner.waitFor(await store.lastPosition(), 60_000)).toBe(true);
      const meta = { actor: 'tester' };
      const [, activated] = await store
        .append(TIER_RULES_STREAM, [
          { id: '00000009-0000-4000-8000-000000000001', type: 'TierRuleSetPublished', data: { ruleSet: rolling }, metadata: meta },
          { id: '00000009-0000-4000-8000-000000000002', type: 'TierRuleSetActivated', data: { ruleSetId: 'rolling-6', effectiveFrom: '2024-06-01' }, metadata: meta },
        ])
        .then((r) => r.positions);
      expect(await runner.waitFor(activated, 60_000)).toBe(true);
      const someone = (await ids())[0];
      expect((await tierStandingOn(sql, someone, '2024-05-31'))?.ruleSetId).toBe('default');
      expect((await tierStandingOn(sql, someone, '2024-06-01'))?.ruleSetId).toBe('rolling-6');
      expect((await tierChangesUntil(sql, someone, '9999-12-31'))?.length).toBeGreaterThan(0);
      // The runner goes on after the swap: a later purchase is projected.
      const position = (
        await store.append(`customer-${someone}`, [
          {
            id: '00000009-0000-4000-8000-000000000003',
            type: 'PurchaseRecorded',
            data: { customerId: someone, orderId: 'after-swap', amountMinor: 900_000, currency: 'CNY', items: [], occurredAt: '2024-07-01T10:00:00.000Z' },
            metadata: meta,
          },
        ])
      ).positions[0];
      expect(await runner.waitFor(position, 60_000)).toBe(true);
      await runner.stop();
      expect((await tierStandingOn(sql, someone, '2024-07-01'))?.tier).toBe('SUPREME');
      await agreesWithThePureRule(['2024-05-31', '2024-06-01', '2024-07-01', '2025-03-01']);
    });

    it('a rebuild from 0 gives exactly the rows incremental projection gave', async () => {
      const tables = new TierPeriodsProjector(config).tables;
      const incremental = await snapshot(sql, [...tables]);
      await rebuildProjection(store, sql, new TierPeriodsProjector(config));
      expect(await snapshot(sql, [...tables])).toEqual(incremental);
    });
  });
}
