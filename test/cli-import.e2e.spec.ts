// `crm import` as a user runs it: exit statuses, progress lines, a rejects
// file, and - on PostgreSQL - an import killed with SIGKILL at random
// moments and run again ends with exactly the events of one clean run.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { databaseUrl } from './support/test-databases';

const ROOT = path.resolve(__dirname, '..');
const CLI = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/cli/src/main.ts'];
const HEADER = 'customer_ref,kind,order_id,refund_id,occurred_at,amount,currency,channel,region,items';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-cli-import-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, lines: string[]): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, [HEADER, ...lines].join('\n'));
  return file;
}

/** A shop's history sorted by time, customers interleaved: 10 orders each, every fifth with a refund. */
function history(customers: number): string[] {
  const lines: string[] = [];
  for (let order = 0; order < 10; order++) {
    for (let c = 0; c < customers; c++) {
      const day = String(1 + order * 2).padStart(2, '0');
      lines.push(`K-${c},purchase,K-${c}-${order},,2024-01-${day}T10:00:00+08:00,${(c % 90) + 10}.50,CNY,web,,`);
      if (order % 5 === 4) lines.push(`K-${c},refund,K-${c}-${order},K-R-${c}-${order},2024-01-${day}T18:00:00+08:00,1.00,CNY,,,`);
    }
  }
  return lines;
}

describe('crm import as a command on pglite', () => {
  jest.setTimeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(tmp, 'data-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'error', SHOP_TIMEZONE: 'Asia/Shanghai' };
  delete env.DATABASE_URL;
  const crm = (...args: string[]) => spawnSync(process.execPath, [...CLI, ...args], { cwd: ROOT, env, encoding: 'utf8' });

  it('answers --help for itself and for every command (exit 0, nothing run), and an unknown command with the usage (exit 2)', () => {
    const all = crm('--help');
    expect(all.status).toBe(0);
    expect(all.stdout).toContain('usage: crm <command>');
    const own = crm('import', '--help');
    expect(own.status).toBe(0);
    expect(own.stdout).toMatch(/^usage: crm import <file\.csv> \[--map/);
    expect(own.stdout).not.toContain('export customers');
    expect(crm('migrate', '-h').stdout).toBe('usage: crm migrate\n    apply the database migrations (the service also applies them on start)\n');
    const unknown = crm('nope');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command "nope"');
  });

  it('exits 0 when every row went in, 2 when some were rejected (listed in --rejects), 1 on failure', () => {
    const good = crm('import', write('good.csv', history(3)));
    expect(good.status).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ rows: 36, imported: 36, rejected: 0, registered: 3, written: true });
    // Not a terminal: plain progress lines.
    expect(good.stderr).toMatch(/^import: importing, 36 rows \(100%\), \d+ rows\/s, ETA 0 s, 0 rejected$/m);

    const rejects = path.join(tmp, 'rejects.csv');
    const some = crm(
      'import',
      write('some.csv', ['S-1,purchase,S-1-1,,2024-01-01T10:00:00+08:00,10.00,CNY,,,', 'S-2,purchase,S-2-1,,2024-01-32,10.00,CNY,,,']),
      '--rejects',
      rejects,
    );
    expect(some.status).toBe(2);
    expect(JSON.parse(some.stdout)).toMatchObject({ rows: 2, imported: 1, rejected: 1 });
    expect(some.stderr).toContain(`1 row(s) rejected (listed in ${rejects}); the other rows went in`);
    expect(fs.readFileSync(rejects, 'utf8')).toMatch(/^line,customer_ref,code,reason\n3,S-2,InvalidRow,"occurred_at must be/);

    const none = crm(
      'import',
      write('none.csv', ['N-1,purchase,N-1-1,,2024-01-01T10:00:00+08:00,10.00,CNY,,,', 'N-2,gift,N-2-1,,2024-01-01T10:00:00+08:00,1.00,CNY,,,']),
      '--all-or-nothing',
    );
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('line 3: InvalidRow: kind must be purchase or refund');
    expect(none.stderr).toContain('nothing was written (--all-or-nothing)');

    for (const failed of [
      crm('import', path.join(tmp, 'missing.csv')),
      crm('import'),
      crm('import', write('mapped.csv', []), '--map', 'nonsense=X'),
      crm(
        'import',
        (() => {
          const file = path.join(tmp, 'noheader.csv');
          fs.writeFileSync(file, 'customer_ref,amount\nC1,1\n');
          return file;
        })(),
      ),
    ]) {
      expect(failed.status).toBe(1);
      expect(failed.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

const url = databaseUrl();
(url ? describe : describe.skip)('crm import killed with SIGKILL on postgres', () => {
  jest.setTimeout(600_000);
  const names = ['crm_test_import_clean', 'crm_test_import_killed'];
  const admin = () => new Client({ connectionString: url });
  const dbUrl = (name: string) => Object.assign(new URL(url as string), { pathname: `/${name}` }).toString();
  beforeAll(async () => {
    const c = admin();
    await c.connect();
    for (const name of names) {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.query(`CREATE DATABASE ${name}`);
    }
    await c.end();
  });
  afterAll(async () => {
    const c = admin();
    await c.connect();
    for (const name of names) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  });
  const env = (name: string): NodeJS.ProcessEnv => ({ ...process.env, DATABASE_URL: dbUrl(name), LOG_LEVEL: 'error', SHOP_TIMEZONE: 'Asia/Shanghai' });
  const events = async (name: string) => {
    const c = new Client({ connectionString: dbUrl(name) });
    await c.connect();
    try {
      const rows = await c.query('SELECT stream_id, stream_version, event_id, type, data::text AS data FROM crm_events ORDER BY stream_id, stream_version');
      return rows.rows.map((r) => `${r.stream_id} ${r.stream_version} ${r.event_id} ${r.type} ${r.data}`);
    } finally {
      await c.end();
    }
  };

  it('ends with exactly the events of one clean run', async () => {
    const file = write('killed.csv', history(1_500));
    const clean = spawnSync(process.execPath, [...CLI, 'import', file], { cwd: ROOT, env: env(names[0]), encoding: 'utf8' });
    expect(clean.status).toBe(0);
    const expected = await events(names[0]);
    expect(expected.length).toBe(1_500 * 13);

    // Each run is killed once a random share of the events is in (the import is faster than its start-up).
    const kills: number[] = [];
    const watcher = new Client({ connectionString: dbUrl(names[1]) });
    await watcher.connect();
    const stored = async () => {
      try {
        return Number((await watcher.query('SELECT count(*)::int AS n FROM crm_events')).rows[0].n);
      } catch {
        return 0; // not migrated yet
      }
    };
    try {
      for (let attempt = 0; attempt < 4; attempt++) {
        const child = spawn(process.execPath, [...CLI, 'import', file], { cwd: ROOT, env: env(names[1]), stdio: 'ignore' });
        let exited: number | null | undefined;
        child.on('exit', (c) => (exited = c));
        const before = await stored();
        const at = before + Math.floor((expected.length - before) * (0.1 + Math.random() * 0.6));
        while (exited === undefined && (await stored()) < at) await new Promise((r) => setTimeout(r, 20));
        if (exited !== undefined) break;
        child.kill('SIGKILL');
        await new Promise((resolve) => child.on('exit', resolve));
        kills.push(await stored());
      }
    } finally {
      await watcher.end();
    }
    expect(kills.length).toBeGreaterThan(0);
    const finish = spawnSync(process.execPath, [...CLI, 'import', file], { cwd: ROOT, env: env(names[1]), encoding: 'utf8' });
    expect(finish.status).toBe(0);
    expect(await events(names[1])).toEqual(expected);
  });
});
