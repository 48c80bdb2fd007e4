import { isIPv4, isIPv6 } from "node:net";

// The visitor's IP as the Node server saw it. server.mjs overwrites this header on every request
// (using Express's trust-proxy rules), so a visitor cannot choose it.
export const CLIENT_IP_HEADER = "x-app-client-ip";

export function clientIp(request: Request): string | null {
  return request.headers.get(CLIENT_IP_HEADER);
}

/**
 * What a per-IP counter keys a visitor by: an IPv4 address itself (also written as IPv4-mapped
 * IPv6), an IPv6 address's /64. A subscriber is usually given a whole /64 and may use any address in
 * it, so counting single IPv6 addresses would give one visitor 2^64 fresh counters. No address: "unknown".
 */
export function ipCounterKey(ip: string | null): string {
  if (ip === null) return "unknown";
  const address = ip.split("%")[0]!.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) return mapped[1]!;
  if (isIPv4(address) || !isIPv6(address)) return ip;
  return `${ipv6Groups(address).slice(0, 4).join(":")}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address, in hex without leading zeros. */
function ipv6Groups(address: string): string[] {
  // A trailing dotted IPv4 part is the last two groups.
  const withoutIpv4 = address.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) => `${((+a << 8) | +b).toString(16)}:${((+c << 8) | +d).toString(16)}`);
  const [head, tail] = withoutIpv4.split("::") as [string, string | undefined];
  const groups = (part: string | undefined) => (part ? part.split(":") : []);
  const missing = tail === undefined ? 0 : 8 - groups(head).length - groups(tail).length;
  return [...groups(head), ...Array<string>(missing).fill("0"), ...groups(tail)].map((group) => parseInt(group, 16).toString(16));
}
