import { connect, isIP } from 'node:net';
import { whoisContacts } from '../../core/approvals/whois-contacts.ts';
import type { WhoisLookup } from '../../core/ports.ts';

/** RFC 3912's port. */
export const WHOIS_PORT = 43;
const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_MAX_BYTES = 64 * 1024;
const HOSTNAME = /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/i;
/** What may be sent as a query: a DNS name, nothing that could end the line early. */
const QUERY = /^[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})+$/i;

export interface WhoisServer {
  host: string;
  port: number;
}

export interface WhoisFailure {
  domain: string;
  /** host:port */
  server: string;
  reason: string;
}

export interface WhoisClientOptions {
  server: WhoisServer;
  /** The whole exchange, connecting included, in milliseconds. */
  timeoutMs?: number;
  /** An answer longer than this is refused, not truncated. */
  maxBytes?: number;
  /** Told about each lookup that answered nothing (the lookup itself still answers an empty list). */
  onFailure?: (failure: WhoisFailure) => void;
}

/**
 * `host`, `host:port`, `[IPv6]`, `[IPv6]:port` or a bare IPv6 address; the host a name or an IP address,
 * the port 43 unless given.
 */
export function parseWhoisServer(raw: string): WhoisServer {
  const value = raw.trim();
  const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(value) ?? /^([^:[\]]+)(?::(\d+))?$/.exec(value);
  const host = match?.[1] ?? (isIP(value) === 6 ? value : undefined);
  const port = match?.[2] === undefined ? WHOIS_PORT : Number(match[2]);
  const hostOk = host !== undefined && (isIP(host) !== 0 || (!value.startsWith('[') && HOSTNAME.test(host)));
  if (!hostOk || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`a WHOIS server must be host or host:port (IPv6 as [::1]:43), not '${raw}'`);
  }
  return { host, port };
}

/**
 * A WHOIS client (RFC 3912): one TCP connection per query to the configured server, the domain and CRLF
 * sent, the answer read until the server closes. The answer is parsed in core (whoisContacts).
 */
export class WhoisClient implements WhoisLookup {
  private readonly server: WhoisServer;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly onFailure?: (failure: WhoisFailure) => void;

  constructor(options: WhoisClientOptions) {
    this.server = options.server;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.onFailure = options.onFailure;
  }

  /** host:port, IPv6 in brackets. */
  get address(): string {
    const { host, port } = this.server;
    return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
  }

  async contacts(domain: string): Promise<string[]> {
    try {
      return whoisContacts(await this.query(domain));
    } catch (error) {
      try {
        this.onFailure?.({ domain, server: this.address, reason: (error as Error).message });
      } catch {
        // A failing observer must not turn a lookup into a rejection.
      }
      return [];
    }
  }

  /** The server's whole answer; rejects on a refused or broken connection, a timeout or an oversize answer. */
  query(domain: string): Promise<string> {
    if (!QUERY.test(domain) || domain.length > 253) {
      return Promise.reject(new Error(`not a domain name to query: ${JSON.stringify(domain)}`));
    }
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const socket = connect({ host: this.server.host, port: this.server.port });
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        if (error) reject(error);
        else resolve(Buffer.concat(chunks).toString('utf8'));
      };
      const timer = setTimeout(
        () => finish(new Error(`no complete answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      socket.once('connect', () => socket.write(`${domain.toLowerCase()}\r\n`));
      socket.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.maxBytes) finish(new Error(`the answer is larger than ${this.maxBytes} bytes`));
        else chunks.push(chunk);
      });
      socket.once('end', () => finish());
      socket.once('error', (error) => finish(error));
      socket.once('close', () => finish(new Error('the connection closed before the answer ended')));
    });
  }
}
