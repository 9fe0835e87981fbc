// Given complaint events -> rows of the service history read model.
import { randomUUID } from 'node:crypto';
import { SqlClient } from '../../../database/src';
import { testDatabases } from '../../../../test/support/test-databases';
import { History, project, rows } from '../../../../test/support/projector-spec';
import { ServiceHistoryProjector } from './service-history.projector';
import { listComplaints, serviceFigures } from './service-history.query';

for (const database of testDatabases()) {
  describe(`service history projector on ${database.name}`, () => {
    let sql: SqlClient;
    let dispose: () => Promise<void>;
    beforeAll(async () => ({ sql, dispose } = await database.open()));
    afterAll(async () => dispose?.());
    const projector = new ServiceHistoryProjector({ shopTimezone: 'UTC' });

    it('follows a complaint from opening through escalation, response, resolution and reopening', async () => {
      const id = randomUUID();
      const customerId = randomUUID();
      const s = `complaint-${id}`;
      const h = new History();
      h.add(
        s,
        'ComplaintOpened',
        { complaintId: id, customerId, subject: 'late', channel: 'phone', priority: 'NORMAL', agent: 'wang', respondBy: '2024-01-02T09:00:00.000Z', slaHours: 24 },
        '2024-01-01T09:00:00.000Z',
      );
      h.add(
        s,
        'ComplaintEscalated',
        { complaintId: id, customerId, priority: 'URGENT', previousPriority: 'NORMAL', respondBy: '2024-01-01T14:00:00.000Z' },
        '2024-01-01T10:00:00.000Z',
      );
      h.add(s, 'ComplaintAssigned', { complaintId: id, customerId, agent: 'zhao', previousAgent: 'wang' }, '2024-01-01T10:30:00.000Z');
      h.add(s, 'ComplaintResponded', { complaintId: id, customerId, message: 'on it', agent: 'zhao', first: true }, '2024-01-01T15:00:00.000Z');
      h.add(s, 'ComplaintResponded', { complaintId: id, customerId, message: 'again', agent: 'zhao', first: false }, '2024-01-01T16:00:00.000Z');
      h.add(s, 'ComplaintResolved', { complaintId: id, customerId, resolution: 'resent', compensationMinor: 20_00, currency: 'CNY' }, '2024-01-02T09:00:00.000Z');
      h.add(s, 'ComplaintReopened', { complaintId: id, customerId, reason: 'still late' }, '2024-01-03T09:00:00.000Z');
      h.add(s, 'ComplaintResolved', { complaintId: id, customerId, resolution: 'refunded', compensationMinor: 30_00, currency: 'CNY' }, '2024-01-04T09:00:00.000Z');
      h.add(s, 'ComplaintRated', { complaintId: id, customerId, satisfaction: 4, comment: 'ok in the end' }, '2024-01-05T09:00:00.000Z');
      await project(sql, projector, h.events.slice(0, 3));
      await project(sql, projector, h.events.slice(3));
      // Applying the tail again changes nothing: updates are guarded by the stream version.
      await project(sql, projector, h.events.slice(5));

      const [row] = await rows(
        sql,
        `SELECT priority, status, agent, opened_on::text AS opened_on, respond_by, first_response_at, resolved_at, resolution, compensation_minor::int AS compensation,
                times_resolved, reopen_count, escalations, satisfaction, version::int AS version FROM rm_complaints WHERE complaint_id = $1`,
        [id],
      );
      expect(row).toEqual({
        priority: 'URGENT',
        status: 'resolved',
        agent: 'zhao',
        opened_on: '2024-01-01',
        respond_by: new Date('2024-01-01T14:00:00.000Z'),
        first_response_at: new Date('2024-01-01T15:00:00.000Z'),
        resolved_at: new Date('2024-01-04T09:00:00.000Z'),
        resolution: 'refunded',
        compensation: 50_00,
        times_resolved: 2,
        reopen_count: 1,
        escalations: 1,
        satisfaction: 4,
        version: 9,
      });

      const list = await listComplaints(sql, { limit: 10, now: new Date('2024-02-01T00:00:00Z'), breached: true });
      expect(list.items.map((c) => c.id)).toEqual([id]);
      const figures = await serviceFigures(sql, '2024-01-01', '2024-01-31', new Date('2024-02-01T00:00:00Z'));
      expect(figures.overall).toMatchObject({
        complaints: 1,
        responded: 1,
        firstResponseSeconds: { mean: 6 * 3600, median: 6 * 3600 },
        resolved: 1,
        resolveSeconds: { mean: 3 * 86_400, median: 3 * 86_400 },
        breaches: 1,
        reopenRate: { numerator: 1, denominator: 1, rate: 1 },
        satisfaction: { rated: 1, mean: 4 },
      });
      expect(figures.byAgent.map((a) => a.agent)).toEqual(['zhao']);
    });
  });
}
