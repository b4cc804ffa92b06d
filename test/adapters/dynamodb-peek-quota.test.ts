/** peekQuotaUsage: the quota counts read without a write, before and after an account's counts exist. */
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestWindow, utcDay } from '../../functions/core/policy/request-window.ts';
import { type EmbeddedTable, startEmbeddedTable } from '../../local/embedded-table.ts';
import { pendingCertificate } from '../unit/core/core-fixtures.ts';

const TABLE_NAME = 'certwright-peek-quota';
const NOW = new Date('2026-03-01T12:00:00.000Z');
const DAY_MS = 24 * 60 * 60 * 1000;

let table: EmbeddedTable;
beforeAll(async () => {
  table = await startEmbeddedTable({ region: 'us-east-1', tableName: TABLE_NAME });
});
afterAll(async () => {
  await table?.close();
});

async function quotaItem(accountId: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await DynamoDBDocumentClient.from(table.client).send(
    new GetCommand({ TableName: TABLE_NAME, Key: { pk: `ACCOUNT#${accountId}`, sk: 'QUOTA' } }),
  );
  return Item;
}

describe('DynamoDbCertificateStore.peekQuotaUsage', () => {
  it('counts an account without counts from its certificates and writes nothing', async () => {
    const accountId = '555566667777';
    const old = new Date(NOW.getTime() - 400 * DAY_MS).toISOString();
    await table.store.create(pendingCertificate({ accountId, createdAt: NOW.toISOString() }));
    await table.store.create(pendingCertificate({ accountId, createdAt: old }));

    expect(await table.store.peekQuotaUsage(accountId, requestWindow(NOW))).toEqual({
      certificates: 2,
      requests: 1,
    });
    expect(await quotaItem(accountId)).toBeUndefined();
  });

  it('reads the counts once they exist, as quotaUsage does', async () => {
    const accountId = '888899990000';
    const window = requestWindow(NOW);
    await table.store.reserveQuota(accountId, window, { certificates: 5, requests: 5 });
    await table.store.reserveQuota(accountId, window, { certificates: 5, requests: 5 });
    await table.store.releaseHeldCertificate(accountId);
    expect(await table.store.peekQuotaUsage(accountId, window)).toEqual({ certificates: 1, requests: 2 });
    expect(await table.store.peekQuotaUsage(accountId, window)).toEqual(
      await table.store.quotaUsage(accountId, window),
    );
    const later = new Date(NOW.getTime() + 365 * DAY_MS);
    expect(utcDay(later) - utcDay(NOW)).toBe(365);
    expect(await table.store.peekQuotaUsage(accountId, requestWindow(later))).toEqual({
      certificates: 1,
      requests: 0,
    });
  });
});
