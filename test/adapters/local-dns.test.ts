import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeDnsResolver } from '../../functions/adapters/dns/node-dns-resolver.ts';
import { RoutingDnsResolver } from '../../functions/adapters/dns/routing-dns-resolver.ts';
import { LocalZones } from '../../functions/adapters/local/local-zones.ts';
import { type LocalDnsServer, startLocalDnsServer } from '../../local/dns-server.ts';
import { type BindServer, startBindServer } from '../support/bind-server.ts';

const LOCAL_ZONE = 'local.test';
const BIND_ZONE = 'example.test';
const run = promisify(execFile);

let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'certwright-local-dns-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('LocalZones', () => {
  it('persists records across instances, with names and CNAME targets normalized', async () => {
    const filePath = join(directory, 'persist', 'zones.json');
    const zones = new LocalZones([`${LOCAL_ZONE}.`], filePath);
    await zones.upsertCname(`_A.${LOCAL_ZONE}.`, '_B.Validations.Test.');
    await zones.upsert({ name: `txt.${LOCAL_ZONE}`, type: 'TXT', value: 'Mixed Case', ttl: 5 });
    await zones.upsert({ name: `host.${LOCAL_ZONE}`, type: 'A', value: '127.0.0.9' });

    const reopened = new LocalZones([LOCAL_ZONE], filePath);
    expect(reopened.lookup(`_a.${LOCAL_ZONE}`)).toEqual({
      zone: LOCAL_ZONE,
      records: [{ name: `_a.${LOCAL_ZONE}`, type: 'CNAME', value: '_b.validations.test', ttl: 60 }],
    });
    expect(reopened.lookup(`TXT.${LOCAL_ZONE}.`).records).toEqual([
      { name: `txt.${LOCAL_ZONE}`, type: 'TXT', value: 'Mixed Case', ttl: 5 },
    ]);
    expect(reopened.lookup(`host.${LOCAL_ZONE}`).records.map((record) => record.value)).toEqual([
      '127.0.0.9',
    ]);
    expect(await readdir(join(directory, 'persist'))).toEqual(['zones.json']);
  });

  it('keeps a CNAME alone at its name and TXT values as a set', async () => {
    const zones = new LocalZones([LOCAL_ZONE], join(directory, 'exclusive.json'));
    const name = `name.${LOCAL_ZONE}`;
    await zones.upsert({ name, type: 'TXT', value: 'one' });
    await zones.upsert({ name, type: 'TXT', value: 'two' });
    await zones.upsert({ name, type: 'TXT', value: 'one', ttl: 7 });
    expect(zones.lookup(name).records.map(({ value, ttl }) => [value, ttl])).toEqual([
      ['two', 60],
      ['one', 7],
    ]);
    await zones.upsertCname(name, 'first.example');
    await zones.upsertCname(name, 'second.example');
    expect(zones.lookup(name).records).toEqual([{ name, type: 'CNAME', value: 'second.example', ttl: 60 }]);
    await zones.upsert({ name, type: 'TXT', value: 'back' });
    expect(zones.lookup(name).records.map((record) => record.type)).toEqual(['TXT']);
    await zones.remove(name, 'TXT');
    expect(zones.lookup(name).records).toEqual([]);
    const saved = JSON.parse(await readFile(join(directory, 'exclusive.json'), 'utf8'));
    expect(saved).toEqual({ records: [] });
  });

  it('manages only names at or under its zones and refuses writes elsewhere', async () => {
    const zones = new LocalZones([LOCAL_ZONE, `deep.${LOCAL_ZONE}`], join(directory, 'scope.json'));
    expect(zones.manages(`a.b.${LOCAL_ZONE}`)).toBe(true);
    expect(zones.manages(LOCAL_ZONE.toUpperCase())).toBe(true);
    expect(zones.manages(`not${LOCAL_ZONE}`)).toBe(false);
    expect(zones.lookup(`x.deep.${LOCAL_ZONE}`).zone).toBe(`deep.${LOCAL_ZONE}`);
    expect(zones.lookup('x.other.test')).toEqual({ records: [] });
    await expect(zones.upsertCname('x.other.test', 'target.example')).rejects.toThrow(/no local zone/);
    await expect(zones.upsertCname(LOCAL_ZONE, 'target.example')).rejects.toThrow(/apex/);
    await expect(zones.upsert({ name: `a.${LOCAL_ZONE}`, type: 'A', value: 'nope' })).rejects.toThrow(/IPv4/);
  });
});

describe('embedded DNS server', () => {
  let zones: LocalZones;
  let server: LocalDnsServer;
  let bind: BindServer;
  let local: NodeDnsResolver;

  const dig = async (...args: string[]) => {
    const { stdout } = await run('dig', [
      '@127.0.0.1',
      '-p',
      String(server.port),
      '+time=2',
      '+tries=1',
      ...args,
    ]);
    return {
      status: /status: (\w+)/.exec(stdout)?.[1],
      flags: /flags: ([a-z ]*);/.exec(stdout)?.[1].split(' ') ?? [],
      output: stdout,
    };
  };
  const digShort = async (...args: string[]) =>
    (
      await run('dig', ['@127.0.0.1', '-p', String(server.port), '+time=2', '+tries=1', '+short', ...args])
    ).stdout
      .trim()
      .split('\n');

  beforeAll(async () => {
    zones = new LocalZones([LOCAL_ZONE], join(directory, 'server', 'zones.json'));
    await zones.upsertCname(`_token1.${LOCAL_ZONE}`, '_token2.validations.example');
    await zones.upsert({ name: `txt.${LOCAL_ZONE}`, type: 'TXT', value: `v=${'x'.repeat(300)}` });
    await zones.upsert({ name: `host.${LOCAL_ZONE}`, type: 'A', value: '127.0.0.7' });
    await zones.upsertCname(`alias.${LOCAL_ZONE}`, `host.${LOCAL_ZONE}`);
    await zones.upsert({ name: `_leaf.sub.${LOCAL_ZONE}`, type: 'TXT', value: 'below' });
    server = await startLocalDnsServer({ zones, host: '127.0.0.1', port: 0 });
    bind = await startBindServer({ zone: BIND_ZONE });
    await bind.addRecord(`_token1.${BIND_ZONE}`, 'CNAME', '_from-bind.validations.example');
    local = new NodeDnsResolver({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 500, tries: 2 });
  });

  afterAll(async () => {
    await server?.close();
    await bind?.stop();
  });

  it('answers a CNAME authoritatively, to dig and to NodeDnsResolver', async () => {
    const answer = await dig(`_token1.${LOCAL_ZONE}`, 'CNAME');
    expect(answer.status).toBe('NOERROR');
    expect(answer.flags).toContain('aa');
    expect(await digShort(`_token1.${LOCAL_ZONE}`, 'CNAME')).toEqual(['_token2.validations.example.']);
    expect(await local.resolveCname(`_TOKEN1.${LOCAL_ZONE}.`)).toMatchObject({
      outcome: 'FOUND',
      values: ['_token2.validations.example'],
    });
  });

  it('answers the CNAME for other query types and follows it inside the local zones', async () => {
    expect(await digShort(`_token1.${LOCAL_ZONE}`, 'TXT')).toEqual(['_token2.validations.example.']);
    expect(await digShort(`alias.${LOCAL_ZONE}`, 'A')).toEqual([`host.${LOCAL_ZONE}.`, '127.0.0.7']);
  });

  it('answers TXT records, splitting long values into 255-byte strings', async () => {
    const value = `v=${'x'.repeat(300)}`;
    expect(await digShort(`txt.${LOCAL_ZONE}`, 'TXT')).toEqual([
      `"${value.slice(0, 255)}" "${value.slice(255)}"`,
    ]);
    expect(await local.resolveTxt(`txt.${LOCAL_ZONE}`)).toMatchObject({ outcome: 'FOUND', values: [value] });
  });

  it('tells NXDOMAIN from NODATA, with the SOA in the authority section', async () => {
    const missing = await dig(`missing.${LOCAL_ZONE}`, 'TXT');
    expect(missing.status).toBe('NXDOMAIN');
    expect(missing.output).toMatch(new RegExp(`AUTHORITY SECTION:\\n${LOCAL_ZONE}\\.\\s+1\\s+IN\\s+SOA`));
    expect((await local.resolveCname(`missing.${LOCAL_ZONE}`)).outcome).toBe('NXDOMAIN');
    expect((await dig(`txt.${LOCAL_ZONE}`, 'A')).status).toBe('NOERROR');
    expect((await local.resolveCname(`txt.${LOCAL_ZONE}`)).outcome).toBe('NODATA');
    expect((await dig(`sub.${LOCAL_ZONE}`, 'TXT')).status).toBe('NOERROR');
  });

  it('serves SOA and NS at the zone apex', async () => {
    expect(await digShort(LOCAL_ZONE, 'NS')).toEqual([`ns.${LOCAL_ZONE}.`]);
    expect((await digShort(LOCAL_ZONE, 'SOA'))[0]).toMatch(
      new RegExp(`^ns\\.${LOCAL_ZONE}\\. hostmaster\\.`),
    );
  });

  it('refuses names outside its zones', async () => {
    const outside = await dig(`_token1.${BIND_ZONE}`, 'CNAME');
    expect(outside.status).toBe('REFUSED');
    expect(outside.flags).not.toContain('aa');
    expect((await local.resolveCname(`_token1.${BIND_ZONE}`)).outcome).toBe('REFUSED');
  });

  it('answers over TCP', async () => {
    const answer = await dig('+tcp', `_token1.${LOCAL_ZONE}`, 'CNAME');
    expect(answer.status).toBe('NOERROR');
    expect(answer.output).toContain('_token2.validations.example.');
    expect(answer.output).toContain('(TCP)');
  });

  it('truncates an answer too big for plain UDP and serves it whole over TCP', async () => {
    const name = `big.${LOCAL_ZONE}`;
    for (let index = 0; index < 20; index += 1) {
      await zones.upsert({ name, type: 'TXT', value: `record-${index}-${'y'.repeat(40)}` });
    }
    const udp = await dig('+noedns', '+ignore', name, 'TXT');
    expect(udp.flags).toContain('tc');
    expect(udp.output).toContain('ANSWER: 0');
    const tcp = await dig('+tcp', name, 'TXT');
    expect(tcp.flags).not.toContain('tc');
    expect(tcp.output).toContain('ANSWER: 20');
  });

  it('sees records written after it started, and survives malformed packets', async () => {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) =>
      socket.send(Buffer.from([1, 2, 3]), server.port, '127.0.0.1', () => resolve()),
    );
    socket.close();
    const stream = connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve) => stream.end(Buffer.from([0, 3, 9, 9, 9]), () => resolve()));
    await zones.upsertCname(`_new.${LOCAL_ZONE}`, 'new.example');
    expect(await local.resolveCname(`_new.${LOCAL_ZONE}`)).toMatchObject({
      outcome: 'FOUND',
      values: ['new.example'],
    });
    await zones.upsertCname(`_new.${LOCAL_ZONE}`, 'newer.example');
    expect((await local.resolveCname(`_new.${LOCAL_ZONE}`)).values).toEqual(['newer.example']);
    expect((await dig('+tcp', `_new.${LOCAL_ZONE}`, 'CNAME')).status).toBe('NOERROR');
  });

  it('routes local-zone names to the embedded server and other names to BIND', async () => {
    const upstream = new NodeDnsResolver({ servers: [bind.address], timeoutMs: 500, tries: 2 });
    const routing = new RoutingDnsResolver(
      [{ zone: `${LOCAL_ZONE.toUpperCase()}.`, resolver: local }],
      upstream,
    );
    expect(await routing.resolveCname(`_token1.${LOCAL_ZONE}`)).toEqual({
      outcome: 'FOUND',
      values: ['_token2.validations.example'],
      server: `127.0.0.1:${server.port}`,
    });
    expect(await routing.resolveCname(`_token1.${BIND_ZONE}`)).toEqual({
      outcome: 'FOUND',
      values: ['_from-bind.validations.example'],
      server: bind.address,
    });
    expect((await routing.resolveTxt(`not${LOCAL_ZONE}`)).server).toBe(bind.address);
  });
});
