/**
 * Many certificates written straight into a table with BatchWrite, in the item layout of
 * DynamoDbCertificateStore (its own certificateItem), far faster than one create each.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { certificateItem } from '../../functions/adapters/aws/dynamodb-store.ts';
import type { CertificateRecord } from '../../functions/core/model.ts';

/** DynamoDB's most requests in one BatchWriteItem. */
const BATCH_SIZE = 25;
/** Batches in flight at once: dynalite serialises writes anyway, a few keep it busy. */
const BATCHES_AT_ONCE = 8;

/** Writes every certificate (a put: an existing item with the same key is replaced), retrying unprocessed ones. */
export async function writeCertificates(
  client: DynamoDBClient,
  tableName: string,
  certificates: CertificateRecord[],
): Promise<void> {
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const writeBatch = async (batch: CertificateRecord[]) => {
    let requests: unknown[] = batch.map((certificate) => ({
      PutRequest: { Item: certificateItem(certificate, certificate.version) },
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
