import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CannedAcmServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * A bare node:http server on 127.0.0.1 that reads each request's body and answers it at once with a canned
 * ACM answer, picked by the operation in X-Amz-Target: the floor an SDK client pays per call (signing,
 * HTTP, serialising the request and parsing the same answer), without any work behind it.
 */
export async function startCannedAcmServer(answers: Record<string, unknown>): Promise<CannedAcmServer> {
  const bodies = new Map(
    Object.entries(answers).map(([operation, answer]) => [operation, JSON.stringify(answer)]),
  );
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const operation = String(request.headers['x-amz-target'] ?? '').replace(/^CertificateManager\./, '');
      const body = bodies.get(operation);
      if (body === undefined) {
        response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(
          JSON.stringify({ __type: 'ValidationException', message: `no answer for ${operation}` }),
        );
        return;
      }
      response.writeHead(200, {
        'content-type': 'application/x-amz-json-1.1',
        'content-length': Buffer.byteLength(body),
        'x-amzn-requestid': '00000000-0000-4000-8000-000000000000',
      });
      response.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
