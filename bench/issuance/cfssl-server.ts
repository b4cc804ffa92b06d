import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../test/support/free-port.ts';
import type { BenchCa } from './bench-ca.ts';
import type { KeyType } from './key-types.ts';

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 20_000;
const REQUEST_TIMEOUT_MS = 60_000;
const OUTPUT_LIMIT = 20_000;

const KEY_REQUESTS: Record<KeyType, { algo: string; size: number }> = {
  RSA_2048: { algo: 'rsa', size: 2048 },
  EC_prime256v1: { algo: 'ecdsa', size: 256 },
};

export interface CfsslServer {
  /** POST /api/v1/cfssl/newcert: cfssl generates a key of `keyType` and signs a certificate for it. */
  newCertificate(keyType: KeyType): Promise<void>;
  stop(): Promise<void>;
}

/** `cfssl serve` on 127.0.0.1 with `ca` as its signer, once it answers. */
export async function startCfsslServer(ca: BenchCa): Promise<CfsslServer> {
  const port = await freePort();
  const child = spawn(
    'cfssl',
    [
      ...['serve', '-address', HOST, '-port', String(port)],
      ...['-ca', ca.certificateFile, '-ca-key', ca.keyFile, '-loglevel', '2'],
    ],
    { cwd: ca.dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let ended: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      ended = `exited (${code ?? signal})`;
      resolve();
    });
    child.once('error', (error) => {
      ended = `could not run: ${error.message}`;
      resolve();
    });
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (!ended) child.kill('SIGKILL');
    await exited;
  };

  const baseUrl = `http://${HOST}:${port}`;
  let sequence = 0;
  const newCertificate = async (keyType: KeyType): Promise<void> => {
    const name = `f${sequence++}.bench.test`;
    const response = await fetch(`${baseUrl}/api/v1/cfssl/newcert`, {
      method: 'POST',
      body: JSON.stringify({ request: { CN: name, hosts: [name], key: KEY_REQUESTS[keyType] } }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    if (!response.ok || !issued(text)) {
      throw new Error(`cfssl newcert answered ${response.status}: ${text.slice(0, 500)}`);
    }
  };

  try {
    await waitUntilServing(
      baseUrl,
      () => ended,
      () => output,
    );
    // cfssl serves without the newcert endpoint when its signer cannot start (e.g. a key it cannot read).
    await newCertificate('EC_prime256v1').catch((error: Error) => {
      throw new Error(`${error.message}\ncfssl serve output:\n${output}`);
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { newCertificate, stop };
}

/** Until the server answers an HTTP request (any status), or it exits, or the timeout passes. */
async function waitUntilServing(
  baseUrl: string,
  ended: () => string | undefined,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const end = ended();
    if (end) throw new Error(`cfssl serve ${end}:\n${output()}`);
    try {
      await fetch(`${baseUrl}/api/v1/cfssl/newcert`, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      if (Date.now() > deadline) {
        throw new Error(
          `cfssl serve did not answer on ${baseUrl} within ${READY_TIMEOUT_MS} ms:\n${output()}`,
        );
      }
      await sleep(50);
    }
  }
}

function issued(responseText: string): boolean {
  try {
    const body = JSON.parse(responseText) as { success?: boolean; result?: { certificate?: string } };
    return body.success === true && Boolean(body.result?.certificate?.includes('BEGIN CERTIFICATE'));
  } catch {
    return false;
  }
}
