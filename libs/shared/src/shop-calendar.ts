// The shop's calendar: an event belongs to the calendar date of its
// occurredAt in the shop's time zone (docs/domain.md, "The shop's calendar and money").

/** Making a formatter costs far more than using one (tens of microseconds): one a zone, kept. */
const formats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) formats.set(timeZone, (format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return format;
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();
function timeFormat(timeZone: string): Intl.DateTimeFormat {
  let format = timeFormats.get(timeZone);
  if (!format) {
    const options = { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' } as const;
    timeFormats.set(timeZone, (format = new Intl.DateTimeFormat('en-CA', options)));
  }
  return format;
}

/**
 * Every zone's offset has been a whole number of quarter hours since 1973,
 * so within one UTC quarter hour an instant's date in a zone is the same:
 * answers are kept by zone and quarter (every request asks for today).
 */
const QUARTER_MS = 15 * 60_000;
const QUARTERS_FROM = Date.UTC(1973, 0, 1);
const KEPT_QUARTERS = 4_096;
const byQuarter = new Map<string, Map<number, string>>();

/** "YYYY-MM-DD" of an instant in the zone. */
export function shopDate(instant: Date, timeZone: string): string {
  const ms = instant.getTime();
  if (!(ms >= QUARTERS_FROM)) return formatDate(instant, timeZone);
  const quarter = Math.floor(ms / QUARTER_MS);
  let kept = byQuarter.get(timeZone);
  if (!kept) byQuarter.set(timeZone, (kept = new Map()));
  let date = kept.get(quarter);
  if (date === undefined) {
    if (kept.size >= KEPT_QUARTERS) kept.clear();
    kept.set(quarter, (date = formatDate(instant, timeZone)));
  }
  return date;
}

function formatDate(instant: Date, timeZone: string): string {
  const parts = dateFormat(timeZone).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** "YYYY-MM" of an instant in the zone: the calendar month (monthly caps). */
export function shopMonth(instant: Date, timeZone: string): string {
  return shopDate(instant, timeZone).slice(0, 7);
}

/** Dates at the edges lie in these years: the calendar arithmetic below is exact there. */
export const FIRST_YEAR = 1900;
export const LAST_YEAR = 9999;
/** What a date past 9999-12-31 becomes: after every date, so never "on or before" an as-of date. */
export const BEYOND_CALENDAR = '9999-99-99';

const inYears = (y: number) => y >= FIRST_YEAR && y <= LAST_YEAR;

/** Strict ISO 8601 instant with a time and an offset (Z or +hh:mm), in the years 1900-9999. */
export function parseInstant(value: string): Date | undefined {
  if (!inYears(Number(value.slice(0, 4)))) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return undefined;
  // Reject rolled-over dates such as 2024-02-30: the UTC date must match after removing the offset.
  const [y, m, d] = parts(value);
  const check = new Date(Date.UTC(y, m - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return undefined;
  return date;
}

/** Strict calendar date "YYYY-MM-DD" in the years 1900-9999. */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number);
  if (!inYears(y)) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

// Calendar arithmetic runs per customer per date in every list, tier and lifecycle answer: no Date objects, no splitting.
// The dates asked are few (a shop's years of days) and asked again for every customer: answers are remembered, bounded.
const ADD_DAYS: Memo = new Map();
const MINUS_MONTHS: Memo = new Map();
const MONTHS_AFTER: Memo = new Map();
type Memo = Map<string, Map<number, string>>;

/** Keyed by the date, then the number (no key string built per call). */
function remembered(memo: Memo, date: string, n: number, compute: (date: string, n: number) => string): string {
  let byN = memo.get(date);
  if (byN === undefined) {
    if (memo.size >= 50_000) memo.clear();
    memo.set(date, (byN = new Map()));
  }
  let answer = byN.get(n);
  if (answer === undefined) byN.set(n, (answer = compute(date, n)));
  return answer;
}

function parts(date: string): [number, number, number] {
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** Days in a month (month 1-12). */
export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_DAYS[month - 1];
}

/**
 * Calendar subtraction of k months with the day clamped to the month's end:
 * 2024-05-31 minus 3 months = 2024-02-29 (docs/domain.md, "The shop's calendar and money").
 */
export function minusMonths(date: string, months: number): string {
  return remembered(MINUS_MONTHS, date, months, computeMinusMonths);
}

function computeMinusMonths(date: string, months: number): string {
  const [y, m, d] = parts(date);
  const index = y * 12 + (m - 1) - months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${pad(year, 4)}-${pad(month)}-${pad(Math.min(d, daysInMonth(year, month)))}`;
}

/** Whole days from a to b (b - a), both calendar dates. */
export function daysBetween(a: string, b: string): number {
  const [ya, ma, da] = parts(a);
  const [yb, mb, db] = parts(b);
  return Math.round((Date.UTC(yb, mb - 1, db) - Date.UTC(ya, ma - 1, da)) / 86_400_000);
}

/** The date `days` days after (or before, when negative) a calendar date. */
export function addDays(date: string, days: number): string {
  return remembered(ADD_DAYS, date, days, computeAddDays);
}

function computeAddDays(date: string, days: number): string {
  const [y, m, d] = parts(date);
  const result = new Date(Date.UTC(y, m - 1, d + days));
  return result.getUTCFullYear() > LAST_YEAR ? BEYOND_CALENDAR : result.toISOString().slice(0, 10);
}

/**
 * The first date D with minusMonths(D, months) >= date: the day something
 * dated `date` drops out of a rolling window of `months`, or a retention
 * period that began on `date` ends. Exact under the clamping convention.
 */
export function monthsAfter(date: string, months: number): string {
  return remembered(MONTHS_AFTER, date, months, computeMonthsAfter);
}

function computeMonthsAfter(date: string, months: number): string {
  const [y, m, d] = parts(date);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  if (year > LAST_YEAR) return BEYOND_CALENDAR;
  let candidate = `${pad(year, 4)}-${pad(month)}-${pad(Math.min(d, daysInMonth(year, month)))}`;
  while (minusMonths(addDays(candidate, -1), months) >= date) candidate = addDays(candidate, -1);
  while (minusMonths(candidate, months) < date) candidate = addDays(candidate, 1);
  return candidate;
}

/** Day starts already computed (a launch asks for the same few dates 100,000 times), bounded. */
const DAY_STARTS = new Map<string, number>();

/** The instant a shop calendar date begins in the zone (for ordering derived facts among events). */
export function startOfShopDay(date: string, timeZone: string): Date {
  const key = `${timeZone}|${date}`;
  let start = DAY_STARTS.get(key);
  if (start === undefined) {
    if (DAY_STARTS.size >= 10_000) DAY_STARTS.clear();
    DAY_STARTS.set(key, (start = computeStartOfShopDay(date, timeZone)));
  }
  return new Date(start);
}

function computeStartOfShopDay(date: string, timeZone: string): number {
  const [y, m, d] = parts(date);
  const guess = Date.UTC(y, m - 1, d);
  const offsetAt = (instant: number) => {
    const p = timeFormat(timeZone).formatToParts(new Date(instant));
    const get = (type: string) => Number(p.find((x) => x.type === type)?.value ?? 0);
    return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - instant;
  };
  let instant = guess - offsetAt(guess);
  instant = guess - offsetAt(instant);
  // A zone whose midnight does not exist that day (DST at 00:00) starts at the first instant of the date.
  while (shopDate(new Date(instant), timeZone) < date) instant += 15 * 60_000;
  return instant;
}
