// Leases share the projectors between workers: a worker alone holds them
// all; one that joins gets a fair share as the first hands extras back; one
// that stops hands its leases back at once; one that stops renewing loses
// them after the lease time. Two ProjectionLeases on the same database play
// two workers (real SQL, PGlite always, PostgreSQL when DATABASE_URL is set).
import type { SqlClient } from '@crm/database';
import { SqlEventStore } from '@crm/event-store/adapters';
import { testDatabases } from '../../../test/support/test-databases';
import { ProjectionLeases } from './projection-leases';
import { ProjectionRunner } from './projection-runner';
import type { Projector } from './projector';

const projector = (name: string): Projector => ({ name, tables: [], apply: async () => undefined });
const names = ['a', 'b', 'c'];

for (const database of testDatabases()) {
  describe(`projection leases on ${database.name}`, () => {
    let sql: SqlClient;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      ({ sql, dispose } = await database.open());
    });
    afterAll(async () => dispose?.());

    const worker = (owner: string, leaseMs = 60_000) => {
      const runner = new ProjectionRunner(new SqlEventStore(sql), sql, names.map(projector), { pollIntervalMs: 10 });
      return { runner, leases: new ProjectionLeases(sql, runner, { owner, leaseMs }) };
    };

    it('given a worker alone, then a second, then the first stopping, the projectors are held once each and shared fairly', async () => {
      const one = worker('one');
      const two = worker('two');
      await one.leases.tick();
      expect(one.runner.running.sort()).toEqual(names);
      await two.leases.tick(); // nothing free yet
      expect(two.runner.running).toEqual([]);
      await one.leases.tick(); // its share is now 2: it hands one back
      await two.leases.tick();
      expect(one.runner.running).toHaveLength(2);
      expect(two.runner.running).toHaveLength(1);
      expect([...one.runner.running, ...two.runner.running].sort()).toEqual(names);
      await one.leases.stop(); // hands back at once
      await two.leases.tick();
      expect(two.runner.running.sort()).toEqual(names);
      await two.leases.stop();
      await one.runner.stop();
      await two.runner.stop();
    });

    it('given a worker that stops renewing, its projectors go to another after the lease time, and it stops them when it notices', async () => {
      const stalled = worker('stalled', 300);
      const other = worker('other', 300);
      await stalled.leases.tick();
      expect(stalled.runner.running.sort()).toEqual(names);
      await other.leases.tick();
      expect(other.runner.running).toEqual([]);
      await new Promise((r) => setTimeout(r, 400));
      await other.leases.tick();
      expect(other.runner.running.sort()).toEqual(names);
      await stalled.leases.tick(); // its renewal finds nothing: it stops projecting
      expect(stalled.runner.running).toEqual([]);
      await other.leases.stop();
      await stalled.leases.stop();
      await Promise.all([stalled.runner.stop(), other.runner.stop()]);
    });

    it('given a projector that keeps failing in one worker, it is handed to the other, and /health anywhere says where it failed until then', async () => {
      const store = new SqlEventStore(sql);
      const suffix = crypto.randomUUID().slice(0, 8);
      const name = `fragile-${suffix}`;
      const applied: string[] = [];
      const failingHere: Projector = {
        name,
        tables: [],
        apply: async () => {
          throw new Error('cannot write here');
        },
      };
      const working: Projector = { name, tables: [], apply: async (events) => void applied.push(...events.map((e) => e.id)) };
      const sick = new ProjectionRunner(store, sql, [failingHere], { pollIntervalMs: 10, maxRetryDelayMs: 20, failAfter: 2 });
      const well = new ProjectionRunner(store, sql, [working], { pollIntervalMs: 10, maxRetryDelayMs: 20, failAfter: 2 });
      const sickLeases = new ProjectionLeases(sql, sick, { owner: `sick-${suffix}`, leaseMs: 60_000 });
      const wellLeases = new ProjectionLeases(sql, well, { owner: `well-${suffix}`, leaseMs: 60_000 });
      try {
        await sickLeases.tick();
        await wellLeases.tick(); // nothing free: the sick one holds it
        expect(sick.running).toEqual([name]);
        const { lastPosition } = await store.append(`fragile-${suffix}`, [{ id: crypto.randomUUID(), type: 'Noted', data: {} }]);
        for (let i = 0; i < 200 && !sick.failingHere.includes(name); i++) await new Promise((r) => setTimeout(r, 20));
        expect(sick.failingHere).toEqual([name]);
        await new Promise((r) => setTimeout(r, 100));
        expect((await well.failingAnywhere()).find((f) => f.name === name)).toMatchObject({ error: `${name}: cannot write here` });
        await sickLeases.tick(); // hands it over, and does not take it back
        await wellLeases.tick();
        expect(sick.running).toEqual([]);
        expect(well.running).toEqual([name]);
        expect(await well.waitFor(lastPosition, 5_000, [name])).toBe(true);
        expect(applied).toHaveLength(1);
        expect((await well.failingAnywhere()).find((f) => f.name === name)).toBeUndefined();
        await sickLeases.tick();
        expect(sick.running).toEqual([]);
      } finally {
        await sickLeases.stop();
        await wellLeases.stop();
        await Promise.all([sick.stop(), well.stop()]);
      }
    });
  });
}
