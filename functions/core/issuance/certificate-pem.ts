import { X509Certificate } from 'node:crypto';
import { CaBootstrapError } from './bootstrap-ca.ts';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/**
 * The certificates of a PEM text, in order. Text around the blocks is ignored (openssl writes some);
 * any other kind of PEM block (a private key pasted by mistake) is refused. `what` names the text in errors.
 */
export function certificatesFromPem(text: string, what: string): X509Certificate[] {
  const certificates: X509Certificate[] = [];
  for (const [block, label] of text.matchAll(PEM_BLOCK)) {
    if (label !== 'CERTIFICATE') {
      throw new CaBootstrapError(`${what} holds a ${label} block; only CERTIFICATE blocks belong there`);
    }
    try {
      certificates.push(new X509Certificate(block));
    } catch (error) {
      throw new CaBootstrapError(
        `${what}: certificate ${certificates.length + 1} cannot be read (${(error as Error).message})`,
      );
    }
  }
  return certificates;
}

/** The certificate as PEM with 64-character lines and one final newline (node's encoding). */
export function canonicalPem(certificate: X509Certificate): string {
  return certificate.toString();
}

/** `CN=Example Root, O=Example` for messages. */
export function describeCertificate(certificate: X509Certificate): string {
  return certificate.subject.replace(/\n/g, ', ');
}
