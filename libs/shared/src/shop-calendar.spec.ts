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

describe('shopDate kept by quarter hour', () => {
  const zones = ['Asia/Shanghai', 'UTC', 'America/St_Johns', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Los_Angeles'];
  const reference = (instant: Date, timeZone: string) => {
    const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
    const get = (type: string) => parts.find((p) => p.type === type)?.value;
    return `${get('year')}-${get('month')}-${get('day')}`;
  };

  it('Given instants from 1900 to 2100 in zones with odd offsets, When asked twice, Then both answers are the calendar date there', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const from = Date.UTC(1900, 0, 1);
    const to = Date.UTC(2100, 0, 1);
    for (let i = 0; i < 3_000; i++) {
      const instant = new Date(from + Math.floor(next() * (to - from)));
      const zone = zones[i % zones.length];
      expect([shopDate(instant, zone), shopDate(instant, zone)]).toEqual([reference(instant, zone), reference(instant, zone)]);
    }
  });

  it('Given the minutes around midnight in Kathmandu (+05:45), When asked, Then the date turns at local midnight', () => {
    const midnight = Date.UTC(2026, 11, 5, 18, 15);
    expect(shopDate(new Date(midnight - 1), 'Asia/Kathmandu')).toBe('2026-12-05');
    expect(shopDate(new Date(midnight), 'Asia/Kathmandu')).toBe('2026-12-06');
  });
});
