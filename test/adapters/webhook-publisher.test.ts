/**
 * WebhookPublisher against real HTTP servers on 127.0.0.1 that fail their first requests, and composed
 * with the local event log: the log is written at once whatever the hooks do.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type EventEnvelope, EventLog } from '../../functions/adapters/local/event-log.ts';
import { FanOutPublisher } from '../../functions/adapters/local/fan-out-publisher.ts';
import { WebhookPublisher } from '../../functions/adapters/local/webhook-publisher.ts';
import { CERTIFICATE_EVENT_SOURCE } from '../../functions/core/events/certificate-events.ts';
import type { CertificateEvent } from '../../functions/core/ports.ts';

const EVENT: CertificateEvent = {
  detailType: 'ACM Certificate Approaching Expiration',
  certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/aaaaaaaa-0000-4000-8000-000000000001',
  accountId: '111122223333',
  region: 'us-east-1',
  time: '2027-02-15T09:00:00Z',
  detail: { DaysToExpiry: 45, CommonName: 'www.example.test' },
};

interface Hook {
  url: string;
  requests: Array<{ contentType: string | undefined; authorization: string | undefined; body: string }>;
  server: Server;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A hook that answers 503 to its first `failures` requests and 204 after; `respond` overrides that. */
async function startHook(
  failures: number,
  respond?: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<Hook> {
  const requests: Hook['requests'] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({
        contentType: request.headers['content-type'],
        authorization: request.headers.authorization,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      if (respond) return respond(request, response);
      response.writeHead(requests.length <= failures ? 503 : 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/certificates`,
    requests,
    server,
  };
}

function publisher(urls: string[], options: { maxAttempts?: number } = {}) {
  const waits: number[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const webhooks = new WebhookPublisher(urls, {
    maxAttempts: options.maxAttempts ?? 5,
    initialBackoffMs: 100,
    timeoutMs: 2000,
    sleep: async (milliseconds) => waits.push(milliseconds),
    log: (entry) => logs.push(entry),
  });
  cleanups.push(() => webhooks.stop());
  return { webhooks, waits, logs };
}

describe('WebhookPublisher', () => {
  it('POSTs the event in the EventBridge envelope, retrying with exponential backoff until the hook accepts it', async () => {
    const hook = await startHook(3);
    const { webhooks, waits, logs } = publisher([hook.url]);

    await webhooks.publish([EVENT]);
    await webhooks.idle();

    expect(hook.requests).toHaveLength(4);
    expect(waits).toEqual([100, 200, 400]);
    expect(logs).toEqual([]);
    const bodies = hook.requests.map((request) => request.body);
    expect(new Set(bodies).size).toBe(1);
    expect(hook.requests[0]?.contentType).toBe('application/json');
    const envelope = JSON.parse(bodies[0] as string) as EventEnvelope;
    expect(envelope).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'ACM Certificate Approaching Expiration',
      source: CERTIFICATE_EVENT_SOURCE,
      account: '111122223333',
      time: '2027-02-15T09:00:00Z',
      region: 'us-east-1',
      resources: [EVENT.certificateArn],
      detail: EVENT.detail,
    });
  });

  it('delivers every event to every hook', async () => {
    const first = await startHook(0);
    const second = await startHook(1);
    const { webhooks } = publisher([first.url, second.url]);
    const expired: CertificateEvent = { ...EVENT, detailType: 'ACM Certificate Expired' };

    await webhooks.publish([EVENT, expired]);
    await webhooks.idle();

    const types = (hook: Hook) =>
      hook.requests.map((request) => (JSON.parse(request.body) as EventEnvelope)['detail-type']).sort();
    expect(types(first)).toEqual(['ACM Certificate Approaching Expiration', 'ACM Certificate Expired']);
    // The second hook failed one request and got that event again.
    expect(new Set(types(second))).toEqual(new Set(types(first)));
    expect(second.requests).toHaveLength(3);
  });

  it('gives up after the last attempt with a log line that leaves the URL’s credentials out', async () => {
    const hook = await startHook(100);
    const secretUrl = `${hook.url.replace('http://', 'http://user:secret@')}?token=secret`;
    const { webhooks, waits, logs } = publisher([secretUrl], { maxAttempts: 3 });

    await webhooks.publish([EVENT]);
    await webhooks.idle();

    expect(hook.requests).toHaveLength(3);
    expect(hook.requests[0]?.authorization).toBe(`Basic ${Buffer.from('user:secret').toString('base64')}`);
    expect(waits).toEqual([100, 200]);
    expect(logs).toEqual([
      {
        level: 'error',
        message: 'webhook delivery given up',
        url: hook.url,
        detailType: EVENT.detailType,
        certificateArn: EVENT.certificateArn,
        error: 'HTTP 503',
      },
    ]);
    expect(JSON.stringify(logs)).not.toContain('secret');
  });
});

describe('the event log with webhooks', () => {
  it('writes the event log at once while a hook hangs, and never fails for the hook', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'certwright-webhooks-'));
    cleanups.push(() => rm(directory, { recursive: true, force: true }));
    let released = false;
    let release: () => void = () => {};
    const hanging = await startHook(0, (_request, response) => {
      release = () => {
        released = true;
        response.writeHead(500).end();
      };
      if (released) release();
    });
    const refused = 'http://127.0.0.1:9/unreachable';
    const { webhooks, logs } = publisher([hanging.url, refused], { maxAttempts: 2 });
    const log = new EventLog(join(directory, 'events.jsonl'));
    const events = new FanOutPublisher(log, [webhooks]);

    await events.publish([EVENT]);

    const lines = (await readFile(log.path, 'utf8')).trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as EventEnvelope)['detail-type'])).toEqual([
      EVENT.detailType,
    ]);
    release();
    await webhooks.idle();
    expect(logs.map((entry) => entry.url).sort()).toEqual([hanging.url, refused].sort());
  });
});
