// The filtered customer list as CSV (RFC 4180, CRLF): the rows of
// GET /customers as of a date, every page, with each channel's consent. One
// definition for `crm export customers` and GET /customers/export.
import type { SqlClient } from '@crm/database';
import { CONSENT_CHANNELS } from '@crm/customers';
import { CustomerListFilter, CustomerListItem, listCustomers } from './customer-list.query';

export const CSV_COLUMNS = [
  'id',
  'customer_ref',
  'name',
  'province',
  'city',
  'tags',
  'tier',
  'lifecycle',
  'net_spend',
  'purchase_count',
  'first_purchase_at',
  'last_purchase_at',
  ...CONSENT_CHANNELS.map((c) => `consent_${c}`),
];

/** RFC 4180 quoting; text that a spreadsheet would run as a formula gets a leading apostrophe. */
export function csvField(value: string | number | boolean | null | undefined, text = false): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (text && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One customer as a CSV line; a consent never given or withdrawn is empty. */
export const csvRow = (c: CustomerListItem): string =>
  [
    csvField(c.id),
    csvField(c.customerRef, true),
    csvField(c.name, true),
    csvField(c.region.province, true),
    csvField(c.region.city, true),
    csvField(c.tags.join(';'), true),
    csvField(c.tier),
    csvField(c.lifecycle),
    csvField(c.netSpend),
    csvField(c.purchaseCount),
    csvField(c.firstPurchaseAt),
    csvField(c.lastPurchaseAt),
    ...CONSENT_CHANNELS.map((ch) => csvField(c.consent[ch] === undefined ? null : c.consent[ch] ? 'yes' : 'no')),
  ].join(',');

/** The header line, then every customer of the filter, page by page (constant memory). */
export async function* customerCsvLines(sql: SqlClient, filter: Omit<CustomerListFilter, 'cursor' | 'limit'>, currency: string): AsyncGenerator<string> {
  yield CSV_COLUMNS.join(',');
  let cursor: string | undefined;
  do {
    const page = await listCustomers(sql, { ...filter, cursor, limit: 500 }, currency);
    for (const c of page.items) yield csvRow(c);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
