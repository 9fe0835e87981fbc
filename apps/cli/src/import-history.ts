// `crm import <file.csv>`: a shop's purchase and refund history (DESIGN.md
// "Import format"). The whole file is checked first: one bad row and nothing
// is written. Then each customer's rows go through the one command path
// (CustomersService.importRows: the API's handler and decider), appended at
// once; unknown refs are registered on the fly. Purchases and refunds keep
// their natural event ids, so importing the same file again changes nothing.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CommandInBatchError, CustomersService, PurchaseInput, RefundInput } from '@crm/customers';
import { actorOf, AppConfig, DomainError, isKey, operatorPrincipal, parseAmount, parseInstant, parseUnitPrice, RequestContext, textProblem } from '@crm/shared';

export class ImportFileError extends Error {}

export const IMPORT_COLUMNS = ['customer_ref', 'kind', 'order_id', 'refund_id', 'occurred_at', 'amount', 'currency', 'channel', 'region', 'items'] as const;
const REQUIRED = ['customer_ref', 'kind', 'occurred_at', 'amount', 'currency'];
export interface ImportRow {
  line: number;
  customerRef: string;
  occurredAt: Date;
  region?: string;
  /** The row as the API takes it. */
  input: { purchase: PurchaseInput } | { refund: RefundInput };
}

type Item = NonNullable<PurchaseInput['items']>[number];

/** Free text of an item (sku, category): what the API accepts. */
const textOk = (v: unknown, max: number) => typeof v === 'string' && v.trim() !== '' && v.length <= max && textProblem(v) === undefined;

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks. Returns rows with the line each starts on. */
export function parseCsv(text: string): Array<{ line: number; fields: string[] }> {
  const rows: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i++;
      fields.push(field);
      if (fields.length > 1 || fields[0] !== '') rows.push({ line: start, fields });
      fields = [];
      field = '';
      line++;
      start = line;
    } else field += c;
  }
  if (quoted) throw new ImportFileError(`line ${start}: a quoted field is not closed`);
  fields.push(field);
  if (fields.length > 1 || fields[0] !== '') rows.push({ line: start, fields });
  return rows;
}

function parseItems(raw: string, currency: string): Item[] {
  if (raw.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new Error('items must be a JSON array such as [{"sku":"A1","category":"dresses","quantity":1,"unitPrice":"99.00"}]');
  }
  if (!Array.isArray(value) || value.length > 500) throw new Error('items must be a JSON array of at most 500 items');
  return value.map((item: Record<string, unknown>, i) => {
    const { sku, category, quantity, unitPrice } = item ?? {};
    if (!textOk(sku, 128)) throw new Error(`items[${i}].sku must be 1-128 characters of text such as "DRESS-1"`);
    if (category !== undefined && !textOk(category, 128)) throw new Error(`items[${i}].category must be 1-128 characters of text`);
    if (!Number.isInteger(quantity) || (quantity as number) < 1 || (quantity as number) > 100_000) throw new Error(`items[${i}].quantity must be a whole number 1-100000`);
    if (typeof unitPrice !== 'string') throw new Error(`items[${i}].unitPrice must be a decimal string such as "99.00"`);
    parseUnitPrice(unitPrice, currency);
    return { sku: sku as string, ...(category ? { category: category as string } : {}), quantity: quantity as number, unitPrice };
  });
}

/** Every row checked; the answer is the rows, or every problem with its line. */
export function readImportFile(text: string, config: Pick<AppConfig, 'shopCurrency'>): ImportRow[] {
  const [header, ...records] = parseCsv(text);
  if (!header) throw new ImportFileError('the file is empty');
  const names = header.fields.map((f) => f.trim());
  const unknown = names.filter((n) => !(IMPORT_COLUMNS as readonly string[]).includes(n));
  const missing = REQUIRED.filter((n) => !names.includes(n));
  if (unknown.length > 0 || missing.length > 0) {
    throw new ImportFileError(
      `line 1: the header must name columns of ${IMPORT_COLUMNS.join(',')}${missing.length ? `; missing ${missing.join(', ')}` : ''}${unknown.length ? `; unknown ${unknown.join(', ')}` : ''}`,
    );
  }
  const problems: string[] = [];
  const rows: ImportRow[] = [];
  const seen = new Map<string, number>();
  for (const { line, fields } of records) {
    try {
      if (fields.length !== names.length) throw new Error(`expected ${names.length} fields, found ${fields.length}`);
      const get = (n: string) => {
        const v = fields[names.indexOf(n)];
        return v === undefined || v.trim() === '' ? undefined : v.trim();
      };
      const customerRef = get('customer_ref') ?? '';
      if (!isKey(customerRef)) throw new Error('customer_ref must be a key (letters, digits, - _ . : / # @)');
      const kind = get('kind');
      if (kind !== 'purchase' && kind !== 'refund') throw new Error('kind must be purchase or refund');
      const occurredAt = parseInstant(get('occurred_at') ?? '');
      if (!occurredAt) throw new Error('occurred_at must be an ISO 8601 date-time with an offset, e.g. 2024-05-31T10:00:00+08:00');
      const currency = get('currency') ?? '';
      if (currency !== config.shopCurrency) throw new Error(`currency must be the shop currency ${config.shopCurrency}`);
      const amount = get('amount') ?? '';
      const amountMinor = parseAmount(amount, currency);
      const orderId = get('order_id');
      const refundId = get('refund_id');
      for (const [name, v] of [
        ['order_id', orderId],
        ['refund_id', refundId],
        ['channel', get('channel')],
      ] as const) {
        if (v !== undefined && !isKey(v)) throw new Error(`${name} must be a key`);
      }
      if (kind === 'purchase' && !orderId) throw new Error('a purchase needs an order_id');
      if (kind === 'refund' && !refundId) throw new Error('a refund needs a refund_id');
      if (kind === 'refund' && amountMinor === 0) throw new Error('a refund is above 0');
      const id = kind === 'purchase' ? `order:${orderId}` : `refund:${refundId}`;
      if (seen.has(id)) throw new Error(`${kind === 'purchase' ? 'order_id' : 'refund_id'} also on line ${seen.get(id)}`);
      seen.set(id, line);
      const region = get('region');
      if (region !== undefined && !textOk(region, 50)) throw new Error('region must be at most 50 characters of text');
      const at = get('occurred_at') as string;
      const channel = get('channel');
      const input: ImportRow['input'] =
        kind === 'purchase'
          ? {
              purchase: {
                orderId: orderId as string,
                occurredAt: at,
                amount,
                currency,
                ...(channel ? { channel } : {}),
                items: parseItems(fields[names.indexOf('items')] ?? '', currency),
              },
            }
          : { refund: { refundId: refundId as string, ...(orderId ? { orderId } : {}), occurredAt: at, amount, currency } };
      rows.push({ line, customerRef, occurredAt, region, input });
    } catch (error) {
      problems.push(`line ${line}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 50);
    throw new ImportFileError(
      `${problems.length} row(s) refused, nothing was imported:\n${shown.join('\n')}${problems.length > shown.length ? `\n... and ${problems.length - shown.length} more` : ''}`,
    );
  }
  return rows;
}

export interface ImportResult {
  rows: number;
  customers: number;
  registered: number;
  eventsWritten: number;
  refused: Array<{ customerRef: string; line: number; code: string; message: string }>;
}

/** Purchases before refunds at the same instant, so a refund finds its order. */
const businessOrder = (a: ImportRow, b: ImportRow) =>
  a.occurredAt.getTime() - b.occurredAt.getTime() || ('purchase' in a.input === 'purchase' in b.input ? a.line - b.line : 'purchase' in a.input ? -1 : 1);

/** One customer's rows through the one command path: all of them, or none. */
async function importCustomer(customers: CustomersService, customerRef: string, rows: ImportRow[], source: string): Promise<{ events: number; registered: boolean }> {
  const ordered = [...rows].sort(businessOrder);
  const region = ordered.find((r) => r.region)?.region;
  const principal = operatorPrincipal();
  const ctx: RequestContext = { principal, actor: actorOf(principal), correlationId: source, causationId: `${source}:${customerRef}`, idempotencyKey: `${source}:${customerRef}` };
  try {
    const result = await customers.importRows(
      customerRef,
      ordered.map((r) => r.input),
      region ? { region: { province: region } } : {},
      ctx,
    );
    return { events: result.unchanged ? 0 : result.eventIds.length, registered: !result.unchanged && result.eventTypes.includes('CustomerRegistered') };
  } catch (error) {
    // Command 0 is the registration; command i is row i - 1.
    if (error instanceof CommandInBatchError) throw Object.assign(error.refusal, { line: ordered[Math.max(0, error.index - 1)].line });
    throw error;
  }
}

export async function importHistory(customers: CustomersService, config: AppConfig, file: string, concurrency = 8): Promise<ImportResult> {
  const text = readFileSync(file, 'utf8');
  const rows = readImportFile(text, config);
  const source = `import-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
  const byCustomer = new Map<string, ImportRow[]>();
  for (const r of rows) byCustomer.set(r.customerRef, [...(byCustomer.get(r.customerRef) ?? []), r]);
  const result: ImportResult = { rows: rows.length, customers: byCustomer.size, registered: 0, eventsWritten: 0, refused: [] };
  const queue = [...byCustomer.entries()];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [customerRef, customerRows] = next;
        try {
          const done = await importCustomer(customers, customerRef, customerRows, source);
          result.eventsWritten += done.events;
          if (done.registered) result.registered++;
        } catch (error) {
          const line = (error as { line?: number }).line ?? customerRows[0].line;
          if (error instanceof DomainError) result.refused.push({ customerRef, line, code: error.code, message: error.message });
          else throw error;
        }
      }
    }),
  );
  result.refused.sort((a, b) => a.line - b.line);
  return result;
}
