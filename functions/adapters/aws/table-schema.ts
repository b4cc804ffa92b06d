/**
 * The one description of the Certwright table. CreateTable (ensureTable, for the local stack) and the CDK
 * Table are both built from these constants, so the two cannot drift apart.
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';

/** `S` is DynamoDB's string type (CDK's AttributeType.STRING has the same value). */
export interface KeyAttribute {
  name: string;
  type: 'S';
}

export const PARTITION_KEY: KeyAttribute = { name: 'pk', type: 'S' };
export const SORT_KEY: KeyAttribute = { name: 'sk', type: 'S' };

/**
 * Sparse index of certificates that need background work: only items that carry `workQueue` appear in it.
 * The sort key is the ISO-8601 time the work falls due, so due items come first and cost grows with the
 * number queued, not the number stored.
 */
export const WORK_QUEUE_INDEX = {
  indexName: 'work-queue',
  partitionKey: { name: 'workQueue', type: 'S' } satisfies KeyAttribute,
  sortKey: { name: 'workDueAt', type: 'S' } satisfies KeyAttribute,
  /** Besides the table and index keys, which every index projects. */
  projectedAttributes: ['arn'],
} as const;

export const BILLING_MODE = 'PAY_PER_REQUEST';

export function createTableInput(tableName: string): CreateTableCommandInput {
  const keyAttributes = [PARTITION_KEY, SORT_KEY, WORK_QUEUE_INDEX.partitionKey, WORK_QUEUE_INDEX.sortKey];
  return {
    TableName: tableName,
    BillingMode: BILLING_MODE,
    AttributeDefinitions: keyAttributes.map((key) => ({ AttributeName: key.name, AttributeType: key.type })),
    KeySchema: [
      { AttributeName: PARTITION_KEY.name, KeyType: 'HASH' },
      { AttributeName: SORT_KEY.name, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: WORK_QUEUE_INDEX.indexName,
        KeySchema: [
          { AttributeName: WORK_QUEUE_INDEX.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: WORK_QUEUE_INDEX.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: {
          ProjectionType: 'INCLUDE',
          NonKeyAttributes: [...WORK_QUEUE_INDEX.projectedAttributes],
        },
      },
    ],
  };
}

/** Creates the table unless it exists (another process may be creating it right now), then waits for ACTIVE. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  if (!(await tableExists(client, tableName))) {
    try {
      await client.send(new CreateTableCommand(createTableInput(tableName)));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  await waitUntilTableExists(
    { client, maxWaitTime: 300, minDelay: 1, maxDelay: 5 },
    { TableName: tableName },
  );
}

async function tableExists(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}
