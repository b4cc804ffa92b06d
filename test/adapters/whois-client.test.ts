/**
 * The WHOIS client against a real WHOIS server on 127.0.0.1 (node:net), scripted per domain: an answer
 * in pieces, silence, an endless answer, a reset; and against a port nothing listens on.
 */
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseWhoisServer,
  WHOIS_PORT,
  WhoisClient,
  type WhoisFailure,
} from '../../functions/adapters/dns/whois-client.ts';
import { freePort } from '../support/free-port.ts';

const HOST = '127.0.0.1';

const ANSWER = [
  'Domain Name: SAMPLE-HOLDINGS.NET',
  'Registrar: Example Registrar, LLC',
  'Registrar Abuse Contact Email: abuse@registrar.example',
  'Registrant Email: Owner@Sample-Holdings.net',
  'Admin Email: REDACTED FOR PRIVACY',
  'Tech Email: noc@dns-operator.net',
  '>>> Last update of WHOIS database: 2026-03-01T12:00:00Z <<<',
  '',
].join('\r\n');

type Behaviour = (socket: Socket) => void;

/** What the server does for each query it may get; an unknown domain gets "No match". */
const BEHAVIOURS: Record<string, Behaviour> = {
  'sample-holdings.net': (socket) => {
    // In pieces, as a server writing line by line sends it.
    const bytes = Buffer.from(ANSWER, 'utf8');
    socket.write(bytes.subarray(0, 17));
    setTimeout(() => {
      socket.write(bytes.subarray(17, 100));
      socket.end(bytes.subarray(100));
    }, 20);
  },
  'silent.net': () => {},
  'dripping.net': (socket) => {
    const timer = setInterval(() => socket.write('Registrant Email: owner@dripping.net\r\n'), 20);
    socket.once('close', () => clearInterval(timer));
  },
  'oversize.net': (socket) => {
    socket.write('Registrant Email: owner@oversize.net\r\n');
    socket.end('%'.repeat(70 * 1024));
  },
  'exactly-at-cap.net': (socket) => {
    const line = 'Tech Email: tech@exactly-at-cap.net\r\n';
    socket.end(line + '%'.repeat(64 * 1024 - line.length));
  },
  'reset.net': (socket) => {
    socket.write('Registrant Email: owner@reset.net\r\n');
    // After the write has left: reset at once would flush it and close normally.
    setTimeout(() => socket.resetAndDestroy(), 20);
  },
};

let server: Server;
let port: number;
const queries: string[] = [];
const connections = new Set<Socket>();

beforeAll(async () => {
  server = createServer((socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
    let received = '';
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      if (!received.includes('\r\n')) return;
      queries.push(received);
      const domain = received.trimEnd();
      const behaviour = BEHAVIOURS[domain] ?? ((s: Socket) => s.end(`No match for "${domain}".\r\n`));
      behaviour(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const socket of connections) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

function client(options: { timeoutMs?: number } = {}) {
  const failures: WhoisFailure[] = [];
  const whois = new WhoisClient({
    server: { host: HOST, port },
    ...options,
    onFailure: (failure) => failures.push(failure),
  });
  return { whois, failures };
}

describe('WhoisClient', () => {
  it('sends the domain and CRLF, reads the answer until the server closes, and parses the contacts', async () => {
    const { whois, failures } = client();
    queries.length = 0;
    expect(await whois.query('sample-holdings.net')).toBe(ANSWER);
    expect(await whois.contacts('Sample-Holdings.NET')).toEqual([
      'owner@sample-holdings.net',
      'noc@dns-operator.net',
    ]);
    expect(queries).toEqual(['sample-holdings.net\r\n', 'sample-holdings.net\r\n']);
    expect(failures).toEqual([]);
  });

  it('answers no contacts, and no failure, for a domain the server does not know', async () => {
    const { whois, failures } = client();
    expect(await whois.query('unknown-sample.net')).toBe('No match for "unknown-sample.net".\r\n');
    expect(await whois.contacts('unknown-sample.net')).toEqual([]);
    expect(failures).toEqual([]);
  });

  it('gives up after the timeout on a server that never answers, and on one that never stops', async () => {
    const { whois, failures } = client({ timeoutMs: 300 });
    for (const domain of ['silent.net', 'dripping.net']) {
      const started = Date.now();
      expect(await whois.contacts(domain)).toEqual([]);
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(2000);
    }
    expect(failures).toEqual([
      { domain: 'silent.net', server: `${HOST}:${port}`, reason: 'no complete answer within 300 ms' },
      { domain: 'dripping.net', server: `${HOST}:${port}`, reason: 'no complete answer within 300 ms' },
    ]);
  });

  it('refuses an answer over 64 KB instead of reading a truncated one; 64 KB exactly is read', async () => {
    const { whois, failures } = client();
    expect(await whois.contacts('oversize.net')).toEqual([]);
    expect(failures.map((failure) => failure.reason)).toEqual(['the answer is larger than 65536 bytes']);
    expect(await whois.contacts('exactly-at-cap.net')).toEqual(['tech@exactly-at-cap.net']);
  });

  it('answers no contacts when the connection is reset part way', async () => {
    const { whois, failures } = client();
    expect(await whois.contacts('reset.net')).toEqual([]);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.reason).toContain('ECONNRESET');
  });

  it('answers no contacts when nothing listens on the port', async () => {
    const closedPort = await freePort();
    const failures: WhoisFailure[] = [];
    const whois = new WhoisClient({
      server: { host: HOST, port: closedPort },
      onFailure: (failure) => failures.push(failure),
    });
    expect(await whois.contacts('sample-holdings.net')).toEqual([]);
    expect(failures).toEqual([
      {
        domain: 'sample-holdings.net',
        server: `${HOST}:${closedPort}`,
        reason: expect.stringContaining('ECONNREFUSED'),
      },
    ]);
  });

  it('sends nothing for a query that is not a domain name (no line break reaches the server)', async () => {
    const { whois, failures } = client();
    queries.length = 0;
    for (const query of ['sample.net\r\nother.net', 'sample.net extra', '', 'localhost', '-h sample.net']) {
      expect(await whois.contacts(query)).toEqual([]);
    }
    expect(queries).toEqual([]);
    expect(failures).toHaveLength(5);
  });

  it('still answers an empty list when the failure observer throws', async () => {
    const whois = new WhoisClient({
      server: { host: HOST, port },
      timeoutMs: 100,
      onFailure: () => {
        throw new Error('observer broke');
      },
    });
    expect(await whois.contacts('silent.net')).toEqual([]);
  });
});

describe('parseWhoisServer', () => {
  it.each([
    ['whois.registry.example', { host: 'whois.registry.example', port: WHOIS_PORT }],
    ['whois.registry.example:4343', { host: 'whois.registry.example', port: 4343 }],
    ['127.0.0.1', { host: '127.0.0.1', port: 43 }],
    ['127.0.0.1:1043', { host: '127.0.0.1', port: 1043 }],
    ['[::1]:4343', { host: '::1', port: 4343 }],
    ['[2001:db8::43]', { host: '2001:db8::43', port: 43 }],
    ['2001:db8::43', { host: '2001:db8::43', port: 43 }],
    [' localhost ', { host: 'localhost', port: 43 }],
  ])('reads %j', (raw, expected) => {
    expect(parseWhoisServer(raw)).toEqual(expected);
  });

  it.each([
    '',
    'whois://whois.registry.example',
    'whois.registry.example:0',
    'whois.registry.example:65536',
    'whois.registry.example:port',
    '[whois.registry.example]:43',
    'whois.registry.example,whois.other.example',
    '-whois.registry.example',
    'who is.example',
  ])('refuses %j', (raw) => {
    expect(() => parseWhoisServer(raw)).toThrow(`not '${raw}'`);
  });
});
