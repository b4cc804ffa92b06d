import 'reflect-metadata';
import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { CaKeyAlgorithm } from '../model.ts';
import { caAlgorithmOf } from './key-object-signer.ts';

/**
 * How DescribeCertificate names the issuer: the CA certificate's organisation, else its common name, else
 * the whole subject (ACM says "Amazon").
 */
export function issuerDisplayName(caCertificatePem: string): string {
  const subject = new x509.X509Certificate(caCertificatePem).subjectName;
  return subject.getField('O')[0] ?? subject.getField('CN')[0] ?? subject.toString();
}

/** The CA key algorithm of a CA certificate, read from its public key (RSA 2048, P-256 or P-384). */
export function caCertificateAlgorithm(caCertificatePem: string): CaKeyAlgorithm {
  const certificate = new NodeX509Certificate(caCertificatePem);
  return caAlgorithmOf(
    certificate.publicKey,
    `The CA certificate ${certificate.subject.replace(/\n/g, ', ')}`,
  );
}
