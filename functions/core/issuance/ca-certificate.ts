import 'reflect-metadata';
import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { CaSigner } from '../ports.ts';
import { CA_ALGORITHMS } from './ca-algorithms.ts';
import { caSigningKey, externalSigningCrypto } from './external-signing-crypto.ts';

export interface SelfSignedCaInput {
  signer: CaSigner;
  /** Distinguished name, e.g. `CN=Certwright Local CA, O=Certwright`. */
  subject: string;
  notBefore: Date;
  notAfter: Date;
  serialHex: string;
  /** basicConstraints pathLenConstraint; none by default, so an intermediate can be added under this root. */
  pathLength?: number;
}

/** A root CA certificate (PEM) for the signer's key, signed by that key. */
export async function createSelfSignedCaCertificate(input: SelfSignedCaInput): Promise<string> {
  const publicKey = new x509.PublicKey(new Uint8Array(await input.signer.publicKeySpki()));
  const keyUsages =
    x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature;
  const certificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: input.serialHex,
      subject: input.subject,
      issuer: input.subject,
      notBefore: input.notBefore,
      notAfter: input.notAfter,
      publicKey,
      signingKey: caSigningKey(input.signer),
      signingAlgorithm: CA_ALGORITHMS[input.signer.algorithm].webCrypto,
      extensions: [
        new x509.BasicConstraintsExtension(true, input.pathLength, true),
        new x509.KeyUsagesExtension(keyUsages, true),
        await x509.SubjectKeyIdentifierExtension.create(publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(publicKey),
      ],
    },
    externalSigningCrypto(),
  );
  const node = new NodeX509Certificate(Buffer.from(certificate.rawData));
  if (!node.verify(node.publicKey)) {
    throw new Error('The CA signer produced a signature its own key does not verify');
  }
  return `${certificate.toString('pem').trimEnd()}\n`;
}
