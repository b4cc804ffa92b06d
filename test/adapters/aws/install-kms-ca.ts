import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { saveIssuerCertificate } from '../../../functions/adapters/aws/dynamodb-issuer-source.ts';
import { KmsCaSigner } from '../../../functions/adapters/aws/kms-ca-signer.ts';
import { createSelfSignedCaCertificate } from '../../../functions/core/issuance/ca-certificate.ts';
import { newSerialHex } from '../../../functions/core/issuance/serial.ts';
import { cryptoRandom } from '../../unit/issuance/test-ca.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The CA as the bootstrap custom resource makes it: self-signed by the KMS CA key (the fake's), valid ten
 * years from an hour ago, saved in the table. Answers its PEM.
 */
export async function installKmsCa(options: {
  region: string;
  caKeyArn: string;
  dynamodb: DynamoDBClient;
  tableName: string;
  subject: string;
}): Promise<string> {
  const signer = await KmsCaSigner.create(new KMSClient({ region: options.region }), options.caKeyArn);
  const notBefore = new Date(Date.now() - 60 * 60 * 1000);
  const certificatePem = await createSelfSignedCaCertificate({
    signer,
    subject: options.subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + 3650 * DAY_MS),
    serialHex: newSerialHex(cryptoRandom),
  });
  await saveIssuerCertificate(options.dynamodb, options.tableName, { certificatePem, chainPem: [] });
  return certificatePem;
}
