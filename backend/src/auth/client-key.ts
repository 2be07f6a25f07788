import { isIPv4, isIPv6 } from 'node:net';

/**
 * The client a sign-in failure is counted against: an IPv4 address as is, an IPv6 address by its /64 (one subscriber
 * line gets a whole /64, so counting single IPv6 addresses would hand an attacker 2^64 fresh clients). The address
 * comes from Express (`req.ip`), which honours TRUST_PROXY.
 */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return 'unknown';
  const [head, tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
