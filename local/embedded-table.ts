import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { DynamoDbCertificateStore } from '../functions/adapters/aws/dynamodb-store.ts';
import { ensureTable } from '../functions/adapters/aws/table-schema.ts';

export const TABLE_NAME = 'certwright';

export interface EmbeddedTable {
  client: DynamoDBClient;
  store: DynamoDbCertificateStore;
  close(): Promise<void>;
}

/**
 * The local DynamoDB: dynalite on LevelDB under `<dataDir>/db`, served on a private loopback port and
 * reached with the same SDK calls as in AWS.
 */
export async function startEmbeddedTable(dataDir: string, region: string): Promise<EmbeddedTable> {
  const server: Server = dynalite({
    path: join(dataDir, 'db'),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureTable(client, TABLE_NAME);
  return {
    client,
    store: new DynamoDbCertificateStore(client, TABLE_NAME),
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
