#!/usr/bin/env -S node --max-old-space-size=1024
// The command line: `npm run cli -- <command>` or the installed `crm` bin.
// It uses the same configuration (DATABASE_URL, DATA_DIR, ...) as the service.
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { AccountsService } from '@crm/accounts';
import { appliedMigrations, DataDirInUseError, finishLocalRotation, migrate, openDatabase, SqlClient, withLocalSecrets } from '@crm/database';
import { AppConfig, ConfigError, contextFor, DomainError, loadConfig, operatorPrincipal } from '@crm/shared';
import { EventStore } from '@crm/event-store';
import { openEventStore } from '@crm/event-store/adapters';
import { actOnDeadLetter, listDeadLetters, rebuildProjections } from '@crm/projections';
import { progressDisplay } from './progress';
import { allMigrations } from '@crm/wiring';
import { allProjectors } from '@crm/wiring';
import { catchUp, exportCustomers, ExportUsageError, parseExportArgs } from './export-customers';
import { parseReplayArgs, replayRules, ReplayUsageError } from './replay-rules';
import { parseImportArgs, runImport } from './import-history';
import { ImportFileError } from '@crm/imports';
import { openCliContext } from './cli-context';
import { newMasterKey, parseRotateArgs, rotateMasterKey, RotateUsageError } from './rotate-master-key';
import { checkMasterKey, CustomerCommandsService, WrongMasterKeyError } from '@crm/customers';

const USAGE = `usage: crm <command>

commands:
  migrate    apply the database migrations (the service also applies them on start)
  status     show the storage in use, applied migrations, the event log's size, projection checkpoints and live workers
  rebuild [projection]
             rebuild read models from position 0 into fresh tables and swap them in
             (all, or the one named); on PostgreSQL the service keeps answering meanwhile
  import <file.csv> [--map column=header,...] [--rejects rejects.csv] [--all-or-nothing]
             a shop's purchase and refund history (customer_ref,kind,order_id,refund_id,occurred_at,
             amount,currency,channel,region,items), streamed; unknown customer refs are registered;
             bad rows are rejected (listed, or written to --rejects) and the good ones go in, or with
             --all-or-nothing one bad row and nothing is written; importing it again changes nothing.
             Exit status: 0 every row went in, 2 some were rejected, 1 failure
  export customers [--as-of D] [--tier T] [--lifecycle L] [--tag T] [--region R] [--window 3|6|12] [--out file.csv]
             target lists as CSV (stdout unless --out), as of a date, with the list filters
  replay --rules <file.json> [--as-of D] [--effective-from D] [--movers N]
             what-if replay of a candidate tier rule set over the whole history (nothing is
             written): migration matrix, up/down counts, movers, as JSON
  dead-letters list | retry <projector> <stream> | skip <projector> <stream>
             streams a projector could not apply, parked for it while it goes on with the others;
             retry applies a stream's parked events in order (after a fix) and unparks it, skip does
             the same without the event that failed; each action is recorded with who did it
  keys rotate-master [--new-key-file F]
             re-wrap every customer data key and webhook secret under a new master key (resumable);
             in production the new key comes from the file; in development, without it, a new key
             is made and replaces DATA_DIR/master-key once everything is re-wrapped (docs/operations.md)
  accounts create-admin <username> [--password-file F]
             create an admin account (the first one in production); the password (12-256
             characters) is read from stdin unless --password-file is given
  help       show this text`;

async function withDatabase<T>(fn: (sql: SqlClient) => Promise<T>): Promise<T> {
  const sql = await openDatabase(cliConfig());
  try {
    return await fn(sql);
  } finally {
    await sql.close();
  }
}

/** The database migrated and the event store open, for commands that read or project events. */
async function withStore<T>(config: AppConfig, fn: (store: EventStore, sql: SqlClient) => Promise<T>): Promise<T> {
  return withDatabase(async (sql) => {
    await migrate(sql, allMigrations);
    await checkMasterKey(sql, config.masterKey, config.masterKeyRotation);
    const store = openEventStore(config, sql);
    try {
      return await fn(store, sql);
    } finally {
      await store.close();
    }
  });
}

/** Option parsing errors of a command are usage errors (exit 2). */
function parsed<T>(parse: () => T, usageError: new (...a: never[]) => Error): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof usageError) throw new UsageError(error.message);
    throw error;
  }
}

type CommandFn = (args: string[]) => Promise<void>;
const commands: Record<string, CommandFn> = Object.assign(Object.create(null) as Record<string, CommandFn>, {
  async migrate() {
    await withDatabase(async (sql) => {
      const applied = await migrate(sql, allMigrations);
      console.log(JSON.stringify({ storage: sql.describe(), applied, pending: [] }));
    });
  },
  async status() {
    await withDatabase(async (sql) => {
      const applied = await appliedMigrations(sql);
      const pending = allMigrations.map((m) => m.id).filter((id) => !applied.includes(id));
      let events: unknown = null;
      if (applied.includes('0001_event_store')) {
        const [row] = await sql.query<{ count: string; last: string | null }>('SELECT count(*)::text AS count, max(global_position)::text AS last FROM crm_events');
        events = { count: Number(row.count), lastPosition: row.last === null ? 0 : Number(row.last) };
      }
      const projections = applied.includes('0003_projection_checkpoints')
        ? await sql.query('SELECT name, position::text AS position, updated_at FROM crm_projection_checkpoints ORDER BY name')
        : [];
      // Which worker holds which projector (leases that have not lapsed), and the workers seen alive.
      const workers = applied.includes('0011_projection_leases')
        ? await sql.query(
            `SELECT w.owner, w.seen_until, coalesce(array_agg(l.name ORDER BY l.name) FILTER (WHERE l.name IS NOT NULL), '{}') AS projectors
               FROM crm_projection_workers w LEFT JOIN crm_projection_leases l ON l.owner = w.owner AND l.expires_at > now()
              WHERE w.seen_until > now() GROUP BY w.owner, w.seen_until ORDER BY w.owner`,
          )
        : [];
      // The read models' query plans rest on the statistics autovacuum keeps (docs/operations.md, "keep autovacuum on").
      const autovacuum = sql.kind === 'postgres' ? (await sql.query<{ autovacuum: string }>('SHOW autovacuum'))[0].autovacuum : undefined;
      const warnings = autovacuum === 'off' ? ['autovacuum is off: run ANALYZE after large imports, or the read models are queried without statistics'] : [];
      console.log(JSON.stringify({ storage: sql.describe(), migrations: { applied, pending }, events, projections, workers, autovacuum, warnings }, null, 2));
    });
  },
  async rebuild(args) {
    const config = cliConfig();
    const projectors = allProjectors(config);
    const wanted = args[0] ? projectors.filter((p) => p.name === args[0]) : projectors;
    if (wanted.length === 0) {
      throw new UsageError(`unknown projection "${args[0]}"; known: ${projectors.map((p) => p.name).join(', ')}`);
    }
    await withStore(config, async (store, sql) => {
      // One pass over the log for all of them.
      const display = progressDisplay('rebuild', 'events');
      const results = await rebuildProjections(store, sql, wanted, {
        batchSize: 5_000,
        partitions: config.projectionPartitions,
        onProgress: (p) => display.update({ phase: p.phase, percent: p.target > 0 ? Math.min(100, (100 * p.position) / p.target) : 100, done: p.events }),
      });
      display.stop();
      const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
      for (const result of results) console.log(JSON.stringify({ ...result, peakRssMiB }));
    });
  },
  async import(args) {
    const config = cliConfig();
    const options = parseImportArgs(args);
    const app = await openCliContext(config);
    try {
      const started = Date.now();
      const { rejectsShown, ...summary } = await runImport(app.get(CustomerCommandsService), config, options);
      const seconds = (Date.now() - started) / 1000;
      const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
      console.log(JSON.stringify({ ...summary, seconds, rowsPerSec: Math.round(summary.rows / Math.max(seconds, 0.001)), peakRssMiB }, null, 2));
      if (summary.rejected > 0) {
        if (!options.rejects) for (const r of rejectsShown) process.stderr.write(`line ${r.line}: ${r.code}: ${r.reason}\n`);
        const what = summary.written ? 'the other rows went in' : 'nothing was written (--all-or-nothing)';
        process.stderr.write(
          `crm: ${summary.rejected} row(s) rejected${options.rejects ? ` (listed in ${options.rejects})` : rejectsShown.length < summary.rejected ? ' (the first 50 above; --rejects F lists all)' : ''}; ${what}\n`,
        );
        process.exitCode = 2;
      }
    } finally {
      await app.close();
    }
  },
  async export(args) {
    const config = cliConfig();
    const options = parsed(() => parseExportArgs(args, config), ExportUsageError);
    await withStore(config, async (store, sql) => {
      const count = await exportCustomers(store, sql, config, options);
      process.stderr.write(`exported ${count} customers as of ${options.asOf}${options.out ? ` to ${options.out}` : ''}\n`);
    });
  },
  async replay(args) {
    const config = cliConfig();
    const options = parsed(() => parseReplayArgs(args, config), ReplayUsageError);
    await withStore(config, async (store, sql) => {
      await catchUp(store, sql, config);
      console.log(JSON.stringify(await replayRules(store, sql, config, options), null, 2));
    });
  },
  async accounts(args) {
    const [sub, username, ...rest] = args;
    if (sub !== 'create-admin' || !username) throw new UsageError('usage: crm accounts create-admin <username> [--password-file F] (else the password is read from stdin)');
    const fileAt = rest.indexOf('--password-file');
    const password = (fileAt >= 0 ? readFileSync(rest[fileAt + 1] ?? '', 'utf8') : readFileSync(0, 'utf8')).replace(/\r?\n$/, '');
    const app = await openCliContext(cliConfig());
    try {
      const { ids } = await app.get(AccountsService).createAdmin(username, password, contextFor(operatorPrincipal()));
      console.log(JSON.stringify(ids));
    } finally {
      await app.close();
    }
  },
  async 'dead-letters'(args) {
    const [sub, projector, streamId, ...extra] = args;
    const config = cliConfig();
    if (sub === 'list' && projector === undefined) {
      await withStore(config, async (_store, sql) => console.log(JSON.stringify({ items: await listDeadLetters(sql) }, null, 2)));
      return;
    }
    if ((sub !== 'retry' && sub !== 'skip') || !projector || !streamId || extra.length > 0) {
      throw new UsageError('usage: crm dead-letters list | retry <projector> <stream> | skip <projector> <stream>');
    }
    await withStore(config, async (store, sql) => {
      const result = await actOnDeadLetter(store, sql, allProjectors(config), { projector, streamId, action: sub, actor: `cli:${userInfo().username}` });
      console.log(JSON.stringify({ projector, streamId, action: sub, ...result }));
    });
  },
  async keys(args) {
    const options = parsed(() => parseRotateArgs(args), RotateUsageError);
    const config = cliConfig();
    const next = parsed(() => newMasterKey(config, options), RotateUsageError);
    await withDatabase(async (sql) => {
      await migrate(sql, allMigrations);
      // A run stopped after the key check was sealed again opens it with the new key.
      await checkMasterKey(sql, config.masterKey, config.masterKeyRotation ?? next.key);
      const result = await rotateMasterKey(sql, config, next.key, (p) => process.stderr.write(`${JSON.stringify({ rotating: p.what, ...p })}\n`));
      if (next.local) finishLocalRotation(config.dataDir);
      console.log(
        JSON.stringify({
          ...result,
          keyCheck: 'sealed with the new key',
          masterKey: next.local ? `${config.dataDir}/master-key (replaced: back it up)` : 'set CRM_MASTER_KEY to the new key',
        }),
      );
    });
  },
  async help() {
    console.log(USAGE);
  },
} satisfies Record<string, CommandFn>);

class UsageError extends Error {}

/** The service's configuration, with the same local secrets in development (a rebuild opens sealed names with them). */
function cliConfig(): AppConfig {
  return withLocalSecrets(loadConfig());
}

const HELP = ['--help', '-h'];

/** A command's part of the usage text (its line and the indented lines under it). */
function helpFor(name: string): string {
  const lines = USAGE.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^  ${name}(\\s|$)`).test(line));
  const end = lines.findIndex((line, i) => i > start && /^ {2}\S/.test(line));
  const [first, ...more] = lines.slice(start, end < 0 ? undefined : end).map((line) => line.trim());
  // "migrate    apply ...": the description under the command, as for the longer ones.
  return `usage: crm ${[...first.split(/\s{3,}/), ...more].join('\n    ')}`;
}

async function main(argv: string[]): Promise<number> {
  const [name = 'help', ...args] = argv;
  if (HELP.includes(name)) return (void console.log(USAGE), 0);
  // A null-prototype table: "constructor" or "__proto__" is an unknown command, not Object's.
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    console.error(`crm: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  if (args.some((arg) => HELP.includes(arg))) return (void console.log(helpFor(name)), 0);
  await command(args);
  return 0;
}

main(process.argv.slice(2)).then(
  // Leave only once stdout is written out (a pipe is written asynchronously); a command may set process.exitCode.
  (code) => process.stdout.write('', () => process.exit(Number(process.exitCode ?? code))),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`crm: ${error.message}`);
      process.exit(2);
    }
    if (error instanceof DomainError) console.error(`crm: ${error.code}: ${error.message}`);
    else if (error instanceof ConfigError) console.error(`crm: configuration error: ${error.message}`);
    else if (error instanceof DataDirInUseError || error instanceof ImportFileError || error instanceof WrongMasterKeyError) console.error(`crm: ${error.message}`);
    else console.error(`crm: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
