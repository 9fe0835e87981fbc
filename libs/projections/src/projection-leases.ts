// Projection workers share the read models through leases in PostgreSQL (as
// Marten's async daemon shares its shards): each projector is held by one
// live worker at a time, each worker takes its fair share (the projectors
// divided by the workers seen alive), renews what it holds every second,
// and hands back what is above its share when another worker joins. A
// worker that dies stops renewing; its leases expire after the lease time
// and the others take them over from the stored checkpoints. Leases spread
// the work; what keeps a batch from being applied twice, even when two
// processes briefly run the same projector, is the runner's checkpoint fence.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Migration, SqlClient } from '@crm/database';
import { ProjectionRunner } from './projection-runner';

export const leaseMigrations: Migration[] = [
  {
    id: '0011_projection_leases',
    sql: `
CREATE TABLE crm_projection_leases (
  name       text PRIMARY KEY,
  owner      text NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE TABLE crm_projection_workers (
  owner      text PRIMARY KEY,
  seen_until timestamptz NOT NULL
);`,
  },
];

/** Takes (or renews) the lease `name` for `owner` when it is free, expired or already the owner's. */
export async function takeLease(sql: SqlClient, name: string, owner: string, leaseMs: number): Promise<boolean> {
  const taken = await sql.query<{ name: string }>(
    `INSERT INTO crm_projection_leases (name, owner, expires_at) VALUES ($1, $2, now() + $3::interval)
     ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
     WHERE crm_projection_leases.expires_at <= now() OR crm_projection_leases.owner = excluded.owner
     RETURNING name`,
    [name, owner, `${leaseMs} milliseconds`],
  );
  return taken.length > 0;
}

/** How many lease lengths a worker leaves a projector it handed over for failing. */
const AVOID_LEASES = 6;

export interface LeaseOptions {
  /** How long a lease lasts without renewal: a dead worker's projectors move after this. */
  leaseMs?: number;
  /** How often leases are renewed and shares recounted. */
  renewMs?: number;
  owner?: string;
}

export class ProjectionLeases {
  readonly owner: string;
  private readonly leaseMs: number;
  private readonly renewMs: number;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private readonly logger = new Logger('leases');
  /** Projectors handed over because they failed here: not taken back until then (ms). */
  private readonly avoid = new Map<string, number>();

  constructor(
    private readonly sql: SqlClient,
    private readonly runner: ProjectionRunner,
    options: LeaseOptions = {},
  ) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.leaseMs = options.leaseMs ?? 5_000;
    this.renewMs = options.renewMs ?? Math.max(100, Math.floor(this.leaseMs / 5));
  }

  async start(): Promise<void> {
    await this.tick();
    const loop = () => {
      this.timer = setTimeout(() => {
        this.ticking = this.tick()
          .catch((error: unknown) => this.logger.warn(`lease renewal failed: ${error instanceof Error ? error.message : String(error)}`))
          .finally(() => this.timer !== undefined && loop());
      }, this.renewMs);
    };
    loop();
  }

  /** Heartbeat, renew, hand back above the share, take up to it; then run exactly what is held. */
  async tick(): Promise<void> {
    const ttl = `${this.leaseMs} milliseconds`;
    await this.sql.query(
      `INSERT INTO crm_projection_workers (owner, seen_until) VALUES ($1, now() + $2::interval)
       ON CONFLICT (owner) DO UPDATE SET seen_until = excluded.seen_until`,
      [this.owner, ttl],
    );
    const renewed = await this.sql.query<{ name: string }>(
      'UPDATE crm_projection_leases SET expires_at = now() + $2::interval WHERE owner = $1 AND expires_at > now() RETURNING name',
      [this.owner, ttl],
    );
    let held = renewed.map((r) => r.name).sort();
    const [{ n }] = await this.sql.query<{ n: string | number }>('SELECT count(*) AS n FROM crm_projection_workers WHERE seen_until > now()');
    // A projector that keeps failing here is handed to another worker (the cause may be this one's), and not taken back for a while.
    const failing = Number(n) > 1 ? held.filter((name) => this.runner.failingHere.includes(name)) : [];
    if (failing.length > 0) {
      await this.sql.query('DELETE FROM crm_projection_leases WHERE owner = $1 AND name = ANY ($2::text[])', [this.owner, failing]);
      for (const name of failing) this.avoid.set(name, Date.now() + this.leaseMs * AVOID_LEASES);
      this.logger.warn(`${failing.join(', ')}: failing in this worker; handed to another`);
      held = held.filter((name) => !failing.includes(name));
    }
    const names = this.runner.projectorNames;
    const share = Math.ceil(names.length / Math.max(1, Number(n)));
    if (held.length > share) {
      const extra = held.slice(share);
      await this.sql.query('DELETE FROM crm_projection_leases WHERE owner = $1 AND name = ANY ($2::text[])', [this.owner, extra]);
      held = held.slice(0, share);
    }
    // Free or expired leases, tried in an order of this worker's own, so that workers starting together spread out.
    const offset = [...this.owner].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % Math.max(1, names.length);
    const avoided = (name: string) => Number(n) > 1 && (this.avoid.get(name) ?? 0) > Date.now();
    const candidates = [...names.slice(offset), ...names.slice(0, offset)].filter((name) => !held.includes(name) && !avoided(name));
    for (const name of candidates) {
      if (held.length >= share) break;
      if (await takeLease(this.sql, name, this.owner, this.leaseMs)) held.push(name);
    }
    await this.runExactly(held);
  }

  private async runExactly(held: string[]): Promise<void> {
    const running = this.runner.running;
    for (const name of running.filter((n) => !held.includes(n))) {
      this.logger.log(`${name}: lease handed over or lost; stopping here`);
      await this.runner.stopOne(name);
    }
    const taken = held.filter((n) => !running.includes(n));
    if (taken.length === 0) return;
    this.logger.log(`${taken.join(', ')}: lease taken; projecting from the checkpoint`);
    await this.runner.startSome(taken);
  }

  /** Stops projecting and hands every lease back at once, so that the others need not wait for expiry. */
  async stop(): Promise<void> {
    const timer = this.timer;
    this.timer = undefined;
    if (timer) clearTimeout(timer);
    await this.ticking;
    for (const name of this.runner.running) await this.runner.stopOne(name);
    await this.sql.query('DELETE FROM crm_projection_leases WHERE owner = $1', [this.owner]);
    await this.sql.query('DELETE FROM crm_projection_workers WHERE owner = $1', [this.owner]);
  }
}
