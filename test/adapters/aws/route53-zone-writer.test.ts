import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  InvalidChangeBatch,
  NoSuchHostedZone,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Route53ZoneWriter } from '../../../functions/adapters/aws/route53-zone-writer.ts';
import { LocalZones } from '../../../functions/adapters/local/local-zones.ts';
import { canonicalDnsName } from '../../../functions/core/dns-zones.ts';
import type { DnsZoneWriter } from '../../../functions/core/ports.ts';
import { FakeRoute53 } from './fake-route53.ts';

let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'certwright-route53-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** A zone writer over the zones example.com and sub.example.com, and how to read back a name's CNAMEs. */
interface ZoneWriterTwin {
  writer: DnsZoneWriter;
  /** The CNAME targets at `name`, canonical (lowercase, no trailing dot). */
  cnames(name: string): string[];
}

const twins: Array<[string, () => ZoneWriterTwin]> = [
  [
    'Route53ZoneWriter',
    () => {
      const fake = new FakeRoute53();
      const ids = { 'example.com': fake.createHostedZone('example.com') } as Record<string, string>;
      ids['sub.example.com'] = fake.createHostedZone('sub.example.com');
      const writer = new Route53ZoneWriter(
        fake.client,
        Object.entries(ids).map(([zoneName, hostedZoneId]) => ({ zoneName, hostedZoneId })),
      );
      return {
        writer,
        cnames: (name) => {
          const zone = writer.zoneFor(name);
          if (zone === undefined) return [];
          return fake
            .recordSets(ids[zone.zoneName] ?? '', 'CNAME')
            .filter((recordSet) => recordSet.Name === `${canonicalDnsName(name)}.`)
            .flatMap((recordSet) => recordSet.ResourceRecords ?? [])
            .map((record) => canonicalDnsName(record.Value ?? ''));
        },
      };
    },
  ],
  [
    'LocalZones',
    () => {
      const zones = new LocalZones(
        ['example.com', 'sub.example.com'],
        join(directory, `${randomUUID()}.json`),
      );
      return {
        writer: zones,
        cnames: (name) =>
          zones
            .lookup(name)
            .records.filter((record) => record.type === 'CNAME')
            .map((record) => record.value),
      };
    },
  ],
];

describe.each(twins)('DnsZoneWriter contract: %s', (_, makeTwin) => {
  let twin: ZoneWriterTwin;

  beforeEach(() => {
    twin = makeTwin();
  });

  it('manages names in its zones, nested ones included, case-insensitive and trailing-dot tolerant', () => {
    for (const name of [
      '_a.www.example.com',
      '_A.WWW.Example.COM.',
      '_a.www.sub.example.com',
      'example.com',
    ]) {
      expect(twin.writer.manages(name), name).toBe(true);
    }
    for (const name of ['_a.other.test', 'notexample.com', 'example.com.evil.test', 'com', '']) {
      expect(twin.writer.manages(name), name).toBe(false);
    }
  });

  it('keeps one record when the same CNAME is upserted twice, however the names are written', async () => {
    await twin.writer.upsertCname('_a.www.example.com', '_b.validation.test');
    await twin.writer.upsertCname('_A.www.Example.com.', '_B.Validation.Test.');
    expect(twin.cnames('_a.www.example.com')).toEqual(['_b.validation.test']);
  });

  it('replaces the value when it changes', async () => {
    await twin.writer.upsertCname('_a.www.example.com', '_old.validation.test');
    await twin.writer.upsertCname('_a.www.example.com', '_new.validation.test');
    expect(twin.cnames('_a.www.example.com')).toEqual(['_new.validation.test']);
  });

  it('rejects a name outside its zones and a CNAME at a zone apex', async () => {
    await expect(twin.writer.upsertCname('_a.other.test', '_b.validation.test')).rejects.toThrow(
      '_a.other.test',
    );
    await expect(twin.writer.upsertCname('sub.example.com', '_b.validation.test')).rejects.toThrow(/apex/);
    expect(twin.cnames('sub.example.com')).toEqual([]);
  });
});

describe('Route53ZoneWriter', () => {
  let fake: FakeRoute53;
  let exampleId: string;
  let subId: string;
  let otherId: string;
  let writer: Route53ZoneWriter;

  beforeEach(() => {
    fake = new FakeRoute53();
    exampleId = fake.createHostedZone('example.com');
    subId = fake.createHostedZone('sub.example.com');
    otherId = fake.createHostedZone('other.test');
    // other.test is in the account but not configured: the deployment may not write there.
    writer = new Route53ZoneWriter(fake.client, [
      { zoneName: 'sub.example.com', hostedZoneId: subId },
      { zoneName: 'Example.COM.', hostedZoneId: `/hostedzone/${exampleId}` },
    ]);
  });

  it('routes each name to the longest configured zone that contains it, whatever the configured order', () => {
    const reversed = new Route53ZoneWriter(fake.client, [
      { zoneName: 'example.com', hostedZoneId: exampleId },
      { zoneName: 'sub.example.com', hostedZoneId: subId },
    ]);
    for (const zoneWriter of [writer, reversed]) {
      expect(zoneWriter.zoneFor('_a.www.sub.example.com.')).toEqual({
        zoneName: 'sub.example.com',
        hostedZoneId: subId,
      });
      expect(zoneWriter.zoneFor('_a.SUB.example.com')).toEqual({
        zoneName: 'sub.example.com',
        hostedZoneId: subId,
      });
      expect(zoneWriter.zoneFor('_a.www.example.com')).toEqual({
        zoneName: 'example.com',
        hostedZoneId: exampleId,
      });
      expect(zoneWriter.zoneFor('_a.notsub.example.com')).toEqual({
        zoneName: 'example.com',
        hostedZoneId: exampleId,
      });
      expect(zoneWriter.zoneFor('_a.other.test')).toBeUndefined();
    }
  });

  it('sends one UPSERT of the CNAME, TTL 300, absolute names, and does not wait for INSYNC', async () => {
    await writer.upsertCname('_A1.www.Example.com.', '_B2.validation.test');

    expect(fake.changeCalls()).toEqual([
      {
        HostedZoneId: exampleId,
        ChangeBatch: {
          Comment: 'Certwright DNS validation record',
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: '_a1.www.example.com.',
                Type: 'CNAME',
                TTL: 300,
                ResourceRecords: [{ Value: '_b2.validation.test.' }],
              },
            },
          ],
        },
      },
    ]);
    // The change is still PENDING in the fake; no GetChange or anything else was called.
    expect(fake.mock.calls()).toHaveLength(1);
    expect(fake.recordSets(exampleId, 'CNAME')).toEqual([
      {
        Name: '_a1.www.example.com.',
        Type: 'CNAME',
        TTL: 300,
        ResourceRecords: [{ Value: '_b2.validation.test.' }],
      },
    ]);
  });

  it('writes a name below a nested zone into that zone only', async () => {
    await writer.upsertCname('_a.www.sub.example.com', '_b.validation.test');
    expect(fake.recordSets(subId, 'CNAME').map((recordSet) => recordSet.Name)).toEqual([
      '_a.www.sub.example.com.',
    ]);
    expect(fake.recordSets(exampleId, 'CNAME')).toEqual([]);
  });

  it('keeps one record per name across repeated and changed upserts, next to other names', async () => {
    await writer.upsertCname('_a.example.com', '_one.validation.test');
    await writer.upsertCname('_b.example.com', '_two.validation.test');
    await writer.upsertCname('_a.example.com', '_one.validation.test');
    await writer.upsertCname('_a.example.com', '_three.validation.test');
    expect(
      fake.recordSets(exampleId, 'CNAME').map((recordSet) => [recordSet.Name, recordSet.ResourceRecords]),
    ).toEqual([
      ['_a.example.com.', [{ Value: '_three.validation.test.' }]],
      ['_b.example.com.', [{ Value: '_two.validation.test.' }]],
    ]);
  });

  it('rejects a name outside every configured zone with a clear error, before calling Route 53', async () => {
    await expect(writer.upsertCname('_a.www.other.test.', '_b.validation.test')).rejects.toThrow(
      '_a.www.other.test is in no Route 53 hosted zone this deployment may write to ' +
        '(configured: sub.example.com, example.com)',
    );
    expect(fake.mock.calls()).toHaveLength(0);
    expect(fake.recordSets(otherId, 'CNAME')).toEqual([]);
  });

  it('rejects a CNAME at a zone apex before calling Route 53', async () => {
    await expect(writer.upsertCname('Sub.Example.com.', '_b.validation.test')).rejects.toThrow(
      `a CNAME cannot sit at the apex of hosted zone sub.example.com (${subId}): sub.example.com`,
    );
    expect(fake.mock.calls()).toHaveLength(0);
  });

  it("surfaces Route 53's refusal with the record, the zone and Route 53's messages", async () => {
    await fake.client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: exampleId,
        ChangeBatch: {
          Changes: [
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: '_a.example.com.',
                Type: 'TXT',
                TTL: 60,
                ResourceRecords: [{ Value: '"x"' }],
              },
            },
          ],
        },
      }),
    );

    const error = await writer
      .upsertCname('_a.example.com', '_b.validation.test')
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'InvalidChangeBatch',
      message:
        `Route 53 did not write the CNAME _a.example.com → _b.validation.test in hosted zone example.com ` +
        `(${exampleId}): InvalidChangeBatch: [RRSet of type CNAME with DNS name _a.example.com. is not permitted ` +
        'as it conflicts with other records with the same DNS name in zone example.com.]',
    });
    expect((error as Error).cause).toBeInstanceOf(InvalidChangeBatch);
    expect(fake.recordSets(exampleId).filter((recordSet) => recordSet.Name === '_a.example.com.')).toEqual([
      { Name: '_a.example.com.', Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: '"x"' }] },
    ]);
  });

  it('surfaces a hosted zone that does not exist with its configured name', async () => {
    const stale = new Route53ZoneWriter(fake.client, [{ zoneName: 'gone.test', hostedZoneId: 'ZGONE' }]);
    const error = await stale
      .upsertCname('_a.gone.test', '_b.validation.test')
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      name: 'NoSuchHostedZone',
      message:
        'Route 53 did not write the CNAME _a.gone.test → _b.validation.test in hosted zone gone.test (ZGONE): ' +
        'NoSuchHostedZone: No hosted zone found with ID: ZGONE',
    });
    expect((error as Error).cause).toBeInstanceOf(NoSuchHostedZone);
  });

  it('refuses a configuration with a zone twice, an empty zone name or a malformed id', () => {
    expect(
      () =>
        new Route53ZoneWriter(fake.client, [
          { zoneName: 'example.com', hostedZoneId: 'Z1' },
          { zoneName: 'EXAMPLE.com.', hostedZoneId: 'Z2' },
        ]),
    ).toThrow('hosted zone example.com is configured twice (Z1 and Z2)');
    expect(() => new Route53ZoneWriter(fake.client, [{ zoneName: '.', hostedZoneId: 'Z1' }])).toThrow(
      'a Route 53 hosted zone needs a zone name',
    );
    expect(
      () => new Route53ZoneWriter(fake.client, [{ zoneName: 'example.com', hostedZoneId: 'Z 1' }]),
    ).toThrow('hosted zone example.com has an invalid hosted zone id: Z 1');
  });
});

/**
 * aws-sdk-client-mock replaces `send`, so the SDK's middleware never runs against the fake. These tests put
 * scripted HTTP answers under a real client instead: the retry of PriorRequestNotComplete and the parsing of
 * an InvalidChangeBatch are the SDK's, and the adapter relies on both.
 */
describe('Route53ZoneWriter through the SDK middleware', () => {
  const XMLNS = 'https://route53.amazonaws.com/doc/2013-04-01/';

  function scriptedClient(answers: Array<{ statusCode: number; body: string }>) {
    const requests: Array<{ method: string; path: string; body: string }> = [];
    const client = new Route53Client({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      requestHandler: {
        handle: async (request: { method: string; path: string; body?: unknown }) => {
          requests.push({ method: request.method, path: request.path, body: bodyText(request.body) });
          const answer = answers.shift();
          if (answer === undefined) throw new Error('no scripted answer left');
          return {
            response: {
              statusCode: answer.statusCode,
              headers: { 'content-type': 'text/xml' },
              body: new TextEncoder().encode(answer.body),
            },
          };
        },
      },
    });
    return { client, requests };
  }

  const accepted = {
    statusCode: 200,
    body:
      `<?xml version="1.0" encoding="UTF-8"?><ChangeResourceRecordSetsResponse xmlns="${XMLNS}"><ChangeInfo>` +
      '<Id>/change/C2682N5HXP0BZ4</Id><Status>PENDING</Status><SubmittedAt>2026-01-01T00:00:00.000Z</SubmittedAt>' +
      '</ChangeInfo></ChangeResourceRecordSetsResponse>',
  };

  it('lets the SDK retry PriorRequestNotComplete, and sends the exact record', async () => {
    const { client, requests } = scriptedClient([
      {
        statusCode: 400,
        body:
          `<?xml version="1.0"?><ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type>` +
          '<Code>PriorRequestNotComplete</Code><Message>The request was rejected because Route 53 was still ' +
          'processing a prior request.</Message></Error><RequestId>r1</RequestId></ErrorResponse>',
      },
      accepted,
    ]);
    const writer = new Route53ZoneWriter(client, [{ zoneName: 'example.com', hostedZoneId: 'Z0EXAMPLE' }]);

    await writer.upsertCname('_a.example.com', '_b.validation.test');

    expect(requests).toHaveLength(2);
    expect(requests[1]?.method).toBe('POST');
    expect(requests[1]?.path).toBe('/2013-04-01/hostedzone/Z0EXAMPLE/rrset');
    const body = requests[1]?.body ?? '';
    for (const element of [
      '<Action>UPSERT</Action>',
      '<Name>_a.example.com.</Name>',
      '<Type>CNAME</Type>',
      '<TTL>300</TTL>',
      '<ResourceRecord><Value>_b.validation.test.</Value></ResourceRecord>',
    ]) {
      expect(body).toContain(element);
    }
  });

  it('does not retry an InvalidChangeBatch and reports its messages', async () => {
    // Route 53's current form of the error: a standard ErrorResponse listing the complaints in brackets.
    const { client, requests } = scriptedClient([
      {
        statusCode: 400,
        body:
          `<?xml version="1.0"?><ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type>` +
          '<Code>InvalidChangeBatch</Code><Message>[RRSet of type CNAME with DNS name _a.example.com. is not ' +
          'permitted as it conflicts with other records with the same DNS name in zone example.com.]</Message>' +
          '</Error><RequestId>r2</RequestId></ErrorResponse>',
      },
    ]);
    const writer = new Route53ZoneWriter(client, [{ zoneName: 'example.com', hostedZoneId: 'Z0EXAMPLE' }]);

    const error = await writer
      .upsertCname('_a.example.com', '_b.validation.test')
      .catch((caught: unknown) => caught);

    expect(requests).toHaveLength(1);
    expect(error).toMatchObject({ name: 'InvalidChangeBatch' });
    expect((error as Error).message).toContain('in hosted zone example.com (Z0EXAMPLE)');
    expect((error as Error).message).toContain(
      'RRSet of type CNAME with DNS name _a.example.com. is not permitted',
    );
  });
});

describe('FakeRoute53', () => {
  let fake: FakeRoute53;
  let zoneId: string;

  beforeEach(() => {
    fake = new FakeRoute53();
    zoneId = fake.createHostedZone('example.com');
  });

  function change(
    Action: 'CREATE' | 'UPSERT' | 'DELETE',
    Name: string,
    Type: 'CNAME' | 'TXT',
    Value: string,
  ) {
    return { Action, ResourceRecordSet: { Name, Type, TTL: 300, ResourceRecords: [{ Value }] } };
  }

  async function send(...changes: ReturnType<typeof change>[]) {
    return fake.client.send(
      new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: changes } }),
    );
  }

  it('starts a zone with its SOA and NS and answers a change as PENDING', async () => {
    expect(fake.recordSets(zoneId).map((recordSet) => [recordSet.Name, recordSet.Type])).toEqual([
      ['example.com.', 'NS'],
      ['example.com.', 'SOA'],
    ]);
    const answer = await send(change('CREATE', '_a.example.com', 'CNAME', 'b.test.'));
    expect(answer.ChangeInfo?.Status).toBe('PENDING');
    await expect(fake.client.send(new GetChangeCommand({ Id: answer.ChangeInfo?.Id }))).rejects.toThrow(
      'FakeRoute53 implements only ChangeResourceRecordSets',
    );
  });

  it("applies Route 53's rules, and a batch all or nothing", async () => {
    await send(change('CREATE', '_a.example.com.', 'CNAME', 'b.test.'));
    const refusals: Array<[ReturnType<typeof change>[], string]> = [
      [[change('CREATE', '_a.example.com.', 'CNAME', 'c.test.')], 'but it already exists'],
      [[change('UPSERT', '_a.example.com.', 'TXT', '"x"')], 'a conflicting RRSet of type CNAME'],
      [[change('UPSERT', 'example.com.', 'CNAME', 'c.test.')], 'is not permitted at apex'],
      [[change('UPSERT', '_a.example.org.', 'CNAME', 'c.test.')], 'is not permitted in zone example.com.'],
      [[change('DELETE', '_x.example.com.', 'CNAME', 'c.test.')], 'but it was not found'],
      [[change('DELETE', '_a.example.com.', 'CNAME', 'c.test.')], 'do not match the current values'],
      [
        [
          change('UPSERT', '_new.example.com.', 'CNAME', 'c.test.'),
          change('CREATE', '_a.example.com.', 'CNAME', 'c.test.'),
        ],
        'but it already exists',
      ],
    ];
    for (const [changes, message] of refusals) {
      await expect(send(...changes)).rejects.toMatchObject({
        name: 'InvalidChangeBatch',
        message: expect.stringContaining(message),
      });
    }
    expect(fake.recordSets(zoneId, 'CNAME')).toEqual([
      { Name: '_a.example.com.', Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: 'b.test.' }] },
    ]);
    await send(change('DELETE', '_a.example.com.', 'CNAME', 'b.test.'));
    expect(fake.recordSets(zoneId, 'CNAME')).toEqual([]);
  });
});

/** A request body as text, however the SDK's serializer left it. */
function bodyText(body: unknown): string {
  if (body === undefined) return '';
  return typeof body === 'string' ? body : new TextDecoder().decode(body as Uint8Array);
}
