import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeDnsResolver } from '../../functions/adapters/dns/node-dns-resolver.ts';
import { type BindServer, startBindServer } from '../support/bind-server.ts';
import { freePort } from '../support/free-port.ts';

const ZONE = 'example.test';

describe('NodeDnsResolver against BIND', () => {
  let bind: BindServer;
  let resolver: NodeDnsResolver;

  beforeAll(async () => {
    // Without the root zone, names outside ZONE are REFUSED, which one case below needs.
    bind = await startBindServer({ zone: ZONE, root: false });
    resolver = new NodeDnsResolver({ servers: [bind.address], timeoutMs: 500, tries: 2 });
    await bind.addRecord(`_Token1.${ZONE}`, 'CNAME', '_Token2.Validations.Example.');
    await bind.addRecord(`txt-only.${ZONE}`, 'TXT', 'hello');
    await bind.addRecord(`long-txt.${ZONE}`, 'TXT', 'a'.repeat(300));
    await bind.addRecord(`long-txt.${ZONE}`, 'TXT', 'second');
  });

  afterAll(async () => {
    await bind?.stop();
  });

  it('finds a CNAME and returns its target lowercase without the trailing dot', async () => {
    expect(await resolver.resolveCname(`_token1.${ZONE}`)).toEqual({
      outcome: 'FOUND',
      values: ['_token2.validations.example'],
      server: bind.address,
    });
  });

  it('reports NXDOMAIN for a name that does not exist', async () => {
    const lookup = await resolver.resolveCname(`missing.${ZONE}`);
    expect(lookup).toMatchObject({ outcome: 'NXDOMAIN', values: [], server: bind.address });
    expect(lookup.detail).toBe('ENOTFOUND');
  });

  it('reports NODATA when the name exists with other types only', async () => {
    const lookup = await resolver.resolveCname(`txt-only.${ZONE}`);
    expect(lookup).toMatchObject({ outcome: 'NODATA', values: [], detail: 'ENODATA' });
  });

  it('finds TXT records, one value per record with its chunks joined', async () => {
    expect((await resolver.resolveTxt(`txt-only.${ZONE}`)).values).toEqual(['hello']);
    const long = await resolver.resolveTxt(`long-txt.${ZONE}`);
    expect(long.outcome).toBe('FOUND');
    expect([...long.values].sort()).toEqual(['a'.repeat(300), 'second']);
  });

  it('sees a record added after a negative answer for the same name', async () => {
    const name = `later.${ZONE}`;
    expect((await resolver.resolveCname(name)).outcome).toBe('NXDOMAIN');
    await bind.addRecord(name, 'CNAME', 'target.example');
    expect(await resolver.resolveCname(name)).toMatchObject({ outcome: 'FOUND', values: ['target.example'] });
    await bind.deleteRecords(name, 'CNAME');
    expect((await resolver.resolveCname(name)).outcome).toBe('NXDOMAIN');
  });

  it('reports TIMEOUT with ECONNREFUSED in detail when nothing listens on the port', async () => {
    const closed = `127.0.0.1:${await freePort()}`;
    const unreachable = new NodeDnsResolver({ servers: [closed], timeoutMs: 100, tries: 1 });
    expect(await unreachable.resolveCname(`_token1.${ZONE}`)).toEqual({
      outcome: 'TIMEOUT',
      values: [],
      server: closed,
      detail: 'ECONNREFUSED',
    });
  });

  it('reports TIMEOUT with ETIMEOUT in detail when the server never answers', async () => {
    const blackHole = createSocket('udp4');
    await new Promise<void>((resolve) => blackHole.bind(0, '127.0.0.1', () => resolve()));
    const silent = `127.0.0.1:${blackHole.address().port}`;
    try {
      const started = Date.now();
      const lookup = await new NodeDnsResolver({ servers: [silent], timeoutMs: 100, tries: 1 }).resolveTxt(
        `txt-only.${ZONE}`,
      );
      expect(lookup).toEqual({ outcome: 'TIMEOUT', values: [], server: silent, detail: 'ETIMEOUT' });
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      blackHole.close();
    }
  });

  it('reports REFUSED for a zone the server does not serve', async () => {
    expect(await resolver.resolveTxt('elsewhere.invalid')).toMatchObject({
      outcome: 'REFUSED',
      detail: 'EREFUSED',
    });
  });

  it('joins the configured servers in `server` and rejects a server that is not an IP address', () => {
    expect(() => new NodeDnsResolver({ servers: ['dns.example:53'] })).toThrow(/IP address/);
    const both = new NodeDnsResolver({ servers: ['127.0.0.1:5300', '[::1]:5301'], timeoutMs: 100, tries: 1 });
    return expect(both.resolveTxt('x.invalid').then((lookup) => lookup.server)).resolves.toBe(
      '127.0.0.1:5300,[::1]:5301',
    );
  });
});
