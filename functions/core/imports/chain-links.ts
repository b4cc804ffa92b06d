import 'reflect-metadata';
import type * as x509 from '@peculiar/x509';
import { ValidationError } from '../errors.ts';

export const SELF_SIGNED_INVALID =
  'Provided certificate is not a valid self signed. Please provide either a valid self-signed certificate or certificate chain.';
export const CHAIN_SIGNATURE_INVALID = 'Could not validate the certificate with the certificate chain.';

export function chainOrderError(index: number): ValidationError {
  return new ValidationError(
    'Unable to validate certificate chain. The certificate chain must start with the immediate signing ' +
      'certificate, followed by any intermediaries in order. ' +
      `The index within the chain of the invalid certificate is: ${index}`,
  );
}

/**
 * Checks that `chain` is the certificate's issuing chain in order: chain[0] issued the certificate and
 * each next one issued the one before. A link whose names do not match is out of order; one whose names
 * match but whose signature does not verify does not validate. The last certificate need not be a root.
 * Key families may differ along the chain (an RSA root over an EC intermediate): only signatures count.
 * Without a chain, a certificate that names itself as issuer must carry a valid self-signature.
 */
export async function checkChainLinks(certificate: x509.X509Certificate, chain: x509.X509Certificate[]) {
  if (chain.length === 0) {
    if (
      sameName(certificate.issuerName, certificate.subjectName) &&
      !(await signedBy(certificate, certificate))
    ) {
      throw new ValidationError(SELF_SIGNED_INVALID);
    }
    return;
  }
  const path = [certificate, ...chain];
  for (let index = 0; index < chain.length; index++) {
    const child = path[index] as x509.X509Certificate;
    const issuer = chain[index] as x509.X509Certificate;
    if (!sameName(child.issuerName, issuer.subjectName)) throw chainOrderError(index);
    if (!(await signedBy(child, issuer))) throw new ValidationError(CHAIN_SIGNATURE_INVALID);
  }
}

/** Names match byte for byte, or as text ignoring case and runs of spaces (RFC 5280 §7.1 in short). */
function sameName(a: x509.Name, b: x509.Name): boolean {
  const text = (name: x509.Name) => name.toString().toLowerCase().replace(/\s+/g, ' ');
  return Buffer.from(a.toArrayBuffer()).equals(Buffer.from(b.toArrayBuffer())) || text(a) === text(b);
}

async function signedBy(child: x509.X509Certificate, issuer: x509.X509Certificate): Promise<boolean> {
  try {
    return await child.verify({ publicKey: issuer.publicKey, signatureOnly: true });
  } catch {
    return false;
  }
}
