import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

/** How DescribeCertificate names the issuer: the CA's organisation, else its common name (ACM says "Amazon"). */
export function issuerDisplayName(caCertificatePem: string): string {
  const subject = new x509.X509Certificate(caCertificatePem).subjectName;
  return subject.getField('O')[0] ?? subject.getField('CN')[0] ?? subject.toString();
}
