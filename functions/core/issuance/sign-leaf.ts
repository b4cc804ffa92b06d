import 'reflect-metadata';
import { createPrivateKey, type KeyObject, X509Certificate as NodeX509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { CertificateLintError } from '../errors.ts';
import type { CaKeyAlgorithm } from '../model.ts';
import type { CaSigner } from '../ports.ts';
import { CA_ALGORITHMS } from './ca-algorithms.ts';
import { caSigningKey, externalSigningCrypto } from './external-signing-crypto.ts';
import { keyObjectSigner } from './key-object-signer.ts';
import { generateLeafKeyPair } from './leaf-key.ts';
import { type LeafCertificateParams, type LeafProfileInput, leafCertificateParams } from './leaf-profile.ts';
import { equalBytes, lintLeafCertificate, splitCertificateDer } from './lint.ts';
import { extendedKeyUsageNames, keyUsageNames } from './usage-names.ts';

/** The profile's input, with the issuer as PEM; `serialHex` must already be reserved in the store. */
export interface SignLeafInput extends Omit<LeafProfileInput, 'issuerCertificate'> {
  signer: CaSigner;
  /** The issuing CA certificate; its key must be the signer's. */
  issuerCertificatePem: string;
  /** The signing time, for the notBefore check. */
  now: Date;
}

export interface SignedLeaf {
  certificatePem: string;
  certificate: x509.X509Certificate;
  /** Its key usages as ACM names them (KeyUsageName). */
  keyUsages: string[];
  /** Its extended key usages as ACM names them, with their OIDs. */
  extendedKeyUsages: Array<{ name: string; oid: string }>;
}

/**
 * Builds, lints, signs and verifies a DV server certificate.
 *
 * 1. The certificate is built and signed by a throwaway key of the CA key's algorithm (never handed out) and
 *    linted; any problem throws CertificateLintError before the CA key signs anything.
 * 2. The same certificate is signed through `signer`.
 * 3. The result must verify with the issuing certificate's public key and carry exactly the to-be-signed
 *    bytes that were linted; otherwise CertificateLintError.
 *
 * The caller reserves `serialHex` (CertificateStore.reserveSerial) before calling this, so a serial is never
 * signed twice, even when this throws after the CA key has signed.
 */
export async function signLeafCertificate(input: SignLeafInput): Promise<SignedLeaf> {
  const issuer = parsedIssuer(input.issuerCertificatePem);
  const issuerCertificate = issuer.certificate;
  const params = await leafCertificateParams({ ...input, issuerCertificate });
  const lintSigner = await throwawayLintSigner(input.signer.algorithm);

  const linted = await createCertificate(params, lintSigner);
  const problems = lintLeafCertificate(linted, {
    names: input.names,
    serialHex: input.serialHex,
    issuerCertificate,
    caAlgorithm: input.signer.algorithm,
    leafKeyAlgorithm: input.leafKeyAlgorithm,
    validityDays: input.profile.validityDays,
    policyOids: input.profile.policyOids,
    now: input.now,
  });
  if (problems.length > 0) throw lintError('failed lint', input.names, problems);

  const certificate = await createCertificate(params, input.signer);
  const mismatches = verifySigned(certificate, linted, issuer.publicKey);
  if (mismatches.length > 0) throw lintError('failed verification after signing', input.names, mismatches);
  // Read from the linted certificate, whose extensions are parsed already: the signed one carries the same
  // to-be-signed bytes (verifySigned checked).
  return {
    certificatePem: `${certificate.toString('pem').trimEnd()}\n`,
    certificate,
    keyUsages: keyUsageNames(linted),
    extendedKeyUsages: extendedKeyUsageNames(linted),
  };
}

function createCertificate(params: LeafCertificateParams, signer: CaSigner): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.create(
    {
      ...params,
      signingAlgorithm: CA_ALGORITHMS[signer.algorithm].webCrypto,
      signingKey: caSigningKey(signer),
    },
    externalSigningCrypto(),
  );
}

function verifySigned(
  certificate: x509.X509Certificate,
  linted: x509.X509Certificate,
  issuerPublicKey: KeyObject,
): string[] {
  const problems: string[] = [];
  const signed = new NodeX509Certificate(Buffer.from(certificate.rawData));
  if (!signed.verify(issuerPublicKey)) {
    problems.push("the signature does not verify with the issuing certificate's key");
  }
  const signedTbs = splitCertificateDer(new Uint8Array(certificate.rawData)).tbs;
  const lintedTbs = splitCertificateDer(new Uint8Array(linted.rawData)).tbs;
  if (!equalBytes(signedTbs, lintedTbs)) {
    problems.push('the signed certificate is not the one that was linted');
  }
  return problems;
}

function lintError(what: string, names: string[], problems: string[]): CertificateLintError {
  return new CertificateLintError(
    `Certificate for ${names.join(', ') || '(no names)'} ${what}: ${problems.join('; ')}`,
  );
}

interface ParsedIssuer {
  pem: string;
  certificate: x509.X509Certificate;
  publicKey: KeyObject;
}

let lastIssuer: ParsedIssuer | undefined;

/** The issuing certificate, parsed once for as long as the same one signs (it changes only with the CA). */
function parsedIssuer(pem: string): ParsedIssuer {
  if (lastIssuer?.pem !== pem) {
    lastIssuer = {
      pem,
      certificate: new x509.X509Certificate(pem),
      publicKey: new NodeX509Certificate(pem).publicKey,
    };
  }
  return lastIssuer;
}

const lintSigners = new Map<CaKeyAlgorithm, Promise<CaSigner>>();

/** One in-memory key per CA algorithm and process; it signs only certificates that are linted and dropped. */
function throwawayLintSigner(algorithm: CaKeyAlgorithm): Promise<CaSigner> {
  let signer = lintSigners.get(algorithm);
  if (!signer) {
    signer = createMemorySigner(algorithm);
    signer.catch(() => lintSigners.delete(algorithm));
    lintSigners.set(algorithm, signer);
  }
  return signer;
}

async function createMemorySigner(algorithm: CaKeyAlgorithm): Promise<CaSigner> {
  const { privateKeyPkcs8Der } = await generateLeafKeyPair(algorithm);
  const privateKey = createPrivateKey({ key: Buffer.from(privateKeyPkcs8Der), format: 'der', type: 'pkcs8' });
  return keyObjectSigner(privateKey, 'lint key');
}
