import {
  type ACMClient,
  DescribeCertificateCommand,
  RequestCertificateCommand,
  type RequestCertificateCommandInput,
} from '@aws-sdk/client-acm';
import { eventually } from './eventually.ts';

/** RequestCertificate's ARN; fails the test when there is none. */
export async function requestedArn(
  client: ACMClient,
  input: RequestCertificateCommandInput,
): Promise<string> {
  const { CertificateArn } = await client.send(new RequestCertificateCommand(input));
  if (!CertificateArn) throw new Error('RequestCertificate returned no ARN');
  return CertificateArn;
}

/** Requests a certificate and waits until it is ISSUED (DNS-validated names in a local zone validate alone). */
export async function issuedArn(client: ACMClient, input: RequestCertificateCommandInput): Promise<string> {
  const arn = await requestedArn(client, input);
  await eventually(async () => {
    const { Certificate } = await client.send(new DescribeCertificateCommand({ CertificateArn: arn }));
    return Certificate?.Status === 'ISSUED';
  }, `${input.DomainName} to be issued`);
  return arn;
}
