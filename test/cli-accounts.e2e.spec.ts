// `crm accounts create-admin`: the operator makes an admin at the console
// (the password from stdin); the service then signs it in.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createApp } from '../apps/api/src/create-app';
import { loadConfig } from '../libs/shared/src';
import { anonymous } from './support/http';

const ROOT = path.resolve(__dirname, '..');
const CLI = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/cli/src/main.ts'];

describe('crm accounts create-admin on pglite', () => {
  jest.setTimeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-cli-accounts-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'error' };
  delete env.DATABASE_URL;

  it('creates an admin from a password on stdin, refuses a taken name and a weak password (exit 1, one line)', async () => {
    const made = spawnSync(process.execPath, [...CLI, 'accounts', 'create-admin', 'ops'], { cwd: ROOT, env, input: 'a long enough password\n', encoding: 'utf8' });
    expect(made.status).toBe(0);
    expect(JSON.parse(made.stdout)).toMatchObject({ username: 'ops', role: 'admin' });
    const again = spawnSync(process.execPath, [...CLI, 'accounts', 'create-admin', 'ops'], { cwd: ROOT, env, input: 'a long enough password\n', encoding: 'utf8' });
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('UsernameTaken');
    const weak = spawnSync(process.execPath, [...CLI, 'accounts', 'create-admin', 'weak'], { cwd: ROOT, env, input: 'short\n', encoding: 'utf8' });
    expect(weak.status).toBe(1);
    expect(weak.stderr).toContain('WeakPassword');

    const app = await createApp(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'error' }));
    await app.init();
    try {
      const running = { app, token: '', tokenFor: async () => '', close: async () => undefined };
      const res = await anonymous(running).post('/api/v1/auth/token').send({ username: 'ops', password: 'a long enough password' }).expect(200);
      const me = await anonymous(running).get('/api/v1/auth/me').set('Authorization', `Bearer ${res.body.accessToken}`).expect(200);
      expect(me.body).toMatchObject({ username: 'ops', role: 'admin' });
      // An admin already existed, so the first start made no "admin" of its own.
      expect(fs.existsSync(path.join(dataDir, 'initial-admin-password'))).toBe(false);
    } finally {
      await app.close();
    }
  });
});
