// Dead letters over REST: admins list the parked streams and retry or skip
// one; others are refused; a stream that is not parked is 404; a bad body
// 400. (How a stream gets parked and unparked: libs/projections/src/dead-letters.int.spec.ts.)
import { testDatabases } from './support/test-databases';
import { RunningApp, startTestApp } from './support/test-app';
import { API, as, http } from './support/http';

for (const database of testDatabases()) {
  describe(`dead letters over REST on ${database.name}`, () => {
    let app: RunningApp;
    beforeAll(async () => (app = await startTestApp(database)));
    afterAll(async () => app?.close());

    it('admins list them (none here) and are told when a stream is not parked; agents and managers are refused', async () => {
      expect((await http(app).get(`${API}/dead-letters`).expect(200)).body).toEqual({ items: [] });
      const missing = await http(app).post(`${API}/dead-letters/actions`).send({ action: 'retry', projector: 'timeline', streamId: 'customer-nope' }).expect(404);
      expect(missing.body).toMatchObject({ code: 'DeadLetter', detail: 'no stream customer-nope is parked for timeline' });
      await (await as(app, 'agent.dl')).get(`${API}/dead-letters`).expect(403);
      await (await as(app, 'manager.dl', 'manager')).post(`${API}/dead-letters/actions`).send({ action: 'skip', projector: 'timeline', streamId: 'customer-nope' }).expect(403);
    });

    it('a bad action is a 400 that names it', async () => {
      const bad = await http(app).post(`${API}/dead-letters/actions`).send({ action: 'delete', projector: 'timeline', streamId: 'customer-x' }).expect(400);
      expect(JSON.stringify(bad.body)).toContain('action');
      await http(app)
        .post(`${API}/dead-letters/actions`)
        .send({ action: 'retry', projector: ['timeline'], streamId: 'customer-x' })
        .expect(400);
    });
  });
}
