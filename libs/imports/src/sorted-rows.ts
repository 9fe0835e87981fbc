// An import's rows by customer, in constant memory: sorted runs of a bounded
// size spill to temporary files and are merged back (an external merge
// sort). A customer's rows then come together, in business-time order, so
// each customer's stream is read once and written in one append.
import { createReadStream, createWriteStream, mkdtempSync, rmSync, WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ImportedProfile, ImportRow } from './import-file';

/** Purchases before refunds at the same instant, so a refund finds its order. */
export function businessOrder(a: ImportRow, b: ImportRow): number {
  return a.occurredAt.getTime() - b.occurredAt.getTime() || ('purchase' in a.input === 'purchase' in b.input ? a.line - b.line : 'purchase' in a.input ? -1 : 1);
}

const byCustomer = (a: ImportRow, b: ImportRow) => (a.customerRef < b.customerRef ? -1 : a.customerRef > b.customerRef ? 1 : businessOrder(a, b));

// A run holds a row a line as a JSON array, not an object: no keys to write
// and parse, and the instant as a number (the sort key) rather than a string.
type Item = NonNullable<Extract<ImportRow['input'], { purchase: unknown }>['purchase']['items']>[number];
type StoredItem = [sku: string, category: string | null, quantity: number, unitPrice: string];
type StoredProfile = [name: string | null, phone: string | null, email: string | null, birthDate: string | null] | null;
type Head = [line: number, customerRef: string, at: number, region: string | null, profile: StoredProfile];
type StoredRow =
  | [...Head, kind: 0, orderId: string, occurredAt: string, amount: string, currency: string, channel: string | null, items: StoredItem[]]
  | [...Head, kind: 1, refundId: string, occurredAt: string, amount: string, currency: string, orderId: string | null];

const storedProfile = (p: ImportedProfile | undefined): StoredProfile => (p ? [p.name ?? null, p.phone ?? null, p.email ?? null, p.birthDate ?? null] : null);

function revivedProfile(p: StoredProfile): ImportedProfile | undefined {
  if (!p) return undefined;
  const [name, phone, email, birthDate] = p;
  return Object.fromEntries(Object.entries({ name, phone, email, birthDate }).filter(([, v]) => v !== null)) as ImportedProfile;
}

function store(row: ImportRow): string {
  const head = [row.line, row.customerRef, row.occurredAt.getTime(), row.region ?? null, storedProfile(row.profile)] as const;
  if ('purchase' in row.input) {
    const p = row.input.purchase;
    const items = (p.items ?? []).map((i): StoredItem => [i.sku, i.category ?? null, i.quantity, i.unitPrice]);
    return JSON.stringify([...head, 0, p.orderId, p.occurredAt, p.amount, p.currency, p.channel ?? null, items]);
  }
  const r = row.input.refund;
  return JSON.stringify([...head, 1, r.refundId, r.occurredAt, r.amount, r.currency, r.orderId ?? null]);
}

/** Object literals of one shape each (absent fields undefined): what the import's hot path reads stays monomorphic. */
function revive(text: string): ImportRow {
  const s = JSON.parse(text) as StoredRow;
  const region = s[3] ?? undefined;
  const profile = revivedProfile(s[4]);
  if (s[5] === 1) {
    const refund = { refundId: s[6], orderId: s[10] ?? undefined, occurredAt: s[7], amount: s[8], currency: s[9] };
    return { line: s[0], customerRef: s[1], occurredAt: new Date(s[2]), region, profile, input: { refund } };
  }
  const items = s[11].map(([sku, category, quantity, unitPrice]): Item => ({ sku, category: category ?? undefined, quantity, unitPrice }));
  const purchase = { orderId: s[6], occurredAt: s[7], amount: s[8], currency: s[9], channel: s[10] ?? undefined, items };
  return { line: s[0], customerRef: s[1], occurredAt: new Date(s[2]), region, profile, input: { purchase } };
}

async function writeRun(file: string, rows: ImportRow[]): Promise<void> {
  const out: WriteStream = createWriteStream(file);
  for (const row of rows) {
    if (!out.write(`${store(row)}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

export class SortedRows {
  private buffer: ImportRow[] = [];
  private readonly runs: string[] = [];
  private dir: string | undefined;

  /** @param runSize rows held in memory before a sorted run goes to disk */
  constructor(private readonly runSize = 20_000) {}

  async add(row: ImportRow): Promise<void> {
    this.buffer.push(row);
    if (this.buffer.length >= this.runSize) await this.spill();
  }

  private async spill(): Promise<void> {
    this.dir ??= mkdtempSync(join(tmpdir(), 'crm-import-'));
    const file = join(this.dir, `run-${this.runs.length}.ndjson`);
    await writeRun(file, this.buffer.sort(byCustomer));
    this.runs.push(file);
    this.buffer = [];
  }

  /** Every row added, by customer and business time. */
  async *sorted(): AsyncGenerator<ImportRow> {
    if (this.runs.length === 0) {
      yield* this.buffer.sort(byCustomer);
      return;
    }
    if (this.buffer.length > 0) await this.spill();
    const readers = this.runs.map((file) => createInterface({ input: createReadStream(file), crlfDelay: Infinity })[Symbol.asyncIterator]());
    const heads: Array<ImportRow | undefined> = [];
    for (const reader of readers) heads.push(await next(reader));
    for (;;) {
      let min = -1;
      heads.forEach((row, i) => {
        if (row && (min < 0 || byCustomer(row, heads[min] as ImportRow) < 0)) min = i;
      });
      if (min < 0) return;
      yield heads[min] as ImportRow;
      heads[min] = await next(readers[min]);
    }
  }

  dispose(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

async function next(reader: AsyncIterator<string>): Promise<ImportRow | undefined> {
  const { value, done } = await reader.next();
  return done ? undefined : revive(value);
}
