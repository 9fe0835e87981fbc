import { addDays, daysBetween, minusMonths, monthsAfter, parseInstant, shopDate, shopMonth, startOfShopDay } from './shop-calendar';

describe('the shop calendar', () => {
  it.each([
    ['2024-05-31', 3, '2024-02-29'],
    ['2023-05-31', 3, '2023-02-28'],
    ['2024-03-31', 1, '2024-02-29'],
    ['2024-08-31', 6, '2024-02-29'],
    ['2024-12-31', 12, '2023-12-31'],
    ['2024-01-15', 1, '2023-12-15'],
    ['2024-02-29', 12, '2023-02-28'],
    ['2024-07-30', 5, '2024-02-29'],
    ['2024-05-15', 0, '2024-05-15'],
  ])('%s minus %d months is %s (day clamped to the month end)', (date, k, expected) => expect(minusMonths(date, k)).toBe(expected));

  it('counts days between calendar dates across a leap day', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2024-05-31', '2024-05-31')).toBe(0);
  });

  it('an event belongs to the date of its occurredAt in the shop time zone', () => {
    const lateUtc = new Date('2024-05-31T17:30:00Z');
    expect(shopDate(lateUtc, 'UTC')).toBe('2024-05-31');
    expect(shopDate(lateUtc, 'Asia/Shanghai')).toBe('2024-06-01');
    expect(shopMonth(lateUtc, 'Asia/Shanghai')).toBe('2024-06');
    expect(shopDate(new Date('2024-03-01T03:00:00Z'), 'America/New_York')).toBe('2024-02-29');
  });

  it('parses only ISO 8601 instants with an offset, and real dates', () => {
    expect(parseInstant('2024-05-31T10:00:00+08:00')?.toISOString()).toBe('2024-05-31T02:00:00.000Z');
    expect(parseInstant('2024-05-31T10:00Z')?.toISOString()).toBe('2024-05-31T10:00:00.000Z');
    for (const bad of ['2024-05-31', '2024-05-31T10:00:00', '2023-02-29T00:00:00Z', '31/05/2024', '2024-13-01T00:00:00Z', '']) {
      expect(parseInstant(bad)).toBeUndefined();
    }
  });
});

describe('months after a date (when something leaves a rolling window)', () => {
  it.each([
    ['2024-02-29', 3, '2024-05-29'],
    ['2023-11-30', 3, '2024-03-01'],
    ['2024-01-31', 1, '2024-03-01'],
    ['2024-01-15', 12, '2025-01-15'],
    ['2023-08-31', 6, '2024-03-01'],
  ])('%s plus %d months: first D with D minus months >= it is %s', (date, k, expected) => {
    expect(monthsAfter(date, k)).toBe(expected);
    // The defining property, checked on both sides.
    expect(minusMonths(expected, k) >= date).toBe(true);
    expect(minusMonths(addDays(expected, -1), k) < date).toBe(true);
  });

  it('is exact for every day of a leap year and every window', () => {
    for (let d = 0; d < 366; d++) {
      const date = addDays('2024-01-01', d);
      for (const k of [1, 3, 6, 12]) {
        const e = monthsAfter(date, k);
        expect(minusMonths(e, k) >= date && minusMonths(addDays(e, -1), k) < date).toBe(true);
      }
    }
  });
});

describe('the start of a shop day', () => {
  it('is local midnight in the shop zone, as a UTC instant', () => {
    expect(startOfShopDay('2024-04-01', 'Asia/Shanghai').toISOString()).toBe('2024-03-31T16:00:00.000Z');
    expect(startOfShopDay('2024-04-01', 'UTC').toISOString()).toBe('2024-04-01T00:00:00.000Z');
    expect(startOfShopDay('2024-03-10', 'America/New_York').toISOString()).toBe('2024-03-10T05:00:00.000Z');
    expect(startOfShopDay('2024-03-11', 'America/New_York').toISOString()).toBe('2024-03-11T04:00:00.000Z');
  });
});
