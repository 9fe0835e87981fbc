// `crm import` on a real database: the file is checked whole, customers are
// registered on the fly, each customer's rows land in one append, refusals
// are reported per customer, and importing again changes nothing.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { SQL_CLIENT, SqlClient } from '@crm/database';
import { customerIdForRef, CustomersService } from '@crm/customers';
import { EVENT_STORE, EventStore } from '@crm/event-store';
import { AppConfig, loadConfig } from '@crm/shared';
import { testDatabases } from '../../../test/support/test-databases';
import { openCliContext } from './cli-context';
import { importHistory, ImportFileError, parseCsv, readImportFile } from './import-history';

const config = loadConfig({ SHOP_TIMEZONE: 'Asia/Shanghai' });
const HEADER = 'customer_ref,kind,order_id,refund_id,occurred_at,amount,currency,channel,region,items';
const file = (lines: string[]) => {
  const p = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'crm-import-')), 'history.csv');
  fs.writeFileSync(p, [HEADER, ...lines].join('\r\n'));
  return p;
};

describe('reading an import file', () => {
  it('parses RFC 4180: quoted commas, doubled quotes, line breaks inside quotes, a BOM', () => {
    expect(parseCsv('\ufeffa,b\r\n"x,1","say ""hi""\nthere"\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x,1', 'say "hi"\nthere'] },
    ]);
  });

  it('lists every bad row with its line, and refuses the whole file', () => {
    const text = [
      HEADER,
      'C1,purchase,O1,,2024-01-01T10:00:00+08:00,10.00,CNY,,,',
      'C1,gift,O2,,2024-01-01T10:00:00+08:00,10.00,CNY,,,',
      'C2,purchase,,,2024-01-01T10:00:00+08:00,10.00,CNY,,,',
      'C3,purchase,O3,,yesterday,10.00,CNY,,,',
      'C4,purchase,O4,,2024-01-01T10:00:00+08:00,10.001,CNY,,,',
      'C5,refund,,R1,2024-01-01T10:00:00+08:00,0.00,CNY,,,',
      'C6,purchase,O1,,2024-01-01T10:00:00+08:00,1.00,CNY,,,',
      'C7,purchase,O7,,2024-01-01T10:00:00+08:00,1.00,USD,,,',
      'C8,purchase,O8,,2024-01-01T10:00:00+08:00,1.00,CNY,,,"[{""sku"":""A"",""quantity"":0,""unitPrice"":""1.00""}]"',
    ].join('\n');
    let message = '';
    try {
      readImportFile(text, config);
    } catch (error) {
      expect(error).toBeInstanceOf(ImportFileError);
      message = (error as Error).message;
    }
    expect(message.split('\n').slice(1)).toEqual([
      'line 3: kind must be purchase or refund',
      'line 4: a purchase needs an order_id',
      'line 5: occurred_at must be an ISO 8601 date-time with an offset, e.g. 2024-05-31T10:00:00+08:00',
      'line 6: amount must be a decimal string with at most 2 decimals for CNY, got "10.001"',
      'line 7: a refund is above 0',
      'line 8: order_id also on line 2',
      'line 9: currency must be the shop currency CNY',
      'line 10: items[0].quantity must be a whole number 1-100000',
    ]);
    expect(() => readImportFile('customer_ref,amount\nC1,1', config)).toThrow('missing kind, occurred_at, currency');
  });
});

for (const database of testDatabases()) {
  describe(`crm import on ${database.name}`, () => {
    let sql: SqlClient;
    let store: EventStore;
    let customers: CustomersService;
    let app: INestApplicationContext;
    let dispose: () => Promise<void>;
    let dbConfig: AppConfig;
    beforeAll(async () => {
      const opened = await database.open();
      dispose = opened.dispose;
      await opened.sql.close();
      // The CLI's own application context on this database: the API's command path.
      dbConfig = loadConfig({ SHOP_TIMEZONE: 'Asia/Shanghai', LOG_LEVEL: 'error', DATABASE_URL: opened.url, DATA_DIR: opened.dataDir });
      app = await openCliContext(dbConfig);
      sql = app.get(SQL_CLIENT);
      store = app.get(EVENT_STORE);
      customers = app.get(CustomersService);
    });
    afterAll(async () => {
      await app?.close();
      await dispose?.();
    });
    const count = async () => Number((await sql.query<{ n: string }>('SELECT count(*)::text AS n FROM crm_events'))[0].n);

    it('registers unknown refs, records purchases and refunds in business time, and a second import changes nothing', async () => {
      const history = file([
        // A refund listed before its purchase: rows are taken in business-time order.
        'IMP-1,refund,IMP-O1,IMP-R1,2024-02-01T10:00:00+08:00,50.00,CNY,,,',
        'IMP-1,purchase,IMP-O1,,2024-01-05T10:00:00+08:00,300.00,CNY,tmall,浙江,"[{""sku"":""DRESS-1"",""category"":""dresses"",""quantity"":2,""unitPrice"":""150.00""}]"',
        'IMP-2,purchase,IMP-O2,,2023-12-31T23:30:00+08:00,0.00,CNY,,,',
        'IMP-2,refund,,IMP-R2,2024-01-02T10:00:00+08:00,20.00,CNY,,,',
      ]);
      const first = await importHistory(customers, dbConfig, history);
      expect(first).toEqual({ rows: 4, customers: 2, registered: 2, eventsWritten: 6, refused: [] });
      const events = await store.readStream(`customer-${customerIdForRef('IMP-1')}`);
      expect(events.map((e) => [e.type, (e.data as { occurredAt: string }).occurredAt, e.metadata.source])).toEqual([
        ['CustomerRegistered', '2024-01-05T02:00:00.000Z', 'import'],
        ['PurchaseRecorded', '2024-01-05T02:00:00.000Z', 'import'],
        ['RefundRecorded', '2024-02-01T02:00:00.000Z', 'import'],
      ]);
      expect(events[0].data).toMatchObject({ customerRef: 'IMP-1', profile: { region: { province: '浙江' } } });
      expect(events[1].data).toMatchObject({ amountMinor: 300_00, channel: 'tmall', items: [{ sku: 'DRESS-1', category: 'dresses', quantity: 2, unitPriceScaled: 150_00_0000 }] });

      const before = await count();
      expect(await importHistory(customers, dbConfig, history)).toEqual({ rows: 4, customers: 2, registered: 0, eventsWritten: 0, refused: [] });
      expect(await count()).toBe(before);
    });

    it('a customer whose rows a rule refuses is reported with the line, and nothing of theirs is written; the others are', async () => {
      const before = await count();
      const result = await importHistory(
        customers,
        dbConfig,
        file([
          'IMP-3,purchase,IMP-O3,,2024-01-05T10:00:00+08:00,100.00,CNY,,,',
          'IMP-3,refund,IMP-O3,IMP-R3,2024-01-06T10:00:00+08:00,150.00,CNY,,,',
          'IMP-4,purchase,IMP-O4,,2024-01-05T10:00:00+08:00,100.00,CNY,,,',
          // An order already recorded for another customer.
          'IMP-5,purchase,IMP-O1,,2024-01-05T10:00:00+08:00,300.00,CNY,,,',
        ]),
      );
      expect(result.refused).toEqual([
        { customerRef: 'IMP-3', line: 3, code: 'RefundExceedsOrder', message: expect.stringContaining('exceeds') },
        { customerRef: 'IMP-5', line: 5, code: 'RecordedForAnotherCustomer', message: expect.any(String) },
      ]);
      expect(result.eventsWritten).toBe(2);
      expect(await count()).toBe(before + 2);
      expect(await store.readStream(`customer-${customerIdForRef('IMP-3')}`)).toEqual([]);
    });

    it("takes a real shop's rows: categories with punctuation and a wholesale unit price below a penny", async () => {
      const result = await importHistory(
        customers,
        dbConfig,
        file([
          'UCI-17850,purchase,536365,,2010-12-01T08:26:00+00:00,15.30,CNY,,United Kingdom,"[{""sku"":""85123A"",""category"":""T-LIGHT & CANDLE"",""quantity"":6,""unitPrice"":""2.55""},{""sku"":""22633"",""category"":""CARD,"",""quantity"":1000,""unitPrice"":""0.001""},{""sku"":""84029E"",""category"":""BABY\'S"",""quantity"":1,""unitPrice"":""0.0000""}]"',
        ]),
      );
      expect(result).toMatchObject({ rows: 1, registered: 1, refused: [] });
      const [, purchase] = await store.readStream(`customer-${customerIdForRef('UCI-17850')}`);
      expect((purchase.data as { items: unknown[] }).items).toEqual([
        { sku: '85123A', category: 'T-LIGHT & CANDLE', quantity: 6, unitPriceScaled: 2_55_0000 },
        { sku: '22633', category: 'CARD,', quantity: 1000, unitPriceScaled: 1000 },
        { sku: '84029E', category: "BABY'S", quantity: 1, unitPriceScaled: 0 },
      ]);
    });
  });
}
