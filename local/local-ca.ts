import { X509Certificate } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createCaKey, FileCaSigner } from '../functions/adapters/local/file-ca-signer.ts';
import { fileIssuerStore } from '../functions/adapters/local/file-issuer-store.ts';
import { bootstrapCa } from '../functions/core/issuance/bootstrap-ca.ts';
import type { CaKeyAlgorithm } from '../functions/core/model.ts';
import type { CaSigner, Clock, IssuerSource, Random } from '../functions/core/ports.ts';

export interface LocalCaOptions {
  dataDir: string;
  /** Key algorithm of a new CA (default RSA_2048); when given, an existing CA must have it. */
  algorithm?: CaKeyAlgorithm;
  /** Distinguished name of a new CA, e.g. `CN=Certwright Local CA, O=Certwright`. */
  subject: string;
  validityYears: number;
  clock: Clock;
  random: Random;
}

export interface LocalCa {
  signer: CaSigner;
  issuer: IssuerSource;
  certificatePem: string;
}

const DEFAULT_CA_ALGORITHM: CaKeyAlgorithm = 'RSA_2048';

/**
 * The local stack's CA: `<dataDir>/ca/ca-key.pem` (mode 0600) and its self-signed `<dataDir>/ca/ca.pem`.
 * The first start creates them; later starts load them. A key without a certificate (the process died
 * in between) gets a new certificate for that key. A certificate that does not match the key is refused.
 */
export async function ensureLocalCa(options: LocalCaOptions): Promise<LocalCa> {
  const directory = join(options.dataDir, 'ca');
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const keyPath = join(directory, 'ca-key.pem');
  const certificatePath = join(directory, 'ca.pem');

  const signer = await loadOrCreateKey(keyPath, options.algorithm ?? DEFAULT_CA_ALGORITHM);
  if (options.algorithm && signer.algorithm !== options.algorithm) {
    throw new Error(
      `The local CA key ${keyPath} is ${signer.algorithm}, but ${options.algorithm} is configured; ` +
        `leave the setting out (an existing CA keeps its key), or remove ${directory} to create a new CA`,
    );
  }
  const { certificatePem } = await bootstrapCa({
    signer,
    store: fileIssuerStore(certificatePath),
    subject: options.subject,
    validityYears: options.validityYears,
    clock: options.clock,
    random: options.random,
  });
  await checkCertificate(certificatePem, signer, certificatePath, keyPath, options.clock.now());
  return { signer, issuer: { current: async () => ({ certificatePem, chainPem: [] }) }, certificatePem };
}

async function loadOrCreateKey(path: string, algorithm: CaKeyAlgorithm): Promise<CaSigner> {
  try {
    return await FileCaSigner.fromFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    return await createCaKey(path, algorithm);
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return FileCaSigner.fromFile(path);
    throw error;
  }
}

async function checkCertificate(pem: string, signer: CaSigner, path: string, keyPath: string, now: Date) {
  const certificate = new X509Certificate(pem);
  const certificateKey = certificate.publicKey.export({ type: 'spki', format: 'der' });
  if (!certificateKey.equals(await signer.publicKeySpki())) {
    throw new Error(
      `The local CA certificate ${path} is not for the key ${keyPath}; ` +
        `restore the matching key, or remove ${path} to make a new certificate for this key`,
    );
  }
  if (new Date(certificate.validTo).getTime() <= now.getTime()) {
    throw new Error(
      `The local CA certificate ${path} expired on ${certificate.validTo}; remove it to make a new one for the same key`,
    );
  }
}
