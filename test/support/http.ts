// Small helpers for end-to-end tests over HTTP against the real app.
import request from 'supertest';
import { RunningApp } from './test-app';
import { SQL_CLIENT, SqlClient } from '../../libs/database/src';
import type { Role } from '../../libs/shared/src';
import { PROJECTION_RUNNER } from '../../libs/projections/src';

export const API = '/api/v1';

/** Requests as the test admin. */
export function http(running: RunningApp) {
  return request.agent(running.app.getHttpServer()).set('Authorization', `Bearer ${running.token}`);
}

/** Requests as another account (created on first use; an agent unless said otherwise). */
export async function as(running: RunningApp, username: string, role: Role = 'agent') {
  return request.agent(running.app.getHttpServer()).set('Authorization', `Bearer ${await running.tokenFor(username, role)}`);
}

/** Requests without credentials. */
export function anonymous(running: RunningApp) {
  return request(running.app.getHttpServer());
}

/** How many events the store holds: exact, straight from the table. */
export async function eventCount(running: RunningApp): Promise<number> {
  const sql = running.app.get<SqlClient>(SQL_CLIENT);
  const [row] = await sql.query<{ n: string | number }>('SELECT count(*) AS n FROM crm_events');
  return Number(row.n);
}

export async function register(running: RunningApp, body: Record<string, unknown> = {}): Promise<string> {
  const res = await http(running)
    .post(`${API}/customers`)
    .send({ name: 'Lin', ...body })
    .expect(201);
  return res.body.customerId as string;
}

export const purchaseBody = (orderId: string, amount = '600.00', extra: Record<string, unknown> = {}) => ({
  orderId,
  occurredAt: '2024-05-31T10:00:00+08:00',
  amount,
  currency: 'CNY',
  ...extra,
});

/** Requests as the test admin once every projection has caught up with the log (reads of read models after writes, without a position at hand). */
export async function settledHttp(running: RunningApp) {
  const sql = running.app.get<SqlClient>(SQL_CLIENT);
  const [row] = await sql.query<{ p: string | null }>('SELECT max(global_position)::text AS p FROM crm_events');
  const runner = running.app.get<{ waitFor(position: number, timeoutMs?: number): Promise<boolean> }>(PROJECTION_RUNNER);
  if (!(await runner.waitFor(Number(row?.p ?? 0), 60_000))) throw new Error('the projections did not catch up within 60 s');
  return http(running);
}
