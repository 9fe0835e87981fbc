// Reading a shop's history file (DESIGN.md "Import format") as a stream:
// csv-parse yields records in constant memory; each becomes a checked row or
// a rejected one with its line and reason. Nothing here writes.
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { isCalendarDate, isKey, parseAmount, parseInstant, parseUnitPrice, startOfShopDay, textProblem } from '@crm/shared';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ProfileDto } from '@crm/customers';
import type { Profile, PurchaseInput, RefundInput } from '@crm/customers';

/** The file cannot be read as a whole (no header, a required column missing): nothing is imported. */
export class ImportFileError extends Error {}

/** A row refused for one of its columns: the column is kept with the reason, so that a reader can say which in any language. */
export class RowError extends Error {
  constructor(
    readonly field: ImportColumn,
    message: string,
  ) {
    super(message);
  }
}

export const IMPORT_COLUMNS = [
  'customer_ref',
  'kind',
  'order_id',
  'refund_id',
  'occurred_at',
  'amount',
  'currency',
  'channel',
  'region',
  'items',
  'name',
  'phone',
  'email',
  'birth_date',
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
const REQUIRED: readonly ImportColumn[] = ['customer_ref', 'kind', 'occurred_at', 'amount', 'currency'];

export interface ImportRow {
  line: number;
  customerRef: string;
  occurredAt: Date;
  region?: string;
  /** Personal fields the row gives (a new customer is registered with them; sealed like any personal data). */
  profile?: ImportedProfile;
  /** The row as the API takes it. */
  input: { purchase: PurchaseInput } | { refund: RefundInput };
}

export type ImportedProfile = Pick<Profile, 'name' | 'phone' | 'email' | 'birthDate'>;

/** The profile columns and the profile fields they fill. */
const PROFILE_COLUMNS = { name: 'name', phone: 'phone', email: 'email', birth_date: 'birthDate' } as const;

/** A row's profile columns, checked by the API's own profile rules (ProfileDto). */
function checkProfile(get: (c: ImportColumn) => string | undefined): ImportedProfile | undefined {
  const profile: Record<string, string> = {};
  for (const [column, field] of Object.entries(PROFILE_COLUMNS)) {
    const value = get(column as ImportColumn);
    if (value !== undefined) profile[field] = value;
  }
  if (Object.keys(profile).length === 0) return undefined;
  const [error] = validateSync(plainToInstance(ProfileDto, profile));
  if (error) {
    const column = Object.entries(PROFILE_COLUMNS).find(([, field]) => field === error.property)?.[0] ?? error.property;
    throw new RowError(column as ImportColumn, `${column}: ${Object.values(error.constraints ?? {})[0] ?? 'is not valid'}`);
  }
  return profile as ImportedProfile;
}

export interface RejectedRow {
  line: number;
  customerRef: string | null;
  code: string;
  reason: string;
  /** the column at fault, when one is (InvalidRow) */
  field?: ImportColumn;
}

export type ReadItem = { row: ImportRow } | { rejected: RejectedRow };

type Item = NonNullable<PurchaseInput['items']>[number];

/** Free text of an item (sku, category): what the API accepts. */
const textOk = (v: unknown, max: number) => typeof v === 'string' && v.trim() !== '' && v.length <= max && textProblem(v) === undefined;

/**
 * `--map customer_ref=CustomerID,occurred_at=InvoiceDate`: our column = the
 * file's header. Refused when a name is not one of ours.
 */
export function parseColumnMap(spec: string | undefined): Partial<Record<ImportColumn, string>> {
  const map: Partial<Record<ImportColumn, string>> = {};
  if (!spec) return map;
  for (const pair of spec.split(',')) {
    const at = pair.indexOf('=');
    const ours = pair.slice(0, at).trim() as ImportColumn;
    const theirs = pair.slice(at + 1).trim();
    if (at < 1 || theirs === '' || !IMPORT_COLUMNS.includes(ours)) {
      throw new ImportFileError(`--map takes column=header pairs with a column of ${IMPORT_COLUMNS.join(', ')}; got "${pair}"`);
    }
    map[ours] = theirs;
  }
  return map;
}

/** Where each of our columns is in the file; headers the file has beyond ours are ignored (and reported). */
export function columnIndexes(header: string[], map: Partial<Record<ImportColumn, string>>): { index: Map<ImportColumn, number>; ignored: string[] } {
  const names = header.map((h) => h.trim());
  const index = new Map<ImportColumn, number>();
  for (const column of IMPORT_COLUMNS) {
    const at = names.indexOf(map[column] ?? column);
    if (at >= 0) index.set(column, at);
  }
  const missing = REQUIRED.filter((c) => !index.has(c));
  if (missing.length > 0) {
    throw new ImportFileError(
      `line 1: the header lacks ${missing.map((c) => (map[c] ? `${c} (mapped to "${map[c]}")` : c)).join(', ')}; columns are ${IMPORT_COLUMNS.join(',')} (--map column=header renames)`,
    );
  }
  const used = new Set(index.values());
  return { index, ignored: names.filter((_, i) => !used.has(i)) };
}

function parseItems(raw: string, currency: string): Item[] {
  if (raw.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new RowError('items', 'items must be a JSON array such as [{"sku":"A1","category":"dresses","quantity":1,"unitPrice":"99.00"}]');
  }
  if (!Array.isArray(value) || value.length > 500) throw new RowError('items', 'items must be a JSON array of at most 500 items');
  return value.map((item: unknown, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new RowError('items', `items[${i}] must be an object`);
    const { sku, category, quantity, unitPrice } = item as Record<string, unknown>;
    if (!textOk(sku, 128)) throw new RowError('items', `items[${i}].sku must be 1-128 characters of text such as "DRESS-1"`);
    if (category !== undefined && !textOk(category, 128)) throw new RowError('items', `items[${i}].category must be 1-128 characters of text`);
    if (!Number.isInteger(quantity) || (quantity as number) < 1 || (quantity as number) > 100_000)
      throw new RowError('items', `items[${i}].quantity must be a whole number 1-100000`);
    if (typeof unitPrice !== 'string') throw new RowError('items', `items[${i}].unitPrice must be a decimal string such as "99.00"`);
    try {
      parseUnitPrice(unitPrice, currency);
    } catch (error) {
      throw new RowError('items', `items[${i}].unitPrice: ${(error as Error).message}`);
    }
    return { sku: sku as string, ...(category ? { category: category as string } : {}), quantity: quantity as number, unitPrice };
  });
}

/**
 * occurred_at as an instant: a date-time with its offset, or a date alone,
 * read as the start of that day in the shop's time zone (so the shop date is
 * the one written, as exports that keep only the day have it).
 */
function occurredAtOf(value: string, timeZone: string | undefined): Date | undefined {
  if (timeZone !== undefined && DATE_ONLY.test(value)) return isCalendarDate(value) ? startOfShopDay(value, timeZone) : undefined;
  return parseInstant(value);
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function amountOf(amount: string, currency: string): number {
  try {
    return parseAmount(amount, currency);
  } catch (error) {
    throw new RowError('amount', (error as Error).message);
  }
}

/** One record checked as the API would check it; throws with the reason. */
export function checkRow(fields: string[], line: number, index: Map<ImportColumn, number>, shopCurrency: string, shopTimeZone?: string): ImportRow {
  const get = (c: ImportColumn) => {
    const at = index.get(c);
    const v = at === undefined ? undefined : fields[at]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const customerRef = get('customer_ref') ?? '';
  if (!isKey(customerRef)) throw new RowError('customer_ref', 'customer_ref must be a key (letters, digits, - _ . : / # @)');
  const kind = get('kind');
  if (kind !== 'purchase' && kind !== 'refund') throw new RowError('kind', 'kind must be purchase or refund');
  const written = get('occurred_at') ?? '';
  const occurredAt = occurredAtOf(written, shopTimeZone);
  if (!occurredAt)
    throw new RowError('occurred_at', "occurred_at must be an ISO 8601 date-time with an offset, e.g. 2024-05-31T10:00:00+08:00, or a date, e.g. 2024-05-31 (the shop's day)");
  // A date-time goes on as written (what the rows' event ids were always made from); a date becomes its instant.
  const at = DATE_ONLY.test(written) ? occurredAt.toISOString() : written;
  const currency = get('currency') ?? '';
  if (currency !== shopCurrency) throw new RowError('currency', `currency must be the shop currency ${shopCurrency}`);
  const amount = get('amount') ?? '';
  const amountMinor = amountOf(amount, currency);
  const orderId = get('order_id');
  const refundId = get('refund_id');
  const channel = get('channel');
  for (const [name, v] of [
    ['order_id', orderId],
    ['refund_id', refundId],
    ['channel', channel],
  ] as const) {
    if (v !== undefined && !isKey(v)) throw new RowError(name, `${name} must be a key`);
  }
  if (kind === 'purchase' && !orderId) throw new RowError('order_id', 'a purchase needs an order_id');
  if (kind === 'refund' && !refundId) throw new RowError('refund_id', 'a refund needs a refund_id');
  if (kind === 'refund' && amountMinor === 0) throw new RowError('amount', 'a refund is above 0');
  const region = get('region');
  if (region !== undefined && !textOk(region, 50)) throw new RowError('region', 'region must be at most 50 characters of text');
  const input: ImportRow['input'] =
    kind === 'purchase'
      ? { purchase: { orderId: orderId as string, occurredAt: at, amount, currency, ...(channel ? { channel } : {}), items: parseItems(get('items') ?? '', currency) } }
      : { refund: { refundId: refundId as string, ...(orderId ? { orderId } : {}), occurredAt: at, amount, currency } };
  const profile = checkProfile(get);
  return { line, customerRef, occurredAt, region, ...(profile ? { profile } : {}), input };
}

const lineBreaks = (fields: string[]) => fields.reduce((n, f) => n + (f.match(/\r\n|\r|\n/g)?.length ?? 0), 0);

export interface ReadOptions {
  shopCurrency: string;
  /** Dates without a time are read in it (the shop's time zone); without it they are refused. */
  shopTimeZone?: string;
  map?: Partial<Record<ImportColumn, string>>;
  /** Told once, after the header: the file's headers that are not ours. */
  onHeader?: (ignored: string[]) => void;
  /** Bytes of the file read so far (progress). */
  onBytes?: (bytes: number) => void;
}

/**
 * The rows of a file in order, each checked or rejected. A record csv-parse
 * cannot read (a stray quote) is rejected with its line and the reading goes
 * on; a header without the required columns is an ImportFileError.
 */
export async function* readImportRows(input: Readable, options: ReadOptions): AsyncGenerator<ReadItem> {
  // relax_quotes: a quote inside an unquoted field (12" PIZZA) is text, as shops' exports have it.
  const parser = parse({
    bom: true,
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    record_delimiter: ['\r\n', '\n', '\r'],
  });
  const skipped: RejectedRow[] = [];
  parser.on('skip', (error: { lines?: number; code?: string; message: string }) => {
    const reason = error.code === 'CSV_QUOTE_NOT_CLOSED' ? 'a quoted field is not closed before the end of the file' : `not a CSV record: ${error.message.split(':')[0]}`;
    skipped.push({ line: error.lines ?? 0, customerRef: null, code: 'UnreadableRecord', reason });
  });
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);
  let columns: { index: Map<ImportColumn, number>; width: number } | undefined;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number; bytes: number } }>) {
    while (skipped.length > 0) yield { rejected: skipped.shift() as RejectedRow };
    options.onBytes?.(info.bytes);
    const line = info.lines - lineBreaks(record);
    if (!columns) {
      const { index, ignored } = columnIndexes(record, options.map ?? {});
      columns = { index, width: record.length };
      options.onHeader?.(ignored);
      continue;
    }
    try {
      if (record.length !== columns.width) throw new Error(`expected ${columns.width} fields, found ${record.length}`);
      yield { row: checkRow(record, line, columns.index, options.shopCurrency, options.shopTimeZone) };
    } catch (error) {
      const ref = record[columns.index.get('customer_ref') ?? -1]?.trim();
      const field = error instanceof RowError ? { field: error.field } : {};
      yield { rejected: { line, customerRef: ref && isKey(ref) ? ref : null, code: 'InvalidRow', reason: error instanceof Error ? error.message : String(error), ...field } };
    }
  }
  while (skipped.length > 0) yield { rejected: skipped.shift() as RejectedRow };
  if (!columns) throw new ImportFileError('the file is empty');
}
