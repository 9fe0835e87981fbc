// Where deliveries may go. A webhook URL is chosen by an admin account, and
// the service must not become a way to reach what sits beside it (SSRF):
// by default no receiver on this machine or on a private network. The
// registration refuses such an address written in the URL; each delivery
// checks every address the host name resolves to, and connects only to a
// checked one (no second lookup to rebind). WEBHOOK_PRIVATE_TARGETS=allow
// lifts it, for receivers inside the shop's own network.
import { lookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

const V4: Array<[string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
];
// Unspecified, loopback, IPv4-mapped and -translated, unique-local, link-local, multicast.
const V6: Array<[string, number]> = [
  ['::', 127],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
];
// Two lists: a BlockList matches IPv4 addresses against IPv4-mapped IPv6 rules too.
const PRIVATE_V4 = new BlockList();
const PRIVATE_V6 = new BlockList();
for (const [net, prefix] of V4) PRIVATE_V4.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of V6) PRIVATE_V6.addSubnet(net, prefix, 'ipv6');

/** Loopback, private, link-local, shared, multicast or reserved: not a receiver on the internet. Anything not an address counts as private. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE_V4.check(address, 'ipv4');
  if (family === 6) return PRIVATE_V6.check(address, 'ipv6');
  return true;
}

const bare = (hostname: string) => hostname.replace(/^\[(.*)\]$/, '$1');

/** Why a URL's host may not receive deliveries (an address or a localhost name written in it), or undefined. */
export function privateHostReason(url: URL): string | undefined {
  const host = bare(url.hostname).toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is this machine`;
  if (isIP(host) && isPrivateAddress(host)) return `${host} is a loopback, private or reserved address`;
  return undefined;
}

/** dns.lookup that fails when any address of the name is private, so the socket only ever connects to a checked one. */
export const publicOnly: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true } as LookupAllOptions, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const refused = addresses.find((a) => isPrivateAddress(a.address));
    if (refused || addresses.length === 0) {
      const reason = new Error(`${hostname} resolves to ${refused?.address ?? 'nothing'}, a private address (WEBHOOK_PRIVATE_TARGETS=allow permits it)`);
      return callback(Object.assign(reason, { code: 'EPRIVATETARGET' }), '', 0);
    }
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};

export interface PostOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  allowPrivate: boolean;
}

/** POSTs the body and answers the receiver's status; never follows a redirect. */
export function postTo(url: string, body: string, options: PostOptions): Promise<number> {
  const target = new URL(url);
  const reason = options.allowPrivate ? undefined : privateHostReason(target);
  if (reason) return Promise.reject(new Error(`${reason} (WEBHOOK_PRIVATE_TARGETS=allow permits it)`));
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(target, {
      method: 'POST',
      headers: { ...options.headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: options.allowPrivate ? undefined : publicOnly,
    });
    const timer = setTimeout(() => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    request.on('response', (response) => {
      clearTimeout(timer);
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(body);
  });
}
