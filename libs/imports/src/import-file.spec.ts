// The import layout's occurred_at: a date-time with its offset, or a date read in the shop's time zone.
import { checkRow, IMPORT_COLUMNS, ImportColumn } from './import-file';

const index = new Map<ImportColumn, number>(IMPORT_COLUMNS.map((c, i) => [c, i]));
const row = (occurredAt: string, profile: string[] = ['', '', '', '']) => ['C-1', 'purchase', 'O-1', '', occurredAt, '10.00', 'CNY', '', '', '', ...profile];

describe('checkRow occurred_at', () => {
  it('given a date alone and a shop in Asia/Shanghai, when the row is checked, then it is the start of that day there', () => {
    const checked = checkRow(row('2024-05-31'), 2, index, 'CNY', 'Asia/Shanghai');
    expect(checked.occurredAt.toISOString()).toBe('2024-05-30T16:00:00.000Z');
    expect(checked.input).toEqual({ purchase: expect.objectContaining({ occurredAt: '2024-05-30T16:00:00.000Z' }) });
  });

  it('given a date-time with its offset, when the row is checked, then it goes on as written', () => {
    const checked = checkRow(row('2024-05-31T10:00:00+08:00'), 2, index, 'CNY', 'Asia/Shanghai');
    expect(checked.occurredAt.toISOString()).toBe('2024-05-31T02:00:00.000Z');
    expect(checked.input).toEqual({ purchase: expect.objectContaining({ occurredAt: '2024-05-31T10:00:00+08:00' }) });
  });

  it('given a date that is not in the calendar, when the row is checked, then it is refused with the forms it takes', () => {
    expect(() => checkRow(row('2024-02-30'), 2, index, 'CNY', 'Asia/Shanghai')).toThrow(/or a date, e\.g\. 2024-05-31/);
  });

  it('given a date alone and no shop time zone, when the row is checked, then it is refused', () => {
    expect(() => checkRow(row('2024-05-31'), 2, index, 'CNY')).toThrow(/occurred_at must be/);
  });
});

describe('checkRow profile columns', () => {
  it('given a name in Chinese, a phone, an email and a birth date, when the row is checked, then they are its profile', () => {
    const checked = checkRow(row('2024-05-31', ['林小姐', '+86 138 0000 0000', 'lin@example.com', '1990-04-12']), 2, index, 'CNY', 'Asia/Shanghai');
    expect(checked.profile).toEqual({ name: '林小姐', phone: '+86 138 0000 0000', email: 'lin@example.com', birthDate: '1990-04-12' });
  });

  it('given no profile columns filled, when the row is checked, then it has no profile', () => {
    expect(checkRow(row('2024-05-31'), 2, index, 'CNY', 'Asia/Shanghai').profile).toBeUndefined();
  });

  it.each([
    [['', '', 'not-an-email', ''], /^email: /],
    [['', '12', '', ''], /^phone: phone must be 5-20 digits/],
    [['', '', '', '1990-02-30'], /^birth_date: /],
    [['a\u0000b', '', '', ''], /^name: /],
  ])('given the profile columns %j, when the row is checked, then it is refused naming the column', (profile, reason) => {
    expect(() =>
      checkRow(
        row(
          '2024-05-31',
          profile.map((v) => v.replace('\\u0000', '\u0000')),
        ),
        2,
        index,
        'CNY',
        'Asia/Shanghai',
      ),
    ).toThrow(reason);
  });
});

describe('the sample file in docs/examples', () => {
  it('given the shipped sample, when it is read, then every row is accepted', async () => {
    const { createReadStream } = await import('node:fs');
    const { readImportRows } = await import('./import-file');
    const items = [];
    for await (const item of readImportRows(createReadStream(`${__dirname}/../../../docs/examples/import-sample.csv`), { shopCurrency: 'CNY', shopTimeZone: 'Asia/Shanghai' }))
      items.push(item);
    expect(items.filter((i) => 'rejected' in i)).toEqual([]);
    expect(items).toHaveLength(5);
  });
});

describe('checkRow names the column at fault', () => {
  const at = (column: ImportColumn, value: string) => {
    const fields = row('2024-05-31');
    fields[IMPORT_COLUMNS.indexOf(column)] = value;
    return fields;
  };
  it.each([
    ['customer_ref', at('customer_ref', 'a b!')],
    ['kind', at('kind', 'gift')],
    ['occurred_at', at('occurred_at', 'yesterday')],
    ['currency', at('currency', 'USD')],
    ['amount', at('amount', '10.005')],
    ['amount', at('amount', '-5')],
    ['order_id', at('order_id', '')],
    ['channel', at('channel', 'we chat!')],
    ['region', at('region', 'x'.repeat(51))],
    ['items', at('items', '[{"sku":"A","quantity":0,"unitPrice":"1.00"}]')],
    ['items', at('items', '[{"sku":"A","quantity":1,"unitPrice":"abc"}]')],
    ['birth_date', at('birth_date', '1990-02-30')],
  ] as const)('given a bad %s, when the row is checked, then the error names that column', (column, fields) => {
    expect(() => checkRow(fields, 2, index, 'CNY', 'Asia/Shanghai')).toThrow(expect.objectContaining({ field: column }));
  });
});
