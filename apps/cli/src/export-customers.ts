// `crm export customers`: target lists as CSV (the fields of a customer as of
// a date), with the list filters of GET /customers. The customer read model
// is caught up first, so the file reflects every event stored before it ran.
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { SqlClient } from '@crm/database';
import { CustomerListProjector, customerCsvLines } from '@crm/customer-views';
import type { EventStore } from '@crm/event-store';
import { Lifecycle, LIFECYCLE_STATUSES } from '@crm/lifecycle';
import { ProjectionRunner } from '@crm/projections';
import { AppConfig, isCalendarDate, shopDate } from '@crm/shared';
import { TierPeriodsProjector } from '@crm/tiers';

export interface ExportOptions {
  asOf: string;
  tier?: string;
  lifecycle?: Lifecycle;
  tag?: string;
  region?: string;
  windowMonths: number;
  out?: string;
}

export class ExportUsageError extends Error {}

const FLAGS = ['--as-of', '--tier', '--lifecycle', '--tag', '--region', '--window', '--out'];

export function parseExportArgs(args: string[], config: AppConfig): ExportOptions {
  const [what, ...rest] = args;
  if (what !== 'customers')
    throw new ExportUsageError('usage: crm export customers [--as-of D] [--tier T] [--lifecycle L] [--tag T] [--region R] [--window 3|6|12] [--out file.csv]');
  const values: Record<string, string> = {};
  for (let i = 0; i < rest.length; i += 2) {
    const flag = rest[i];
    const value = rest[i + 1];
    if (!FLAGS.includes(flag)) throw new ExportUsageError(`unknown option ${flag}; options: ${FLAGS.join(' ')}`);
    if (value === undefined || value.startsWith('--')) throw new ExportUsageError(`${flag} needs a value`);
    values[flag] = value;
  }
  const asOf = values['--as-of'] ?? shopDate(new Date(), config.shopTimezone);
  if (!isCalendarDate(asOf)) throw new ExportUsageError(`--as-of must be a calendar date YYYY-MM-DD, got ${asOf}`);
  const tier = values['--tier'];
  if (tier !== undefined && !/^[A-Z][A-Z0-9_]{0,31}$/.test(tier)) throw new ExportUsageError(`--tier must be a tier code such as VIP, got ${tier}`);
  const lifecycle = values['--lifecycle'];
  if (lifecycle !== undefined && !(LIFECYCLE_STATUSES as readonly string[]).includes(lifecycle))
    throw new ExportUsageError(`--lifecycle must be one of ${LIFECYCLE_STATUSES.join(', ')}`);
  const window = values['--window'] ?? '3';
  if (!['3', '6', '12'].includes(window)) throw new ExportUsageError('--window must be 3, 6 or 12');
  return { asOf, tier, lifecycle: lifecycle as Lifecycle | undefined, tag: values['--tag'], region: values['--region'], windowMonths: Number(window), out: values['--out'] };
}

/** Catch the customer list and the tier read model up to the end of the log (the checkpoint fence makes this safe beside a running service). */
export async function catchUp(store: EventStore, sql: SqlClient, config: AppConfig): Promise<void> {
  const runner = new ProjectionRunner(store, sql, [new CustomerListProjector(config), new TierPeriodsProjector(config)], { batchSize: 5_000 });
  const [last] = await sql.query<{ p: string | null }>('SELECT max(global_position)::text AS p FROM crm_events');
  await runner.start();
  const caughtUp = await runner.waitFor(Number(last?.p ?? 0), 10 * 60_000);
  await runner.stop();
  if (!caughtUp) throw new Error('the customer and tier read models did not catch up within 10 minutes');
}

export async function exportCustomers(store: EventStore, sql: SqlClient, config: AppConfig, o: ExportOptions): Promise<number> {
  await catchUp(store, sql, config);

  const out: Writable = o.out ? createWriteStream(o.out) : process.stdout;
  const write = (line: string) => new Promise<void>((resolve, reject) => out.write(`${line}\r\n`, (e) => (e ? reject(e) : resolve())));
  let count = -1; // the header is not a customer
  for await (const line of customerCsvLines(sql, o, config.shopCurrency)) {
    await write(line);
    count++;
  }
  if (o.out) await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return count;
}
