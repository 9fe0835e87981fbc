// The command line's export and replay on a real database: the CSV holds
// every customer the list holds, and the replay tallies every customer.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqlClient } from '@crm/database';
import { SqlEventStore } from '@crm/event-store/adapters';
import { loadConfig } from '@crm/shared';
import { DEFAULT_RULE_SET } from '@crm/tiers';
import { testDatabases } from '../../../test/support/test-databases';
import { appendHistory } from '../../../test/support/history';
import { exportCustomers, parseExportArgs } from './export-customers';
import { parseReplayArgs, replayRules } from './replay-rules';

const config = loadConfig({});

for (const database of testDatabases()) {
  describe(`crm export and replay on ${database.name}`, () => {
    let sql: SqlClient;
    let store: SqlEventStore;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      ({ sql, dispose } = await database.open());
      store = new SqlEventStore(sql);
      await appendHistory(store, 120, 11);
    });
    afterAll(async () => dispose?.());

    it("exports every customer as of a date, one CSV row each, with the list's fields; filters narrow it", async () => {
      const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'crm-export-')), 'all.csv');
      const count = await exportCustomers(store, sql, config, parseExportArgs(['customers', '--as-of', '2025-12-31', '--out', out], config));
      const lines = fs
        .readFileSync(out, 'utf8')
        .split('\r\n')
        .filter((l) => l !== '');
      expect(lines[0]).toBe(
        'id,customer_ref,name,province,city,tags,tier,lifecycle,net_spend,purchase_count,first_purchase_at,last_purchase_at,consent_sms,consent_email,consent_phone,consent_wechat',
      );
      expect(count).toBe(120);
      expect(lines).toHaveLength(121);
      const [row] = await sql.query<{ n: string }>('SELECT count(*)::text AS n FROM rm_customers');
      expect(Number(row.n)).toBe(120);

      const lost = path.join(path.dirname(out), 'lost.csv');
      const lostCount = await exportCustomers(store, sql, config, parseExportArgs(['customers', '--as-of', '2025-12-31', '--lifecycle', 'LOST', '--out', lost], config));
      const lostLines = fs
        .readFileSync(lost, 'utf8')
        .split('\r\n')
        .filter((l) => l !== '')
        .slice(1);
      expect(lostLines).toHaveLength(lostCount);
      expect(lostLines.every((l) => l.split(',')[7] === 'LOST')).toBe(true);
    });

    it('replays a candidate rule set from a file over every customer, writing nothing', async () => {
      const [before] = await sql.query<{ n: string }>('SELECT count(*)::text AS n FROM crm_events');
      const rules = JSON.stringify({
        ...DEFAULT_RULE_SET,
        id: 'cheap',
        tiers: [
          { code: 'NORMAL', threshold: '0' },
          { code: 'VIP', threshold: '1' },
        ],
      });
      const options = parseReplayArgs(['--rules', 'rules.json', '--as-of', '2025-12-31', '--movers', '5'], config, () => rules);
      const result = await replayRules(store, sql, config, options);
      expect(result.customers).toBe(120);
      expect(
        Object.values(result.matrix)
          .flatMap((to) => Object.values(to))
          .reduce((a, b) => a + b, 0),
      ).toBe(120);
      expect(result.movers.length).toBeLessThanOrEqual(5);
      expect(result.upgraded + result.downgraded + result.across + result.unchanged).toBe(120);
      // SUPREME is not in the candidate: those customers move down to VIP; everyone else stays or moves up.
      expect(result.downgraded).toBe(result.matrix.SUPREME?.VIP ?? 0);
      const [after] = await sql.query<{ n: string }>('SELECT count(*)::text AS n FROM crm_events');
      expect(after.n).toBe(before.n);
    });

    it('refuses unsound rules and bad options with a usage error', () => {
      const read = (body: string) => () => body;
      expect(() => parseReplayArgs([], config)).toThrow('usage');
      expect(() => parseReplayArgs(['--rules', 'x'], config, read('{'))).toThrow('cannot read rules');
      expect(() => parseReplayArgs(['--rules', 'x'], config, read('{"tiers":[{"code":"VIP","threshold":"5"}]}'))).toThrow('not sound');
      expect(() => parseReplayArgs(['--rules', 'x', '--as-of', '2024-13-01'], config, read('{"tiers":[{"code":"NORMAL","threshold":"0"}]}'))).toThrow('--as-of');
      expect(() => parseReplayArgs(['--rules', 'x', '--basis', 'y'], config, read('{}'))).toThrow('unknown option');
    });
  });
}
