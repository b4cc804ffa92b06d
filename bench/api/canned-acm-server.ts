import { createServer, type Server } from 'node:http';
import { type LoopbackServer, listenOnLoopback } from '../loopback-server.ts';

/**
 * A bare node:http server on 127.0.0.1 that reads each request's body and answers it at once with a canned
 * ACM answer, picked by the operation in X-Amz-Target: the floor an SDK client pays per call (signing,
 * HTTP, serialising the request and parsing the same answer), without any work behind it.
 */
export async function startCannedAcmServer(answers: Record<string, unknown>): Promise<LoopbackServer> {
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
  return listenOnLoopback(server);
}
