/** The CA's certificate revocation list: an X.509 v2 CRL (RFC 5280 §5) signed through the CaSigner. */
import 'reflect-metadata';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificateList } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import { CA_ALGORITHMS } from '../issuance/ca-algorithms.ts';
import { caSigningKey, externalSigningCrypto } from '../issuance/external-signing-crypto.ts';
import type { RevocationReason } from '../model.ts';
import type { CaSigner, RevocationEntry } from '../ports.ts';

/** How long relying parties may use a CRL: well beyond the 12-hour (AWS) or daily (local) refresh. */
export const CRL_VALIDITY_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;
const CRL_NUMBER_OID = '2.5.29.20';

/**
 * RFC 5280 §5.3.1 reason codes for ACM's RevocationReason values. UNSPECIFIED has none: RFC 5280 advises
 * leaving the reasonCode extension out rather than writing unspecified(0). ACM accepts both spellings of
 * superseded. CERTIFICATE_HOLD and REMOVE_FROM_CRL are refused by RevokeCertificate (revocation is final).
 */
const REASON_CODES: Readonly<Record<RevocationReason, x509.X509CrlReason | undefined>> = {
  UNSPECIFIED: undefined,
  KEY_COMPROMISE: x509.X509CrlReason.keyCompromise,
  CA_COMPROMISE: x509.X509CrlReason.cACompromise,
  AFFILIATION_CHANGED: x509.X509CrlReason.affiliationChanged,
  SUPERCEDED: x509.X509CrlReason.superseded,
  SUPERSEDED: x509.X509CrlReason.superseded,
  CESSATION_OF_OPERATION: x509.X509CrlReason.cessationOfOperation,
  CERTIFICATE_HOLD: x509.X509CrlReason.certificateHold,
  REMOVE_FROM_CRL: x509.X509CrlReason.removeFromCRL,
  PRIVILEGE_WITHDRAWN: x509.X509CrlReason.privilegeWithdrawn,
  A_A_COMPROMISE: x509.X509CrlReason.aACompromise,
};

export function crlReasonCode(reason: RevocationReason): x509.X509CrlReason | undefined {
  return REASON_CODES[reason];
}

export interface BuildCrlInput {
  signer: CaSigner;
  /** The CA certificate whose key is the signer's: its subject is the CRL's issuer, its SKI the CRL's AKI. */
  caCertificatePem: string;
  revocations: RevocationEntry[];
  crlNumber: bigint;
  thisUpdate: Date;
}

/**
 * Builds and signs the CRL: issuer = the CA's subject, thisUpdate, nextUpdate CRL_VALIDITY_DAYS later, the
 * CRL Number and Authority Key Identifier extensions, and one entry per revocation whose certificate has
 * not expired by thisUpdate (an expired certificate is invalid anyway; RFC 5280 §3.3 lets it leave the list).
 * The signature is checked with the CA certificate's key before the CRL is returned (DER).
 */
export async function buildCrl(input: BuildCrlInput): Promise<Uint8Array<ArrayBuffer>> {
  const ca = new x509.X509Certificate(input.caCertificatePem);
  const caSki = ca.getExtension(x509.SubjectKeyIdentifierExtension);
  if (!caSki) throw new Error(`The CA certificate ${ca.subject} has no subject key identifier`);
  const thisUpdate = wholeSeconds(input.thisUpdate);
  const crl = await x509.X509CrlGenerator.create(
    {
      issuer: ca.subjectName,
      thisUpdate,
      nextUpdate: new Date(thisUpdate.getTime() + CRL_VALIDITY_DAYS * DAY_MS),
      entries: listedRevocations(input.revocations, thisUpdate).map((entry) => ({
        serialNumber: entry.serialHex,
        revocationDate: new Date(entry.revokedAt),
        reason: crlReasonCode(entry.reason),
      })),
      extensions: [
        new x509.AuthorityKeyIdentifierExtension(caSki.keyId),
        new x509.Extension(CRL_NUMBER_OID, false, derInteger(input.crlNumber)),
      ],
      signingAlgorithm: CA_ALGORITHMS[input.signer.algorithm].webCrypto,
      signingKey: caSigningKey(input.signer),
    },
    externalSigningCrypto(),
  );
  const signed = new x509.X509Crl(await withoutEmptyEntryExtensions(crl.rawData, input.signer));
  if (!(await signed.verify({ publicKey: ca.publicKey }))) {
    throw new Error(`The CRL signed by the CA key does not verify with ${ca.subject}'s public key`);
  }
  return new Uint8Array(signed.rawData);
}

/**
 * @peculiar/x509 writes an empty crlEntryExtensions SEQUENCE on an entry without extensions (one revoked
 * with reason UNSPECIFIED), which RFC 5280 forbids (SIZE (1..MAX)): such a CRL has the empty sequences left
 * out and its to-be-signed part signed again with the CA key.
 */
async function withoutEmptyEntryExtensions(der: ArrayBuffer, signer: CaSigner): Promise<ArrayBuffer> {
  const crl = AsnConvert.parse(der, CertificateList);
  const entries = crl.tbsCertList.revokedCertificates ?? [];
  const empty = entries.filter((entry) => entry.crlEntryExtensions?.length === 0);
  if (empty.length === 0) return der;
  for (const entry of empty) entry.crlEntryExtensions = undefined;
  const tbsCertList = AsnConvert.serialize(crl.tbsCertList);
  const signature = await signer.sign(new Uint8Array(tbsCertList));
  return AsnConvert.serialize(
    new CertificateList({
      tbsCertList: crl.tbsCertList,
      signatureAlgorithm: crl.signatureAlgorithm,
      signature: new Uint8Array(signature).buffer,
    }),
  );
}

/** The revocations a CRL made at `thisUpdate` lists, in serial order: those of certificates not yet expired. */
export function listedRevocations(revocations: RevocationEntry[], thisUpdate: Date): RevocationEntry[] {
  return revocations
    .filter((entry) => Date.parse(entry.notAfter) > thisUpdate.getTime())
    .sort((a, b) => a.serialHex.localeCompare(b.serialHex));
}

/** A non-negative INTEGER in DER (CRLNumber ::= INTEGER (0..MAX), at most 20 octets by RFC 5280 §5.2.3). */
export function derInteger(value: bigint): Uint8Array<ArrayBuffer> {
  if (value < 0n) throw new Error('A CRL number is never negative');
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  if (Number.parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`;
  const content = Buffer.from(hex, 'hex');
  if (content.length > 20) throw new Error('A CRL number has at most 20 octets');
  return new Uint8Array([0x02, content.length, ...content]);
}

function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
