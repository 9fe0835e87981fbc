import request from 'supertest';
import { testDatabases } from './support/test-databases';
import { RunningApp, startTestApp } from './support/test-app';

for (const database of testDatabases()) {
  describe(`GET /health on ${database.name}`, () => {
    let running: RunningApp;
    beforeAll(async () => {
      running = await startTestApp(database);
    });
    afterAll(async () => running?.close());

    it('answers 200 with the adapter in use and its state', async () => {
      const res = await request(running.app.getHttpServer()).get('/health').expect(200);
      expect(res.body).toMatchObject({ status: 'ok', adapter: database.name, eventStore: { state: 'up' } });
    });

    it('does not leak connection secrets', async () => {
      const res = await request(running.app.getHttpServer()).get('/health').expect(200);
      expect(JSON.stringify(res.body)).not.toMatch(/password|postgres:\/\//);
    });
  });
}
