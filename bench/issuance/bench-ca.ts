import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CA_KEY_TYPE } from './key-types.ts';
import { newKeyOptions } from './openssl-key-options.ts';
import { runTool } from './run-tool.ts';

/** The extensions of an issued server certificate, as ACM writes them (the SAN is added per certificate). */
const LEAF_CONFIG = `[req]
distinguished_name = dn
x509_extensions = leaf
prompt = no
[dn]
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

export interface BenchCa {
  dir: string;
  certificateFile: string;
  keyFile: string;
  /** An `openssl req` config for issued certificates. */
  leafConfigFile: string;
  remove(): Promise<void>;
}

/** A self-signed CA (key type CA_KEY_TYPE, as the local stack's) in a temporary directory. */
export async function createBenchCa(): Promise<BenchCa> {
  const dir = await mkdtemp(join(tmpdir(), 'certwright-bench-ca-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  const ca = {
    dir,
    certificateFile: join(dir, 'ca.pem'),
    keyFile: join(dir, 'ca-key.pem'),
    leafConfigFile: join(dir, 'leaf.cnf'),
    remove,
  };
  try {
    await writeFile(ca.leafConfigFile, LEAF_CONFIG);
    await runTool('openssl', [
      ...['req', '-x509', '-nodes', ...newKeyOptions(CA_KEY_TYPE), '-keyout', ca.keyFile],
      ...['-out', ca.certificateFile, '-subj', '/CN=Benchmark Root CA', '-days', '3650'],
    ]);
    return ca;
  } catch (error) {
    await remove();
    throw error;
  }
}
