// Where outgoing webhooks may go. Loopback, private, link-local and other
// non-public addresses are refused unless configuration allows them, both when
// an endpoint is saved and on every connection (a name that resolves to a
// private address later is still refused: the check is in the DNS lookup).
import dns from 'node:dns';
import net from 'node:net';
import type { LookupFunction } from 'node:net';
import type { Config } from '../config.js';

type Policy = Pick<Config['outboundWebhooks'], 'allowPrivateUrls' | 'requireHttps'>;

const blocked = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(prefix, bits, 'ipv4');
for (const [prefix, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const)
  blocked.addSubnet(prefix, bits, 'ipv6');

/** Whether an IP address is one a public webhook must not reach. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1]!, 'ipv4');
  const family = net.isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** What is wrong with an endpoint URL, or null. Resolves its host name to check where it points. */
export async function urlProblem(policy: Policy, raw: string): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL such as https://example.com/hooks';
  }
  if (raw.length > 2000) return 'must be at most 2000 characters';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http or https URL';
  if (policy.requireHttps && url.protocol !== 'https:') return 'must be https';
  if (url.username || url.password) return 'must not carry a user name or password';
  if (policy.allowPrivateUrls) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = net.isIP(host) ? [host] : (await dns.promises.lookup(host, { all: true })).map((a) => a.address);
  } catch {
    return `its host ${host} could not be resolved`;
  }
  if (addresses.some(isPrivateAddress)) return 'must point at a public address: loopback, private and link-local addresses are refused';
  return null;
}

/** A DNS lookup for http.request that refuses private addresses (unless allowed), so a delivery cannot be steered inside. */
export function guardedLookup(policy: Pick<Policy, 'allowPrivateUrls'>): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as dns.LookupAddress[];
      const bad = !policy.allowPrivateUrls && list.some((a) => isPrivateAddress(a.address));
      if (bad) return callback(Object.assign(new Error(`${hostname} resolves to a private address`), { code: 'EPRIVATEADDRESS' }), '', 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
