import { join } from 'node:path';
import type { BenchCa } from './bench-ca.ts';
import type { KeyType } from './key-types.ts';
import { newKeyOptions } from './openssl-key-options.ts';
import { runTool } from './run-tool.ts';

const VALIDITY_DAYS = '395';

/**
 * The baseline issuer: one `openssl req -x509 -CA` process per certificate, which generates a key of
 * `keyType`, signs a certificate for it with the CA's key and writes both to files.
 */
export function opensslIssuer(ca: BenchCa): (keyType: KeyType) => Promise<void> {
  let sequence = 0;
  return async (keyType) => {
    const name = `o${sequence++}.bench.test`;
    await runTool('openssl', [
      ...['req', '-x509', '-config', ca.leafConfigFile, '-nodes', ...newKeyOptions(keyType)],
      ...['-keyout', join(ca.dir, `${name}.key`), '-out', join(ca.dir, `${name}.pem`)],
      ...['-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`],
      ...['-CA', ca.certificateFile, '-CAkey', ca.keyFile, '-days', VALIDITY_DAYS],
    ]);
  };
}
