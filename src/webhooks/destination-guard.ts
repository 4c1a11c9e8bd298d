import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook may not reach unless WEBHOOKS_ALLOW_PRIVATE: loopback, private (RFC 1918,
 * fc00::/7), link-local (which holds the cloud metadata addresses 169.254.169.254 and
 * fd00:ec2::254 sits in fc00::/7), unspecified, and the shared and reserved ranges around them.
 */
const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['240.0.0.0', 4],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv6');
}

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as the IPv4 address it stands for. */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return { address: mapped[1], family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

export function isForbiddenAddress(address: string): boolean {
  const plain = unmapped(address);
  return FORBIDDEN.check(plain.address, plain.family);
}

/** A destination that resolves to an address deliveries may not reach. */
export class RefusedDestinationError extends Error {
  override readonly name = 'RefusedDestinationError';
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves `host` (all its addresses) and answers the first, or throws RefusedDestinationError if
 * any of them is forbidden: a name that resolves to a public and a private address is refused,
 * since the connection could go to either.
 */
export async function resolveDestination(
  host: string,
  allowPrivate: boolean,
): Promise<ResolvedAddress> {
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  const addresses = isIP(bare)
    ? [{ address: bare, family: isIP(bare) as 4 | 6 }]
    : ((await lookup(bare, { all: true })) as ResolvedAddress[]);
  const first = addresses[0];
  if (!first) throw new Error(`${host} has no address`);
  if (!allowPrivate) {
    const forbidden = addresses.find((a) => isForbiddenAddress(a.address));
    if (forbidden) {
      throw new RefusedDestinationError(
        `${host} resolves to ${forbidden.address}, a private, loopback or link-local address`,
      );
    }
  }
  return first;
}
