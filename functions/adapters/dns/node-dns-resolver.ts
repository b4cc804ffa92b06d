import { promises as dns, type CaaRecord as NodeCaaRecord } from 'node:dns';
import { isIP } from 'node:net';
import { presentCaa } from '../../core/caa/caa-presentation.ts';
import type { CaaRecord, DnsLookup, DnsOutcome, DnsResolver } from '../../core/ports.ts';

export interface NodeDnsResolverOptions {
  /** `host:port` (or bare IP for port 53; IPv6 as `[::1]:5300`). Empty or omitted: the system resolvers. */
  servers?: string[];
  /** Per-try timeout in milliseconds (c-ares default otherwise). */
  timeoutMs?: number;
  /** Attempts per server (c-ares default otherwise). */
  tries?: number;
}

/**
 * ECONNREFUSED (nothing listening: ICMP port unreachable) maps to TIMEOUT, not ERROR: like a timeout it
 * says "no server answered", which is transient for the caller; `detail` keeps the real code.
 */
const OUTCOME_BY_CODE: Record<string, DnsOutcome> = {
  [dns.NOTFOUND]: 'NXDOMAIN',
  [dns.NODATA]: 'NODATA',
  [dns.SERVFAIL]: 'SERVFAIL',
  [dns.REFUSED]: 'REFUSED',
  [dns.TIMEOUT]: 'TIMEOUT',
  [dns.CONNREFUSED]: 'TIMEOUT',
};

/** DNS lookups through node:dns (c-ares), against the given servers or the system resolvers. */
export class NodeDnsResolver implements DnsResolver {
  private readonly resolver: dns.Resolver;
  private readonly server: string;

  constructor(options: NodeDnsResolverOptions = {}) {
    this.resolver = new dns.Resolver({ timeout: options.timeoutMs ?? -1, tries: options.tries ?? 4 });
    const servers = options.servers ?? [];
    if (servers.length > 0) this.resolver.setServers(servers.map(toNodeServer));
    this.server = (servers.length > 0 ? servers : this.resolver.getServers().map(withPort)).join(',');
  }

  resolveCname(name: string): Promise<DnsLookup> {
    return this.lookup(async () => {
      const targets = await this.resolver.resolveCname(name);
      return targets.map((target) => target.replace(/\.$/, '').toLowerCase());
    });
  }

  resolveTxt(name: string): Promise<DnsLookup> {
    return this.lookup(async () => {
      const records = await this.resolver.resolveTxt(name);
      return records.map((chunks) => chunks.join(''));
    });
  }

  async resolveCaa(name: string): Promise<DnsLookup> {
    let caa: CaaRecord[] = [];
    const lookup = await this.lookup(async () => {
      caa = (await this.resolver.resolveCaa(name)).map(toCaaRecord);
      return caa.map(presentCaa);
    });
    return lookup.outcome === 'FOUND' ? { ...lookup, caa } : lookup;
  }

  private async lookup(query: () => Promise<string[]>): Promise<DnsLookup> {
    try {
      const values = await query();
      return { outcome: values.length > 0 ? 'FOUND' : 'NODATA', values, server: this.server };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'UNKNOWN';
      return { outcome: OUTCOME_BY_CODE[code] ?? 'ERROR', values: [], server: this.server, detail: code };
    }
  }
}

/**
 * node (c-ares) gives `{ critical, <tag>: value }`: `critical` is the whole flags octet, and the one other
 * key is the tag as published.
 */
function toCaaRecord(record: NodeCaaRecord): CaaRecord {
  const [tag = '', value = ''] = Object.entries(record).find(([key]) => key !== 'critical') ?? [];
  return { flags: record.critical, tag, value: String(value) };
}

/** node wants `1.2.3.4`, `1.2.3.4:5300` or `[::1]:5300`; a bare IPv6 address has no port. */
function toNodeServer(server: string): string {
  const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(server) ?? /^([^:]+)(?::(\d+))?$/.exec(server);
  const host = match ? match[1] : server;
  const version = isIP(host);
  if (version === 0) throw new Error(`DNS server must be an IP address with an optional port: ${server}`);
  const port = match?.[2];
  if (!port) return host;
  return version === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** node omits the port when it is 53; DnsLookup.server always carries one. */
function withPort(server: string): string {
  if (/^\[.+\]:\d+$/.test(server) || /^[^:]+:\d+$/.test(server)) return server;
  return isIP(server) === 6 ? `[${server}]:53` : `${server}:53`;
}
