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

const NOW = new Date('2026-05-01T10:00:00.000Z');
const HOUR = 3600;

function request(idempotencyToken: string, now = NOW) {
  return { idempotencyToken, now, windowSeconds: HOUR };
}

describe('DynamoDbCertificateStore account configuration', () => {
  it('answers undefined for an account that never put one', async () => {
    expect(await table.store.getAccountConfiguration('100000000001')).toBeUndefined();
  });

  it('stores the configuration under ACCOUNT#<id> / CONFIGURATION; the last put wins', async () => {
    const accountId = '100000000002';
    await table.store.putAccountConfiguration(
      accountId,
      { expiryEvents: { daysBeforeExpiry: 30 } },
      request('a'),
    );
    await table.store.putAccountConfiguration(
      accountId,
      { expiryEvents: { daysBeforeExpiry: 12 } },
      request('b'),
    );
    expect(await table.store.getAccountConfiguration(accountId)).toEqual({
      expiryEvents: { daysBeforeExpiry: 12 },
    });
    const { Item } = await DynamoDBDocumentClient.from(table.client).send(
      new GetCommand({ TableName: TABLE_NAME, Key: { pk: `ACCOUNT#${accountId}`, sk: 'CONFIGURATION' } }),
    );
    expect(Item).toMatchObject({ daysBeforeExpiry: 12 });
    expect(await table.store.getAccountConfiguration('100000000003')).toBeUndefined();
  });

  it('treats a token used within the window as a repeat that writes nothing, and a lapsed one as new', async () => {
    const accountId = '100000000005';
    const put = (days: number, token: string, now = NOW) =>
      table.store.putAccountConfiguration(
        accountId,
        { expiryEvents: { daysBeforeExpiry: days } },
        request(token, now),
      );
    const days = async () =>
      (await table.store.getAccountConfiguration(accountId))?.expiryEvents.daysBeforeExpiry;

    expect(await put(30, 'first')).toBe('APPLIED');
    expect(await put(20, 'second')).toBe('APPLIED');
    expect(await put(10, 'first', new Date(NOW.getTime() + (HOUR - 1) * 1000))).toBe('REPEATED');
    expect(await days()).toBe(20);
    expect(await put(10, 'first', new Date(NOW.getTime() + HOUR * 1000))).toBe('APPLIED');
    expect(await days()).toBe(10);
  });

  it('takes a token once under concurrent puts, and lets puts with different tokens all land', async () => {
    const accountId = '100000000006';
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        table.store.putAccountConfiguration(
          accountId,
          { expiryEvents: { daysBeforeExpiry: index + 1 } },
          request(index < 4 ? 'shared' : `own${index}`),
        ),
      ),
    );
    expect(outcomes.slice(0, 4).filter((outcome) => outcome === 'APPLIED')).toHaveLength(1);
    expect(outcomes.slice(4)).toEqual(['APPLIED', 'APPLIED', 'APPLIED', 'APPLIED']);
    const { Item } = await DynamoDBDocumentClient.from(table.client).send(
      new GetCommand({ TableName: TABLE_NAME, Key: { pk: `ACCOUNT#${accountId}`, sk: 'CONFIGURATION' } }),
    );
    expect(Object.keys(Item?.tokens ?? {}).sort()).toEqual(['own4', 'own5', 'own6', 'own7', 'shared']);
    expect(Item?.revision).toBe(5);
  });

  it('stays out of listing, quota counting and the pending scan', async () => {
    const accountId = '100000000004';
    const certificate = pendingCertificate({ accountId });
    await table.store.create(certificate);
    await table.store.putAccountConfiguration(
      accountId,
      { expiryEvents: { daysBeforeExpiry: 20 } },
      request('c'),
    );

    const page = await table.store.list(accountId, { limit: 10 });
    expect(page.certificates.map((listed) => listed.arn)).toEqual([certificate.arn]);
    expect((await table.store.peekQuotaUsage(accountId, requestWindow(new Date()))).certificates).toBe(1);
    const pending = await table.store.scanPendingValidation();
    expect(pending.filter((entry) => entry.accountId === accountId)).toEqual([
      { accountId, certificateId: certificate.id, arn: certificate.arn },
    ]);
  });
});
