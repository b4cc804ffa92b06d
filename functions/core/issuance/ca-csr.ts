import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { CaSigner } from '../ports.ts';
import { CA_ALGORITHMS } from './ca-algorithms.ts';
import { caSigningKey, externalSigningCrypto } from './external-signing-crypto.ts';

export interface CaCsrInput {
  signer: CaSigner;
  /** Distinguished name, e.g. `CN=Certwright Issuing CA,O=Example`. */
  subject: string;
}

/**
 * A PKCS#10 request (PEM) for an intermediate CA certificate for the signer's key, signed by that key, asking
 * for basicConstraints CA:TRUE and keyUsage keyCertSign + cRLSign (both critical) in an extensionRequest.
 */
export async function createCaCsr(input: CaCsrInput): Promise<string> {
  const { signer } = input;
  const algorithm = CA_ALGORITHMS[signer.algorithm].webCrypto;
  // @peculiar/x509 reads the request's public key from a WebCrypto key, so the KMS key's SPKI is imported.
  const publicKey = await globalThis.crypto.subtle.importKey(
    'spki',
    new Uint8Array(await signer.publicKeySpki()),
    algorithm,
    true,
    ['verify'],
  );
  const request = await x509.Pkcs10CertificateRequestGenerator.create(
    {
      name: input.subject,
      keys: { publicKey, privateKey: caSigningKey(signer) },
      signingAlgorithm: algorithm,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      ],
    },
    externalSigningCrypto(),
  );
  if (!(await request.verify(globalThis.crypto))) {
    throw new Error('The CA signer produced a request signature its own key does not verify');
  }
  return `${request.toString('pem').trimEnd()}\n`;
}
