// Money is integer minor units plus an ISO 4217 code inside; decimal strings
// at the edges. Never floating point: parsing and formatting work on digits.

export class InvalidMoneyError extends Error {
  override readonly name = 'InvalidMoneyError';
}

// Building an Intl.NumberFormat costs tens of microseconds; whole-base reads parse thresholds per customer.
const digitsOf = new Map<string, number>();
const patternOf = new Map<number, RegExp>();

/** The currency's number of minor digits (CNY 2, JPY 0, KWD 3). */
export function minorDigits(currency: string): number {
  let digits = digitsOf.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsOf.set(currency, digits);
  }
  return digits;
}

const MAX_MINOR = Number.MAX_SAFE_INTEGER;

/** What is wrong with an amount, in the same words wherever it arrives (REST, GraphQL, the import). */
export function amountProblem(field: string, decimal: string, digits: number, currency: string): string {
  const got = `got "${decimal}"`;
  if (/^[+-]/.test(decimal)) return `${field} must be a decimal string without a sign (a refund is recorded as a refund), ${got}`;
  if (/^\d+\.\d+$/.test(decimal) && decimal.split('.')[1].length > digits)
    return digits === 0 ? `${field} must be a whole number of ${currency}, ${got}` : `${field} must have at most ${digits} decimals for ${currency}, ${got}`;
  return `${field} must be a decimal string such as "199.00", ${got}`;
}

/** "123.45" in CNY -> 12345. At most the currency's minor digits; no sign, exponent or spaces. */
export function parseAmount(decimal: string, currency: string): number {
  const digits = minorDigits(currency);
  let pattern = patternOf.get(digits);
  if (!pattern) {
    pattern = digits === 0 ? /^(\d{1,15})$/ : new RegExp(`^(\\d{1,15})(?:\\.(\\d{1,${digits}}))?$`);
    patternOf.set(digits, pattern);
  }
  const match = pattern.exec(decimal);
  if (!match) throw new InvalidMoneyError(amountProblem('amount', decimal, digits, currency));
  const minor = Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || '0');
  if (!Number.isSafeInteger(minor) || minor > MAX_MINOR) throw new InvalidMoneyError(`amount ${decimal} is too large`);
  return minor;
}

/** Unit prices are kept in 1/10,000 of the minor unit: wholesale prices below a cent stay exact. */
export const UNIT_PRICE_SCALE = 10_000;
const EXTRA_PRICE_DIGITS = 4;

/** "0.001" in GBP -> 1000 (ten-thousandths of a penny): at most the currency's minor digits + 4 decimals. */
export function parseUnitPrice(decimal: string, currency: string): number {
  const digits = minorDigits(currency) + EXTRA_PRICE_DIGITS;
  const match = /^(\d{1,12})(?:\.(\d+))?$/.exec(decimal);
  if (!match || (match[2] ?? '').length > digits) throw new InvalidMoneyError(amountProblem('unitPrice', decimal, digits, currency));
  const scaled = Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || '0');
  if (!Number.isSafeInteger(scaled)) throw new InvalidMoneyError(`unitPrice ${decimal} is too large`);
  return scaled;
}

/** A scaled unit price as a decimal string without trailing zeros beyond the minor digits: 1000 GBP -> "0.001". */
export function formatUnitPrice(scaled: number, currency: string): string {
  const exact = formatAmount(scaled, currency, minorDigits(currency) + EXTRA_PRICE_DIGITS);
  const digits = minorDigits(currency);
  return digits === 0 ? exact.replace(/\.?0+$/, '') : exact.replace(new RegExp(`(\\.\\d{${digits}}\\d*?)0+$`), '$1');
}

/** 12345 in CNY -> "123.45"; negative amounts keep their sign. */
export function formatAmount(minor: number, currency: string, digits = minorDigits(currency)): string {
  const sign = minor < 0 ? '-' : '';
  const abs = String(Math.abs(minor));
  if (digits === 0) return sign + abs;
  const padded = abs.padStart(digits + 1, '0');
  return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

let currencies: Set<string> | undefined;
export function isCurrencyCode(code: string): boolean {
  currencies ??= new Set(Intl.supportedValuesOf('currency'));
  return /^[A-Z]{3}$/.test(code) && currencies.has(code);
}

/**
 * Event data as the edges show it: beside each amount kept in minor units
 * (`amountMinor`, `originalAmountMinor`, ...) its decimal string in its
 * currency (`amount`, `originalAmount`), and beside an item's
 * `unitPriceScaled` its `unitPrice` in the currency of the order; the stored
 * fields stay as they are (receivers that read them go on working).
 */
export function withDecimalAmounts(data: unknown, inherited?: string): unknown {
  if (Array.isArray(data)) return data.map((item) => withDecimalAmounts(item, inherited));
  if (data === null || typeof data !== 'object') return data;
  const record = data as Record<string, unknown>;
  const text = (key: string) => (typeof record[key] === 'string' ? (record[key] as string) : undefined);
  const currency = text('currency') ?? inherited;
  // An order's items are priced in what the customer paid in (the original currency when it was converted).
  const ofItems = text('originalCurrency') ?? currency;
  const out: Record<string, unknown> = {};
  // defineProperty: a key such as "__proto__" stays a key of the data, never the object's prototype.
  const put = (key: string, value: unknown) => Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  for (const [key, value] of Object.entries(record)) put(key, withDecimalAmounts(value, key === 'items' ? ofItems : currency));
  for (const [key, value] of Object.entries(record)) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) continue;
    const name = key.endsWith('Minor') ? key.slice(0, -'Minor'.length) : undefined;
    const own = name && name.endsWith('Amount') ? text(`${name.slice(0, -'Amount'.length)}Currency`) : undefined;
    const inCurrency = own ?? currency;
    if (name && inCurrency && isCurrencyCode(inCurrency) && !Object.hasOwn(record, name)) put(name, formatAmount(value, inCurrency));
    if (key === 'unitPriceScaled' && currency && isCurrencyCode(currency) && !Object.hasOwn(record, 'unitPrice')) put('unitPrice', formatUnitPrice(value, currency));
  }
  return out;
}

/** Integer division of minor units rounded half away from zero (money never goes through floats). */
export function divideMinor(total: number, by: number): number {
  if (by === 0) return 0;
  const sign = Math.sign(total) * Math.sign(by);
  const a = Math.abs(total);
  const b = Math.abs(by);
  const q = Math.floor(a / b);
  return sign * (2 * (a - q * b) >= b ? q + 1 : q);
}
