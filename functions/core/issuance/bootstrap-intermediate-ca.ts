/**
 * The CA bootstrap when the CA key is an intermediate CA under the operator's own root. The first deploy
 * makes a CSR for the CA key (signed through the CaSigner: the key never leaves it) and keeps it; the
 * operator has the root sign it and deploys again with the certificate and its chain, which are checked and
 * installed. An installed CA is never replaced.
 */
import 'reflect-metadata';
import { createPublicKey, type X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { CaSigner, Clock } from '../ports.ts';
import {
  CaBootstrapError,
  type IssuerCertificateStore,
  type StoredIssuerCertificate,
} from './bootstrap-ca.ts';
import { createCaCsr } from './ca-csr.ts';
import { canonicalPem, certificatesFromPem, describeCertificate } from './certificate-pem.ts';
import { checkIntermediateCaCertificate } from './intermediate-ca-checks.ts';

/** Where the CSR waiting for the root's signature is kept: made once, the same one until installation. */
export interface PendingCsrStore {
  pendingCsr(): Promise<string | undefined>;
  /** Stores the CSR unless one is already stored; true when this call stored it. */
  savePendingCsrIfAbsent(csrPem: string): Promise<boolean>;
}

export interface BootstrapIntermediateCaInput {
  signer: CaSigner;
  store: IssuerCertificateStore & PendingCsrStore;
  /** Distinguished name the CSR asks for, e.g. `CN=Certwright Issuing CA,O=Example`. */
  subject: string;
  clock: Clock;
  /** The certificate the external root signed for the CA key (PEM); absent until the operator has it. */
  certificatePem?: string;
  /** The certificates above it, its issuer first, up to and including the self-signed root (PEM). */
  chainPem?: string;
}

export type BootstrapIntermediateCaResult =
  | { status: 'PENDING_CERTIFICATE'; csrPem: string }
  | (StoredIssuerCertificate & {
      status: 'ACTIVE';
      /** True when this call installed the certificate, false when an installed one was kept. */
      created: boolean;
    });

interface GivenCertificate {
  certificate: X509Certificate;
  chain: X509Certificate[];
}

export async function bootstrapIntermediateCa(
  input: BootstrapIntermediateCaInput,
): Promise<BootstrapIntermediateCaResult> {
  const { signer, store } = input;
  const given = input.certificatePem === undefined ? undefined : parseGiven(input.certificatePem, input);

  const installed = await store.current();
  if (installed) return keepInstalled(installed, given);
  if (!given) return pendingCsr(input);

  checkIntermediateCaCertificate({
    ...given,
    caPublicKeySpki: await signer.publicKeySpki(),
    now: input.clock.now(),
  });
  const certificate: StoredIssuerCertificate = {
    certificatePem: canonicalPem(given.certificate),
    chainPem: given.chain.map(canonicalPem),
  };
  if (await store.saveIfAbsent(certificate)) return { status: 'ACTIVE', ...certificate, created: true };
  const winner = await store.current();
  if (!winner) {
    throw new CaBootstrapError('the CA certificate was stored by another bootstrap but cannot be read back');
  }
  return keepInstalled(winner, given);
}

function parseGiven(certificatePem: string, input: BootstrapIntermediateCaInput): GivenCertificate {
  const certificates = certificatesFromPem(certificatePem, 'the intermediate CA certificate');
  const [certificate] = certificates;
  if (!certificate || certificates.length > 1) {
    throw new CaBootstrapError(
      `the intermediate CA certificate must be one PEM certificate, got ${certificates.length} ` +
        '(the certificates above it go in the chain)',
    );
  }
  return { certificate, chain: certificatesFromPem(input.chainPem ?? '', 'the chain') };
}

/** The installed CA stays; a different certificate or chain given for it is an error, not ignored. */
function keepInstalled(
  installed: StoredIssuerCertificate,
  given: GivenCertificate | undefined,
): BootstrapIntermediateCaResult {
  const certificate = certificatesFromPem(installed.certificatePem, 'the installed CA certificate')[0];
  if (!certificate) throw new CaBootstrapError('the installed CA certificate cannot be read');
  const active = { status: 'ACTIVE' as const, ...installed, created: false };
  if (!given) {
    if (installed.chainPem.length === 0 && certificate.checkIssued(certificate)) {
      throw new CaBootstrapError(
        `a self-signed root CA (${describeCertificate(certificate)}, SHA-256 ${certificate.fingerprint256}) ` +
          'is installed for the CA key; an installed CA is never replaced, so it cannot become an ' +
          'intermediate: keep the root mode',
      );
    }
    return active;
  }
  if (!given.certificate.raw.equals(certificate.raw)) {
    throw new CaBootstrapError(
      `a CA certificate is already installed (${describeCertificate(certificate)}, SHA-256 ` +
        `${certificate.fingerprint256}); the one given (${describeCertificate(given.certificate)}, SHA-256 ` +
        `${given.certificate.fingerprint256}) would replace it, and an installed CA is never replaced: ` +
        'deploy with the installed certificate, or without one',
    );
  }
  const installedChain = installed.chainPem.flatMap((pem) => certificatesFromPem(pem, 'the installed chain'));
  const sameChain =
    installedChain.length === given.chain.length &&
    installedChain.every((entry, index) => entry.raw.equals(given.chain[index]?.raw ?? Buffer.alloc(0)));
  if (!sameChain) {
    throw new CaBootstrapError(
      'the intermediate CA certificate given is the installed one, but the chain given is not the one ' +
        'installed with it; an installed CA is never replaced: deploy with the chain it was installed with',
    );
  }
  return active;
}

async function pendingCsr(input: BootstrapIntermediateCaInput): Promise<BootstrapIntermediateCaResult> {
  const { signer, store } = input;
  const stored = await store.pendingCsr();
  if (stored) return { status: 'PENDING_CERTIFICATE', csrPem: await csrForKey(stored, signer) };

  const subject = input.subject.trim();
  if (subject === '') throw new CaBootstrapError('the CA subject is empty');
  const csrPem = await createCaCsr({ signer, subject });
  if (await store.savePendingCsrIfAbsent(csrPem)) return { status: 'PENDING_CERTIFICATE', csrPem };
  const winner = await store.pendingCsr();
  if (!winner) {
    throw new CaBootstrapError('the CSR was stored by another bootstrap but cannot be read back');
  }
  return { status: 'PENDING_CERTIFICATE', csrPem: await csrForKey(winner, signer) };
}

/** A stored CSR for another key (the CA key was replaced under a kept table) must not be handed out. */
async function csrForKey(csrPem: string, signer: CaSigner): Promise<string> {
  const requested = new x509.Pkcs10CertificateRequest(csrPem).publicKey.rawData;
  const spki = (der: ArrayBuffer | Uint8Array) =>
    createPublicKey({ key: Buffer.from(new Uint8Array(der)), format: 'der', type: 'spki' });
  if (!spki(requested).equals(spki(await signer.publicKeySpki()))) {
    throw new CaBootstrapError('the stored CSR is for another key than the CA key');
  }
  return csrPem;
}
