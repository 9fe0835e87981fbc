// API_DOCS: the OpenAPI pages open (development), behind a bearer credential
// (the production default), or not served at all; and a rotated token secret
// keeps the previous secret's tokens for its grace period.
import { SignJWT } from 'jose';
import { testDatabases } from './support/test-databases';
import { RunningApp, startTestApp } from './support/test-app';
import { anonymous, API, http } from './support/http';

const [database] = testDatabases();

describe('API_DOCS', () => {
  let app: RunningApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('auth: the pages and the document answer 401 problem+json without a credential and 200 with one', async () => {
    app = await startTestApp(database, { API_DOCS: 'auth' });
    for (const path of ['/api/docs-json', '/api/docs/']) {
      const res = await anonymous(app).get(path).expect(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      await anonymous(app).get(path).set('Authorization', 'Bearer not-a-token').expect(401);
    }
    expect((await http(app).get('/api/docs-json').expect(200)).body.openapi).toMatch(/^3\./);
  });

  it('off: nothing is served, the API still is', async () => {
    app = await startTestApp(database, { API_DOCS: 'off' });
    await http(app).get('/api/docs-json').expect(404);
    await http(app).get(`${API}/customers?limit=1`).expect(200);
  });

  it('a bad value is refused at start', async () => {
    await expect(startTestApp(database, { API_DOCS: 'public' })).rejects.toThrow(/API_DOCS must be open, auth or off/);
  });
});

describe('AUTH_JWT_PREVIOUS_SECRET', () => {
  const OLD = 'the previous secret, at least thirty-two characters';
  const NEW = 'the current secret, at least thirty-two characters!';
  let app: RunningApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  /** A token as the service signs one, for the test admin, with the given secret. */
  async function tokenSignedWith(running: RunningApp, secret: string): Promise<string> {
    const claims = JSON.parse(Buffer.from(running.token.split('.')[1], 'base64url').toString());
    return new SignJWT({ pv: claims.pv })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(claims.iss)
      .setAudience(claims.aud)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(Buffer.from(secret));
  }

  it("takes the previous secret's tokens during the grace period, and not once it is over", async () => {
    app = await startTestApp(database, { AUTH_JWT_SECRET: NEW, AUTH_JWT_PREVIOUS_SECRET: OLD, AUTH_JWT_PREVIOUS_GRACE_SECONDS: '3600' });
    const old = await tokenSignedWith(app, OLD);
    await anonymous(app).get(`${API}/customers?limit=1`).set('Authorization', `Bearer ${old}`).expect(200);
    await anonymous(app)
      .get(`${API}/customers?limit=1`)
      .set('Authorization', `Bearer ${await tokenSignedWith(app, 'another secret, never configured here')}`)
      .expect(401);
    await app.close();
    app = await startTestApp(database, { AUTH_JWT_SECRET: NEW, AUTH_JWT_PREVIOUS_SECRET: OLD, AUTH_JWT_PREVIOUS_GRACE_SECONDS: '0' });
    await anonymous(app)
      .get(`${API}/customers?limit=1`)
      .set('Authorization', `Bearer ${await tokenSignedWith(app, OLD)}`)
      .expect(401);
  });
});
