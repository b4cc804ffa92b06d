/**
 * RevocationStore on the Certwright table (in AWS, and locally on dynalite), beside the certificates but in
 * partitions of its own, so the CRL function may be limited to them (dynamodb:LeadingKeys).
 *
 * Items:
 * - revocation: pk REVOCATIONS, sk <serial, lowercase hex>; `certificateArn`, `revokedAt`, `reason`,
 *   `notAfter` (the RevocationEntry fields). Written once with attribute_not_exists: the first record wins.
 * - CRL number counter: pk CRL, sk NUMBER; `value`, raised by one with an atomic ADD for every CRL.
 * - publish lease: pk CRL, sk LEASE; `holder` and `until` (epoch milliseconds), taken and given back with
 *   conditional UpdateItems, so at most one publish writes the CRL at a time.
 *
 * All revocations share one partition, read with one paginated Query in serial order: a CA of this size
 * revokes thousands of certificates at most, far below a partition's limits.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { RevocationReason } from '../../core/model.ts';
import type { RevocationEntry, RevocationStore } from '../../core/ports.ts';

export const REVOCATIONS_PARTITION = 'REVOCATIONS';
export const CRL_PARTITION = 'CRL';
const CRL_NUMBER_SORT_KEY = 'NUMBER';
const CRL_LEASE_SORT_KEY = 'LEASE';

interface RevocationItem {
  pk: string;
  sk: string;
  certificateArn: string;
  revokedAt: string;
  reason: RevocationReason;
  notAfter: string;
}

export class DynamoDbRevocationStore implements RevocationStore {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBDocumentClient | DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = client instanceof DynamoDBClient ? DynamoDBDocumentClient.from(client) : client;
  }

  async recordRevocation(entry: RevocationEntry): Promise<RevocationEntry> {
    const item: RevocationItem = {
      pk: REVOCATIONS_PARTITION,
      sk: entry.serialHex.toLowerCase(),
      certificateArn: entry.certificateArn,
      revokedAt: entry.revokedAt,
      reason: entry.reason,
      notAfter: entry.notAfter,
    };
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return entryFromItem(item);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: item.pk, sk: item.sk },
        ConsistentRead: true,
      }),
    );
    if (!Item) throw new Error(`The revocation of serial ${item.sk} exists but cannot be read`);
    return entryFromItem(Item as RevocationItem);
  }

  async listRevocations(): Promise<RevocationEntry[]> {
    const entries: RevocationEntry[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': REVOCATIONS_PARTITION },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of (page.Items ?? []) as RevocationItem[]) entries.push(entryFromItem(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return entries;
  }

  async nextCrlNumber(): Promise<bigint> {
    const { Attributes } = await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: CRL_PARTITION, sk: CRL_NUMBER_SORT_KEY },
        UpdateExpression: 'ADD #value :one',
        ExpressionAttributeNames: { '#value': 'value' },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return BigInt(Attributes?.value as number);
  }

  async acquirePublishLease(holder: string, now: Date, until: Date): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: CRL_PARTITION, sk: CRL_LEASE_SORT_KEY },
          UpdateExpression: 'SET #holder = :holder, #until = :until',
          ConditionExpression: 'attribute_not_exists(#until) OR #until < :now',
          ExpressionAttributeNames: { '#holder': 'holder', '#until': 'until' },
          ExpressionAttributeValues: { ':holder': holder, ':until': until.getTime(), ':now': now.getTime() },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async releasePublishLease(holder: string): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: CRL_PARTITION, sk: CRL_LEASE_SORT_KEY },
          UpdateExpression: 'REMOVE #holder, #until',
          ConditionExpression: '#holder = :holder',
          ExpressionAttributeNames: { '#holder': 'holder', '#until': 'until' },
          ExpressionAttributeValues: { ':holder': holder },
        }),
      );
    } catch (error) {
      // Taken over after it lapsed: it is not this holder's to give back.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

function entryFromItem(item: RevocationItem): RevocationEntry {
  return {
    serialHex: item.sk,
    certificateArn: item.certificateArn,
    revokedAt: item.revokedAt,
    reason: item.reason,
    notAfter: item.notAfter,
  };
}
