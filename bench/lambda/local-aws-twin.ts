import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { FakeKms } from '../../test/adapters/aws/fake-kms.ts';
import { type LoopbackServer, listenOnLoopback } from '../loopback-server.ts';

/** KMS members that carry bytes (base64 on the wire, Uint8Array in the fake). */
const KMS_BLOBS = new Set(['Message', 'Plaintext', 'CiphertextBlob', 'Signature', 'PublicKey', 'Mac']);

/**
 * The AWS services a Lambda bundle calls besides DynamoDB, on one loopback HTTP server, so a function's
 * cold start can be timed with nothing leaving the machine: KMS (JSON 1.1, X-Amz-Target TrentService.*)
 * answered by the FakeKms with real keys, Step Functions' StartExecution and EventBridge's PutEvents
 * accepted, and any S3 PUT (the CRL object) stored nowhere and answered with an ETag. Its URL is the endpoint
 * of all four for the SDK.
 */
export async function startLocalAwsTwin(kms: FakeKms): Promise<LoopbackServer> {
  const kmsOperations: Record<string, (input: never) => object> = {
    GetPublicKey: (input) => kms.getPublicKey(input),
    DescribeKey: (input) => kms.describeKey(input),
    Sign: (input) => kms.sign(input),
    GenerateDataKey: (input) => kms.generateDataKey(input),
    Decrypt: (input) => kms.decrypt(input),
    GenerateMac: (input) => kms.generateMac(input),
  };
  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    const [service, operation] = String(request.headers['x-amz-target'] ?? '').split('.');
    const json = (status: number, answer: object) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(answer));
    };
    if (service === 'TrentService' && operation && kmsOperations[operation]) {
      try {
        const input = JSON.parse(body, (key, value) =>
          KMS_BLOBS.has(key) && typeof value === 'string' ? Buffer.from(value, 'base64') : value,
        );
        json(200, toWire(kmsOperations[operation](input as never)));
      } catch (error) {
        json(400, { __type: (error as Error).name, message: (error as Error).message });
      }
    } else if (service === 'AWSStepFunctions' && operation === 'StartExecution') {
      json(200, {
        executionArn: `arn:aws:states:us-east-1:111122223333:execution:bench:${randomUUID()}`,
        startDate: Date.now() / 1000,
      });
    } else if (service === 'AWSEvents' && operation === 'PutEvents') {
      const entries = (JSON.parse(body) as { Entries?: unknown[] }).Entries ?? [];
      json(200, { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: randomUUID() })) });
    } else if (request.method === 'PUT') {
      response.writeHead(200, { etag: '"00000000000000000000000000000000"' });
      response.end();
    } else {
      json(400, {
        __type: 'UnknownOperationException',
        message: `${request.method} ${request.url} ${service}.${operation}`,
      });
    }
  });
  return listenOnLoopback(server);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function toWire(output: object): object {
  return Object.fromEntries(
    Object.entries(output).map(([key, value]) => [
      key,
      value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value,
    ]),
  );
}
