// What an operator watches. /metrics in the Prometheus format: the series
// move after writes (requests by route and status, appends, idempotency
// replays, projection positions and lag, imports), and no label holds an id
// or a personal value. The log: JSON lines, a line per request with its
// correlation id, no personal data.
import request from 'supertest';
import { testDatabases } from './support/test-databases';
import { RunningApp, startTestApp } from './support/test-app';
import { API, http, purchaseBody, register } from './support/http';

/** The value of one series (name and labels exactly as exposed), 0 when absent. */
function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

for (const database of testDatabases()) {
  describe(`GET /metrics on ${database.name}`, () => {
    let app: RunningApp;
    beforeAll(async () => {
      app = await startTestApp(database);
    });
    afterAll(async () => app?.close());

    const scrape = async () => {
      const res = await request(app.app.getHttpServer()).get('/metrics').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
      return res.text;
    };

    it('given writes, a replayed write and an import, the request, append, replay, projection and import series move', async () => {
      const before = await scrape();
      const id = await register(app, { name: 'Metrics Lin' });
      const buy = () => http(app).post(`${API}/customers/${id}/purchases`).set('Idempotency-Key', `metrics-${database.name}`).send(purchaseBody('MET-1'));
      const first = await buy().expect(201);
      await buy().expect(201);
      await http(app).get(`${API}/customers/00000000-0000-4000-8000-000000000000`).expect(404);
      await http(app).get(`${API}/customers/${id}?waitFor=${first.body.position}`).expect(200);
      const upload = await http(app)
        .post(`${API}/imports`)
        .set('Content-Type', 'text/csv')
        .send('customer_ref,kind,order_id,refund_id,occurred_at,amount,currency\nMET-R,purchase,MET-O1,,2024-01-05T10:00:00+08:00,3.00,CNY\nMET-R,purchase,,,nope,1,CNY\n')
        .expect(202);
      for (let i = 0; i < 200 && (await http(app).get(`${API}/imports/${upload.body.importId}`)).body.status === 'running'; i++) await new Promise((r) => setTimeout(r, 25));

      const after = await scrape();
      const moved = (series: string, by = 1) => expect(value(after, series) - value(before, series)).toBeGreaterThanOrEqual(by);
      moved('crm_http_requests_total{method="POST",route="/api/v1/customers/:id/purchases",status="201"}', 2);
      moved('crm_http_requests_total{method="GET",route="/api/v1/customers/:id",status="404"}');
      moved('crm_http_request_duration_seconds_count{method="GET",route="/api/v1/customers/:id",status="200"}');
      moved('crm_append_duration_seconds_count{operation="append"}', 2);
      moved('crm_idempotency_replays_total');
      moved('crm_projection_events_total{projection="customer-list"}', 2);
      moved('crm_projection_batch_duration_seconds_count{projection="timeline"}');
      moved('crm_import_rows_total{outcome="imported"}');
      moved('crm_import_rows_total{outcome="rejected"}');
      moved('crm_import_events_total', 2);
      expect(value(after, 'crm_projection_position{projection="customer-list"}')).toBeGreaterThanOrEqual(first.body.position);
      expect(after).toMatch(/^crm_projection_lag_events\{projection="service-history"\} \d+$/m);
      expect(after).toMatch(/^crm_projection_lag_seconds\{projection="timeline"\} [\d.]+$/m);
      expect(after).toMatch(/^process_resident_memory_bytes \d+/m);
      // Route patterns, never paths: no customer id and no name in any label.
      expect(after).not.toContain(id);
      expect(after).not.toContain('Metrics Lin');
    });

    it('is open like /health, outside the API prefix', async () => {
      await request(app.app.getHttpServer()).get('/metrics').expect(200);
      await request(app.app.getHttpServer()).get(`${API}/metrics`).expect(404);
    });
  });
}

describe('/metrics behind METRICS_TOKEN', () => {
  it('answers 401 problem+json without the token or with another, and the series with it', async () => {
    const token = 'scrape-token-0123456789';
    const running = await startTestApp(testDatabases()[0], { METRICS_TOKEN: token });
    try {
      const server = running.app.getHttpServer();
      for (const authorization of [undefined, 'Bearer wrong', `Bearer ${token}x`, token, `Basic ${token}`]) {
        const req = request(server).get('/metrics');
        const res = await (authorization ? req.set('Authorization', authorization) : req);
        expect([authorization, res.status, res.headers['content-type'], res.headers['www-authenticate'], res.body.code]).toEqual([
          authorization,
          401,
          expect.stringContaining('application/problem+json'),
          'Bearer',
          'MetricsTokenRequired',
        ]);
      }
      const ok = await request(server).get('/metrics').set('Authorization', `Bearer ${token}`).expect(200);
      expect(ok.text).toContain('# TYPE crm_http_requests_total counter');
      await request(server).get('/health').expect(200);
    } finally {
      await running.close();
    }
  });
});

describe('the log of a request', () => {
  it('is a JSON line with the route pattern, status and the correlation id given, and holds no personal data', async () => {
    const running = await startTestApp(testDatabases()[0], { LOG_LEVEL: 'log' });
    const lines: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: unknown) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
    try {
      await http(running).post(`${API}/customers`).set('X-Correlation-Id', 'obs-corr-1').send({ name: 'Log Lin', phone: '+8613800000000' }).expect(201);
    } finally {
      process.stdout.write = write;
      await running.close();
    }
    const entries = lines
      .join('')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l));
    expect(entries).toContainEqual(
      expect.objectContaining({ level: 'info', service: 'api', msg: 'request', method: 'POST', route: '/api/v1/customers', status: 201, correlationId: 'obs-corr-1' }),
    );
    expect(lines.join('')).not.toMatch(/Log Lin|13800000000/);
  });
});
