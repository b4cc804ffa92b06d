/**
 * The local front end's body limit: a POST over 4 MiB is answered 413 SerializationException, readably,
 * every time (the rest of the body is read and dropped rather than the connection closed under the
 * client), and never reaches the API handler; the server keeps serving afterwards.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalRequestListener } from '../../local/http-server.ts';

const LIMIT = 4 * 1024 * 1024;

let server: Server;
let url: string;
let handled = 0;

beforeAll(async () => {
  const refuse = async () => {
    handled += 1;
    return { statusCode: 418, body: '' };
  };
  server = createServer(
    createLocalRequestListener({
      apiHandler: refuse,
      approvalHandler: refuse,
      authenticate: { lookup: () => undefined, region: 'us-east-1', services: ['acm'], maxSkewMinutes: 15 },
      now: () => new Date(),
      documents: { '/ca.pem': { contentType: 'application/x-pem-file', body: () => 'pem' } },
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('the local HTTP server body limit', () => {
  it('answers every body over 4 MiB with a readable 413, whatever its size', async () => {
    for (const size of [
      LIMIT + 1,
      LIMIT + 4096,
      LIMIT + 65_537,
      5 * 1024 * 1024,
      6 * 1024 * 1024,
      2 * LIMIT,
    ]) {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const response = await fetch(url, { method: 'POST', body: new Uint8Array(size).fill(0x78) });
        expect(response.status).toBe(413);
        expect(await response.json()).toEqual({
          __type: 'SerializationException',
          message: 'Request body too large.',
        });
      }
    }
    expect(handled).toBe(0);
    const document = await fetch(`${url}ca.pem`);
    expect(await document.text()).toBe('pem');
  });
});
