import type * as x509 from '@peculiar/x509';
import { ValidationError } from '../errors.ts';
import { parseCertificateDer } from './certificate-der.ts';
import { readPemBlocks } from './pem-blocks.ts';

export const CERTIFICATE_NOT_PEM =
  'Unable to parse certificate. Please ensure the certificate is in PEM format.';
export const MORE_THAN_ONE_CERTIFICATE =
  'The certificate field contains more than one certificate. You can specify only one certificate in this field.';
export const CHAIN_NOT_PEM = 'The certificate chain provided is not in a valid PEM format.';
/**
 * ACM takes chains of up to 2 MiB, but a certificate is one table item and DynamoDB items hold at most
 * 400 KB, so a larger chain is refused up front instead of failing the write.
 */
export const MAX_CHAIN_BYTES = 256 * 1024;
export const CHAIN_TOO_LARGE = `The certificate chain is too large: at most ${MAX_CHAIN_BYTES} bytes of chain can be stored with a certificate.`;

/** The Certificate member: exactly one PEM CERTIFICATE block that parses. */
export function readCertificateField(bytes: Uint8Array): x509.X509Certificate {
  const certificates = certificateBlocks(bytes, CERTIFICATE_NOT_PEM);
  if (certificates.length > 1) throw new ValidationError(MORE_THAN_ONE_CERTIFICATE);
  return certificates[0] as x509.X509Certificate;
}

/** The CertificateChain member: one or more PEM CERTIFICATE blocks that all parse, in the order given. */
export function readChainField(bytes: Uint8Array): x509.X509Certificate[] {
  if (bytes.length > MAX_CHAIN_BYTES) throw new ValidationError(CHAIN_TOO_LARGE);
  return certificateBlocks(bytes, CHAIN_NOT_PEM);
}

/** The certificates of a field holding only CERTIFICATE blocks, at least one; else `message`. */
function certificateBlocks(bytes: Uint8Array, message: string): x509.X509Certificate[] {
  const blocks = readPemBlocks(bytes);
  if (!blocks || blocks.length === 0 || blocks.some((block) => block.label !== 'CERTIFICATE')) {
    throw new ValidationError(message);
  }
  return blocks.map((block) => {
    const certificate = parseCertificateDer(block.der);
    if (!certificate) throw new ValidationError(message);
    return certificate;
  });
}
