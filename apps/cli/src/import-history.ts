// `crm import <file.csv> [--map column=header,...] [--rejects rejects.csv]
// [--all-or-nothing]`: a shop's purchase and refund history (DESIGN.md
// "Import format") streamed through the customers slice's Importer. This
// file only translates: options, the progress display, the rejects file.
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, existsSync, openSync, readSync, statSync, WriteStream } from 'node:fs';
import { progressDisplay } from './progress';
import { Importer, ImportFileError, ImportSummary, parseColumnMap, RejectedRow } from '@crm/imports';
import type { CustomerCommandsService } from '@crm/customers';
import { actorOf, AppConfig, operatorPrincipal, RequestContext } from '@crm/shared';

export interface ImportArgs {
  file: string;
  map?: string;
  rejects?: string;
  allOrNothing: boolean;
}

export function parseImportArgs(args: string[]): ImportArgs {
  const options: ImportArgs = { file: '', allOrNothing: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--map' || arg === '--rejects') {
      const value = args[++i];
      if (value === undefined || value.startsWith('--')) throw new ImportFileError(`${arg} needs a value`);
      options[arg === '--map' ? 'map' : 'rejects'] = value;
    } else if (arg === '--all-or-nothing') options.allOrNothing = true;
    else if (arg.startsWith('--')) throw new ImportFileError(`unknown option ${arg}`);
    else if (options.file) throw new ImportFileError('one file at a time');
    else options.file = arg;
  }
  if (!options.file) throw new ImportFileError('usage: crm import <file.csv> [--map column=header,...] [--rejects rejects.csv] [--all-or-nothing]');
  if (!existsSync(options.file)) throw new ImportFileError(`no such file: ${options.file}`);
  return options;
}

/** The same file gets the same source (and so the same registration event ids): its size and first MiB. */
export function importSource(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(1024 * 1024);
    const n = readSync(fd, head, 0, head.length, 0);
    return `import-${createHash('sha256')
      .update(String(statSync(file).size))
      .update(head.subarray(0, n))
      .digest('hex')
      .slice(0, 16)}`;
  } finally {
    closeSync(fd);
  }
}

const csvField = (v: string | number | null) => {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Rejected rows as CSV (line, customer_ref, code, reason), written as they come. */
class RejectsFile {
  private readonly out: WriteStream;
  constructor(path: string) {
    this.out = createWriteStream(path);
    this.out.write('line,customer_ref,code,reason\n');
  }
  async add(r: RejectedRow): Promise<void> {
    if (!this.out.write(`${[r.line, r.customerRef, r.code, r.reason].map(csvField).join(',')}\n`)) await new Promise<void>((resolve) => this.out.once('drain', () => resolve()));
  }
  close(): Promise<void> {
    return new Promise((resolve, reject) => this.out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
}

export async function runImport(customers: CustomerCommandsService, config: AppConfig, options: ImportArgs): Promise<ImportSummary & { rejectsShown: RejectedRow[] }> {
  const map = parseColumnMap(options.map);
  const principal = operatorPrincipal();
  const source = importSource(options.file);
  const ctx: RequestContext = { principal, actor: actorOf(principal), correlationId: source, causationId: source };
  const rejectsFile = options.rejects ? new RejectsFile(options.rejects) : undefined;
  const shown: RejectedRow[] = [];
  const display = progressDisplay('import', 'rows');
  const importer = new Importer(customers, ctx, {
    shopCurrency: config.shopCurrency,
    shopTimeZone: config.shopTimezone,
    source,
    map,
    allOrNothing: options.allOrNothing,
    totalBytes: statSync(options.file).size,
    onReject: async (r) => {
      if (shown.length < 50) shown.push(r);
      await rejectsFile?.add(r);
    },
    onProgress: (p) => display.update({ phase: p.phase, percent: p.percent, done: p.rows, note: `${p.rejected} rejected` }),
  });
  try {
    const summary = await importer.run(() => createReadStream(options.file));
    return { ...summary, rejectsShown: shown };
  } finally {
    display.stop();
    await rejectsFile?.close();
  }
}
