// The import layout's occurred_at: a date-time with its offset, or a date read in the shop's time zone.
import { checkRow, IMPORT_COLUMNS, ImportColumn } from './import-file';

const index = new Map<ImportColumn, number>(IMPORT_COLUMNS.map((c, i) => [c, i]));
const row = (occurredAt: string) => ['C-1', 'purchase', 'O-1', '', occurredAt, '10.00', 'CNY', '', '', ''];

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
