// Given events -> rows of the timeline read model.
import { randomUUID } from 'node:crypto';
import { SqlClient } from '../../database/src';
import { testDatabases } from '../../../test/support/test-databases';
import { History, project, rows } from '../../../test/support/projector-spec';
import { TimelineProjector } from './timeline.projector';

for (const database of testDatabases()) {
  describe(`timeline projector on ${database.name}`, () => {
    let sql: SqlClient;
    let dispose: () => Promise<void>;
    beforeAll(async () => ({ sql, dispose } = await database.open()));
    afterAll(async () => dispose?.());

    it('keeps every event of a customer and of their complaints with who, when and why; a batch applied again adds nothing', async () => {
      const id = randomUUID();
      const complaintId = randomUUID();
      const h = new History();
      const reg = h.add(`customer-${id}`, 'CustomerRegistered', { customerId: id, profile: {} }, '2024-01-01T00:00:00.000Z', 'alice');
      h.add(`complaint-${complaintId}`, 'ComplaintOpened', { complaintId, customerId: id, subject: 'late' }, '2024-01-03T00:00:00.000Z', 'agent.wang');
      h.add(`customer-${id}`, 'CustomerTagged', { customerId: id, tag: 'south' }, '2024-01-02T00:00:00.000Z', 'bob');
      h.add('tier-rule-sets', 'TierRuleSetActivated', { ruleSetId: 'x', effectiveFrom: '2024-01-01' }, '2024-01-02T00:00:00.000Z');
      await project(sql, new TimelineProjector(), h.events);
      await project(sql, new TimelineProjector(), h.events);

      const got = await rows<{ type: string; actor: string; stream_version: string }>(
        sql,
        'SELECT position::int AS position, type, actor, stream_id, stream_version::int AS stream_version, event_id, occurred_at, recorded_at, correlation_id, causation_id, source FROM rm_timeline WHERE customer_id = $1 ORDER BY occurred_at, position',
        [id],
      );
      expect(got.map((r) => [r.type, r.actor])).toEqual([
        ['CustomerRegistered', 'alice'],
        ['CustomerTagged', 'bob'],
        ['ComplaintOpened', 'agent.wang'],
      ]);
      expect(got[0]).toEqual({
        position: reg.position,
        type: 'CustomerRegistered',
        actor: 'alice',
        stream_id: `customer-${id}`,
        stream_version: 1,
        event_id: reg.id,
        occurred_at: new Date('2024-01-01T00:00:00.000Z'),
        recorded_at: reg.recordedAt,
        correlation_id: 'corr-1',
        causation_id: 'cause-1',
        source: 'api',
      });
      expect(await rows(sql, "SELECT 1 FROM rm_timeline WHERE stream_id = 'tier-rule-sets'")).toEqual([]);
    });
  });
}
