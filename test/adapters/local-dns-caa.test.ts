import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeDnsResolver } from '../../functions/adapters/dns/node-dns-resolver.ts';
import { RoutingDnsResolver } from '../../functions/adapters/dns/routing-dns-resolver.ts';
import { LocalZones } from '../../functions/adapters/local/local-zones.ts';
import { checkCaa } from '../../functions/core/caa/check-caa.ts';
import { type LocalDnsServer, startLocalDnsServer } from '../../local/dns-server.ts';
import { lookup, ScriptedResolver } from '../unit/core/core-fixtures.ts';

const LOCAL_ZONE = 'local.test';
const run = promisify(execFile);

describe('CAA in the local zones', () => {
  let directory: string;
  let server: LocalDnsServer;
  let local: NodeDnsResolver;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'certwright-local-caa-'));
    const zones = new LocalZones([LOCAL_ZONE], join(directory, 'zones.json'));
    await zones.upsert({ name: `host.${LOCAL_ZONE}`, type: 'A', value: '127.0.0.7' });
    server = await startLocalDnsServer({ zones, host: '127.0.0.1', port: 0 });
    local = new NodeDnsResolver({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 500, tries: 2 });
  });

  afterAll(async () => {
    await server?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('serves an iodef-only CAA set at the zone apex, and none below it', async () => {
    const { stdout } = await run('dig', [
      '@127.0.0.1',
      '-p',
      String(server.port),
      '+time=2',
      '+tries=1',
      '+short',
      LOCAL_ZONE,
      'CAA',
    ]);
    expect(stdout.trim()).toBe(`0 iodef "mailto:hostmaster@${LOCAL_ZONE}"`);
    expect(await local.resolveCaa(LOCAL_ZONE)).toMatchObject({
      outcome: 'FOUND',
      caa: [{ flags: 0, tag: 'iodef', value: `mailto:hostmaster@${LOCAL_ZONE}` }],
    });
    expect((await local.resolveCaa(`host.${LOCAL_ZONE}`)).outcome).toBe('NODATA');
    expect((await local.resolveCaa(`missing.${LOCAL_ZONE}`)).outcome).toBe('NXDOMAIN');
  });

  it('ends the climb for a local name at the apex: any CA may issue, and nothing is asked outside', async () => {
    const outside = new ScriptedResolver().answer('CAA', 'test', lookup('TIMEOUT'));
    const routing = new RoutingDnsResolver([{ zone: LOCAL_ZONE, resolver: local }], outside);
    const verdict = await checkCaa(`*.app.${LOCAL_ZONE}`, { resolver: routing, identities: ['certwright'] });
    expect(verdict).toMatchObject({ outcome: 'PERMITTED', foundAt: LOCAL_ZONE, records: [] });
    expect(verdict.message).toBe(
      `CAA at ${LOCAL_ZONE} (0 iodef "mailto:hostmaster@${LOCAL_ZONE}") does not restrict issuance for *.app.${LOCAL_ZONE}`,
    );
    expect(outside.caaQueries).toEqual([]);
  });
});
