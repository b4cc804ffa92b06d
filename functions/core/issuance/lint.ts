/**
 * Pre-issuance lint for DV server certificates (CA/B Forum Baseline Requirements 7.1.2.7 and 6.1.5): the
 * checks a to-be-signed certificate must pass before the CA key signs it.
 */
import 'reflect-metadata';
import { createPublicKey, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { CaKeyAlgorithm, RequestableKeyAlgorithm } from '../model.ts';
import { CA_ALGORITHMS } from './ca-algorithms.ts';

export interface LeafLintExpectations {
  /** The names requested, in order: the SAN must hold exactly these dNSNames. */
  names: string[];
  /** The serial reserved for this certificate. */
  serialHex: string;
  issuerCertificate: x509.X509Certificate;
  caAlgorithm: CaKeyAlgorithm;
  /** The key algorithm the certificate record says the leaf key has. */
  leafKeyAlgorithm: RequestableKeyAlgorithm;
  validityDays: number;
  /** Policy OIDs the profile requires. */
  policyOids: string[];
  now: Date;
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_SECONDS = 24 * 60 * 60;
const MAX_SERIAL_BYTES = 20; // a positive INTEGER in 20 bytes is < 2^159
const MIN_SERIAL_BYTES = 9; // at least 64 random bits plus room for the sign bit
const MAX_COMMON_NAME_LENGTH = 64;
const ANY_POLICY = '2.5.29.32.0';
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

/** DER AlgorithmIdentifier of each CA key's signature algorithm, exactly as RFC 5758 / RFC 4055 encode it. */
const EXPECTED_LEAF_KEYS: Readonly<
  Record<RequestableKeyAlgorithm, { type: 'rsa' | 'ec'; size: number | string }>
> = {
  RSA_2048: { type: 'rsa', size: 2048 },
  RSA_3072: { type: 'rsa', size: 3072 },
  RSA_4096: { type: 'rsa', size: 4096 },
  EC_prime256v1: { type: 'ec', size: 'prime256v1' },
  EC_secp384r1: { type: 'ec', size: 'secp384r1' },
};

/** Every problem found in `certificate`; an empty list means it may be signed. */
export function lintLeafCertificate(
  certificate: x509.X509Certificate,
  expectations: LeafLintExpectations,
): string[] {
  const der = splitCertificateDer(new Uint8Array(certificate.rawData));
  const publicKey = createPublicKey({
    key: Buffer.from(certificate.publicKey.rawData),
    format: 'der',
    type: 'spki',
  });
  const issuerDer = splitCertificateDer(new Uint8Array(expectations.issuerCertificate.rawData));
  return [
    ...lintEncoding(der, issuerDer, expectations.caAlgorithm),
    ...(certificate.serialNumber === expectations.serialHex
      ? []
      : ['serial number is not the reserved serial']),
    ...lintValidity(certificate, expectations),
    ...lintExtensionSet(certificate),
    ...lintNames(certificate, expectations.names),
    ...lintUsages(certificate, publicKey),
    ...lintKeyIdentifiersAndPolicies(certificate, expectations),
    ...lintPublicKey(publicKey, expectations.leafKeyAlgorithm),
  ];
}

/** The problem with `name` as a certificate dNSName, if any: LDH labels of ≤ 63 characters, optional `*.` prefix. */
export function dnsNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'an empty DNS name';
  if (name.length > 253) return `"${name}" is longer than 253 characters`;
  const labels = name.split('.');
  const wildcard = labels[0] === '*';
  const rest = wildcard ? labels.slice(1) : labels;
  if (wildcard && rest.length === 0) return `"${name}" has nothing after its wildcard label`;
  for (const label of rest) {
    if (label.includes('*')) return `"${name}": '*' is only allowed as the whole leftmost label`;
    if (label.length === 0) return `"${name}" has an empty label`;
    if (label.length > 63) return `"${name}" has a label longer than 63 characters`;
    if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(label)) {
      return `"${name}" has a label that is not lowercase letters, digits and inner hyphens`;
    }
  }
  return undefined;
}

function lintEncoding(der: CertificateDer, issuerDer: CertificateDer, caAlgorithm: CaKeyAlgorithm): string[] {
  const problems: string[] = [];
  if (der.version !== 2) problems.push(`version is v${der.version + 1}, not v3`);

  const serial = der.serial;
  if (serial.length === 0 || (serial[0] & 0x80) !== 0) problems.push('serial number is negative');
  else if (serial.every((byte) => byte === 0)) problems.push('serial number is zero');
  if (serial.length > MAX_SERIAL_BYTES) problems.push('serial number is not below 2^159');
  if (serial.length < MIN_SERIAL_BYTES) {
    problems.push(`serial number has ${serial.length} bytes, fewer than 9`);
  }

  const expected = CA_ALGORITHMS[caAlgorithm].algorithmIdentifierHex;
  if (toHex(der.tbsSignatureAlgorithm) !== expected || toHex(der.signatureAlgorithm) !== expected) {
    problems.push(`signature algorithm does not match the ${caAlgorithm} CA key`);
  }
  if (!equalBytes(der.issuer, issuerDer.subject)) {
    problems.push('issuer name is not byte-identical to the CA certificate subject');
  }
  return problems;
}

function lintValidity(certificate: x509.X509Certificate, expectations: LeafLintExpectations): string[] {
  const problems: string[] = [];
  const { notBefore, notAfter } = certificate;
  // BR 6.3.2 counts both ends: the period is notAfter - notBefore plus one second.
  const seconds = (notAfter.getTime() - notBefore.getTime()) / 1000 + 1;
  if (seconds <= 0) problems.push('notAfter is before notBefore');
  if (seconds > expectations.validityDays * DAY_SECONDS) {
    problems.push(`validity of ${seconds} s exceeds the configured ${expectations.validityDays} days`);
  }
  if (Math.abs(notBefore.getTime() - expectations.now.getTime()) > 48 * HOUR_MS) {
    problems.push('notBefore is not within 48 hours of signing');
  }
  return problems;
}

function lintExtensionSet(certificate: x509.X509Certificate): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const extension of certificate.extensions) {
    if (seen.has(extension.type)) problems.push(`extension ${extension.type} appears more than once`);
    seen.add(extension.type);
  }
  return problems;
}

function lintNames(certificate: x509.X509Certificate, requested: string[]): string[] {
  const problems: string[] = [];
  const san = certificate.getExtension(x509.SubjectAlternativeNameExtension);
  const items = san?.names.items ?? [];
  if (items.length === 0) problems.push('subjectAltName is missing or empty');
  if (items.some((item) => item.type !== 'dns')) {
    problems.push('subjectAltName holds names other than dNSName');
  }
  const dnsNames = items.filter((item) => item.type === 'dns').map((item) => item.value);
  if (dnsNames.join('\n') !== requested.join('\n')) {
    problems.push(`subjectAltName [${dnsNames.join(', ')}] is not the requested [${requested.join(', ')}]`);
  }
  for (const name of dnsNames) {
    const problem = dnsNameProblem(name);
    if (problem) problems.push(problem);
  }

  const subject = certificate.subjectName.toJSON();
  const types = subject.flatMap((rdn) => Object.keys(rdn));
  if (types.some((type) => type !== 'CN' && type !== 'C')) problems.push('subject holds more than CN and C');
  const commonNames = certificate.subjectName.getField('CN');
  if (commonNames.length > 1) problems.push('subject has more than one commonName');
  for (const commonName of commonNames) {
    if (commonName.length > MAX_COMMON_NAME_LENGTH) problems.push('commonName is longer than 64 characters');
    if (!dnsNames.includes(commonName)) problems.push(`commonName ${commonName} is not a subjectAltName`);
  }
  if (commonNames.length === 0 && san && !san.critical) {
    problems.push('subjectAltName must be critical when the subject is empty');
  }
  return problems;
}

function lintUsages(certificate: x509.X509Certificate, publicKey: KeyObject): string[] {
  const problems: string[] = [];
  const eku = certificate.getExtension(x509.ExtendedKeyUsageExtension);
  if (!eku?.usages.includes(SERVER_AUTH)) problems.push('extKeyUsage does not contain serverAuth');
  if (eku?.usages.some((usage) => usage !== SERVER_AUTH && usage !== CLIENT_AUTH)) {
    problems.push('extKeyUsage holds purposes other than serverAuth and clientAuth');
  }

  const ku = certificate.getExtension(x509.KeyUsagesExtension);
  if (!ku) problems.push('keyUsage is missing');
  else {
    if (!ku.critical) problems.push('keyUsage is not critical');
    if (!(ku.usages & x509.KeyUsageFlags.digitalSignature)) problems.push('keyUsage lacks digitalSignature');
    if (ku.usages & (x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign)) {
      problems.push('keyUsage allows certificate or CRL signing');
    }
    if (ku.usages & x509.KeyUsageFlags.keyEncipherment && publicKey.asymmetricKeyType !== 'rsa') {
      problems.push('keyUsage has keyEncipherment for a non-RSA key');
    }
  }

  const basicConstraints = certificate.getExtension(x509.BasicConstraintsExtension);
  if (basicConstraints?.ca) problems.push('basicConstraints says cA=TRUE');
  if (basicConstraints?.pathLength !== undefined) problems.push('basicConstraints has a pathLenConstraint');
  return problems;
}

function lintKeyIdentifiersAndPolicies(
  certificate: x509.X509Certificate,
  expectations: LeafLintExpectations,
): string[] {
  const problems: string[] = [];
  const aki = certificate.getExtension(x509.AuthorityKeyIdentifierExtension);
  const issuerSki = expectations.issuerCertificate.getExtension(x509.SubjectKeyIdentifierExtension);
  if (!aki?.keyId) problems.push('authorityKeyIdentifier keyIdentifier is missing');
  else if (!issuerSki) problems.push('the CA certificate has no subjectKeyIdentifier to match');
  else if (aki.keyId !== issuerSki.keyId)
    problems.push('authorityKeyIdentifier is not the CA subjectKeyIdentifier');
  if (aki?.critical) problems.push('authorityKeyIdentifier is critical');

  const policies = certificate.getExtension(x509.CertificatePolicyExtension)?.policies ?? [];
  if (policies.length === 0) problems.push('certificatePolicies is missing');
  if (policies.includes(ANY_POLICY)) problems.push('certificatePolicies holds anyPolicy');
  for (const oid of expectations.policyOids) {
    if (!policies.includes(oid)) problems.push(`certificatePolicies lacks ${oid}`);
  }
  return problems;
}

function lintPublicKey(key: KeyObject, leafKeyAlgorithm: RequestableKeyAlgorithm): string[] {
  const details = key.asymmetricKeyDetails ?? {};
  const problems: string[] = [];
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details.modulusLength ?? 0;
    const exponent = details.publicExponent ?? 0n;
    if (bits < 2048) problems.push(`RSA key has ${bits} bits, fewer than 2048`);
    if (bits % 8 !== 0) problems.push(`RSA modulus of ${bits} bits is not a multiple of 8`);
    if (exponent < 3n || exponent % 2n === 0n) problems.push('RSA public exponent is not odd and ≥ 3');
  } else if (key.asymmetricKeyType === 'ec') {
    if (details.namedCurve !== 'prime256v1' && details.namedCurve !== 'secp384r1') {
      problems.push(`EC key is on ${details.namedCurve}, not P-256 or P-384`);
    }
  } else {
    problems.push(`public key type ${key.asymmetricKeyType} is not RSA or EC`);
  }
  const expected = EXPECTED_LEAF_KEYS[leafKeyAlgorithm];
  const actualSize = key.asymmetricKeyType === 'rsa' ? details.modulusLength : details.namedCurve;
  if (key.asymmetricKeyType !== expected.type || actualSize !== expected.size) {
    problems.push(`public key is not the requested ${leafKeyAlgorithm}`);
  }
  return problems;
}

/** The parts of a certificate's DER that must be compared byte for byte. */
export interface CertificateDer {
  tbs: Uint8Array;
  /** 0 = v1, 2 = v3. */
  version: number;
  /** Content octets of the serialNumber INTEGER. */
  serial: Uint8Array;
  tbsSignatureAlgorithm: Uint8Array;
  issuer: Uint8Array;
  subject: Uint8Array;
  signatureAlgorithm: Uint8Array;
}

/** Splits certificate DER into its byte-exact parts (no re-encoding, unlike a parse-and-serialise). */
export function splitCertificateDer(der: Uint8Array): CertificateDer {
  const certificate = readElement(der, 0);
  const [tbs, signatureAlgorithm] = childrenOf(der, certificate);
  if (!tbs || !signatureAlgorithm) throw new Error('Not an X.509 certificate');
  const fields = childrenOf(der, tbs);
  const explicitVersion = fields[0]?.tag === 0xa0 ? fields.shift() : undefined;
  const [serial, tbsSignatureAlgorithm, issuer, , subject] = fields;
  if (!serial || !tbsSignatureAlgorithm || !issuer || !subject) throw new Error('Not an X.509 certificate');
  const versionInteger = explicitVersion ? childrenOf(der, explicitVersion)[0] : undefined;
  return {
    tbs: whole(der, tbs),
    version: versionInteger ? der[versionInteger.end - 1] : 0,
    serial: der.subarray(serial.contentStart, serial.end),
    tbsSignatureAlgorithm: whole(der, tbsSignatureAlgorithm),
    issuer: whole(der, issuer),
    subject: whole(der, subject),
    signatureAlgorithm: whole(der, signatureAlgorithm),
  };
}

interface DerElement {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

function readElement(der: Uint8Array, offset: number): DerElement {
  const tag = der[offset];
  let length = der[offset + 1];
  if (tag === undefined || length === undefined) throw new Error('Truncated DER');
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new Error('Unsupported DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[contentStart++] ?? 0);
  }
  const end = contentStart + length;
  if (end > der.length) throw new Error('Truncated DER');
  return { tag, start: offset, contentStart, end };
}

function childrenOf(der: Uint8Array, parent: DerElement): DerElement[] {
  const children: DerElement[] = [];
  for (let offset = parent.contentStart; offset < parent.end; ) {
    const child = readElement(der, offset);
    children.push(child);
    offset = child.end;
  }
  return children;
}

function whole(der: Uint8Array, element: DerElement): Uint8Array {
  return der.subarray(element.start, element.end);
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}
