import { type ChildProcess, spawn } from 'node:child_process';
import { promises as dns } from 'node:dns';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port.ts';
import { runCommand } from './run-command.ts';

/** Debian's bind9 package; /usr/sbin may be missing from a non-root PATH. */
const NAMED = process.env.CERTWRIGHT_NAMED ?? '/usr/sbin/named';
const NSUPDATE = process.env.CERTWRIGHT_NSUPDATE ?? 'nsupdate';
const READY_TIMEOUT_MS = 10_000;
const START_ATTEMPTS = 3;

export interface BindServer {
  readonly zone: string;
  readonly port: number;
  /** `127.0.0.1:<port>`, the form NodeDnsResolver takes. */
  readonly address: string;
  /** Adds one record; `name` and CNAME targets are taken as absolute. */
  addRecord(name: string, type: string, value: string, ttl?: number): Promise<void>;
  /** Deletes every record of `type` at `name`. */
  deleteRecords(name: string, type: string): Promise<void>;
  stop(): Promise<void>;
}

export interface BindServerOptions {
  zone: string;
  /**
   * Also serve an empty root zone (default true): every name outside the served zones is then NXDOMAIN,
   * as a recursive resolver answers for a TLD that does not exist, instead of REFUSED. CAA checks climb to
   * the TLD, so a server standing in for "the DNS" needs it.
   */
  root?: boolean;
  /** Zones configured with a zone file that does not load: BIND answers SERVFAIL for every name in them. */
  brokenZones?: string[];
}

/**
 * A real BIND 9 named in the foreground, authoritative only (no recursion, so it never reaches out), for
 * one dynamic zone that accepts updates from 127.0.0.1. Everything it writes lives in a temp dir.
 */
export async function startBindServer(options: BindServerOptions): Promise<BindServer> {
  const zone = options.zone.replace(/\.$/, '').toLowerCase();
  for (let attempt = 1; ; attempt += 1) {
    const directory = await mkdtemp(join(tmpdir(), 'certwright-bind-'));
    const port = await freePort();
    const named = await launchNamed(directory, zone, port, options);
    try {
      await waitUntilAnswering(named, zone, port);
      return bindServer(named, directory, zone, port);
    } catch (error) {
      await terminate(named.process);
      await rm(directory, { recursive: true, force: true });
      // The port may have been taken between freePort() and named binding it.
      if (attempt >= START_ATTEMPTS) throw error;
    }
  }
}

interface RunningNamed {
  process: ChildProcess;
  output: () => string;
}

async function launchNamed(
  directory: string,
  zone: string,
  port: number,
  options: BindServerOptions,
): Promise<RunningNamed> {
  const configPath = join(directory, 'named.conf');
  const root = options.root ?? true;
  const broken = options.brokenZones ?? [];
  await writeFile(join(directory, `${zone}.zone`), zoneFile(zone));
  if (root) await writeFile(join(directory, 'root.zone'), ROOT_ZONE);
  // A zone file without an SOA record never loads.
  for (const name of broken) await writeFile(join(directory, `${name}.zone`), `$TTL 1\nwww IN A 127.0.0.1\n`);
  const extraZones = [...(root ? [['.', 'root.zone']] : []), ...broken.map((name) => [name, `${name}.zone`])]
    .map(
      ([name, file]) =>
        `zone ${JSON.stringify(name)} { type primary; file ${JSON.stringify(join(directory, file))}; };\n`,
    )
    .join('');
  await writeFile(configPath, namedConf(directory, zone, port) + extraZones);
  // -g: foreground, log to stderr. No -u: stay the current user (root in CI, no bind user needed).
  const child = spawn(NAMED, ['-g', '-4', '-n', '1', '-p', String(port), '-c', configPath], {
    cwd: directory,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.on('error', (error) => collect(Buffer.from(`spawn failed: ${error.message}\n`)));
  return { process: child, output: () => output };
}

function namedConf(directory: string, zone: string, port: number): string {
  const path = (name: string) => JSON.stringify(join(directory, name));
  return `options {
  directory ${JSON.stringify(directory)};
  pid-file ${path('named.pid')};
  session-keyfile ${path('session.key')};
  managed-keys-directory ${JSON.stringify(directory)};
  listen-on port ${port} { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
  notify no;
  allow-query { 127.0.0.1; };
  allow-transfer { none; };
};
// No control channel: the default would bind 127.0.0.1:953, shared by every named on the machine.
controls { };
zone ${JSON.stringify(zone)} {
  type primary;
  file ${path(`${zone}.zone`)};
  allow-update { 127.0.0.1; };
};
`;
}

const ROOT_ZONE = `$TTL 1
@ IN SOA localhost. hostmaster.localhost. 1 60 60 600 1
@ IN NS localhost.
localhost. IN A 127.0.0.1
`;

/** TTL and negative-cache minimum of 1 s, so nothing lingers between steps of a test. */
function zoneFile(zone: string): string {
  return `$TTL 1
@ IN SOA ns.${zone}. hostmaster.${zone}. 1 60 60 600 1
@ IN NS ns.${zone}.
ns IN A 127.0.0.1
`;
}

async function waitUntilAnswering(named: RunningNamed, zone: string, port: number): Promise<void> {
  const resolver = new dns.Resolver({ timeout: 200, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (named.process.exitCode !== null || named.process.signalCode !== null) {
      throw new Error(`named exited early (${named.process.exitCode}):\n${named.output()}`);
    }
    try {
      await resolver.resolveSoa(zone);
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(
    `named did not answer on 127.0.0.1:${port} within ${READY_TIMEOUT_MS} ms:\n${named.output()}`,
  );
}

function bindServer(named: RunningNamed, directory: string, zone: string, port: number): BindServer {
  const update = (line: string) =>
    runNsupdate(`server 127.0.0.1 ${port}\nzone ${zone}.\nupdate ${line}\nsend\n`);
  return {
    zone,
    port,
    address: `127.0.0.1:${port}`,
    addRecord: (name, type, value, ttl = 1) =>
      update(`add ${absolute(name)} ${ttl} IN ${type} ${recordData(type, value)}`),
    deleteRecords: (name, type) => update(`delete ${absolute(name)} IN ${type}`),
    stop: async () => {
      await terminate(named.process);
      await rm(directory, { recursive: true, force: true });
    },
  };
}

function recordData(type: string, value: string): string {
  if (type.toUpperCase() === 'CNAME') return absolute(value);
  if (type.toUpperCase() !== 'TXT') return value;
  const chunks = value.match(/[\s\S]{1,255}/g) ?? [''];
  return chunks.map((chunk) => `"${chunk.replace(/["\\]/g, '\\$&')}"`).join(' ');
}

function absolute(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

async function runNsupdate(script: string): Promise<void> {
  const result = await runCommand(NSUPDATE, ['-t', '5'], { input: script });
  if (result.code !== 0)
    throw new Error(`nsupdate exited ${result.code}: ${result.stdout}${result.stderr}\n${script}`);
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(killTimer);
}
