import { createServer, type RequestListener } from 'node:http';
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedTable, startEmbeddedTable } from '../../local/embedded-table.ts';
import { inProcessDynaliteHandler } from '../../local/in-process-dynalite.ts';

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
/** DynamoDB's item size limit (400 KB); an item's size counts its attribute names and values. */
const MAX_ITEM_BYTES = 400 * 1024;

let table: EmbeddedTable;
/** The embedded table's own client, which uses the in-process handler. */
let inProcess: DynamoDBClient;
/** A client in the shape of one in another process: over the loopback port. */
let loopback: DynamoDBClient;

beforeAll(async () => {
  table = await startEmbeddedTable({ region: REGION, tableName: 'in-process-test' });
  inProcess = table.client;
  loopback = new DynamoDBClient({ endpoint: table.endpoint, region: REGION, credentials: CREDENTIALS });
});
afterAll(async () => {
  loopback?.destroy();
  await table?.close();
});

function key(name: string) {
  return { pk: { S: name }, sk: { S: 'item' } };
}

/** What a call gave, without the parts that differ on every call (request ids, attempt timings). */
async function outcome(call: Promise<object>): Promise<object> {
  try {
    const { $metadata, ...output } = (await call) as { $metadata: { httpStatusCode?: number } };
    return { status: $metadata.httpStatusCode, output };
  } catch (error) {
    const { name, message, $fault, $metadata, ...fields } = error as Error & {
      $fault: string;
      $metadata: { httpStatusCode?: number; requestId?: string };
    };
    return {
      error: {
        name,
        message,
        $fault,
        status: $metadata?.httpStatusCode,
        hasRequestId: !!$metadata?.requestId,
      },
      fields,
    };
  }
}

/** Runs the same call through both transports (in turn, so each sees the same table) and compares. */
async function sameOnBothTransports(call: (client: DynamoDBClient) => Promise<object>): Promise<object> {
  const overLoopback = await outcome(call(loopback));
  const overInProcess = await outcome(call(inProcess));
  expect(overInProcess).toEqual(overLoopback);
  return overInProcess;
}

describe('in-process dynalite handler', () => {
  it('round-trips an item as the loopback port does', async () => {
    await inProcess.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: {
          ...key('plain'),
          text: { S: 'héllo ✓' },
          count: { N: '7' },
          bytes: { B: Buffer.from([0, 255]) },
        },
      }),
    );
    const result = await sameOnBothTransports((client) =>
      client.send(new GetItemCommand({ TableName: table.tableName, Key: key('plain') })),
    );
    expect(result).toEqual({
      status: 200,
      output: {
        Item: {
          ...key('plain'),
          text: { S: 'héllo ✓' },
          count: { N: '7' },
          bytes: { B: new Uint8Array([0, 255]) },
        },
      },
    });
  });

  it('gives a failed condition as ConditionalCheckFailedException', async () => {
    await inProcess.send(
      new PutItemCommand({ TableName: table.tableName, Item: { ...key('taken'), owner: { S: 'first' } } }),
    );
    const putIfAbsent = (client: DynamoDBClient) =>
      client.send(
        new PutItemCommand({
          TableName: table.tableName,
          Item: { ...key('taken'), owner: { S: 'second' } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    const result = await sameOnBothTransports(putIfAbsent);
    expect(result).toMatchObject({
      error: {
        name: 'ConditionalCheckFailedException',
        message: 'The conditional request failed',
        $fault: 'client',
        status: 400,
        hasRequestId: true,
      },
    });
    await expect(putIfAbsent(inProcess)).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });

  it("gives dynalite's other error answers as the same SDK errors", async () => {
    const missingTable = await sameOnBothTransports((client) =>
      client.send(new GetItemCommand({ TableName: 'no-such-table', Key: key('x') })),
    );
    expect(missingTable).toMatchObject({
      error: { name: 'ResourceNotFoundException', message: 'Requested resource not found', status: 400 },
    });
    const wrongKey = await sameOnBothTransports((client) =>
      client.send(new GetItemCommand({ TableName: table.tableName, Key: { pk: { S: 'only-half' } } })),
    );
    expect(wrongKey).toMatchObject({
      error: {
        name: 'ValidationException',
        message: 'The provided key element does not match the schema',
        status: 400,
      },
    });
  });

  it('stores an item just under 400 KB and refuses one just over, as the loopback port does', async () => {
    const padding = (total: number) =>
      'p'.repeat(total - 'pk'.length - 'sk'.length - 'big'.length - 'item'.length);
    const fits = { ...key('big'), p: { S: padding(MAX_ITEM_BYTES - 'p'.length) } };
    const tooBig = { ...key('big'), p: { S: padding(MAX_ITEM_BYTES - 'p'.length + 1) } };

    await inProcess.send(new PutItemCommand({ TableName: table.tableName, Item: fits }));
    const read = await inProcess.send(new GetItemCommand({ TableName: table.tableName, Key: key('big') }));
    expect(read.Item?.p?.S).toHaveLength(fits.p.S.length);

    const refused = await sameOnBothTransports((client) =>
      client.send(new PutItemCommand({ TableName: table.tableName, Item: tooBig })),
    );
    expect(refused).toMatchObject({
      error: { name: 'ValidationException', message: 'Item size has exceeded the maximum allowed size' },
    });
  });

  it("writes a batch of large items in one request, and leaves BatchGetItem's excess unprocessed", async () => {
    const names = ['batch-0', 'batch-1', 'batch-2', 'batch-3', 'batch-4'];
    const item = (name: string) => ({ ...key(name), p: { S: 'b'.repeat(380 * 1024) } });
    const written = await inProcess.send(
      new BatchWriteItemCommand({
        RequestItems: { [table.tableName]: names.map((name) => ({ PutRequest: { Item: item(name) } })) },
      }),
    );
    // dynalite processes every write of a batch; what it leaves over is a BatchGetItem's reply beyond ~1 MB.
    expect(written.UnprocessedItems).toEqual({});

    const read = await inProcess.send(
      new BatchGetItemCommand({ RequestItems: { [table.tableName]: { Keys: names.map(key) } } }),
    );
    const returned = read.Responses?.[table.tableName] ?? [];
    const unprocessed = read.UnprocessedKeys?.[table.tableName]?.Keys ?? [];
    expect(returned.length).toBeGreaterThan(0);
    expect(unprocessed.length).toBeGreaterThan(0);
    expect([...returned.map((each) => each.pk?.S), ...unprocessed.map((each) => each.pk?.S)].sort()).toEqual(
      names,
    );
    for (const each of returned) expect(each.p?.S).toHaveLength(380 * 1024);
  });

  it('keeps concurrent calls apart: each answer goes to its own call, and no update is lost', async () => {
    const names = Array.from({ length: 40 }, (_, index) => `concurrent-${index}`);
    await Promise.all(
      names.map((name) =>
        inProcess.send(
          new PutItemCommand({ TableName: table.tableName, Item: { ...key(name), name: { S: name } } }),
        ),
      ),
    );
    const reads = await Promise.all(
      names.map((name) => inProcess.send(new GetItemCommand({ TableName: table.tableName, Key: key(name) }))),
    );
    expect(reads.map((read) => read.Item?.name?.S)).toEqual(names);

    await Promise.all(
      Array.from({ length: 50 }, () =>
        inProcess.send(
          new UpdateItemCommand({
            TableName: table.tableName,
            Key: key('counter'),
            UpdateExpression: 'ADD hits :one',
            ExpressionAttributeValues: { ':one': { N: '1' } },
          }),
        ),
      ),
    );
    const counter = await inProcess.send(
      new GetItemCommand({ TableName: table.tableName, Key: key('counter') }),
    );
    expect(counter.Item?.hits).toEqual({ N: '50' });
  });

  it('leaves the table serving its own client after another in-process client is destroyed', async () => {
    const server = createServer();
    const other = new DynamoDBClient({
      endpoint: table.endpoint,
      region: REGION,
      credentials: CREDENTIALS,
      requestHandler: inProcessDynaliteHandler(server),
    });
    other.destroy();
    const read = await inProcess.send(new GetItemCommand({ TableName: table.tableName, Key: key('plain') }));
    expect(read.Item?.text).toEqual({ S: 'héllo ✓' });
  });
});

describe('in-process handler around a listener that fails or stalls', () => {
  function clientFor(listener: RequestListener) {
    return new DynamoDBClient({
      endpoint: 'http://127.0.0.1:9',
      region: REGION,
      credentials: CREDENTIALS,
      maxAttempts: 1,
      requestHandler: inProcessDynaliteHandler(createServer(listener)),
    });
  }

  it('rejects the call with the error the listener throws', async () => {
    const client = clientFor(() => {
      throw new Error('dynalite broke');
    });
    await expect(client.send(new GetItemCommand({ TableName: 't', Key: key('x') }))).rejects.toThrow(
      'dynalite broke',
    );
  });

  it('rejects with AbortError when the abort signal fires before or during the call', async () => {
    let received = 0;
    const client = clientFor(() => {
      received += 1; // never answers
    });
    const before = new AbortController();
    before.abort();
    await expect(
      client.send(new GetItemCommand({ TableName: 't', Key: key('x') }), { abortSignal: before.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(received).toBe(0);

    const during = new AbortController();
    const call = client.send(new GetItemCommand({ TableName: 't', Key: key('x') }), {
      abortSignal: during.signal,
    });
    await expect.poll(() => received).toBe(1);
    during.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
  });
});
