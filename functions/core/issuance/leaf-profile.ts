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
  const extensions: x509.Extension[] = [
    ...(issuerSki ? [new x509.AuthorityKeyIdentifierExtension(issuerSki.keyId)] : []),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
    new x509.KeyUsagesExtension(keyUsages, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    new x509.BasicConstraintsExtension(false, undefined, true),
  ];
  if (input.names.length > 0) {
    const names = input.names.map((value) => ({ type: 'dns' as const, value }));
    extensions.push(new x509.SubjectAlternativeNameExtension(names, commonName === undefined));
  }
  extensions.push(new x509.CertificatePolicyExtension(input.profile.policyOids));
  if (input.profile.crlUrl) extensions.push(new x509.CRLDistributionPointsExtension([input.profile.crlUrl]));
  if (input.profile.caIssuersUrl) {
    extensions.push(new x509.AuthorityInfoAccessExtension({ caIssuers: input.profile.caIssuersUrl }));
  }

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
