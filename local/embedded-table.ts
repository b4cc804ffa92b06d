import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { DynamoDbCertificateStore } from '../functions/adapters/aws/dynamodb-store.ts';
import { ensureTable } from '../functions/adapters/aws/table-schema.ts';
import { inProcessDynaliteHandler } from './in-process-dynalite.ts';

export const TABLE_NAME = 'certwright';

export interface EmbeddedTable {
  /** http://127.0.0.1:<port>, for clients made elsewhere (AWS_ENDPOINT_URL_DYNAMODB). */
  endpoint: string;
  tableName: string;
  client: DynamoDBClient;
  store: DynamoDbCertificateStore;
  close(): Promise<void>;
}

/**
 * The local DynamoDB: dynalite (on LevelDB under `path`, or in memory without one), served on a private
 * loopback port for other processes and reached with the same SDK calls as in AWS. The local stack and the
 * tests both use it. This process's own client hands its requests to dynalite's listener directly, sparing
 * each call the loopback round trip and the HTTP parsing on both ends.
 */
export async function startEmbeddedTable(options: {
  region: string;
  path?: string;
  tableName?: string;
}): Promise<EmbeddedTable> {
  const tableName = options.tableName ?? TABLE_NAME;
  const server: Server = dynalite({
    path: options.path,
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientConfig = {
    endpoint,
    region: options.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  // Created over the port: dynalite turns a new table ACTIVE only a moment after answering CreateTable, and
  // an in-process DescribeTable comes before that, which would cost the SDK waiter's one-second minimum delay.
  const overLoopback = new DynamoDBClient(clientConfig);
  try {
    await ensureTable(overLoopback, tableName);
  } finally {
    overLoopback.destroy();
  }
  const client = new DynamoDBClient({ ...clientConfig, requestHandler: inProcessDynaliteHandler(server) });
  return {
    endpoint,
    tableName,
    client,
    store: new DynamoDbCertificateStore(client, tableName),
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
