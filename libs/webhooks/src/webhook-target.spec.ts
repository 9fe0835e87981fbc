import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPrivateAddress, postTo, privateHostReason, publicOnly } from './webhook-target';

describe('webhook targets (no deliveries to this machine or private networks by default)', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    '::ffff:7f00:1',
    'fd00::1',
    'fe80::1',
    'ff02::1',
    'not an address',
  ])('given %s, then it is private', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '172.32.0.1', '192.169.0.1', '2001:4860:4860::8888'])('given %s, then it is public', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it('given URLs, when their host is written as a private address in any spelling or names this machine, then a reason is given', () => {
    for (const url of [
      'http://127.0.0.1:8080/',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://localhost/',
      'http://LOCALHOST:3000/',
      'http://hooks.localhost/',
      'http://169.254.169.254/latest/meta-data',
      'https://[fe80::1]/',
    ])
      expect([url, privateHostReason(new URL(url))]).toEqual([url, expect.any(String)]);
    for (const url of ['https://shop.example/hooks', 'http://8.8.8.8/', 'https://[2001:4860:4860::8888]/']) expect(privateHostReason(new URL(url))).toBeUndefined();
  });

  it('given a host name that resolves to a loopback address, when looked up for a delivery, then the lookup fails and no socket is opened', async () => {
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => publicOnly('localhost', {}, (e) => resolve(e)));
    expect(error).toMatchObject({ code: 'EPRIVATETARGET', message: expect.stringContaining('private address') });
  });

  describe('given a receiver on 127.0.0.1', () => {
    let server: http.Server;
    let url = '';
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        if (req.url === '/slow') return;
        res.statusCode = req.url === '/redirect' ? 302 : 204;
        if (req.url === '/redirect') res.setHeader('location', 'http://8.8.8.8/');
        res.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('when private targets are refused, then the delivery fails before connecting', async () => {
      await expect(postTo(`${url}/`, '{}', { headers: {}, timeoutMs: 1000, allowPrivate: false })).rejects.toThrow(/WEBHOOK_PRIVATE_TARGETS=allow/);
    });

    it('when they are allowed, then it answers the status, never follows a redirect, and gives up after the timeout', async () => {
      const options = { headers: { 'content-type': 'application/json' }, timeoutMs: 300, allowPrivate: true };
      await expect(postTo(`${url}/`, '{}', options)).resolves.toBe(204);
      await expect(postTo(`${url}/redirect`, '{}', options)).resolves.toBe(302);
      await expect(postTo(`${url}/slow`, '{}', options)).rejects.toThrow('no answer within 300 ms');
    });
  });
});
