// An import: the rows of a file through the one command path in batches.
// Each batch's rows are grouped by customer and appended per customer at
// once (CustomersService.importRows: the API's handler and decider), unknown
// refs registered on the fly. A row a rule refuses is rejected alone and the
// customer's other rows go in. Purchases and refunds keep their natural
// event ids and registrations derive theirs from the file, so the same file
// again - or again after a kill at any moment - ends with the events of one
// clean run.
import type { Readable } from 'node:stream';
import { DomainError, RequestContext } from '@crm/shared';
import { CommandInBatchError } from '../customer-commands';
import type { CustomersService } from '../customers.service';
import { ImportColumn, ImportRow, readImportRows, RejectedRow } from './import-file';

export interface ImportProgress {
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
  /** Names the correlation id and the registrations' event ids: the same file gets the same ones. */
  source: string;
  map?: Partial<Record<ImportColumn, string>>;
  /** Check every row first; one bad row and nothing is written. */
  allOrNothing?: boolean;
  batchSize?: number;
  concurrency?: number;
  onReject?: (rejected: RejectedRow) => void | Promise<void>;
  onProgress?: (progress: ImportProgress) => void;
}

/** Purchases before refunds at the same instant, so a refund finds its order. */
const businessOrder = (a: ImportRow, b: ImportRow) =>
  a.occurredAt.getTime() - b.occurredAt.getTime() || ('purchase' in a.input === 'purchase' in b.input ? a.line - b.line : 'purchase' in a.input ? -1 : 1);

const naturalKey = (row: ImportRow) => ('purchase' in row.input ? `order_id ${row.input.purchase.orderId}` : `refund_id ${row.input.refund.refundId}`);

export class Importer {
  private readonly progress: ImportProgress = { rows: 0, imported: 0, rejected: 0, eventsWritten: 0, registered: 0, bytes: 0 };
  private ignoredColumns: string[] = [];
  private readonly deferred: ImportRow[] = [];
  private retrying = false;

  constructor(
    private readonly customers: CustomersService,
    private readonly ctx: RequestContext,
    private readonly options: ImportOptions,
  ) {}

  /** `open` gives the file from its start (twice with allOrNothing: a checking pass, then the import). */
  async run(open: () => Readable): Promise<ImportSummary> {
    if (this.options.allOrNothing) {
      const bad = await this.check(open());
      if (bad > 0) return { ...this.progress, rows: this.progress.rows, ignoredColumns: this.ignoredColumns, written: false };
      Object.assign(this.progress, { rows: 0, rejected: 0, bytes: 0 });
    }
    const batch: ImportRow[] = [];
    for await (const item of this.read(open())) {
      if ('rejected' in item) {
        await this.reject(item.rejected);
        continue;
      }
      batch.push(item.row);
      if (batch.length >= (this.options.batchSize ?? 2_000)) await this.flush(batch.splice(0));
    }
    await this.flush(batch.splice(0));
    this.retrying = true;
    await this.flush(this.deferred.splice(0));
    this.report();
    return { ...this.progress, ignoredColumns: this.ignoredColumns, written: true };
  }

  private read(input: Readable) {
    return readImportRows(input, {
      shopCurrency: this.options.shopCurrency,
      map: this.options.map,
      onHeader: (ignored) => (this.ignoredColumns = ignored),
      onBytes: (bytes) => {
        this.progress.bytes = bytes;
      },
    });
  }

  /** The checking pass of allOrNothing: every bad row reported, nothing written. */
  private async check(input: Readable): Promise<number> {
    let bad = 0;
    for await (const item of this.read(input)) {
      this.progress.rows++;
      if ('rejected' in item) {
        bad++;
        this.progress.rejected++;
        await this.options.onReject?.(item.rejected);
      }
      if (this.progress.rows % 10_000 === 0) this.report();
    }
    this.report();
    return bad;
  }

  private async reject(rejected: RejectedRow): Promise<void> {
    this.progress.rows++;
    this.progress.rejected++;
    await this.options.onReject?.(rejected);
  }

  private report(): void {
    this.options.onProgress?.({ ...this.progress });
  }

  /** A batch: its rows by customer, the customers appended concurrently. */
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
    const queue = [...byCustomer.entries()];
    await Promise.all(
      Array.from({ length: this.options.concurrency ?? 8 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await this.importCustomer(next[0], next[1].sort(businessOrder));
      }),
    );
    this.report();
  }

  /** One customer's rows of a batch in one append; a refused row is rejected and the rest tried again. */
  private async importCustomer(customerRef: string, rows: ImportRow[]): Promise<void> {
    let pending = rows;
    while (pending.length > 0) {
      try {
        const region = pending.find((r) => r.region)?.region;
        const ctx: RequestContext = { ...this.ctx, causationId: `${this.options.source}:${customerRef}`, idempotencyKey: `${this.options.source}:${customerRef}` };
        const result = await this.customers.importRows(
          customerRef,
          pending.map((r) => r.input),
          region ? { region: { province: region } } : {},
          ctx,
        );
        this.progress.rows += pending.length;
        this.progress.imported += pending.length;
        if (!result.unchanged) {
          this.progress.eventsWritten += result.eventIds.length;
          if (result.eventTypes.includes('CustomerRegistered')) this.progress.registered++;
        }
        return;
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

  /**
   * A refund whose order is not recorded yet may have its order further on
   * in the file (files not sorted by time): it is tried again at the end.
   */
  private async refuse(row: ImportRow, error: DomainError): Promise<void> {
    if (error.code === 'UnknownOrder' && !this.retrying) {
      this.deferred.push(row);
      return;
    }
    await this.reject({ line: row.line, customerRef: row.customerRef, code: error.code, reason: error.message });
  }

  /** Which row a refusal names: command 0 is the registration, command i is row i - 1. */
  private refusedRow(error: unknown, rows: ImportRow[]): { row: ImportRow; error: DomainError } | 'unknown' | undefined {
    if (error instanceof CommandInBatchError) return error.index >= 1 ? { row: rows[error.index - 1], error: error.refusal } : 'unknown';
    return error instanceof DomainError ? 'unknown' : undefined;
  }
}
