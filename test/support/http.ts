// Small helpers for end-to-end tests over HTTP against the real app.
import request from 'supertest';
import { RunningApp } from './test-app';
import { SQL_CLIENT, SqlClient } from '../../libs/database/src';

export const API = '/api/v1';

export function http(running: RunningApp) {
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
