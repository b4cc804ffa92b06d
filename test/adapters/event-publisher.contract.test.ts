/**
 * The EventPublisher contract, run against both adapters: EventBridgePublisher over a fake EventBridge that
 * behaves like the service (test/adapters/aws/fake-eventbridge.ts), and the local EventLog read back from
 * its file. A consumer (a rule target, or a reader of events.jsonl) must see the same envelopes from both.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBridgePublisher } from '../../functions/adapters/aws/eventbridge-publisher.ts';
import { type EventEnvelope, EventLog } from '../../functions/adapters/local/event-log.ts';
import {
  CERTIFICATE_EVENT_SOURCE,
  certificateAvailableEvent,
  certificateExpiredEvent,
} from '../../functions/core/events/certificate-events.ts';
import type { CertificateRecord } from '../../functions/core/model.ts';
import type { CertificateEvent, EventPublisher } from '../../functions/core/ports.ts';
import { ACCOUNT, pendingCertificate, REGION } from '../unit/core/core-fixtures.ts';
import { FakeEventBridge } from './aws/fake-eventbridge.ts';

const BUS = 'certwright-events';
const NOW = new Date('2026-03-02T08:15:42.637Z');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'certwright-events-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

interface PublisherTwin {
  publisher: EventPublisher;
  /** Every event a consumer has received so far, in order. */
  delivered(): Promise<EventEnvelope[]>;
}

interface EventBridgeTwin extends PublisherTwin {
  fake: FakeEventBridge;
  /** The backoffs the publisher waited, in milliseconds (it does not really sleep). */
  waits: number[];
}

function eventBridgeTwin(): EventBridgeTwin {
  // The bus belongs to the certificates' account here, so `account` agrees with the local log's.
  const fake = new FakeEventBridge(ACCOUNT, REGION);
  fake.createEventBus(BUS);
  const waits: number[] = [];
  const publisher = new EventBridgePublisher(fake.client, BUS, {
    maxAttempts: 3,
    initialBackoffMs: 50,
    sleep: async (milliseconds) => waits.push(milliseconds),
  });
  return { publisher, fake, waits, delivered: async () => fake.delivered(BUS) };
}

function eventLogTwin(): PublisherTwin & { path: string } {
  const path = join(directory, `${randomUUID()}.jsonl`);
  return { path, publisher: new EventLog(path), delivered: () => readLog(path) };
}

async function readLog(path: string): Promise<EventEnvelope[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return [];
  }
  expect(text.endsWith('\n')).toBe(true);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as EventEnvelope);
}

let issuedCounter = 0;

/** An issued certificate for `name`, as issuance stores it. */
function issuedCertificate(name = 'www.example.test'): CertificateRecord {
  issuedCounter += 1;
  return {
    ...pendingCertificate({
      domainName: name,
      subjectAlternativeNames: [name, `alt.${name}`],
      id: `cccccccc-0000-4000-8000-${issuedCounter.toString(16).padStart(12, '0')}`,
    }),
    status: 'ISSUED',
    issued: {
      certificatePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      chainPem: '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n',
      serialHex: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
      notBefore: '2026-03-02T07:15:42.000Z',
      notAfter: '2027-04-01T07:15:41.000Z',
      issuedAt: NOW.toISOString(),
      sealedPrivateKey: 'sealed',
      keyUsages: ['DIGITAL_SIGNATURE', 'KEY_ENCIPHERMENT'],
      extendedKeyUsages: [{ name: 'TLS_WEB_SERVER_AUTHENTICATION', oid: '1.3.6.1.5.5.7.3.1' }],
    },
  };
}

function availableEvents(count: number): CertificateEvent[] {
  return Array.from({ length: count }, (_, index) =>
    certificateAvailableEvent(issuedCertificate(`host-${index}.example.test`), 'ISSUANCE', NOW),
  );
}

/** What a consumer relies on: the envelope without its id, which each adapter makes up. */
function withoutId({ id: _id, ...rest }: EventEnvelope): Omit<EventEnvelope, 'id'> {
  return rest;
}

const twins: Array<[string, () => PublisherTwin]> = [
  ['EventBridgePublisher', eventBridgeTwin],
  ['EventLog', eventLogTwin],
];

describe.each(twins)('EventPublisher contract: %s', (_name, makeTwin) => {
  it('delivers an event in the EventBridge envelope, with ACM detail and the certificate as resource', async () => {
    const twin = makeTwin();
    const certificate = issuedCertificate();
    const event = certificateAvailableEvent(certificate, 'ISSUANCE', NOW);

    await twin.publisher.publish([event]);

    const delivered = await twin.delivered();
    expect(delivered).toEqual([
      {
        version: '0',
        id: expect.stringMatching(UUID),
        'detail-type': 'ACM Certificate Available',
        source: 'certwright.acm',
        account: ACCOUNT,
        time: '2026-03-02T08:15:42Z',
        region: REGION,
        resources: [certificate.arn],
        detail: event.detail,
      },
    ]);
    expect(delivered[0]?.detail).toMatchObject({ Action: 'ISSUANCE', CommonName: 'www.example.test' });
  });

  it('delivers every event of a long list exactly once, in order, each with its own id', async () => {
    const twin = makeTwin();
    const events = availableEvents(23);

    await twin.publisher.publish(events);

    const delivered = await twin.delivered();
    expect(delivered.map((envelope) => envelope.resources)).toEqual(events.map((e) => [e.certificateArn]));
    expect(new Set(delivered.map((envelope) => envelope.id)).size).toBe(23);
  });

  it('delivers nothing for an empty list', async () => {
    const twin = makeTwin();
    await twin.publisher.publish([]);
    expect(await twin.delivered()).toEqual([]);
  });

  it('keeps every event whole under concurrent publishes', async () => {
    const twin = makeTwin();
    const batches = Array.from({ length: 12 }, () => availableEvents(4));

    await Promise.all(batches.map((batch) => twin.publisher.publish(batch)));

    const delivered = await twin.delivered();
    expect(delivered.map((envelope) => envelope.resources[0]).sort()).toEqual(
      batches
        .flat()
        .map((event) => event.certificateArn)
        .sort(),
    );
    for (const envelope of delivered) expect(envelope.source).toBe(CERTIFICATE_EVENT_SOURCE);
  });

  it('keeps publishing after earlier events: a consumer sees all of them', async () => {
    const twin = makeTwin();
    const certificate = issuedCertificate();
    await twin.publisher.publish([certificateAvailableEvent(certificate, 'ISSUANCE', NOW)]);
    await twin.publisher.publish([certificateExpiredEvent(certificate, new Date('2027-04-02T00:00:00Z'))]);

    expect((await twin.delivered()).map((envelope) => [envelope['detail-type'], envelope.time])).toEqual([
      ['ACM Certificate Available', '2026-03-02T08:15:42Z'],
      ['ACM Certificate Expired', '2027-04-02T00:00:00Z'],
    ]);
  });
});

describe('both adapters', () => {
  it('give a consumer the same envelopes but for the id', async () => {
    const events = [
      ...availableEvents(3),
      certificateExpiredEvent(issuedCertificate(), new Date('2027-04-01T07:15:42Z')),
    ];
    const [eventBridge, log] = [eventBridgeTwin(), eventLogTwin()];

    await eventBridge.publisher.publish(events);
    await log.publisher.publish(events);

    const fromEventBridge = await eventBridge.delivered();
    expect(fromEventBridge).toHaveLength(4);
    expect((await log.delivered()).map(withoutId)).toEqual(fromEventBridge.map(withoutId));
  });
});

describe('EventBridgePublisher', () => {
  it('sends batches of at most ten entries to its bus', async () => {
    const twin = eventBridgeTwin();
    await twin.publisher.publish(availableEvents(23));
    const calls = twin.fake.putEventsCalls();
    expect(calls.map((call) => call.Entries?.length)).toEqual([10, 10, 3]);
    for (const entry of calls.flatMap((call) => call.Entries ?? [])) {
      expect(entry.EventBusName).toBe(BUS);
      expect(entry.Source).toBe('certwright.acm');
    }
  });

  it('sends again only the entries that failed, after a backoff, and each event arrives once', async () => {
    const twin = eventBridgeTwin();
    const events = availableEvents(5);
    twin.fake.failNextEntries(2, 'InternalFailure');

    await twin.publisher.publish(events);

    const calls = twin.fake.putEventsCalls();
    expect(calls.map((call) => call.Entries?.length)).toEqual([5, 2]);
    expect(calls[1]?.Entries?.map((entry) => entry.Resources)).toEqual(
      events.slice(0, 2).map((event) => [event.certificateArn]),
    );
    expect(twin.waits).toEqual([50]);
    expect((await twin.delivered()).map((envelope) => envelope.resources[0]).sort()).toEqual(
      events.map((event) => event.certificateArn).sort(),
    );
  });

  it('gives up after its attempts on entries that keep failing, naming the error code', async () => {
    const twin = eventBridgeTwin();
    const events = availableEvents(3);
    twin.fake.failEntriesOf(events[1]?.certificateArn ?? '', 'ThrottlingException');

    await expect(twin.publisher.publish(events)).rejects.toThrow(
      /did not accept 1 of 3 events on bus certwright-events after 3 attempts: ThrottlingException/,
    );

    expect(twin.fake.putEventsCalls().map((call) => call.Entries?.length)).toEqual([3, 1, 1]);
    expect(twin.waits).toEqual([50, 100]);
    // The two entries accepted on the first try stay published.
    expect(await twin.delivered()).toHaveLength(2);
  });

  it('does not send again an entry EventBridge will never accept', async () => {
    const twin = eventBridgeTwin();
    twin.fake.failNextEntries(1, 'AccessDeniedException', 'not allowed on this bus');

    await expect(twin.publisher.publish(availableEvents(1))).rejects.toThrow(
      /after 1 attempt: AccessDeniedException \(not allowed on this bus\)/,
    );
    expect(twin.fake.putEventsCalls()).toHaveLength(1);
    expect(twin.waits).toEqual([]);
  });

  it('uses a source an account may publish under: EventBridge refuses ACM’s own aws.acm', async () => {
    const twin = eventBridgeTwin();
    const [event] = availableEvents(1);
    if (!event) throw new Error('no event');
    const asAcm = await twin.fake.client.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: BUS, Source: 'aws.acm', DetailType: event.detailType, Detail: '{}' }],
      }),
    );
    expect(asAcm.Entries?.[0]?.ErrorCode).toBe('NotAuthorizedForSourceException');

    await twin.publisher.publish([event]);
    expect((await twin.delivered()).map((envelope) => envelope.source)).toEqual(['certwright.acm']);
  });
});

describe('EventLog', () => {
  it('appends to an existing log, one JSON object per line', async () => {
    const twin = eventLogTwin();
    await writeFile(twin.path, '{"earlier":true}\n');

    await twin.publisher.publish(availableEvents(2));

    const lines = (await readFile(twin.path, 'utf8')).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('{"earlier":true}');
    expect(lines[3]).toBe('');
    expect(lines.slice(1, 3).map((line) => (JSON.parse(line) as EventEnvelope).version)).toEqual(['0', '0']);
  });

  it('rejects when it cannot write, so the caller retries', async () => {
    const publisher = new EventLog(join(directory, 'no-such-directory', 'events.jsonl'));
    await expect(publisher.publish(availableEvents(1))).rejects.toThrow(/ENOENT/);
  });
});
