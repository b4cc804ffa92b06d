/**
 * Many certificates written straight into a table with BatchWrite, in the item layout of
 * DynamoDbCertificateStore (see its file's header), far faster than one create each. Whoever uses it checks
 * the layout by reading one certificate back through the store.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CertificateRecord } from '../../functions/core/model.ts';

/** DynamoDB's most requests in one BatchWriteItem. */
const BATCH_SIZE = 25;
/** Batches in flight at once: dynalite serialises writes anyway, a few keep it busy. */
const BATCHES_AT_ONCE = 8;

/** The item the store writes for `certificate`, with its work-queue index attributes. */
export function certificateStoreItem(certificate: CertificateRecord): Record<string, unknown> {
  const { version, ...record } = certificate;
  return {
    pk: `ACCOUNT#${certificate.accountId}`,
    sk: `CERTIFICATE#${certificate.id}`,
    arn: certificate.arn,
    version,
    record,
    ...workQueue(certificate),
  };
}

/**
 * PENDING_VALIDATION: due at its validation deadline. ISSUED: due at once while unannounced, else at its
 * next visit (its announcement when none is planned), never later than its NotAfter. Anything else: none.
 */
function workQueue(certificate: CertificateRecord): { workQueue?: string; workDueAt?: string } {
  if (certificate.status === 'PENDING_VALIDATION')
    return { workQueue: 'PENDING_VALIDATION', workDueAt: certificate.validationDeadline };
  const { issued } = certificate;
  if (certificate.status !== 'ISSUED' || !issued) return {};
  if (!issued.announcedAt) return { workQueue: 'ISSUED', workDueAt: issued.issuedAt };
  const visit = certificate.scheduledWorkAt ?? issued.announcedAt;
  return {
    workQueue: 'ISSUED',
    workDueAt: Date.parse(visit) < Date.parse(issued.notAfter) ? visit : issued.notAfter,
  };
}

/** Writes every certificate (a put: an existing item with the same key is replaced), retrying unprocessed ones. */
export async function writeCertificates(
  client: DynamoDBClient,
  tableName: string,
  certificates: CertificateRecord[],
): Promise<void> {
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const writeBatch = async (batch: CertificateRecord[]) => {
    let requests: unknown[] = batch.map((certificate) => ({
      PutRequest: { Item: certificateStoreItem(certificate) },
    }));
    while (requests.length > 0) {
      const output = await documents.send(
        new BatchWriteCommand({ RequestItems: { [tableName]: requests as never } }),
      );
      requests = output.UnprocessedItems?.[tableName] ?? [];
    }
  };
  const batches: CertificateRecord[][] = [];
  for (let start = 0; start < certificates.length; start += BATCH_SIZE)
    batches.push(certificates.slice(start, start + BATCH_SIZE));
  for (let start = 0; start < batches.length; start += BATCHES_AT_ONCE) {
    await Promise.all(batches.slice(start, start + BATCHES_AT_ONCE).map(writeBatch));
  }
}
