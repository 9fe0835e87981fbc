// The service as a process on the embedded database: it starts with no
// configuration but a data folder, refuses a second process on the same folder
// with one clear line, closes cleanly on SIGTERM and SIGINT (lock released,
// data intact on the next start), and refuses a bad configuration with one line.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const MAIN = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/api/src/main.ts'];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>): Proc {
  const clean = { ...process.env };
  delete clean.DATABASE_URL;
  delete clean.EVENTSTORE_CONNECTION_STRING;
  const child = spawn(process.execPath, MAIN, { cwd: ROOT, env: { ...clean, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitForHealth(port: number, proc: Proc, timeoutMs = 60_000): Promise<Record<string, unknown>> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (proc.child.exitCode !== null) throw new Error(`service exited: ${proc.output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.ok) return (await res.json()) as Record<string, unknown>;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no /health within ${timeoutMs} ms: ${proc.output()}`);
}

describe('the service process on the embedded database', () => {
  jest.setTimeout(180_000);
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-process-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it.each(['SIGTERM', 'SIGINT'] as const)('serves /health, refuses a second process, and closes cleanly on %s', async (signal) => {
    const port = await freePort();
    let accessToken = '';
    const first = start({ PORT: String(port), DATA_DIR: dataDir });
    try {
      const health = await waitForHealth(port, first);
      expect(health).toMatchObject({ status: 'ok', adapter: 'pglite' });

      // The first start made an admin and printed its password (also kept in the data folder).
      const password = fs.readFileSync(path.join(dataDir, 'initial-admin-password'), 'utf8').trim();
      const signIn = await fetch(`http://127.0.0.1:${port}/api/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      expect(signIn.status).toBe(200);
      accessToken = ((await signIn.json()) as { accessToken: string }).accessToken;
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/customers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ customerRef: `P-${signal}`, name: 'Kept' }),
      });
      expect(res.status).toBe(201);

      const second = start({ PORT: String(await freePort()), DATA_DIR: dataDir });
      expect(await second.exited).toBe(1);
      expect(second.output()).toMatch(/data folder .* is in use by process \d+/);
      expect(second.output().trim().split('\n')).toHaveLength(1);
    } finally {
      first.child.kill(signal);
    }
    expect(await first.exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'crm.lock'))).toBe(false);

    // The data survived the stop: the customer is there after a restart.
    const again = start({ PORT: String(port), DATA_DIR: dataDir });
    try {
      await waitForHealth(port, again);
      // The token made before the restart still works: the signing secret is kept in the data folder.
      const got = await fetch(`http://127.0.0.1:${port}/api/v1/customers/by-ref/P-${signal}`, { headers: { authorization: `Bearer ${accessToken}` } });
      expect(got.status).toBe(200);
    } finally {
      again.child.kill('SIGTERM');
      await again.exited;
    }
  });

  it('stops with one clear line on a bad configuration', async () => {
    const proc = start({ PORT: '3000', DATA_DIR: dataDir, SHOP_TIMEZONE: 'Mars/Olympus' });
    expect(await proc.exited).toBe(1);
    expect(proc.output().trim()).toBe('crm: configuration error: SHOP_TIMEZONE must be an IANA time zone such as Asia/Shanghai, got "Mars/Olympus"');
  });
});
