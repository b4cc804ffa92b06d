/**
 * An operator's own root CA made and used with the openssl command line, as the intermediate CA flow tells
 * the operator to: `openssl req -x509` for the root, `openssl x509 -req` to sign the deployment's CSR.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newP256KeyArgs } from '../../support/openssl-key-args.ts';
import { openssl } from '../../unit/issuance/test-ca.ts';

/** The extensions file the operator signs the intermediate CA's CSR with. */
export const INTERMEDIATE_CA_EXTENSIONS = [
  'basicConstraints = critical, CA:TRUE, pathlen:0',
  'keyUsage = critical, keyCertSign, cRLSign',
  'subjectKeyIdentifier = hash',
  'authorityKeyIdentifier = keyid:always',
];

async function run(args: string[], cwd: string): Promise<string> {
  const result = await openssl(args, cwd);
  if (result.code !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** A self-signed P-256 root CA in `<dir>/<name>.pem` and `<name>.key`; its PEM. */
export async function opensslRoot(
  dir: string,
  name: string,
  subject: string,
  basicConstraints = 'critical,CA:TRUE',
): Promise<string> {
  await run(
    [
      'req',
      '-x509',
      ...newP256KeyArgs(`${name}.key`),
      '-out',
      `${name}.pem`,
      '-subj',
      subject,
      '-days',
      '3650',
      '-addext',
      `basicConstraints=${basicConstraints}`,
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  return readFile(join(dir, `${name}.pem`), 'utf8');
}

/** A CSR for a fresh P-256 key in `<dir>/<name>.csr`. */
export async function opensslCsr(dir: string, name: string, subject: string): Promise<void> {
  await run(['req', '-new', ...newP256KeyArgs(`${name}.key`), '-out', `${name}.csr`, '-subj', subject], dir);
}

/** Signs `<dir>/<csr>.csr` with the CA `<dir>/<ca>.pem` + `.key` and the given extensions; the PEM. */
export async function opensslSign(
  dir: string,
  options: { csr: string; ca: string; out: string; extensions?: string[]; days?: number },
): Promise<string> {
  const extensionsFile = `${options.out}.ext`;
  await writeFile(
    join(dir, extensionsFile),
    `${(options.extensions ?? INTERMEDIATE_CA_EXTENSIONS).join('\n')}\n`,
  );
  await run(
    [
      'x509',
      '-req',
      '-in',
      `${options.csr}.csr`,
      '-CA',
      `${options.ca}.pem`,
      '-CAkey',
      `${options.ca}.key`,
      '-CAcreateserial',
      '-days',
      String(options.days ?? 1825),
      '-sha256',
      '-extfile',
      extensionsFile,
      '-out',
      `${options.out}.pem`,
    ],
    dir,
  );
  return readFile(join(dir, `${options.out}.pem`), 'utf8');
}
