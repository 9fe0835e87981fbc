// `crm import` on a real database: rows streamed and checked, customers
// registered on the fly, each customer's rows of a batch in one append, a
// refused row rejected alone while the others go in, and importing again
// changes nothing.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { INestApplicationContext } from '@nestjs/common';
import { SQL_CLIENT, SqlClient } from '@crm/database';
import { customerIdForRef, CustomerCommandsService } from '@crm/customers';
import { ImportFileError, parseColumnMap, readImportRows, ReadItem } from '@crm/imports';
import { EVENT_STORE, EventStore } from '@crm/event-store';
import { AppConfig, loadConfig } from '@crm/shared';
import { testDatabases } from '../../../test/support/test-databases';
import { openCliContext } from './cli-context';
import { ImportArgs, runImport } from './import-history';

const config = loadConfig({ SHOP_TIMEZONE: 'Asia/Shanghai' });
const HEADER = 'customer_ref,kind,order_id,refund_id,occurred_at,amount,currency,channel,region,items';
const file = (lines: string[], header = HEADER) => {
  const p = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'crm-import-')), 'history.csv');
  fs.writeFileSync(p, [header, ...lines].join('\r\n'));
  return p;
};
const read = async (text: string, map?: string) => {
  const items: ReadItem[] = [];
  for await (const item of readImportRows(Readable.from([text]), { shopCurrency: config.shopCurrency, map: parseColumnMap(map) })) items.push(item);
  return items;
};
const rejected = (items: ReadItem[]) => items.flatMap((i) => ('rejected' in i ? [`line ${i.rejected.line}: ${i.rejected.reason}`] : []));

describe('reading an import file', () => {
  it('parses RFC 4180 with csv-parse: quoted commas, doubled quotes, line breaks inside quotes, a BOM; lines are where rows start', async () => {
    const items = await read(
      `\ufeff${HEADER}\r\nC1,purchase,"O,1",,2024-01-01T10:00:00+08:00,10.00,CNY,,"say ""hi""\nthere",\nC2,purchase,O2,,2024-01-01T10:00:00+08:00,1.00,CNY,,,\n`,
    );
    expect(rejected(items)).toEqual(['line 2: order_id must be a key']);
    expect(items[1]).toMatchObject({ row: { line: 4, customerRef: 'C2' } });
  });

  it('rejects every bad row with its line and reason, and reads on', async () => {
    const text = [
      HEADER,
      'C1,purchase,O1,,2024-01-01T10:00:00+08:00,10.00,CNY,,,',
      'C1,gift,O2,,2024-01-01T10:00:00+08:00,10.00,CNY,,,',
      'C2,purchase,,,2024-01-01T10:00:00+08:00,10.00,CNY,,,',
      'C3,purchase,O3,,yesterday,10.00,CNY,,,',
      'C4,purchase,O4,,2024-01-01T10:00:00+08:00,10.001,CNY,,,',
      'C5,refund,,R1,2024-01-01T10:00:00+08:00,0.00,CNY,,,',
      'C7,purchase,O7,,2024-01-01T10:00:00+08:00,1.00,USD,,,',
      'C8,purchase,O8,,2024-01-01T10:00:00+08:00,1.00,CNY,,,"[{""sku"":""A"",""quantity"":0,""unitPrice"":""1.00""}]"',
      'C9,purchase,O9,,2024-01-01T10:00:00+08:00,1.00,CNY',
      'C10,purchase,O10,,2024-01-01T10:00:00+08:00,1.00,CNY,,12" PIZZA,',
      '__proto__,purchase,O11,,9999-12-31T10:00:00+08:00,1.00,CNY,,,',
      'C12,purchase,O12,,2024-01-01T10:00:00+08:00,1.00,CNY,,,',
      'C13,purchase,"O13,,2024-01-01T10:00:00+08:00,1.00,CNY,,,',
      'C14,purchase,O14,,2024-01-01T10:00:00+08:00,1.00,CNY,,,',
    ].join('\n');
    const items = await read(text);
    // csv-parse reads ahead: a record it cannot read may be told before the rows above it.
    const byLine = (a: string, b: string) => Number(a.split(' ')[1].replace(':', '')) - Number(b.split(' ')[1].replace(':', ''));
    expect(rejected(items).sort(byLine)).toEqual([
      'line 3: kind must be purchase or refund',
      'line 4: a purchase needs an order_id',
      "line 5: occurred_at must be an ISO 8601 date-time with an offset, e.g. 2024-05-31T10:00:00+08:00, or a date, e.g. 2024-05-31 (the shop's day)",
      'line 6: amount must have at most 2 decimals for CNY, got "10.001"',
      'line 7: a refund is above 0',
      'line 8: currency must be the shop currency CNY',
      'line 9: items[0].quantity must be a whole number 1-100000',
      'line 10: expected 10 fields, found 7',
      'line 12: customer_ref must be a key (letters, digits, - _ . : / # @)',
      // An unclosed quote takes the rest of the file with it; the line is where the file ends.
      'line 15: a quoted field is not closed before the end of the file',
    ]);
    expect(items.filter((i) => 'row' in i).map((i) => ('row' in i ? i.row.customerRef : ''))).toEqual(['C1', 'C10', 'C12']);
  });

  it('maps headers that differ (--map), leaves other columns out, and refuses a header without a required column', async () => {
    const items = await read(
      'CustomerID,Type,InvoiceNo,RefundNo,InvoiceDate,Total,Currency,Description\nU1,purchase,536365,,2010-12-01T08:26:00+00:00,15.30,CNY,WHITE HANGING HEART\n',
      'customer_ref=CustomerID,kind=Type,order_id=InvoiceNo,refund_id=RefundNo,occurred_at=InvoiceDate,amount=Total,currency=Currency',
    );
    expect(items).toEqual([{ row: expect.objectContaining({ line: 2, customerRef: 'U1', input: { purchase: expect.objectContaining({ orderId: '536365', amount: '15.30' }) } }) }]);
    await expect(read('customer_ref,amount\nC1,1')).rejects.toThrow(/lacks kind, occurred_at, currency/);
    await expect(read('')).rejects.toThrow(ImportFileError);
    expect(() => parseColumnMap('customer=CustomerID')).toThrow(ImportFileError);
  });
});

for (const database of testDatabases()) {
  describe(`crm import on ${database.name}`, () => {
    let sql: SqlClient;
    let store: EventStore;
    let customers: CustomerCommandsService;
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
      customers = app.get(CustomerCommandsService);
    });
    afterAll(async () => {
      await app?.close();
      await dispose?.();
    });
    const count = async () => Number((await sql.query<{ n: string }>('SELECT count(*)::text AS n FROM crm_events'))[0].n);

    const imp = (history: string, options: Partial<ImportArgs> = {}) => runImport(customers, dbConfig, { file: history, allOrNothing: false, ...options });
    const counts = ({ rows, imported, rejected, registered, eventsWritten }: { rows: number; imported: number; rejected: number; registered: number; eventsWritten: number }) => ({
      rows,
      imported,
      rejected,
      registered,
      eventsWritten,
    });

    it('registers unknown refs, records purchases and refunds in business time, and a second import changes nothing', async () => {
      const history = file([
        // A refund listed before its purchase: rows are taken in business-time order.
        'IMP-1,refund,IMP-O1,IMP-R1,2024-02-01T10:00:00+08:00,50.00,CNY,,,',
        'IMP-1,purchase,IMP-O1,,2024-01-05T10:00:00+08:00,300.00,CNY,tmall,浙江,"[{""sku"":""DRESS-1"",""category"":""dresses"",""quantity"":2,""unitPrice"":""150.00""}]"',
        'IMP-2,purchase,IMP-O2,,2023-12-31T23:30:00+08:00,0.00,CNY,,,',
        'IMP-2,refund,,IMP-R2,2024-01-02T10:00:00+08:00,20.00,CNY,,,',
      ]);
      const first = await imp(history);
      expect(counts(first)).toEqual({ rows: 4, imported: 4, rejected: 0, registered: 2, eventsWritten: 6 });
      expect(first.written).toBe(true);
      const events = await store.readStream(`customer-${customerIdForRef('IMP-1')}`);
      expect(events.map((e) => [e.type, (e.data as { occurredAt: string }).occurredAt, e.metadata.source])).toEqual([
        ['CustomerRegistered', '2024-01-05T02:00:00.000Z', 'import'],
        ['PurchaseRecorded', '2024-01-05T02:00:00.000Z', 'import'],
        ['RefundRecorded', '2024-02-01T02:00:00.000Z', 'import'],
      ]);
      expect(events[0].data).toMatchObject({ customerRef: 'IMP-1', profile: { region: { province: '浙江' } } });
      expect(events[1].data).toMatchObject({ amountMinor: 300_00, channel: 'tmall', items: [{ sku: 'DRESS-1', category: 'dresses', quantity: 2, unitPriceScaled: 150_00_0000 }] });

      const before = await count();
      expect(counts(await imp(history))).toEqual({ rows: 4, imported: 4, rejected: 0, registered: 0, eventsWritten: 0 });
      expect(await count()).toBe(before);
    });

    it('a row a rule refuses is rejected with its line and reason; every other row goes in, the rejects file lists it', async () => {
      const before = await count();
      const rejects = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'crm-rejects-')), 'rejects.csv');
      const result = await imp(
        file([
          'IMP-3,purchase,IMP-O3,,2024-01-05T10:00:00+08:00,100.00,CNY,,,',
          'IMP-3,refund,IMP-O3,IMP-R3,2024-01-06T10:00:00+08:00,150.00,CNY,,,',
          'IMP-3,purchase,IMP-O3B,,2024-01-07T10:00:00+08:00,10.00,CNY,,,',
          'IMP-4,purchase,IMP-O4,,2024-01-05T10:00:00+08:00,100.00,CNY,,,',
          // An order already recorded for another customer.
          'IMP-5,purchase,IMP-O1,,2024-01-05T10:00:00+08:00,300.00,CNY,,,',
          'IMP-5,purchase,IMP-O5,,2024-01-06T10:00:00+08:00,30.00,CNY,,,',
          'IMP-6,purchase,IMP-O6,,2024-01-05T10:00:00+08:00,bad,CNY,,,',
        ]),
        { rejects },
      );
      expect(counts(result)).toEqual({ rows: 7, imported: 4, rejected: 3, registered: 3, eventsWritten: 7 });
      expect(await count()).toBe(before + 7);
      expect(fs.readFileSync(rejects, 'utf8').split('\n')).toEqual([
        'line,customer_ref,code,reason',
        expect.stringMatching(/^8,IMP-6,InvalidRow,"amount must be a decimal string such as ""199.00"", got ""bad"""$/),
        expect.stringMatching(/^3,IMP-3,RefundExceedsOrder,/),
        expect.stringMatching(/^6,IMP-5,RecordedForAnotherCustomer,/),
        '',
      ]);
      expect((await store.readStream(`customer-${customerIdForRef('IMP-3')}`)).map((e) => e.type)).toEqual(['CustomerRegistered', 'PurchaseRecorded', 'PurchaseRecorded']);
    });

    it('--all-or-nothing: one bad row and nothing is written, every bad row listed', async () => {
      const before = await count();
      const result = await imp(
        file([
          'IMP-7,purchase,IMP-O7,,2024-01-05T10:00:00+08:00,100.00,CNY,,,',
          'IMP-8,purchase,IMP-O8,,2024-01-35,100.00,CNY,,,',
          'IMP-9,gift,IMP-O9,,2024-01-05T10:00:00+08:00,1.00,CNY,,,',
        ]),
        { allOrNothing: true },
      );
      expect(result).toMatchObject({ written: false, rejected: 2, rows: 3 });
      expect(result.rejectsShown.map((r) => r.line)).toEqual([3, 4]);
      expect(await count()).toBe(before);
    });

    it('a refund listed 2,100 rows before its order is imported after it', async () => {
      const lines = ['IMP-10,refund,IMP-O10,IMP-R10,2024-03-01T10:00:00+08:00,5.00,CNY,,,'];
      for (let i = 0; i < 2_100; i++) lines.push(`IMP-F${i},purchase,IMP-OF${i},,2024-01-05T10:00:00+08:00,1.00,CNY,,,`);
      lines.push('IMP-10,purchase,IMP-O10,,2024-01-05T10:00:00+08:00,50.00,CNY,,,');
      const result = await imp(file(lines));
      expect(counts(result)).toMatchObject({ rows: 2_102, imported: 2_102, rejected: 0 });
      expect((await store.readStream(`customer-${customerIdForRef('IMP-10')}`)).map((e) => e.type)).toEqual(['CustomerRegistered', 'PurchaseRecorded', 'RefundRecorded']);
    });

    it("takes a real shop's rows: categories with punctuation and a wholesale unit price below a penny", async () => {
      const result = await imp(
        file([
          'UCI-17850,purchase,536365,,2010-12-01T08:26:00+00:00,15.30,CNY,,United Kingdom,"[{""sku"":""85123A"",""category"":""T-LIGHT & CANDLE"",""quantity"":6,""unitPrice"":""2.55""},{""sku"":""22633"",""category"":""CARD,"",""quantity"":1000,""unitPrice"":""0.001""},{""sku"":""84029E"",""category"":""BABY\'S"",""quantity"":1,""unitPrice"":""0.0000""}]"',
        ]),
      );
      expect(result).toMatchObject({ rows: 1, registered: 1, rejected: 0 });
      const [, purchase] = await store.readStream(`customer-${customerIdForRef('UCI-17850')}`);
      expect((purchase.data as { items: unknown[] }).items).toEqual([
        { sku: '85123A', category: 'T-LIGHT & CANDLE', quantity: 6, unitPriceScaled: 2_55_0000 },
        { sku: '22633', category: 'CARD,', quantity: 1000, unitPriceScaled: 1000 },
        { sku: '84029E', category: "BABY'S", quantity: 1, unitPriceScaled: 0 },
      ]);
    });
  });
}
