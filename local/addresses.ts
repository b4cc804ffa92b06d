import { isIPv6 } from 'node:net';

/** Where to reach a server listening on `host`: a wildcard address is reached on loopback. */
export function reachableAddress(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

/** `host:port`, with IPv6 addresses in brackets (URLs and DNS server lists both want that form). */
export function hostPort(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}
