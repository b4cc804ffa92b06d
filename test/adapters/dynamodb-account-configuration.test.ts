/** The account-configuration item: its key, per-account isolation, and that certificate reads never see it. */
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestWindow } from '../../functions/core/policy/request-window.ts';
import { type EmbeddedTable, startEmbeddedTable } from '../../local/embedded-table.ts';
import { pendingCertificate } from '../unit/core/core-fixtures.ts';

const TABLE_NAME = 'certwright-account-configuration';

let table: EmbeddedTable;
beforeAll(async () => {
  table = await startEmbeddedTable({ region: 'us-east-1', tableName: TABLE_NAME });
});
afterAll(async () => {
  await table?.close();
});

describe('DynamoDbCertificateStore account configuration', () => {
  it('answers undefined for an account that never put one', async () => {
    expect(await table.store.getAccountConfiguration('100000000001')).toBeUndefined();
  });

  it('stores the configuration under ACCOUNT#<id> / CONFIGURATION; the last put wins', async () => {
    const accountId = '100000000002';
    await table.store.putAccountConfiguration(accountId, { expiryEvents: { daysBeforeExpiry: 30 } });
    await table.store.putAccountConfiguration(accountId, { expiryEvents: { daysBeforeExpiry: 12 } });
    expect(await table.store.getAccountConfiguration(accountId)).toEqual({
      expiryEvents: { daysBeforeExpiry: 12 },
    });
    const { Item } = await DynamoDBDocumentClient.from(table.client).send(
      new GetCommand({ TableName: TABLE_NAME, Key: { pk: `ACCOUNT#${accountId}`, sk: 'CONFIGURATION' } }),
    );
    expect(Item).toMatchObject({ daysBeforeExpiry: 12 });
    expect(await table.store.getAccountConfiguration('100000000003')).toBeUndefined();
  });

  it('stays out of listing, quota counting and the pending scan', async () => {
    const accountId = '100000000004';
    const certificate = pendingCertificate({ accountId });
    await table.store.create(certificate);
    await table.store.putAccountConfiguration(accountId, { expiryEvents: { daysBeforeExpiry: 20 } });

    const page = await table.store.list(accountId, { limit: 10 });
    expect(page.certificates.map((listed) => listed.arn)).toEqual([certificate.arn]);
    expect((await table.store.peekQuotaUsage(accountId, requestWindow(new Date()))).certificates).toBe(1);
    const pending = await table.store.scanPendingValidation();
    expect(pending.filter((entry) => entry.accountId === accountId)).toEqual([
      { accountId, certificateId: certificate.id, arn: certificate.arn },
    ]);
  });
});
