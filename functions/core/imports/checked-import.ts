import { extendedKeyUsageNames, keyUsageNames } from '../issuance/usage-names.ts';
import type { KeyAlgorithm } from '../model.ts';
import { checkImportable } from './certificate-checks.ts';
import { readCertificateField, readChainField } from './certificate-fields.ts';
import { importedNames } from './certificate-names.ts';
import { checkChainLinks } from './chain-links.ts';
import { formatDistinguishedName, issuerDisplayName } from './distinguished-name.ts';
import { toPem } from './pem-blocks.ts';
import { readPrivateKeyField } from './private-key-field.ts';
import { signatureAlgorithmName } from './signature-algorithm-name.ts';

/** ImportCertificate's three PEM members, decoded from base64 but otherwise as sent. */
export interface ImportInput {
  certificate: Uint8Array;
  privateKey: Uint8Array;
  certificateChain?: Uint8Array;
}

/** Everything a certificate record takes from an import that passed every check. */
export interface CheckedImport {
  domainName: string;
  subjectAlternativeNames: string[];
  keyAlgorithm: KeyAlgorithm;
  signatureAlgorithm: string;
  subject: string;
  issuer: string;
  certificatePem: string;
  /** The chain as imported, each certificate re-encoded as PEM; '' when none was given. */
  chainPem: string;
  serialHex: string;
  notBefore: string;
  notAfter: string;
  keyUsages: string[];
  extendedKeyUsages: Array<{ name: string; oid: string }>;
  /** The private key as PKCS#8 DER, for the key vault. */
  privateKeyPkcs8Der: Uint8Array;
}

/**
 * Reads and checks an import, writing nothing: the certificate, its private key and its chain must each
 * parse, the key must be of a supported type and match the certificate, the certificate must be valid at
 * `now`, and the chain must link the certificate to its issuers in order (ValidationException otherwise).
 */
export async function checkImport(input: ImportInput, now: Date): Promise<CheckedImport> {
  const certificate = readCertificateField(input.certificate);
  const privateKey = readPrivateKeyField(input.privateKey);
  const chain = input.certificateChain ? readChainField(input.certificateChain) : [];
  checkImportable(certificate, privateKey.key, now);
  await checkChainLinks(certificate, chain);
  const der = (item: { rawData: ArrayBuffer }) => new Uint8Array(item.rawData);
  return {
    ...importedNames(certificate),
    keyAlgorithm: privateKey.keyAlgorithm,
    signatureAlgorithm: signatureAlgorithmName(certificate.rawData),
    subject: formatDistinguishedName(certificate.subjectName),
    issuer: issuerDisplayName(certificate.issuerName),
    certificatePem: toPem('CERTIFICATE', der(certificate)),
    chainPem: chain.map((link) => toPem('CERTIFICATE', der(link))).join(''),
    serialHex: serialHex(certificate.serialNumber),
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    keyUsages: keyUsageNames(certificate),
    extendedKeyUsages: extendedKeyUsageNames(certificate),
    privateKeyPkcs8Der: privateKey.pkcs8Der,
  };
}

/** Lowercase hex of the serial's value, without the DER sign byte, in whole bytes (`03e9`). */
function serialHex(serialNumber: string): string {
  const digits = serialNumber.toLowerCase().replace(/^(00)+(?=[0-9a-f]{2})/, '');
  return digits.length % 2 ? `0${digits}` : digits;
}
