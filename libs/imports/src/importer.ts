// An import: the rows of a file through the one command path. Rows are
// checked as they are read (a bad one is rejected with its line), sorted by
// customer in constant memory (SortedRows), then taken in batches of
// customers: each batch read in one query and appended in one transaction
// (CustomerCommandsService.importBatch: the API's decider), unknown refs registered
// on the fly. A customer the batch refuses (a row a rule refuses) goes again
// alone, where that row is rejected and the others go in. Purchases and
// refunds keep their natural event ids and registrations derive theirs from
// the file, so the same file again - or again after a kill at any moment -
// ends with the events of one clean run.
import type { Readable } from 'node:stream';
import type { CommandResult } from '@crm/event-store';
import { DomainError, RequestContext } from '@crm/shared';
import { metrics } from '@crm/shared/metrics';
import { CommandInBatchError } from '@crm/customers';
import type { CustomerCommandsService, Profile } from '@crm/customers';
import { ImportColumn, ImportedProfile, ImportRow, readImportRows, RejectedRow } from './import-file';
import { SortedRows } from './sorted-rows';

export interface ImportProgress {
  /** Reading and checking the file, then importing by customer. */
  /** done: finished (also when allOrNothing found a bad row and wrote nothing). */
  phase: 'reading' | 'importing' | 'done';
  /** 0-100 over both phases (reading counts a fifth). */
  percent: number;
  rows: number;
  imported: number;
  rejected: number;
  eventsWritten: number;
  registered: number;
  bytes: number;
}

export interface ImportSummary extends ImportProgress {
  /** Headers of the file that are not import columns (left out). */
  ignoredColumns: string[];
  /** With allOrNothing and a bad row: nothing was written. */
  written: boolean;
}

export interface ImportOptions {
  shopCurrency: string;
  /** Rows dated without a time are read in it. */
  shopTimeZone?: string;
  /** Names the correlation id and the registrations' event ids: the same file gets the same ones. */
  source: string;
  map?: Partial<Record<ImportColumn, string>>;
  /** Check every row first; one bad row and nothing is written. */
  allOrNothing?: boolean;
  /** The file's size, for the percent of the reading phase. */
  totalBytes?: number;
  /** Rows a batch of customers holds (about). */
  batchSize?: number;
  /** Batches in flight at once. */
  concurrency?: number;
  /** Rows sorted in memory before a sorted run goes to a temporary file. */
  runSize?: number;
  onReject?: (rejected: RejectedRow) => void | Promise<void>;
  onProgress?: (progress: ImportProgress) => void;
}

/** A new customer's profile: for each field (the region, the personal ones), the first of their rows that gives it. */
function profileOf(rows: ImportRow[]): Profile {
  const region = rows.find((r) => r.region)?.region;
  const profile: Profile = region ? { region: { province: region } } : {};
  for (const row of rows) {
    for (const [field, value] of Object.entries(row.profile ?? {})) {
      const key = field as keyof ImportedProfile;
      if (value !== undefined && profile[key] === undefined) profile[key] = value;
    }
  }
  return profile;
}

const naturalKey = (row: ImportRow) => ('purchase' in row.input ? `order_id ${row.input.purchase.orderId}` : `refund_id ${row.input.refund.refundId}`);

export class Importer {
  private readonly progress: ImportProgress = { phase: 'reading', percent: 0, rows: 0, imported: 0, rejected: 0, eventsWritten: 0, registered: 0, bytes: 0 };
  /** Rows read without a problem: what the importing phase takes. */
  private accepted = 0;
  private totalRows = 0;
  private ignoredColumns: string[] = [];

  constructor(
    private readonly customers: CustomerCommandsService,
    private readonly ctx: RequestContext,
    private readonly options: ImportOptions,
  ) {}

  /** Reads the file once; with allOrNothing, a bad row ends the import before anything is written. */
  async run(open: () => Readable): Promise<ImportSummary> {
    const sorter = new SortedRows(this.options.runSize);
    metrics.importsRunning.inc();
    try {
      for await (const item of this.read(open())) {
        if ('rejected' in item) await this.reject(item.rejected);
        else {
          this.accepted++;
          await sorter.add(item.row);
        }
        if ((this.accepted + this.progress.rejected) % 10_000 === 0) this.report();
      }
      if (this.options.allOrNothing && this.progress.rejected > 0) {
        this.progress.rows += this.accepted;
        return this.summary(false);
      }
      this.progress.phase = 'importing';
      this.totalRows = this.accepted + this.progress.rejected;
      // Batches hold different customers (the rows are sorted by customer), so a few run at once:
      // the next one is read and decided while the database writes the last.
      const inFlight: Array<Promise<void>> = [];
      const send = async (rows: ImportRow[]) => {
        const flushing = this.flush(rows);
        flushing.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
        inFlight.push(flushing);
        if (inFlight.length >= (this.options.concurrency ?? 3)) await inFlight.shift();
      };
      const batch: ImportRow[] = [];
      try {
        for await (const row of sorter.sorted()) {
          // A batch ends between customers: a customer's rows are decided together.
          if (batch.length >= (this.options.batchSize ?? 2_000) && batch[batch.length - 1].customerRef !== row.customerRef) await send(batch.splice(0));
          batch.push(row);
        }
        await send(batch.splice(0));
      } catch (error) {
        // Every batch started is finished (or failed) before the import answers.
        await Promise.allSettled(inFlight);
        throw error;
      }
      await Promise.all(inFlight);
      return this.summary(true);
    } finally {
      sorter.dispose();
      metrics.importsRunning.dec();
    }
  }

  private summary(written: boolean): ImportSummary {
    this.report();
    this.progress.phase = 'done';
    return { ...this.progress, percent: 100, ignoredColumns: this.ignoredColumns, written };
  }

  private read(input: Readable) {
    return readImportRows(input, {
      shopCurrency: this.options.shopCurrency,
      shopTimeZone: this.options.shopTimeZone,
      map: this.options.map,
      onHeader: (ignored) => (this.ignoredColumns = ignored),
      onBytes: (bytes) => {
        this.progress.bytes = bytes;
      },
    });
  }

  private async reject(rejected: RejectedRow): Promise<void> {
    this.progress.rows++;
    this.progress.rejected++;
    metrics.importRows.inc({ outcome: 'rejected' });
    await this.options.onReject?.(rejected);
  }

  private report(): void {
    const p = this.progress;
    const reading = this.options.totalBytes ? Math.min(1, p.bytes / this.options.totalBytes) : 0;
    const importing = this.totalRows > 0 ? Math.min(1, p.rows / this.totalRows) : 0;
    p.percent = Math.floor(p.phase === 'reading' ? 20 * reading : 20 + 80 * importing);
    this.options.onProgress?.({ ...p });
  }

  /** A batch of whole customers: one read and one append; customers refused there go again one by one. */
  private async flush(rows: ImportRow[]): Promise<void> {
    if (rows.length === 0) return;
    const byCustomer = new Map<string, ImportRow[]>();
    const seen = new Map<string, number>();
    for (const row of rows) {
      const key = naturalKey(row);
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        await this.reject({ line: row.line, customerRef: row.customerRef, code: 'DuplicateRow', reason: `${key} also on line ${earlier}` });
        continue;
      }
      seen.set(key, row.line);
      const list = byCustomer.get(row.customerRef);
      if (list) list.push(row);
      else byCustomer.set(row.customerRef, [row]);
    }
    // The batch in one read and one append; a customer refused there (a row a rule refuses) goes again alone.
    const entries = [...byCustomer.entries()];
    const answers = await this.customers.importBatch(
      entries.map(([ref, list]) => ({ customerRef: ref, rows: list.map((r) => r.input), profile: profileOf(list), ctx: this.contextFor(ref) })),
    );
    const again: Array<readonly [string, ImportRow[]]> = [];
    answers.forEach((answer, i) => {
      if (!('error' in answer)) return this.count(entries[i][1].length, answer);
      if (!(answer.error instanceof DomainError || answer.error instanceof CommandInBatchError)) throw answer.error;
      again.push(entries[i]);
    });
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let next = again.shift(); next; next = again.shift()) await this.importCustomer(next[0], next[1]);
      }),
    );
    this.report();
  }

  /** One customer's rows of a batch in one append; a refused row is rejected and the rest tried again. */
  private async importCustomer(customerRef: string, rows: ImportRow[]): Promise<void> {
    let pending = rows;
    while (pending.length > 0) {
      try {
        const result = await this.customers.importRows(
          customerRef,
          pending.map((r) => r.input),
          profileOf(pending),
          this.contextFor(customerRef),
        );
        return this.count(pending.length, result);
      } catch (error) {
        const refused = this.refusedRow(error, pending);
        if (!refused) throw error;
        if (refused === 'unknown') {
          // A refusal of the whole append (an id recorded for another customer): each row alone finds the one.
          const whole = error instanceof CommandInBatchError ? error.refusal : (error as DomainError);
          if (pending.length === 1) return this.refuse(pending[0], whole);
          for (const row of pending) await this.importCustomer(customerRef, [row]);
          return;
        }
        await this.refuse(refused.row, refused.error);
        pending = pending.filter((r) => r !== refused.row);
      }
    }
  }

  private async refuse(row: ImportRow, error: DomainError): Promise<void> {
    await this.reject({ line: row.line, customerRef: row.customerRef, code: error.code, reason: error.message });
  }

  /** A customer's context: its registration's event id comes from the file and the ref. */
  private contextFor(customerRef: string): RequestContext {
    return { ...this.ctx, causationId: `${this.options.source}:${customerRef}`, idempotencyKey: `${this.options.source}:${customerRef}` };
  }

  private count(rows: number, result: CommandResult): void {
    this.progress.rows += rows;
    this.progress.imported += rows;
    metrics.importRows.inc({ outcome: 'imported' }, rows);
    if (result.unchanged) return;
    this.progress.eventsWritten += result.eventIds.length;
    metrics.importEvents.inc(result.eventIds.length);
    if (result.eventTypes.includes('CustomerRegistered')) this.progress.registered++;
  }

  /** Which row a refusal names: command 0 is the registration, command i is row i - 1. */
  private refusedRow(error: unknown, rows: ImportRow[]): { row: ImportRow; error: DomainError } | 'unknown' | undefined {
    if (error instanceof CommandInBatchError) return error.index >= 1 ? { row: rows[error.index - 1], error: error.refusal } : 'unknown';
    return error instanceof DomainError ? 'unknown' : undefined;
  }
}
