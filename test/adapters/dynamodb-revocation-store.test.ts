/** The revocation store on dynalite: first record wins, the list in serial order across pages, CRL numbers. */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbRevocationStore } from '../../functions/adapters/aws/dynamodb-revocation-store.ts';
import { ensureTable } from '../../functions/adapters/aws/table-schema.ts';
import type { RevocationEntry } from '../../functions/core/ports.ts';
import { type EmbeddedTable, startEmbeddedTable } from '../../local/embedded-table.ts';

let table: EmbeddedTable;
let tableCount = 0;
beforeAll(async () => {
  table = await startEmbeddedTable({ region: 'us-east-1', tableName: 'certwright-revocations' });
});
afterAll(async () => {
  await table?.close();
});

async function freshStore(): Promise<DynamoDbRevocationStore> {
  tableCount += 1;
  const name = `certwright-revocations-${tableCount}`;
  await ensureTable(table.client, name);
  return new DynamoDbRevocationStore(table.client, name);
}

function entry(serialHex: string, overrides: Partial<RevocationEntry> = {}): RevocationEntry {
  return {
    serialHex,
    certificateArn: `arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-4000-8000-${serialHex.slice(-12).padStart(12, '0')}`,
    revokedAt: '2026-05-01T12:00:00.000Z',
    reason: 'KEY_COMPROMISE',
    notAfter: '2027-05-01T12:00:00.000Z',
    ...overrides,
  };
}

describe('DynamoDbRevocationStore', () => {
  it('keeps the first record of a serial and lists every revocation in serial order', async () => {
    const store = await freshStore();
    await store.recordRevocation(entry('01bb'));
    await store.recordRevocation(entry('01aa', { reason: 'UNSPECIFIED' }));
    const repeated = await store.recordRevocation(
      entry('01bb', { reason: 'SUPERSEDED', revokedAt: '2026-06-01T00:00:00.000Z' }),
    );
    expect(repeated).toEqual(entry('01bb'));
    expect(await store.listRevocations()).toEqual([entry('01aa', { reason: 'UNSPECIFIED' }), entry('01bb')]);
  });

  it('reads past DynamoDB’s 1 MB page', async () => {
    const store = await freshStore();
    const serials = Array.from({ length: 40 }, (_, index) => `01${index.toString(16).padStart(32, '0')}`);
    // Long ARNs make the items big enough that dynalite needs more than one page for 40 of them.
    const padding = 'x'.repeat(30_000);
    await Promise.all(
      serials.map((serial) =>
        store.recordRevocation(entry(serial, { certificateArn: `${padding}${serial}` })),
      ),
    );
    const listed = await store.listRevocations();
    expect(listed.map((revocation) => revocation.serialHex)).toEqual(serials);
  });

  it('hands out CRL numbers that always go up, also under concurrent calls', async () => {
    const store = await freshStore();
    expect(await store.nextCrlNumber()).toBe(1n);
    const numbers = await Promise.all(Array.from({ length: 10 }, () => store.nextCrlNumber()));
    expect([...numbers].sort((a, b) => Number(a - b))).toEqual(
      Array.from({ length: 10 }, (_, index) => BigInt(index + 2)),
    );
  });

  it('keeps its items in its own partitions, apart from certificates', async () => {
    const store = await freshStore();
    await store.recordRevocation(entry('01cc'));
    await store.nextCrlNumber();
    const { Items } = await table.client.send(
      new ScanCommand({ TableName: `certwright-revocations-${tableCount}` }),
    );
    expect(Items?.map((item) => `${item.pk?.S}/${item.sk?.S}`).sort()).toEqual([
      'CRL/NUMBER',
      'REVOCATIONS/01cc',
    ]);
  });
});

describe('DynamoDbRevocationStore publish lease', () => {
  const at = (minutes: number) => new Date(Date.UTC(2026, 4, 1, 12, minutes));

  it('is held by one holder until it is given back or lapses', async () => {
    const store = await freshStore();
    expect(await store.acquirePublishLease('first', at(0), at(5))).toBe(true);
    expect(await store.acquirePublishLease('second', at(1), at(6))).toBe(false);

    // Only the holder gives it back.
    await store.releasePublishLease('second');
    expect(await store.acquirePublishLease('second', at(2), at(7))).toBe(false);
    await store.releasePublishLease('first');
    expect(await store.acquirePublishLease('second', at(2), at(7))).toBe(true);

    // Lapsed: taken over, and the first holder's late release leaves the new lease alone.
    expect(await store.acquirePublishLease('third', at(8), at(13))).toBe(true);
    await store.releasePublishLease('second');
    expect(await store.acquirePublishLease('fourth', at(9), at(14))).toBe(false);
  });

  it('goes to exactly one of many concurrent takers', async () => {
    const store = await freshStore();
    const taken = await Promise.all(
      Array.from({ length: 10 }, (_, index) => store.acquirePublishLease(`holder${index}`, at(0), at(5))),
    );
    expect(taken.filter(Boolean)).toHaveLength(1);
  });
});
