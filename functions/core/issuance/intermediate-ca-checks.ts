import 'reflect-metadata';
import { createPublicKey, type X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import { CaBootstrapError } from './bootstrap-ca.ts';
import { describeCertificate } from './certificate-pem.ts';

export interface IntermediateCaCandidate {
  /** The certificate the external root signed for the CA key. */
  certificate: X509Certificate;
  /** The certificates above it: its issuer first, the self-signed root last. */
  chain: X509Certificate[];
  /** The CA key's SubjectPublicKeyInfo, DER. */
  caPublicKeySpki: Uint8Array;
  now: Date;
}

/** Signature algorithms clients no longer accept on a certificate (MD5 and SHA-1 based). */
const WEAK_SIGNATURE_OIDS: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10040.4.3': 'dsa-with-sha1',
};

/**
 * Refuses, with a CaBootstrapError naming the problem, an intermediate CA certificate the CA cannot issue
 * under: another key than the CA key, not a CA, not valid now, no subject key identifier (issued
 * certificates name it), or a chain that does not link it by signatures to a self-signed root that may
 * have an intermediate below it.
 */
export function checkIntermediateCaCertificate(candidate: IntermediateCaCandidate): void {
  const { certificate, chain, now } = candidate;
  const caKey = createPublicKey({ key: Buffer.from(candidate.caPublicKeySpki), format: 'der', type: 'spki' });
  if (!certificate.publicKey.equals(caKey)) {
    throw new CaBootstrapError(
      `the intermediate CA certificate (${describeCertificate(certificate)}) is for another key, not the CA ` +
        `key: have the root sign this deployment's CSR`,
    );
  }
  const intermediate = 'the intermediate CA certificate';
  checkCaCertificate(certificate, intermediate);
  checkValidNow(certificate, intermediate, now);
  if (!new x509.X509Certificate(certificate.raw).getExtension(x509.SubjectKeyIdentifierExtension)) {
    throw new CaBootstrapError(
      `${intermediate} has no subjectKeyIdentifier extension (sign it with subjectKeyIdentifier = hash)`,
    );
  }

  const first = chain[0];
  if (!first) {
    throw new CaBootstrapError(
      'the chain is empty: give the certificates above the intermediate, its issuer first, up to the root',
    );
  }
  if (first.raw.equals(certificate.raw)) {
    throw new CaBootstrapError(
      'the chain starts with the intermediate certificate itself: give only the certificates above it',
    );
  }
  let below = certificate;
  let belowName = intermediate;
  for (const [index, issuer] of chain.entries()) {
    const issuerName = `chain certificate ${index + 1} (${describeCertificate(issuer)})`;
    checkIssuedBy(below, belowName, issuer, issuerName);
    checkCaCertificate(issuer, issuerName);
    checkValidNow(issuer, issuerName, now);
    // CA certificates below this one in the path: the chain certificates before it and the intermediate.
    const pathLength = new x509.X509Certificate(issuer.raw).getExtension(
      x509.BasicConstraintsExtension,
    )?.pathLength;
    if (pathLength !== undefined && pathLength < index + 1) {
      throw new CaBootstrapError(
        `${issuerName} allows ${pathLength} CA certificate(s) below it (pathlen), but the path has ${index + 1}`,
      );
    }
    below = issuer;
    belowName = issuerName;
  }
  const root = below;
  if (!root.checkIssued(root) || !root.verify(root.publicKey)) {
    throw new CaBootstrapError(
      `the chain ends with ${belowName}, which is not a self-signed root: the chain must go up to and ` +
        'include the root',
    );
  }
}

function checkIssuedBy(
  certificate: X509Certificate,
  name: string,
  issuer: X509Certificate,
  issuerName: string,
): void {
  if (!certificate.verify(issuer.publicKey)) {
    throw new CaBootstrapError(`the signature of ${name} does not verify with the key of ${issuerName}`);
  }
  if (!certificate.checkIssued(issuer)) {
    throw new CaBootstrapError(
      `${name} names another issuer (${certificate.issuer.replace(/\n/g, ', ')}) than ${issuerName}`,
    );
  }
  checkSignatureAlgorithm(certificate, name);
}

function checkCaCertificate(certificate: X509Certificate, name: string): void {
  const parsed = new x509.X509Certificate(certificate.raw);
  if (!parsed.getExtension(x509.BasicConstraintsExtension)?.ca) {
    throw new CaBootstrapError(`${name} is not a CA certificate (basicConstraints CA:TRUE is missing)`);
  }
  const keyUsage = parsed.getExtension(x509.KeyUsagesExtension);
  if (!keyUsage || (keyUsage.usages & x509.KeyUsageFlags.keyCertSign) === 0) {
    throw new CaBootstrapError(`${name} may not sign certificates (keyUsage keyCertSign is missing)`);
  }
}

function checkValidNow(certificate: X509Certificate, name: string, now: Date): void {
  if (now.getTime() < new Date(certificate.validFrom).getTime()) {
    throw new CaBootstrapError(`${name} is not valid yet (notBefore ${certificate.validFrom})`);
  }
  if (now.getTime() > new Date(certificate.validTo).getTime()) {
    throw new CaBootstrapError(`${name} has expired (notAfter ${certificate.validTo})`);
  }
}

function checkSignatureAlgorithm(certificate: X509Certificate, name: string): void {
  const oid = AsnConvert.parse(certificate.raw, Certificate).signatureAlgorithm.algorithm;
  const weak = WEAK_SIGNATURE_OIDS[oid];
  if (weak) throw new CaBootstrapError(`${name} is signed with ${weak}, which clients no longer accept`);
}
