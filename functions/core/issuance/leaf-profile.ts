/** The certificate profile of a DV TLS server certificate (CA/B Forum Baseline Requirements 7.1.2.7). */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { RequestableKeyAlgorithm } from '../model.ts';
import type { IssuanceProfile } from '../settings.ts';

export interface LeafProfileInput {
  issuerCertificate: x509.X509Certificate;
  /** The names to certify, DomainName first. */
  names: string[];
  leafPublicKeySpki: Uint8Array;
  leafKeyAlgorithm: RequestableKeyAlgorithm;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  profile: IssuanceProfile;
}

/** Everything @peculiar/x509 needs to build the certificate, except the key that signs it. */
export type LeafCertificateParams = Omit<x509.X509CertificateCreateWithKeyParams, 'signingKey'>;

const MAX_COMMON_NAME_LENGTH = 64;

export async function leafCertificateParams(input: LeafProfileInput): Promise<LeafCertificateParams> {
  const publicKey = new x509.PublicKey(new Uint8Array(input.leafPublicKeySpki));
  const [firstName] = input.names;
  // The CN repeats the first SAN when it fits the 64-character limit; without a CN the SAN must be critical.
  const commonName =
    firstName !== undefined && firstName.length <= MAX_COMMON_NAME_LENGTH ? firstName : undefined;
  const keyUsages = input.leafKeyAlgorithm.startsWith('RSA_')
    ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment
    : x509.KeyUsageFlags.digitalSignature;

  // AKI keyIdentifier = the issuer's SKI. A CA certificate without an SKI gets no AKI here, and lint refuses it.
  const issuerSki = input.issuerCertificate.getExtension(x509.SubjectKeyIdentifierExtension);
  const fixed = fixedExtensions(keyUsages, input.profile);
  const extensions: x509.Extension[] = [
    ...(issuerSki ? [new x509.AuthorityKeyIdentifierExtension(issuerSki.keyId)] : []),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
    ...fixed.beforeNames,
  ];
  if (input.names.length > 0) {
    const names = input.names.map((value) => ({ type: 'dns' as const, value }));
    extensions.push(new x509.SubjectAlternativeNameExtension(names, commonName === undefined));
  }
  extensions.push(...fixed.afterNames);

  return {
    serialNumber: input.serialHex,
    subject: commonName === undefined ? undefined : [{ CN: [commonName] }],
    issuer: input.issuerCertificate.subjectName,
    notBefore: input.notBefore,
    notAfter: input.notAfter,
    publicKey,
    extensions,
  };
}

interface FixedExtensions {
  beforeNames: x509.Extension[];
  afterNames: x509.Extension[];
}

const MAX_CACHED_PROFILES = 16;
const fixedExtensionsCache = new Map<string, FixedExtensions>();

/**
 * The extensions that are the same on every leaf of a profile and key usage, built once: each one encodes
 * its value when constructed, and the generator reads only the encoding.
 */
function fixedExtensions(keyUsages: x509.KeyUsageFlags, profile: IssuanceProfile): FixedExtensions {
  const key = JSON.stringify([keyUsages, profile.policyOids, profile.crlUrl, profile.caIssuersUrl]);
  let fixed = fixedExtensionsCache.get(key);
  if (!fixed) {
    fixed = {
      beforeNames: [
        new x509.KeyUsagesExtension(keyUsages, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.BasicConstraintsExtension(false, undefined, true),
      ],
      afterNames: [
        new x509.CertificatePolicyExtension(profile.policyOids),
        ...(profile.crlUrl ? [new x509.CRLDistributionPointsExtension([profile.crlUrl])] : []),
        ...(profile.caIssuersUrl
          ? [new x509.AuthorityInfoAccessExtension({ caIssuers: profile.caIssuersUrl })]
          : []),
      ],
    };
    if (fixedExtensionsCache.size >= MAX_CACHED_PROFILES) fixedExtensionsCache.clear();
    fixedExtensionsCache.set(key, fixed);
  }
  return fixed;
}
