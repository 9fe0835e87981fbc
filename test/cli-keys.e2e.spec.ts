// `crm keys rotate-master` in development (the key kept in DATA_DIR): the
// operator stops the service, rotates, starts it again, and every customer's
// name still reads; the old key opens nothing any more.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createApp } from '../apps/api/src/create-app';
import { loadConfig } from '../libs/shared/src';
import { RunningApp } from './support/test-app';
import { anonymous, API } from './support/http';

const ROOT = path.resolve(__dirname, '..');
const CLI = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/cli/src/main.ts'];

describe('crm keys rotate-master on pglite', () => {
  jest.setTimeout(180_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-cli-keys-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'error' };
  delete env.DATABASE_URL;
  delete env.CRM_MASTER_KEY;

  async function withService<T>(fn: (running: RunningApp, token: string) => Promise<T>): Promise<T> {
    const app = await createApp(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'error' }));
    await app.init();
    try {
      const running = { app, token: '', tokenFor: async () => '', close: async () => undefined };
      const password = fs.readFileSync(path.join(dataDir, 'initial-admin-password'), 'utf8').trim();
      const { accessToken } = (await anonymous(running).post(`${API}/auth/token`).send({ username: 'admin', password }).expect(200)).body;
      return await fn(running, accessToken);
    } finally {
      await app.close();
    }
  }

  it('re-wraps under a new key that replaces DATA_DIR/master-key; names read after a restart', async () => {
    const id = await withService(async (running, token) => {
      const res = await anonymous(running).post(`${API}/customers`).set('Authorization', `Bearer ${token}`).send({ name: '林美', phone: '+86 13812345678' }).expect(201);
      return res.body.customerId as string;
    });
    const before = fs.readFileSync(path.join(dataDir, 'master-key'), 'utf8');
    const run = spawnSync(process.execPath, [...CLI, 'keys', 'rotate-master'], { cwd: ROOT, env, encoding: 'utf8' });
    expect(run.stderr).toContain('"rotating":"customer key"');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ customerKeys: { seen: 1, rewrapped: 1 }, keyCheck: 'sealed with the new key' });
    expect(fs.readFileSync(path.join(dataDir, 'master-key'), 'utf8')).not.toBe(before);
    expect(fs.existsSync(path.join(dataDir, 'master-key.next'))).toBe(false);
    await withService(async (running, token) => {
      const res = await anonymous(running).get(`${API}/customers/${id}`).set('Authorization', `Bearer ${token}`).expect(200);
      expect(res.body.profile).toMatchObject({ name: '林美', phone: '+86 13812345678' });
    });
    // The old key is refused at the start: it opens nothing the database holds.
    const old = spawnSync(process.execPath, [...CLI, 'rebuild'], { cwd: ROOT, env: { ...env, CRM_MASTER_KEY: before.trim() }, encoding: 'utf8' });
    expect(old.status).toBe(1);
    expect(old.stderr).toContain('CRM_MASTER_KEY is not the key this database was set up with');
  });
});
