import 'reflect-metadata';
import { createPublicKey, X509Certificate as NodeX509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { CaKeyAlgorithm } from '../model.ts';
import { caAlgorithmOf } from './key-object-signer.ts';

/**
 * How DescribeCertificate names the issuer: the CA certificate's organisation, else its common name, else
 * the whole subject (ACM says "Amazon").
 */
export function issuerDisplayName(caCertificatePem: string): string {
  return displayName(new x509.X509Certificate(caCertificatePem).subjectName);
}

function displayName(subject: x509.Name): string {
  return subject.getField('O')[0] ?? subject.getField('CN')[0] ?? subject.toString();
}

/**
 * The same two facts from an intermediate CA's pending CSR: its certificate will carry the CSR's subject
 * and public key, so requests can be recorded before the certificate is installed.
 */
export function pendingCaInfo(csrPem: string): { issuerName: string; caAlgorithm: CaKeyAlgorithm } {
  const csr = new x509.Pkcs10CertificateRequest(csrPem);
  const publicKey = createPublicKey({
    key: Buffer.from(csr.publicKey.rawData),
    format: 'der',
    type: 'spki',
  });
  return {
    issuerName: displayName(csr.subjectName),
    caAlgorithm: caAlgorithmOf(publicKey, `The pending CA request ${csr.subject}`),
  };
}

/** The CA key algorithm of a CA certificate, read from its public key (RSA 2048, P-256 or P-384). */
export function caCertificateAlgorithm(caCertificatePem: string): CaKeyAlgorithm {
  const certificate = new NodeX509Certificate(caCertificatePem);
  return caAlgorithmOf(
    certificate.publicKey,
    `The CA certificate ${certificate.subject.replace(/\n/g, ', ')}`,
  );
}
