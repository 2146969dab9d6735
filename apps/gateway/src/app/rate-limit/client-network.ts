import ipaddr from 'ipaddr.js';

/**
 * What a per-IP rule counts for a client address. An IPv4 client counts by its address, also when a
 * dual-stack socket shows it IPv4-mapped (`::ffff:192.0.2.1`). An IPv6 client counts by its network of
 * `ipv6PrefixBits` leading bits (`2001:db8:1:2::/64`): a subscriber is handed at least a /64, so a
 * limit per address would give one attacker 2^64 login budgets. Addresses that count for themselves
 * are kept exactly as the gateway sees them, so the security scan bans the address the blocklist checks.
 */
export function rateLimitedNetwork(ip: string, ipv6PrefixBits: number): string {
  if (ipv6PrefixBits >= 128 || !ip.includes(':') || (ip.startsWith('::ffff:') && ip.includes('.'))) return ip;
  let address: ipaddr.IPv6;
  try {
    address = ipaddr.IPv6.parse(ip);
  } catch {
    // Not an address (never from a socket): counted as the string it is.
    return ip;
  }
  if (address.isIPv4MappedAddress()) return ip;
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${address.toNormalizedString()}/${ipv6PrefixBits}`).toRFC5952String()}/${ipv6PrefixBits}`;
}
