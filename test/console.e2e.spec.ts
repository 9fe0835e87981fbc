// The web console in headless Chromium (Debian's, driven by playwright-core)
// against the real app: sign in, search, a customer's page moved in time, the
// live timeline, a care contact, a what-if run and its activation, and what an
// agent is not offered. Each page is photographed into docs/screenshots/.
// One database is enough here (PostgreSQL when DATABASE_URL is set): the
// console adds no storage of its own, and the API is tested on both elsewhere.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Browser, chromium, Page } from 'playwright-core';
import axe from 'axe-core';
import { testDatabases } from './support/test-databases';
import { RunningApp, startTestApp, TEST_PASSWORD } from './support/test-app';
import { API, http, purchaseBody } from './support/http';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = path.resolve(__dirname, '..');
const SHOTS = path.join(ROOT, 'docs', 'screenshots');
const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === 'true') throw new Error(`CI=true needs Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run installs it)`);

/** Builds dist/console when a console source is newer than the build. */
function buildConsole(): void {
  const index = path.join(ROOT, 'dist', 'console', 'index.html');
  const newest = (dir: string): number =>
    Math.max(0, ...fs.readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).mtimeMs)));
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= newest(path.join(ROOT, 'apps', 'console'))) return;
  const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  // NODE_ENV as npm run build has it (jest sets "test", which would bundle React's development build into dist/console).
  const env = { ...process.env, NODE_ENV: 'production' };
  const built = spawnSync(process.execPath, [vite, 'build', '--config', 'apps/console/vite.config.mts', '--logLevel', 'warn'], { cwd: ROOT, encoding: 'utf8', env });
  if (built.status !== 0) throw new Error(`console build failed: ${built.stderr}`);
}

const database = testDatabases().at(-1);
const describeIf = haveChromium && database ? describe : describe.skip;

describeIf(`console in Chromium on ${database?.name}`, () => {
  let app: RunningApp;
  let browser: Browser;
  let base = '';
  let customerId = '';

  const signIn = async (page: Page, username: string) => {
    await page.goto(base);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  };
  /** Photographs the page, after axe-core found no serious or critical accessibility violation on it. */
  const shot = async (page: Page, name: string) => {
    await accessible(page, name);
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  };
  const accessible = async (page: Page, name: string) => {
    // Evaluated through the debugging protocol: the page's content security policy does not apply.
    await page.evaluate(axe.source);
    const { checked, violations } = await page.evaluate(async () => {
      const found = await (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] });
      return {
        checked: found.passes.length,
        violations: found.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => ({ rule: v.id, impact: v.impact, where: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`) })),
      };
    });
    expect(checked).toBeGreaterThan(10);
    expect({ page: name, violations }).toEqual({ page: name, violations: [] });
  };

  beforeAll(async () => {
    buildConsole();
    fs.mkdirSync(SHOTS, { recursive: true });
    app = await startTestApp(database as NonNullable<typeof database>);
    await app.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.app.getHttpServer().address() as { port: number }).port}/`;
    await app.tokenFor('manager.mo', 'manager');
    await app.tokenFor('agent.an', 'agent');
    // Mei bought once in March 2024: new then, sleeping by December, lost since.
    const reg = await http(app)
      .post(`${API}/customers`)
      .send({ customerRef: 'C-MEI', name: 'Mei Lin', region: { province: 'Zhejiang', city: 'Hangzhou' }, occurredAt: '2024-02-20T09:00:00+08:00' })
      .expect(201);
    customerId = reg.body.customerId;
    await http(app)
      .post(`${API}/customers/${customerId}/purchases`)
      .send(purchaseBody('O-MEI-1', '600.00', { occurredAt: '2024-03-01T10:00:00+08:00' }))
      .expect(201);
    await http(app).post(`${API}/customers/${customerId}/tags`).send({ tag: 'vip-prospect' }).expect(201);
    for (let i = 0; i < 3; i++) {
      // C-1's birthday is in 3 days (born in a leap year, so any day exists).
      const soon = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(5, 10);
      const other = await http(app)
        .post(`${API}/customers`)
        .send({ customerRef: `C-${i}`, name: `Other ${i}`, ...(i === 1 ? { birthDate: `1992-${soon}` } : {}) })
        .expect(201);
      await http(app)
        .post(`${API}/customers/${other.body.customerId}/purchases`)
        .send(purchaseBody(`O-${i}`, `${(i + 1) * 700}.00`))
        .expect(201);
    }
    await http(app).post(`${API}/complaints`).send({ customerId, subject: 'parcel late', channel: 'phone', priority: 'URGENT', agent: 'agent.an' }).expect(201);
    // A stricter candidate: SENIOR from 1000 instead of 500.
    const last = await http(app)
      .post(`${API}/tier-rule-sets`)
      .send({
        id: 'strict',
        name: 'Stricter',
        tiers: [
          { code: 'NORMAL', threshold: '0' },
          { code: 'SENIOR', threshold: '1000' },
          { code: 'VIP', threshold: '3000' },
        ],
      })
      .expect(201);
    // The pages read at once: the projections must have all of the above.
    await http(app).get(`${API}/customers?limit=1&waitFor=${last.body.position}`).expect(200);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('a manager signs in, finds a customer, moves her page in time and sees a purchase arrive live', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Nothing the page asks for is missing (the icon included).
    const missing: string[] = [];
    page.on('response', (res) => void (res.status() === 404 && missing.push(res.url())));
    await page.goto(base);
    await shot(page, 'login');
    await signIn(page, 'manager.mo');
    // The day first: today's figures, customers per tier, the open complaint nearest its deadline.
    await page.getByRole('heading', { name: /^Today, / }).waitFor();
    await page.getByRole('region', { name: 'Customers per tier' }).getByRole('link', { name: 'SENIOR' }).waitFor();
    await page
      .getByRole('region', { name: /1 open complaint/ })
      .getByRole('link', { name: 'parcel late' })
      .waitFor();
    await shot(page, 'home');
    await page.getByRole('link', { name: 'Customers', exact: true }).click();

    await page.getByLabel('Name').fill('mei');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'C-MEI' }).waitFor();
    await shot(page, 'customers');
    // The filtered list as a CSV file.
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(file.suggestedFilename()).toMatch(/^customers-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = fs.readFileSync(await file.path(), 'utf8');
    expect(csv.split('\r\n').filter((l) => l.includes('C-MEI'))).toHaveLength(1);
    await page.getByRole('link', { name: 'C-MEI' }).click();
    const timeline = page.locator('table.timeline');
    await timeline.getByText('Order O-MEI-1:').first().waitFor();
    // Each entry a sentence with its figures formatted; the stored fields only behind "details".
    await timeline.getByText('Order O-MEI-1: ¥600.00.').first().waitFor();
    await expect(
      timeline
        .getByText(/amountMinor/)
        .first()
        .isVisible(),
    ).resolves.toBe(false);

    // Found by her ref: straight to her page.
    await page.goto(`${base}#/customers`);
    await page.getByLabel('Customer ref').fill('C-MEI');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(new RegExp(`#/customers/${customerId}`));

    await timeline.getByText('Order O-MEI-1:').first().waitFor();
    await page.getByTestId('lifecycle').getByText('LOST').waitFor();
    const complaints = page.getByRole('region', { name: 'Complaints' });
    await complaints.getByText('parcel late').waitFor();
    await page.getByLabel('As of').fill('2024-03-10');
    await page.getByTestId('lifecycle').getByText('new (once)').waitFor();
    // The whole page moves back in time: the complaint opened today is not there yet.
    await complaints.getByText(/^Opened by 2024-03-10/).waitFor();
    await expect(complaints.getByText('parcel late').count()).resolves.toBe(0);
    await page.getByLabel('As of').fill('2024-12-01');
    await page.getByTestId('lifecycle').getByText('SLEEPING').waitFor();
    expect(await page.getByTestId('tier').textContent()).toBe('SENIOR');
    await page.getByText(/^Spend over the whole history ¥600\.00, 1 purchase: SENIOR \(rule set default\)\./).waitFor();
    // Each step of the tier history names what caused it.
    await page.getByRole('link', { name: 'caused by the purchase of 2024-03-01' }).waitFor();

    // A purchase through the API appears on the open page without a reload.
    await page.getByLabel('As of').fill(new Date().toISOString().slice(0, 10));
    await page.getByTestId('lifecycle').getByText('LOST').waitFor();
    await http(app)
      .post(`${API}/customers/${customerId}/purchases`)
      .send(purchaseBody('O-LIVE-1', '80.00', { occurredAt: new Date().toISOString() }))
      .expect(201);
    await timeline.getByText('Order O-LIVE-1:').first().waitFor({ timeout: 10_000 });
    await shot(page, 'customer');

    // A manager escalates the complaint from the page (no message needed).
    await complaints.getByLabel('To priority').selectOption('CRITICAL');
    await complaints.getByRole('button', { name: 'Escalate' }).click();
    await complaints.getByRole('cell', { name: 'critical', exact: true }).waitFor();

    // A care contact logged from the page.
    await page.getByLabel('Note').fill('thank-you call after delivery');
    await page.getByRole('button', { name: 'Log contact' }).click();
    await page.getByRole('status').getByText('Logged a care contact by phone.').waitFor();
    await timeline.getByText('contact by phone: thank-you call after delivery').first().waitFor({ timeout: 10_000 });
    // The kind filter asks the server: only that kind, from the whole history.
    const filtered = page.waitForResponse((res) => JSON.stringify(res.request().postDataJSON()?.variables?.types ?? null) === '["PurchaseRecorded"]');
    await page.getByRole('region', { name: 'Timeline' }).getByLabel('Kind').selectOption('PurchaseRecorded');
    const kinds = (await (await filtered).json()).data.customer.timeline.edges.map((e: { node: { type: string } }) => e.node.type);
    expect(new Set(kinds)).toEqual(new Set(['PurchaseRecorded']));
    await timeline.getByText('Order O-MEI-1:').first().waitFor();
    await expect(timeline.getByText('contact by phone: thank-you call after delivery').count()).resolves.toBe(0);
    await page.getByRole('region', { name: 'Timeline' }).getByLabel('Kind').selectOption('');
    await timeline.getByText('contact by phone: thank-you call after delivery').first().waitFor();

    const narrow = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await narrow.goto(base);
    await narrow.evaluate((token) => sessionStorage.setItem('crm.token', token), await app.tokenFor('manager.mo', 'manager'));
    await narrow.goto(`${base}#/customers/${customerId}`);
    await narrow.reload();
    await narrow.getByTestId('lifecycle').waitFor();
    await shot(narrow, 'customer-narrow');
    await narrow.close();
    await page.close();
    expect(missing).toEqual([]);
  }, 120_000);

  it('a manager runs a what-if simulation, reads a matrix cell and activates the rule set', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, 'manager.mo');
    await page.getByRole('link', { name: 'What-if tier rules' }).click();
    await page.getByRole('combobox', { name: /^Rule set/ }).selectOption('strict');
    await page.getByRole('button', { name: 'Run simulation' }).click();
    // Mei (680.00) and C-0 (700.00) are SENIOR now and NORMAL under the candidate.
    await expect(page.locator('[data-cell="SENIOR-NORMAL"]').textContent()).resolves.toBe('2');
    // Rows and columns in the tiers' order, lowest first.
    const tierOrder = ['NORMAL', 'SENIOR', 'VIP', 'SUPREME'];
    const inOrder = (codes: string[]) => [...codes].sort((a, b) => tierOrder.indexOf(a) - tierOrder.indexOf(b));
    const columns = (await page.locator('table.matrix thead th').allTextContents()).slice(1);
    const rows = await page.locator('table.matrix tbody th').allTextContents();
    expect(columns.length).toBeGreaterThan(1);
    expect([columns, rows]).toEqual([inOrder(columns), inOrder(rows)]);
    await page.getByRole('cell', { name: 'C-MEI' }).waitFor();
    await shot(page, 'what-if');
    // A draft is simulated without being published, and cannot be activated from its trial.
    // Composed in a form: a copy of the rule set in force, SENIOR from 2,000.00 and a second purchase, refunds not counted.
    await page.getByText('Compose a draft rule set').click();
    await expect(page.getByLabel('Code of tier 2').inputValue()).resolves.toBe('SENIOR');
    await page.getByLabel('Threshold of tier 2').fill('2000.00');
    await page.getByLabel('Purchases needed for tier 2').fill('2');
    await page.getByLabel('Refunds lower the spend').uncheck();
    await page.getByText('As JSON').click();
    await page.getByText('"minPurchases": 2').waitFor();
    await shot(page, 'what-if-draft');
    const simulated = page.waitForResponse((res) => res.request().postDataJSON()?.variables?.ruleSet !== undefined);
    await page.getByRole('button', { name: /Simulate the draft/ }).click();
    const sent = (await simulated).request().postDataJSON().variables.ruleSet;
    expect(sent.tiers[1]).toEqual({ code: 'SENIOR', threshold: '2000.00', minPurchases: 2 });
    expect(sent.refundsCount).toBe(false);
    // Mei, C-0 and C-1 (one purchase each below 2,000.00) would be NORMAL.
    await page.locator('[data-cell="SENIOR-NORMAL"]').waitFor();
    await expect(page.getByRole('button', { name: /^Activate / }).count()).resolves.toBe(0);
    // A bad threshold: the server's answer names the field; nothing is published.
    await page.getByLabel('Threshold of tier 2').fill('2000.005');
    await page.getByRole('button', { name: /Simulate the draft/ }).click();
    await page
      .getByRole('alert')
      .getByText(/threshold/)
      .waitFor();
    expect((await http(app).get(`${API}/tier-rule-sets`).expect(200)).body.items.some((r: { id: string }) => r.id.startsWith('draft-'))).toBe(false);
    await page.getByRole('button', { name: 'Run simulation' }).click();
    await page.getByRole('button', { name: 'Activate strict' }).click();
    await page
      .getByRole('status')
      .getByText(/Activated strict/)
      .waitFor();
    const ruleSets = await http(app).get(`${API}/tier-rule-sets`).expect(200);
    expect(ruleSets.body.inForce).toBe('strict');

    await page.getByRole('link', { name: 'Care & complaints' }).click();
    await page.getByRole('heading', { name: /Post-purchase greetings/ }).waitFor();
    await page
      .getByRole('region', { name: /Birthday greetings/ })
      .getByRole('link', { name: 'C-1' })
      .waitFor();
    // Who complained, by ref and name as in the other tables (not an id's prefix).
    const open = page.getByRole('region', { name: /Open complaints/ });
    await open.getByRole('link', { name: 'C-MEI' }).waitFor();
    await open.getByText('Mei Lin').waitFor();
    await shot(page, 'care');
    await page.getByRole('link', { name: 'Figures' }).click();
    await page.getByRole('heading', { name: /Stickiness/ }).waitFor();
    await page.getByRole('table', { name: 'Sales by region' }).waitFor();
    // The service figures between two chosen dates.
    await page.getByRole('form', { name: 'Service figures between two dates' }).getByLabel('From').fill('2024-01-01');
    await page.getByRole('heading', { name: /^Service, 2024-01-01 to / }).waitFor();
    // RFM segments of the base, and a segment's members on request.
    const rfm = page.getByRole('region', { name: /RFM segments/ });
    await rfm.getByRole('table', { name: /customers with a purchase by then/ }).waitFor();
    await rfm.getByRole('button', { name: 'Show' }).first().click();
    await rfm
      .getByRole('table', { name: /the first \d+ by net spend/ })
      .getByRole('link')
      .first()
      .waitFor();
    await shot(page, 'figures');
    await page.close();
  }, 120_000);

  it('a manager tags and untags the customers she selects on the list', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, 'manager.mo');
    await page.goto(`${base}#/customers?name=Other`);
    await page.getByRole('link', { name: 'C-0' }).waitFor();
    await page.getByLabel('Select C-0').check();
    await page.getByLabel('Select C-2').check();
    await page.getByLabel(/Tag for 2 selected customers/).fill('spring-sale');
    await page.getByRole('button', { name: 'Tag selected', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Tagged 2 customers "spring-sale".' }).waitFor();
    await page.getByRole('row', { name: /C-2.*spring-sale/ }).waitFor();
    await expect(page.getByRole('row', { name: /C-1.*spring-sale/ }).count()).resolves.toBe(0);
    await page.getByLabel('Select every customer on this page').check();
    await page.getByRole('button', { name: 'Untag selected' }).click();
    await page.getByRole('status').filter({ hasText: 'Took "spring-sale" from 3 customers.' }).waitFor();
    await page.getByRole('row', { name: /C-2/ }).filter({ hasNotText: 'spring-sale' }).waitFor();
    // Sorted by net spend from the column's header: largest first, then the other way; the caption counts the whole filter.
    await page.getByRole('table', { name: /3 customers, 3 shown/ }).waitFor();
    // The header changes with the address at once; the rows when the sorted page has come.
    const rowsInOrder = (refs: string[]) =>
      page.waitForFunction((want) => [...document.querySelectorAll('tbody tr td:nth-child(2)')].map((td) => td.textContent).join() === want.join(), refs, { timeout: 10_000 });
    await page.getByRole('link', { name: /^Net spend/ }).click();
    await page
      .getByRole('columnheader', { name: /Net spend/ })
      .and(page.locator('[aria-sort="descending"]'))
      .waitFor();
    await rowsInOrder(['C-2', 'C-1', 'C-0']);
    await page.getByRole('cell', { name: '¥2,100.00' }).waitFor();
    await page.getByRole('link', { name: /^Net spend/ }).click();
    await page
      .getByRole('columnheader', { name: /Net spend/ })
      .and(page.locator('[aria-sort="ascending"]'))
      .waitFor();
    await rowsInOrder(['C-0', 'C-1', 'C-2']);
    await page.close();
  }, 120_000);

  it('a manager imports a history file from the page: progress, the rows in, the rejected ones with line and reason', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, 'manager.mo');
    await page.getByRole('link', { name: 'Import' }).click();
    await page.getByRole('heading', { name: 'Import history' }).waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download the template' }).click();
    expect((await download).suggestedFilename()).toBe('import-template.csv');
    const file = [
      'customer_ref,kind,order_id,refund_id,occurred_at,amount,currency,channel,region,items,name,phone,email,birth_date',
      'IMP-1,purchase,IMP-O1,,2024-05-02,88.00,CNY,web,浙江,,赵女士,,,',
      'IMP-2,purchase,IMP-O2,,2024-05-02T10:00:00+08:00,-1.00,CNY,,,,,,,',
    ].join('\n');
    await page.getByLabel('CSV file').setInputFiles({ name: 'history.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
    await page.getByRole('button', { name: 'Upload and import' }).click();
    await page.getByRole('heading', { name: 'Done' }).waitFor();
    await page.getByRole('table', { name: 'Rejected rows' }).getByRole('cell', { name: 'IMP-2' }).waitFor();
    await expect(page.getByRole('cell', { name: '3', exact: true }).count()).resolves.toBe(1);
    await shot(page, 'import');
    await page.close();
  }, 120_000);

  it('an agent is not offered what-if or activation, and handles her own complaint from the page', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, 'agent.an');
    await expect(page.getByRole('link', { name: 'What-if tier rules' }).count()).resolves.toBe(0);
    await expect(page.getByRole('link', { name: 'Figures' }).count()).resolves.toBe(0);
    await expect(page.getByRole('link', { name: 'Import' }).count()).resolves.toBe(0);
    await page.goto(`${base}#/what-if`);
    await page.getByRole('heading', { name: 'Customers' }).waitFor();
    await expect(page.getByRole('button', { name: /Activate/ }).count()).resolves.toBe(0);

    await page.goto(`${base}#/customers/${customerId}`);
    await page.getByRole('cell', { name: 'parcel late', exact: true }).waitFor();
    // The reads after the step wait for its position, or they could show the complaint still unanswered.
    const answered: number[] = [];
    const rereads: unknown[] = [];
    page.on('response', async (res) => {
      const body = res.request().postDataJSON() as { query?: string; variables?: { waitFor?: number } } | null;
      if (!body?.query) return;
      if (body.query.includes('respondToComplaint')) answered.push((await res.json()).data.respondToComplaint.position);
      else if (body.query.includes('complaints(')) rereads.push(body.variables?.waitFor);
    });
    await page.getByLabel('Message or resolution').fill('we are on it');
    await page.getByRole('button', { name: 'Respond' }).click();
    await page.getByRole('cell', { name: /kept/ }).waitFor();
    expect(answered).toHaveLength(1);
    expect(rereads).toEqual([answered[0]]);
    await shot(page, 'agent-customer');
    await page.close();
  }, 120_000);
  it('speaks Chinese to a browser that prefers it, and keeps the language each user chose', async () => {
    // A shop's own customers for the Chinese pictures: Chinese names, provinces and categories, this year's purchases.
    const shoppers: Array<[string, string, string, string, string]> = [
      ['C-LXM', '林小美', '浙江', '杭州', '1280.00'],
      ['C-WJG', '王建国', '广东', '深圳', '3999.00'],
      ['C-ZW', '张伟', '江苏', '南京', '268.50'],
    ];
    let shown = '';
    for (const [ref, name, province, city, amount] of shoppers) {
      const reg = await http(app)
        .post(`${API}/customers`)
        .send({ customerRef: ref, name, region: { province, city }, occurredAt: new Date(Date.now() - 60 * 86_400_000).toISOString() })
        .expect(201);
      shown ||= reg.body.customerId;
      for (const [n, days] of [
        [1, 40],
        [2, 3],
      ] as const)
        await http(app)
          .post(`${API}/customers/${reg.body.customerId}/purchases`)
          .send(
            purchaseBody(`${ref}-${n}`, amount, {
              occurredAt: new Date(Date.now() - days * 86_400_000).toISOString(),
              items: [{ sku: `${ref}-SKU`, category: n === 1 ? '女装/连衣裙' : '美妆 & 护肤', quantity: 1, unitPrice: amount }],
            }),
          )
          .expect(201);
    }
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(base);
    await page.getByRole('button', { name: '登录' }).waitFor();
    await shot(page, 'login-zh');
    await page.getByLabel('用户名').fill('manager.mo');
    await page.getByLabel('密码').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('button', { name: '退出登录' }).waitFor();
    await page.getByRole('heading', { name: /^今日概览/ }).waitFor();
    await shot(page, 'home-zh');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('zh-CN');
    await page.getByRole('link', { name: '关怀与投诉' }).waitFor();
    // Her page: headings, enum words and the timeline's sentences in Chinese, money as the shop writes it.
    await page.goto(`${base}#/customers/${customerId}?asOf=2024-12-01`);
    await page.getByRole('heading', { name: '客户档案' }).waitFor();
    await page.getByTestId('lifecycle').getByText('沉睡').waitFor();
    // Why she holds her tier, in Chinese from the answer's figures; the server's sentence beneath.
    await page.getByText(/^全部历史消费 ¥600\.00，1 次购买：SENIOR（规则集 default）。/).waitFor();
    const timeline = page.locator('table.timeline');
    await timeline.getByText('订单 O-MEI-1：¥600.00。').first().waitFor();
    await page.getByRole('link', { name: '起因：2024-03-01 的购买' }).waitFor();
    await accessible(page, 'customer-zh (Mei Lin)');
    // The picture: a customer of this year with Chinese name, items and categories.
    await page.goto(`${base}#/customers/${shown}`);
    await page.getByRole('heading', { name: /林小美/ }).waitFor();
    await page
      .locator('table.timeline')
      .getByText(/女装\/连衣裙/)
      .first()
      .waitFor();
    await shot(page, 'customer-zh');
    await page.getByRole('link', { name: '经营数据' }).click();
    await page.getByRole('heading', { name: /客户黏性/ }).waitFor();
    // The server's own keys in words: purchases recorded without item lines.
    await page.getByRole('table', { name: '各品类销售额' }).getByText('无商品明细').waitFor();
    await shot(page, 'figures-zh');
    // The list sorted by net spend, with its total, in Chinese words and money.
    await page.goto(`${base}#/customers?sort=-netSpend`);
    await page.getByRole('table', { name: /共 \d+ 位客户/ }).waitFor();
    await page.getByRole('cell', { name: '¥2,100.00' }).waitFor();
    await shot(page, 'customers-zh');
    await page.getByRole('link', { name: '等级规则模拟' }).click();
    await page.getByRole('heading', { name: '等级规则模拟' }).waitFor();
    await shot(page, 'what-if-zh');
    await page.getByRole('link', { name: '导入', exact: true }).click();
    await page.getByRole('heading', { name: '导入历史数据' }).waitFor();
    // A rejected row's reason in Chinese: the column at fault in the reader's words, the server's own text beneath.
    const file = [
      'customer_ref,kind,order_id,refund_id,occurred_at,amount,currency,channel,region,items,name,phone,email,birth_date',
      'IMP-ZH-1,purchase,IMP-ZH-O1,,2024-05-02,88.00,CNY,web,浙江,,钱先生,,,',
      'IMP-ZH-2,purchase,IMP-ZH-O2,,2024-05-02,-1.00,CNY,,,,,,,',
      'IMP-ZH-1,refund,IMP-ZH-O1,IMP-ZH-R1,2024-05-03,99.00,CNY,,,,,,,',
    ].join('\n');
    await page.getByLabel('CSV 文件').setInputFiles({ name: 'history.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
    await page.getByRole('button', { name: '上传并导入' }).click();
    const rejects = page.getByRole('table', { name: '被拒绝的行' });
    await rejects.getByText(/^金额：不能为负/).waitFor();
    await rejects.getByText('退款金额超过该订单的剩余金额。').waitFor();
    await shot(page, 'import-zh');
    await page.getByRole('link', { name: '关怀与投诉' }).click();
    await page.getByRole('heading', { name: /待发送的购后问候/ }).waitFor();
    await shot(page, 'care-zh');
    // Switched to English, it stays English for this user after a reload.
    await page.getByRole('combobox', { name: '语言' }).selectOption('en');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await context.close();
  }, 120_000);

  it('a manager builds a segment in the form with its live preview and diff, publishes it, then drafts, backtests and launches a campaign on it', async () => {
    const zj = await http(app)
      .post(`${API}/customers`)
      .send({ customerRef: 'C-ZJ', name: 'Zhou Jie', phone: '13800001111', region: { province: 'Zhejiang', city: 'Ningbo' }, occurredAt: '2024-01-05T09:00:00+08:00' })
      .expect(201);
    await http(app).put(`${API}/customers/${zj.body.customerId}/consent`).send({ sms: true }).expect(200);
    const last = await http(app)
      .post(`${API}/customers/${zj.body.customerId}/purchases`)
      .send(purchaseBody('O-ZJ-1', '300.00', { occurredAt: '2024-05-01T10:00:00+08:00' }))
      .expect(201);
    await http(app).get(`${API}/customers?limit=1&waitFor=${last.body.position}`).expect(200);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('dialog', (dialog) => void dialog.accept());
    await signIn(page, 'manager.mo');
    await page.getByRole('link', { name: 'Segments' }).click();
    await page.getByRole('button', { name: 'New segment' }).click();
    await page.getByLabel('Id').fill('zhejiang');
    await page.getByLabel('Name').fill('Zhejiang buyers');
    const first = page.getByRole('group', { name: 'Condition 1' });
    await first.getByLabel('Field').selectOption('region.province');
    await first.getByLabel('Operator').selectOption('=');
    await first.getByLabel('Value').fill('Zhejiang');
    await page.getByRole('status').getByText('2 customers meet it today.').waitFor();
    await page.getByText('The definition as JSON').click();
    await page.getByText('"field": "region.province"').waitFor();
    await shot(page, 'segment-builder');
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByRole('heading', { name: /Zhejiang buyers/ }).waitFor();
    await page.getByRole('heading', { name: 'Size over time' }).waitFor();
    await page.getByRole('region', { name: 'Members' }).getByRole('link').nth(1).waitFor();
    await expect(page.getByRole('region', { name: 'Members' }).getByRole('link').count()).resolves.toBe(2);
    await shot(page, 'segment');
    // The next version, previewed against the published one: with 10 purchases or more, both would leave.
    await page.getByRole('button', { name: 'Edit (next version)' }).click();
    await page.getByRole('button', { name: 'Add a condition' }).click();
    const second = page.getByRole('group', { name: 'Condition 2' });
    await second.getByLabel('Field').selectOption('purchaseCount');
    await second.getByLabel('Operator').selectOption('>=');
    await second.getByLabel('Value').fill('10');
    await page.getByRole('status').getByText('Against version 1: 0 would enter, 2 would leave.').waitFor();

    await page.getByRole('link', { name: 'Campaigns' }).click();
    await page.getByLabel('Id').fill('zj-june');
    await page.getByLabel('Name').fill('June coupon');
    await page.getByLabel('Segment').selectOption('zhejiang');
    await page.getByLabel('Offer').fill('50 off 300');
    await page.getByLabel('Send at').fill('2024-06-01T10:00');
    await page.getByLabel('Holdout (%)').fill('0');
    await page.getByRole('button', { name: 'Create the draft' }).click();
    await page.getByRole('heading', { name: /June coupon/ }).waitFor();
    await page.getByRole('button', { name: 'Backtest' }).click();
    // Consent recorded today did not exist on 2024-06-01: the backtest excludes both.
    await page.getByText('Audience 2: 0 contacted, 0 held out. 2 excluded (no consent)').waitFor();
    await page.getByRole('button', { name: 'Launch' }).click();
    await page.getByRole('heading', { name: 'Results' }).waitFor();
    await page.getByText('Audience 2: 1 contacted, 0 held out. 1 excluded (no consent)').waitFor();
    await shot(page, 'campaign');
    const campaign = await http(app).get(`${API}/campaigns/zj-june`).expect(200);
    expect(campaign.body.launch).toMatchObject({ audience: 2, contacted: 1, heldOut: 0, excluded: { ConsentMissing: 1 } });
    await page.close();
  }, 120_000);

  it('is served at / with a strict content security policy; nothing else is read from disk', async () => {
    const page = await fetch(base);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(await page.text())?.[1];
    const asset = new URL(script ?? '/missing', base);
    expect((await fetch(asset)).headers.get('cache-control')).toContain('immutable');
    // Compressed for browsers that take it, the same bytes once decoded; whole for those that do not.
    const plain = await fetch(asset, { headers: { 'accept-encoding': 'identity' } });
    const whole = Buffer.from(await plain.arrayBuffer());
    expect([plain.headers.get('content-encoding'), plain.headers.get('vary')]).toEqual([null, 'Accept-Encoding']);
    const brotli = await fetch(asset, { headers: { 'accept-encoding': 'gzip, br' } });
    expect(brotli.headers.get('content-encoding')).toBe('br');
    expect(Buffer.from(await brotli.arrayBuffer()).equals(whole)).toBe(true);
    expect(Number(brotli.headers.get('content-length'))).toBeLessThan(whole.length / 3);
    for (const icon of ['favicon.ico', 'favicon.svg']) {
      const res = await fetch(new URL(icon, base));
      expect([res.status, res.headers.get('content-type')]).toEqual([200, 'image/svg+xml; charset=utf-8']);
    }
    for (const probe of ['assets/..%2f..%2fpackage.json', 'assets/%2e%2e/index.html', 'index.html', 'package.json', 'assets/nope.js']) {
      const res = await fetch(new URL(probe, base));
      expect([401, 404]).toContain(res.status);
    }
  });
});
