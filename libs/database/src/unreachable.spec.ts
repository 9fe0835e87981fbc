// What the pg driver really throws when the server cannot be reached is
// recognised as an outage (503 StorageUnavailable, and projections probe for
// its return), not taken for a bug: a pool pointed at a port where nothing
// listens, and one whose connection attempt times out.
import * as net from 'node:net';
import { isStorageUnavailable } from '@crm/shared';
import { PostgresClient } from './postgres-client';

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

describe('errors of an unreachable PostgreSQL', () => {
  it('given nothing listening on the port, when a query runs, then its error is an outage', async () => {
    const client = new PostgresClient(`postgres://postgres@127.0.0.1:${await closedPort()}/postgres`);
    try {
      const error = await client.query('SELECT 1').catch((e: unknown) => e);
      expect(isStorageUnavailable(error)).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('given a server that accepts but never answers, when the pool gives up connecting, then its error is an outage', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const client = new PostgresClient(`postgres://postgres@127.0.0.1:${(silent.address() as net.AddressInfo).port}/postgres`, { connectionTimeoutMillis: 200 });
    try {
      const error = await client.query('SELECT 1').catch((e: unknown) => e);
      expect(isStorageUnavailable(error)).toBe(true);
    } finally {
      await client.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((r) => silent.close(r));
    }
  });
});
