import type { DynamoDbCertificateStore } from '../../../functions/adapters/aws/dynamodb-store.ts';
import { parseCertificateArn } from '../../../functions/core/arn.ts';

/** Marks every domain of the requested certificate validated in the table, as the check task would. */
export async function markDomainsValidated(
  store: DynamoDbCertificateStore,
  certificateArn: string,
): Promise<void> {
  const { accountId, certificateId } = parseCertificateArn(certificateArn);
  const pending = await store.get(accountId, certificateId);
  if (!pending) throw new Error('the requested certificate is not in the table');
  await store.save({
    ...pending,
    domainValidations: pending.domainValidations.map((dv) => ({ ...dv, status: 'SUCCESS' })),
  });
}
