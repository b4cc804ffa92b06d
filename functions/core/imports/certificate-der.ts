import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

/**
 * A DER certificate, or undefined when it does not parse. Every part an import reads is read here, so a
 * malformed field (a garbled name, extension or key) is found now and never surfaces later as a fault.
 */
export function parseCertificateDer(der: Uint8Array): x509.X509Certificate | undefined {
  try {
    const certificate = new x509.X509Certificate(Buffer.from(der));
    const parts: unknown[] = [
      certificate.subjectName.toJSON(),
      certificate.issuerName.toJSON(),
      certificate.notBefore,
      certificate.notAfter,
      certificate.serialNumber,
      certificate.publicKey.rawData,
      certificate.extensions,
      certificate.signature,
    ];
    return parts.includes(undefined) ? undefined : certificate;
  } catch {
    return undefined;
  }
}
