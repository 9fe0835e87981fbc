// npm run bench:console: what the console weighs and how long its pages take
// to load on a large base. The bundle: each built asset as sent (whole,
// brotli, gzip). The pages: the service started on a filled database (by
// default bench:figures' base, 1,000,000 customers: run `npm run
// bench:figures -- --keep` first), then each page opened cold in headless
// Chromium (a new browser context: nothing cached) as a manager, timed from
// navigation to each part of its content (the page's own markers; the
// page's work all done before the next run). The baseline in the same run: the sign-in page, the
// same bundle with no API call (what the page costs before its data).
// Options: --db=NAME --runs=N (default 5). Prints one JSON document.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawn, spawnSync } from 'node:child_process';
import { chromium, Page } from 'playwright-core';
import { machine, printResult, request, untilUp, withDatabase, PG_URL } from './bench-support';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const DB = args.get('db') ?? 'crm_bench_figures';
const RUNS = Number(args.get('runs') ?? 5);
const PORT = 3391;
const BASE = `http://127.0.0.1:${PORT}/`;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const log = (...a: unknown[]) => console.error('[bench]', ...a);

/** Each page, and what shows that each part of its content is there (all awaited: no work of a page outlives its run). */
const waitFor = (p: Page, locate: (p: Page) => ReturnType<Page['locator']>) => locate(p).first().waitFor({ timeout: 120_000 });
const PAGES: Array<{ name: string; route: string; marks: Record<string, (page: Page) => Promise<unknown>> }> = [
  { name: 'home', route: '#/', marks: { tiers: (p) => waitFor(p, (x) => x.getByRole('region', { name: 'Customers per tier' }).getByRole('link')) } },
  {
    name: 'customers',
    route: '#/customers',
    marks: { firstRow: (p) => waitFor(p, (x) => x.locator('tbody tr td a')), total: (p) => waitFor(p, (x) => x.getByRole('table', { name: /customers, \d+ shown/ })) },
  },
  {
    name: 'customersByNetSpend',
    route: '#/customers?sort=-netSpend',
    marks: { firstRow: (p) => waitFor(p, (x) => x.locator('tbody tr td a')), total: (p) => waitFor(p, (x) => x.getByRole('table', { name: /customers, \d+ shown/ })) },
  },
  {
    name: 'figures',
    route: '#/figures',
    marks: {
      service: (p) => waitFor(p, (x) => x.getByRole('heading', { name: /^Service/ })),
      rfm: (p) => waitFor(p, (x) => x.getByRole('table', { name: /customers with a purchase by then/ })),
      stickiness: (p) => waitFor(p, (x) => x.getByRole('heading', { name: /^Stickiness/ })),
    },
  },
  { name: 'care', route: '#/care', marks: { greetings: (p) => waitFor(p, (x) => x.getByRole('heading', { name: /Post-purchase greetings/ })) } },
];

function bundle() {
  const dir = path.join('dist', 'console', 'assets');
  const files = fs.readdirSync(dir).map((name) => {
    const whole = fs.readFileSync(path.join(dir, name));
    return {
      name,
      bytes: whole.length,
      brotliBytes: zlib.brotliCompressSync(whole, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } }).length,
      gzipBytes: zlib.gzipSync(whole, { level: 9 }).length,
    };
  });
  const sum = (k: 'bytes' | 'brotliBytes' | 'gzipBytes') => files.reduce((n, f) => n + f[k], 0);
  return { files, total: { bytes: sum('bytes'), brotliBytes: sum('brotliBytes'), gzipBytes: sum('gzipBytes') } };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  if (spawnSync('node', ['scripts/ensure-build.js'], { stdio: 'inherit' }).status !== 0) throw new Error('build failed');
  // Kept from run to run: the database holds the check of the master key this folder holds, and the admin's password.
  const dataDir = `/tmp/crm-bench-console-${DB}`;
  // The read models are filled by SQL: the projections stay off so that nothing rebuilds them.
  // The master key is the data folder's own (bench-support gives each bench process a new one).
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: withDatabase(PG_URL, DB),
    DATA_DIR: dataDir,
    PORT: String(PORT),
    PROJECTIONS: 'off',
    LOG_LEVEL: 'error',
    SHOP_TIMEZONE: 'Asia/Shanghai',
  };
  delete env.CRM_MASTER_KEY;
  const api = spawn(process.execPath, ['dist/apps/api/src/main.js'], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    await untilUp(`${BASE}health/live`);
    const password = fs.readFileSync(path.join(dataDir, 'initial-admin-password'), 'utf8').trim();
    const login = await request(`${BASE}api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    const token = (login.json() as { accessToken: string }).accessToken;
    const counted = await request(`${BASE}api/v1/customers?limit=1&total=true`, { headers: { authorization: `Bearer ${token}` } });
    const customers = (counted.json() as { total: number }).total;
    log(`${customers} customers; ${RUNS} cold loads a page`);

    /** One cold load: a new context (no cache), signed in before the page's own script runs; each mark's time from the navigation. */
    const load = async (route: string, marks: Record<string, (page: Page) => Promise<unknown>>, signedIn = true) => {
      const context = await browser.newContext({ locale: 'en', viewport: { width: 1280, height: 900 } });
      if (signedIn) await context.addInitScript((t) => sessionStorage.setItem('crm.token', t), token);
      const page = await context.newPage();
      const start = Date.now();
      await page.goto(`${BASE}${route}`);
      const at: Record<string, number> = {};
      await Promise.all(Object.entries(marks).map(async ([name, mark]) => (await mark(page), (at[name] = Date.now() - start))));
      const paint = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null);
      await context.close();
      return { ...at, firstContentfulPaintMs: paint === null ? null : Math.round(paint) };
    };
    const medians = (runs: Array<Record<string, number | null>>) => Object.fromEntries(Object.keys(runs[0]).map((k) => [k, median(runs.map((r) => r[k] ?? 0))]));

    const pages: Record<string, unknown> = {};
    const signInRuns = [];
    for (let run = 0; run < RUNS; run++) signInRuns.push(await load('', { form: (p) => p.getByRole('button', { name: 'Sign in' }).waitFor() }, false));
    pages.signInBaseline = { medianMs: medians(signInRuns), runs: signInRuns };
    for (const { name, route, marks } of PAGES) {
      const runs = [];
      for (let run = 0; run < RUNS; run++) runs.push(await load(route, marks));
      pages[name] = { medianMs: medians(runs), runs };
      log(name, JSON.stringify(medians(runs)));
    }
    return { benchmark: 'console', machine: machine(), database: DB, customers, bundle: bundle(), pages };
  } finally {
    await browser.close();
    api.kill('SIGTERM');
  }
}

printResult(main);
