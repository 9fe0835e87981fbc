// Imports over REST: the upload is stored in DATA_DIR/imports and recorded,
// then runs in the background through the same Importer as `crm import`.
// A service that stops mid-import resumes it on its next start (importing
// again changes nothing, so it starts the file over).
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SQL_CLIENT, SqlClient } from '@crm/database';
import { actorOf, allow, APP_CONFIG, AppConfig, invalid, notFound, Principal, RequestContext } from '@crm/shared';
import { CustomerCommandsService } from '@crm/customers';
import { ImportFileError, parseColumnMap, RejectedRow } from './import-file';
import { Importer, ImportProgress } from './importer';
import { ImportRecord, ImportsStore } from './imports.store';

/** The largest upload taken (bytes). */
export const MAX_IMPORT_BYTES = 1024 * 1024 * 1024;
/** A running import not touched for this long belongs to a process that stopped. */
const STALE_SECONDS = 30;
const HEARTBEAT_MS = 5_000;

class TooLarge extends Error {}

@Injectable()
export class ImportsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Imports');
  private readonly store: ImportsStore;
  private readonly running = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(
    private readonly customers: CustomerCommandsService,
    @Inject(SQL_CLIENT) sql: SqlClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.store = new ImportsStore(sql);
  }

  private file(importId: string): string {
    return join(this.config.dataDir, 'imports', `${importId}.csv`);
  }

  /** Stores the upload, records the import and starts it; answers before the rows are in. */
  async start(ctx: RequestContext, upload: Readable, options: { map?: string; allOrNothing: boolean }): Promise<ImportRecord> {
    allow(ctx, 'imports.run');
    try {
      parseColumnMap(options.map);
    } catch (error) {
      throw invalid('InvalidMap', (error as Error).message);
    }
    const importId = randomUUID();
    const file = this.file(importId);
    mkdirSync(join(this.config.dataDir, 'imports'), { recursive: true });
    let size = 0;
    try {
      await pipeline(
        upload,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            size += chunk.length;
            if (size > MAX_IMPORT_BYTES) throw new TooLarge();
            yield chunk;
          }
        },
        createWriteStream(file, { flush: true }),
      );
    } catch (error) {
      rmSync(file, { force: true });
      if (error instanceof TooLarge) throw invalid('PayloadTooLarge', `an import file is at most ${MAX_IMPORT_BYTES / 1024 / 1024} MiB; use crm import for larger ones`);
      throw error;
    }
    if (size === 0) {
      rmSync(file, { force: true });
      throw invalid('EmptyImport', 'the body is empty: send the CSV file as text/csv');
    }
    await this.store.create(importId, `import-${importId}`, options, ctx.principal, ctx.actor, size);
    this.launch(importId, `import-${importId}`, options, ctx.principal, false);
    return (await this.store.get(importId)) as ImportRecord;
  }

  async get(ctx: RequestContext, importId: string): Promise<ImportRecord & { rejects: RejectedRow[] }> {
    allow(ctx, 'imports.run');
    const record = await this.store.get(importId);
    if (!record) throw notFound('ImportNotFound', `import ${importId} not found`);
    return { ...record, rejects: await this.store.rejects(importId, 1_000) };
  }

  /** Resumes the imports a stopped process left running, when their file is here. */
  async onApplicationBootstrap(): Promise<void> {
    for (const left of await this.store.abandoned(STALE_SECONDS)) {
      if (!existsSync(this.file(left.importId)) || !(await this.store.claim(left.importId, STALE_SECONDS))) continue;
      this.logger.log(`resuming import ${left.importId}`);
      this.launch(left.importId, left.source, left.options, left.principal, true);
    }
  }

  /** Waits for running imports to reach a batch boundary; whatever is left resumes on the next start. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled(this.running.values());
  }

  private launch(importId: string, source: string, options: { map?: string; allOrNothing: boolean }, principal: Principal, resumed: boolean): void {
    const run = this.run(importId, source, options, principal, resumed)
      .catch((error: unknown) => this.logger.error(`import ${importId} failed: ${String(error)}`))
      .finally(() => this.running.delete(importId));
    this.running.set(importId, run);
  }

  private async run(importId: string, source: string, options: { map?: string; allOrNothing: boolean }, principal: Principal, resumed: boolean): Promise<void> {
    if (resumed) await this.store.restart(importId);
    const ctx: RequestContext = { principal, actor: actorOf(principal), correlationId: source, causationId: source };
    let stored = 0;
    let pendingRejects: RejectedRow[] = [];
    let latest: ImportProgress | undefined;
    let lastWrite = 0;
    // Writes of progress one after the other, so rejects keep their order numbers.
    let writes = Promise.resolve();
    const flush = () =>
      (writes = writes.then(async () => {
        const rejects = pendingRejects;
        pendingRejects = [];
        await this.store.addRejects(importId, stored, rejects);
        stored += rejects.length;
        if (latest) await this.store.progress(importId, latest);
      }));
    const heartbeat = setInterval(() => void this.store.heartbeat(importId).catch(() => undefined), HEARTBEAT_MS);
    try {
      const importer = new Importer(this.customers, ctx, {
        shopCurrency: this.config.shopCurrency,
        shopTimeZone: this.config.shopTimezone,
        source,
        map: parseColumnMap(options.map),
        allOrNothing: options.allOrNothing,
        totalBytes: statSync(this.file(importId)).size,
        onReject: (r) => void pendingRejects.push(r),
        onProgress: (p) => {
          latest = p;
          if (this.stopping) throw new Stopped();
          if (Date.now() - lastWrite > 1_000) {
            lastWrite = Date.now();
            void flush().catch(() => undefined);
          }
        },
      });
      const summary = await importer.run(() => createReadStream(this.file(importId)));
      latest = summary;
      await flush();
      await this.store.finish(importId, 'done', summary.written, null);
      rmSync(this.file(importId), { force: true });
    } catch (error) {
      if (error instanceof Stopped) return this.store.release(importId);
      await flush().catch(() => undefined);
      const message = error instanceof ImportFileError ? error.message : 'the import stopped on an internal error; it can be uploaded again (nothing is doubled)';
      await this.store.finish(importId, 'failed', null, message);
      if (!(error instanceof ImportFileError)) throw error;
    } finally {
      clearInterval(heartbeat);
    }
  }
}

/** The service is stopping: the import ends at a batch boundary and resumes on the next start. */
class Stopped extends Error {}
