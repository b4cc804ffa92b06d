import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbCertificateStore } from '../../functions/adapters/aws/dynamodb-store.ts';
import { ensureTable } from '../../functions/adapters/aws/table-schema.ts';
import {
  ConcurrentModificationError,
  InvalidArgsError,
  SerialCollisionError,
} from '../../functions/core/errors.ts';
import type {
  CertificateRecord,
  CertificateStatus,
  IssuedCertificate,
  KeyAlgorithm,
  RenewalStatus,
} from '../../functions/core/model.ts';
import type { StorePageKey } from '../../functions/core/ports.ts';
import { renewalInProgress } from '../../functions/core/renewal/renewal-state.ts';
import { type EmbeddedTable, startEmbeddedTable } from '../../local/embedded-table.ts';
import { pendingCertificate } from '../unit/core/core-fixtures.ts';

const TABLE_NAME = 'certwright-test';

function startDynalite(path?: string) {
  return startEmbeddedTable({ region: 'us-east-1', path, tableName: TABLE_NAME });
}

/** A pending certificate with every optional part filled, so a store round trip has something to lose. */
function certificateRecord(overrides: Partial<CertificateRecord> = {}): CertificateRecord {
  const base = pendingCertificate({ accountId: '111122223333', version: 1, ...overrides });
  return {
    ...base,
    subjectAlternativeNames: ['example.test', '*.example.test'],
    domainValidations: base.domainValidations.map((validation) => ({
      ...validation,
      lastCheck: { at: '2026-01-01T00:05:00.000Z', outcome: 'NXDOMAIN', detail: 'no record yet' },
    })),
    tags: [{ Key: 'team', Value: 'platform' }, { Key: 'empty', Value: '' }, { Key: 'no-value' }],
    ...overrides,
  };
}

function issued(record: CertificateRecord): CertificateRecord {
  return {
    ...record,
    status: 'ISSUED',
    domainValidations: record.domainValidations.map((validation) => ({ ...validation, status: 'SUCCESS' })),
    issued: {
      certificatePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      chainPem: '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n',
      serialHex: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
      notBefore: '2026-01-01T01:00:00.000Z',
      notAfter: '2027-01-31T01:00:00.000Z',
      issuedAt: '2026-01-01T01:00:00.000Z',
      sealedPrivateKey: 'sealed-key',
      keyUsages: ['DIGITAL_SIGNATURE', 'KEY_ENCIPHERMENT'],
      extendedKeyUsages: [{ name: 'TLS_WEB_SERVER_AUTHENTICATION', oid: '1.3.6.1.5.5.7.3.1' }],
      announcedAt: '2026-01-01T01:00:01.000Z',
    },
  };
}

describe('DynamoDbCertificateStore on dynalite', () => {
  let dynamo: EmbeddedTable;
  let store: DynamoDbCertificateStore;

  beforeAll(async () => {
    dynamo = await startDynalite();
    store = new DynamoDbCertificateStore(dynamo.client, TABLE_NAME);
  });

  afterAll(async () => {
    await dynamo?.close();
  });

  it('ensureTable is a no-op on an existing table', async () => {
    await expect(ensureTable(dynamo.client, TABLE_NAME)).resolves.toBeUndefined();
  });

  it('returns a created certificate unchanged, version included', async () => {
    const record = issued(certificateRecord({ failureReason: undefined, version: 3 }));
    await store.create(record);
    expect(await store.get(record.accountId, record.id)).toEqual(record);
  });

  it('returns undefined for an unknown certificate', async () => {
    expect(await store.get('111122223333', 'no-such-certificate')).toBeUndefined();
  });

  it('leaves the stored certificate alone when it is created again', async () => {
    const record = certificateRecord();
    await store.create(record);
    await store.create({ ...record, domainName: 'other.test', version: 9 });
    expect(await store.get(record.accountId, record.id)).toEqual(record);
  });

  it('increments the version on save and stores the new content', async () => {
    const record = certificateRecord();
    await store.create(record);
    const saved = await store.save({ ...record, tags: [{ Key: 'changed', Value: 'yes' }] });
    expect(saved.version).toBe(record.version + 1);
    expect(saved.tags).toEqual([{ Key: 'changed', Value: 'yes' }]);
    expect(await store.get(record.accountId, record.id)).toEqual(saved);
    const savedAgain = await store.save(saved);
    expect(savedAgain.version).toBe(record.version + 2);
  });

  it('rejects a save based on a stale version', async () => {
    const record = certificateRecord();
    await store.create(record);
    await store.save(record);
    await expect(store.save({ ...record, domainName: 'stale.test' })).rejects.toBeInstanceOf(
      ConcurrentModificationError,
    );
    expect((await store.get(record.accountId, record.id))?.domainName).toBe(record.domainName);
  });

  it('rejects a save of a certificate that does not exist', async () => {
    await expect(store.save(certificateRecord())).rejects.toBeInstanceOf(ConcurrentModificationError);
  });

  it('lets exactly one of several concurrent saves of the same version win', async () => {
    const record = certificateRecord();
    await store.create(record);
    const attempts = Array.from({ length: 10 }, (_, index) =>
      store.save({ ...record, subject: `CN=writer-${index}.example.test` }),
    );
    const results = await Promise.allSettled(attempts);
    const winners = results.filter((result) => result.status === 'fulfilled');
    const losers = results.filter((result) => result.status === 'rejected');
    expect(winners).toHaveLength(1);
    for (const loser of losers) expect(loser.reason).toBeInstanceOf(ConcurrentModificationError);
    const stored = await store.get(record.accountId, record.id);
    expect(stored).toEqual(winners[0]?.value);
    expect(stored?.version).toBe(record.version + 1);
  });

  it('deletes a certificate, and deleting it again is harmless', async () => {
    const record = certificateRecord();
    await store.create(record);
    expect(await store.delete(record.accountId, record.id)).toBe(true);
    expect(await store.get(record.accountId, record.id)).toBeUndefined();
    await expect(store.delete(record.accountId, record.id)).resolves.toBe(false);
  });

  it('tells whether a create wrote the certificate', async () => {
    const record = certificateRecord();
    expect(await store.create(record)).toBe(true);
    expect(await store.create({ ...record, domainName: 'other.test' })).toBe(false);
  });

  it('tells exactly one of several concurrent creates, and of several concurrent deletes, that it did it', async () => {
    const record = certificateRecord();
    const created = await Promise.all(Array.from({ length: 10 }, () => store.create(record)));
    expect(created.filter(Boolean)).toHaveLength(1);
    const deleted = await Promise.all(
      Array.from({ length: 10 }, () => store.delete(record.accountId, record.id)),
    );
    expect(deleted.filter(Boolean)).toHaveLength(1);
  });

  it('recognises its own write when a retried create finds the certificate there', async () => {
    const documents = DynamoDBDocumentClient.from(dynamo.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    // The first put lands, its answer is lost and the client sends it again, as the SDK retries.
    const retrying = {
      send: async (command: Parameters<typeof documents.send>[0]) => {
        if (command instanceof PutCommand) {
          await documents.send(command);
          return documents.send(command);
        }
        return documents.send(command);
      },
    } as unknown as DynamoDBDocumentClient;
    const record = certificateRecord();
    expect(await new DynamoDbCertificateStore(retrying, TABLE_NAME).create(record)).toBe(true);
    expect(await store.create(record)).toBe(false);
  });

  describe('list', () => {
    const accountId = '444455556666';
    const statusCycle: CertificateStatus[] = ['ISSUED', 'PENDING_VALIDATION', 'EXPIRED', 'ISSUED', 'FAILED'];
    const records = Array.from({ length: 25 }, (_, index) =>
      certificateRecord({
        accountId,
        id: `list-${String(index).padStart(2, '0')}`,
        status: statusCycle[index % statusCycle.length],
        keyAlgorithm: index % 3 === 0 ? 'EC_prime256v1' : 'RSA_2048',
      }),
    );

    beforeAll(async () => {
      await Promise.all(records.map((record) => store.create(record)));
      // Idempotency claims share the account's partition and must not show up as certificates.
      await store.claimIdempotencyToken(accountId, 'list-token', records[0]?.arn ?? '', new Date(), 3600);
    });

    async function allPages(
      statuses: CertificateStatus[] | undefined,
      limit: number,
      keyAlgorithms?: KeyAlgorithm[],
    ) {
      const pages: CertificateRecord[][] = [];
      let startKey: StorePageKey | undefined;
      do {
        const page = await store.list(accountId, { statuses, keyAlgorithms, limit, startKey });
        pages.push(page.certificates);
        startKey = page.nextKey;
      } while (startKey && pages.length < 50);
      return pages;
    }

    it('pages through the matching certificates, each exactly once, in a stable order', async () => {
      const pages = await allPages(['ISSUED', 'EXPIRED'], 7);
      const expected = records.filter((record) => record.status === 'ISSUED' || record.status === 'EXPIRED');
      expect(expected).toHaveLength(15);
      for (const page of pages) expect(page.length).toBeLessThanOrEqual(7);
      expect(pages.slice(0, 2).map((page) => page.length)).toEqual([7, 7]);
      expect(pages.flat()).toEqual(expected);
    });

    it('pages through all certificates when no status is given', async () => {
      const pages = await allPages(undefined, 7);
      expect(pages.map((page) => page.length)).toEqual([7, 7, 7, 4]);
      expect(pages.flat()).toEqual(records);
    });

    it('combines the status and key algorithm filters', async () => {
      const pages = await allPages(['ISSUED'], 2, ['EC_prime256v1']);
      expect(pages.flat().map((record) => record.id)).toEqual(['list-00', 'list-03', 'list-15', 'list-18']);
      expect(pages.map((page) => page.length)).toEqual([2, 2]);
    });

    it('treats empty filter lists as no filter', async () => {
      const page = await store.list(accountId, { statuses: [], keyAlgorithms: [], limit: 25 });
      expect(page.certificates).toEqual(records);
    });

    it('rejects a page key it did not hand out', async () => {
      await expect(
        store.list(accountId, { limit: 5, startKey: { sk: 'IDEMPOTENCY#list-token' } }),
      ).rejects.toBeInstanceOf(InvalidArgsError);
    });

    it('returns no next key once the last certificate was returned', async () => {
      const page = await store.list(accountId, { statuses: ['FAILED'], limit: 10 });
      expect(page.certificates.map((record) => record.id)).toEqual([
        'list-04',
        'list-09',
        'list-14',
        'list-19',
        'list-24',
      ]);
      expect(page.nextKey).toBeUndefined();
    });

    it('does not skip a certificate when the filter stops in the middle of a query page', async () => {
      const first = await store.list(accountId, { statuses: ['PENDING_VALIDATION'], limit: 2 });
      expect(first.certificates.map((record) => record.id)).toEqual(['list-01', 'list-06']);
      const second = await store.list(accountId, {
        statuses: ['PENDING_VALIDATION'],
        limit: 2,
        startKey: first.nextKey,
      });
      expect(second.certificates.map((record) => record.id)).toEqual(['list-11', 'list-16']);
    });

    it('keeps accounts apart', async () => {
      const otherAccount = '777788889999';
      const other = certificateRecord({ accountId: otherAccount, id: 'list-00' });
      await store.create(other);
      const otherPage = await store.list(otherAccount, { limit: 100 });
      expect(otherPage.certificates).toEqual([other]);
      expect(await store.get(otherAccount, 'list-01')).toBeUndefined();
      expect(await store.get(accountId, 'list-00')).toEqual(records[0]);
      // A page key from one account does not leak into another.
      const firstPage = await store.list(accountId, { limit: 1 });
      const crossed = await store.list(otherAccount, { limit: 100, startKey: firstPage.nextKey });
      expect(crossed.certificates).toEqual([]);
    });
  });

  describe('claimIdempotencyToken', () => {
    const accountId = '123412341234';
    const now = new Date('2026-02-01T00:00:00.000Z');
    const claim = (token: string, arn: string, at = now, account = accountId) =>
      store.claimIdempotencyToken(account, token, arn, at, 3600);

    it('binds a token to one ARN under 100 concurrent claims, claimed by exactly one', async () => {
      const arns = Array.from(
        { length: 100 },
        (_, index) => `arn:aws:acm:us-east-1:${accountId}:certificate/${index}`,
      );
      const results = await Promise.all(arns.map((arn) => claim('concurrent-token', arn)));
      expect(new Set(results.map((result) => result.arn)).size).toBe(1);
      const winners = results.filter((result) => result.claimedNow);
      expect(winners).toHaveLength(1);
      expect(arns).toContain(winners[0]?.arn);
      expect(results.every((result) => !result.created)).toBe(true);
      expect(await claim('concurrent-token', 'arn:late')).toEqual({
        arn: winners[0]?.arn,
        claimedNow: false,
        created: false,
      });
    });

    it('keeps the claim for the window and lets it be claimed again afterwards', async () => {
      expect(await claim('window-token', 'arn:first')).toEqual({
        arn: 'arn:first',
        claimedNow: true,
        created: false,
      });
      const justBeforeExpiry = new Date(now.getTime() + 3599_000);
      expect(await claim('window-token', 'arn:second', justBeforeExpiry)).toMatchObject({
        arn: 'arn:first',
        claimedNow: false,
      });
      const afterExpiry = new Date(now.getTime() + 3601_000);
      expect(await claim('window-token', 'arn:second', afterExpiry)).toMatchObject({
        arn: 'arn:second',
        claimedNow: true,
      });
      expect(await claim('window-token', 'arn:third', afterExpiry)).toMatchObject({
        arn: 'arn:second',
        claimedNow: false,
      });
    });

    it('scopes tokens to the account', async () => {
      await claim('shared-token', 'arn:mine');
      expect(await claim('shared-token', 'arn:theirs', now, '999999999999')).toMatchObject({
        arn: 'arn:theirs',
        claimedNow: true,
      });
    });

    it('reports a confirmed claim as created to every later claim in the window', async () => {
      await claim('confirm-token', 'arn:confirmed');
      await store.confirmIdempotencyClaim(accountId, 'confirm-token', 'arn:confirmed');
      await store.confirmIdempotencyClaim(accountId, 'confirm-token', 'arn:confirmed');
      expect(await claim('confirm-token', 'arn:other')).toEqual({
        arn: 'arn:confirmed',
        claimedNow: false,
        created: true,
      });
      // A lapsed claim starts over, unconfirmed.
      const afterExpiry = new Date(now.getTime() + 3600_000);
      expect(await claim('confirm-token', 'arn:next', afterExpiry)).toEqual({
        arn: 'arn:next',
        claimedNow: true,
        created: false,
      });
    });

    it('does not confirm a claim that binds another ARN, nor create a missing one', async () => {
      await claim('taken-over-token', 'arn:current');
      await store.confirmIdempotencyClaim(accountId, 'taken-over-token', 'arn:lapsed');
      expect(await claim('taken-over-token', 'arn:other')).toMatchObject({ created: false });

      await store.confirmIdempotencyClaim(accountId, 'never-claimed-token', 'arn:any');
      expect(await claim('never-claimed-token', 'arn:fresh')).toEqual({
        arn: 'arn:fresh',
        claimedNow: true,
        created: false,
      });
    });
  });

  it('reserves a serial once and reports a collision on the second reservation', async () => {
    const now = new Date('2026-02-01T00:00:00.000Z');
    await store.reserveSerial('7f00aa', 'arn:first', now);
    await expect(store.reserveSerial('7f00aa', 'arn:second', now)).rejects.toBeInstanceOf(
      SerialCollisionError,
    );
    await expect(store.reserveSerial('7f00ab', 'arn:second', now)).resolves.toBeUndefined();
  });

  it('finds an approval link by its token hash, and nothing under another hash', async () => {
    const approval = {
      tokenHash: 'a'.repeat(64),
      certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/aaaaaaaa-0000-4000-8000-00000000a001',
      accountId: '111122223333',
      certificateId: 'aaaaaaaa-0000-4000-8000-00000000a001',
      domainName: 'www.example.test',
      expiresAt: '2026-03-04T12:00:00.000Z',
    };
    await store.saveApproval(approval);
    await store.saveApproval({ ...approval, tokenHash: 'b'.repeat(64), domainName: 'example.test' });
    expect(await store.findApproval('a'.repeat(64))).toEqual(approval);
    expect((await store.findApproval('b'.repeat(64)))?.domainName).toBe('example.test');
    expect(await store.findApproval('c'.repeat(64))).toBeUndefined();
  });

  it('keeps the EMAIL parts of a domain validation, and drops a removed approval', async () => {
    const record = certificateRecord({
      domainValidations: [
        {
          domainName: 'example.test',
          validationDomain: 'example.test',
          validationMethod: 'EMAIL',
          status: 'PENDING_VALIDATION',
          validationEmails: ['admin@example.test', 'webmaster@example.test'],
          approval: { tokenHash: 'd'.repeat(64), sentAt: '2026-03-01T12:00:00.000Z' },
        },
      ],
      version: 0,
    });
    await store.create(record);
    expect(await store.get(record.accountId, record.id)).toEqual(record);
    const { approval: _removed, ...approved } = record.domainValidations[0] as NonNullable<
      (typeof record.domainValidations)[0]
    >;
    const saved = await store.save({ ...record, domainValidations: [{ ...approved, status: 'SUCCESS' }] });
    const reread = await store.get(record.accountId, record.id);
    expect(reread).toEqual(saved);
    expect(reread?.domainValidations[0]).not.toHaveProperty('approval');
  });

  it('lists pending validation across accounts until the certificate leaves that status', async () => {
    const pendingHere = certificateRecord({ accountId: '100000000001' });
    const pendingThere = certificateRecord({ accountId: '100000000002' });
    const alreadyIssued = issued(certificateRecord({ accountId: '100000000001' }));
    await Promise.all([pendingHere, pendingThere, alreadyIssued].map((record) => store.create(record)));

    const reference = (record: CertificateRecord) => ({
      accountId: record.accountId,
      certificateId: record.id,
      arn: record.arn,
    });
    const pending = await store.listPendingValidation();
    expect(pending).toContainEqual(reference(pendingHere));
    expect(pending).toContainEqual(reference(pendingThere));
    expect(pending).not.toContainEqual(reference(alreadyIssued));

    await store.save(issued(pendingHere));
    const afterIssue = await store.listPendingValidation();
    expect(afterIssue).not.toContainEqual(reference(pendingHere));
    expect(afterIssue).toContainEqual(reference(pendingThere));

    await store.delete(pendingThere.accountId, pendingThere.id);
    expect(await store.listPendingValidation()).not.toContainEqual(reference(pendingThere));
  });

  it('finds the same pending certificates by scanning the records, without the index', async () => {
    const pending = certificateRecord();
    const done = certificateRecord();
    await store.create(pending);
    await store.create(done);
    await store.save(issued(done));
    const scanned = await store.scanPendingValidation();
    expect(scanned).toContainEqual({
      accountId: pending.accountId,
      certificateId: pending.id,
      arn: pending.arn,
    });
    expect(scanned).not.toContainEqual(expect.objectContaining({ certificateId: done.id }));
    expect(new Set(scanned.map((entry) => entry.arn))).toEqual(
      new Set((await store.listPendingValidation()).map((entry) => entry.arn)),
    );
  });
});

describe('DynamoDbCertificateStore: renewals under way', () => {
  let dynamo: EmbeddedTable;
  let store: DynamoDbCertificateStore;

  beforeAll(async () => {
    dynamo = await startDynalite();
    store = new DynamoDbCertificateStore(dynamo.client, TABLE_NAME);
  });

  afterAll(async () => {
    await dynamo?.close();
  });

  function renewing(status: RenewalStatus, base: CertificateRecord = issued(certificateRecord())) {
    return {
      ...base,
      renewal: {
        status,
        updatedAt: '2026-11-01T00:00:00.000Z',
        cycle: 2,
        domainValidations: base.domainValidations.map((dv) => ({ ...dv, status: 'PENDING_VALIDATION' })),
      },
    } satisfies CertificateRecord;
  }

  it('finds exactly the ISSUED certificates whose renewal is in progress, as whole records, across scan pages', async () => {
    // Bodies of 200 kB: the table no longer fits one scan page (1 MB), and the renewals under way, created
    // last (ids in creation order, so last in the scan too), are not all on the first page.
    const statuses: RenewalStatus[] = ['SUCCESS', 'FAILED', 'PENDING_AUTO_RENEWAL', 'PENDING_VALIDATION'];
    const bulky = (record: CertificateRecord): CertificateRecord => ({
      ...record,
      issued: { ...(record.issued as IssuedCertificate), chainPem: 'x'.repeat(200_000) },
    });
    const renewals = statuses.flatMap((status) => [1, 2].map(() => bulky(renewing(status))));
    const notRenewing = issued(certificateRecord());
    const pending = certificateRecord();
    const expiredWhileRenewing = renewing('PENDING_VALIDATION', {
      ...issued(certificateRecord()),
      status: 'EXPIRED',
    });
    for (const record of [...renewals, notRenewing, pending, expiredWhileRenewing])
      await store.create(record);
    const firstPage = await dynamo.client.send(new ScanCommand({ TableName: TABLE_NAME }));
    expect(firstPage.LastEvaluatedKey).toBeDefined();

    const found = await store.scanRenewalsInProgress();

    const byId = (a: CertificateRecord, b: CertificateRecord) => a.id.localeCompare(b.id);
    const expected = renewals.filter((record) => renewalInProgress(record));
    expect(expected).toHaveLength(4);
    expect(found.sort(byId)).toEqual(expected.sort(byId));
  });

  it('drops a certificate once its renewal is over', async () => {
    const record = renewing('PENDING_VALIDATION');
    await store.create(record);
    expect((await store.scanRenewalsInProgress()).map(({ id }) => id)).toContain(record.id);
    const renewal = record.renewal;
    await store.save({ ...record, renewal: { ...renewal, status: 'SUCCESS' } });
    expect((await store.scanRenewalsInProgress()).map(({ id }) => id)).not.toContain(record.id);
  });
});

describe('DynamoDbCertificateStore: quota counts', () => {
  let dynamo: EmbeddedTable;
  let store: DynamoDbCertificateStore;
  let accountCounter = 0;
  let accountId: string;

  const DAY = 20_500;
  const windowOn = (day: number) => ({ day, firstDay: day - 364 });
  const limits = (certificates: number, requests: number) => ({ certificates, requests });
  const dayStart = (day: number) => new Date(day * 86_400_000).toISOString();

  beforeAll(async () => {
    dynamo = await startDynalite();
    store = new DynamoDbCertificateStore(dynamo.client, TABLE_NAME);
  });

  afterAll(async () => {
    await dynamo?.close();
  });

  beforeEach(() => {
    accountCounter += 1;
    accountId = String(900_000_000_000 + accountCounter);
  });

  async function quotaItem(): Promise<Record<string, unknown> | undefined> {
    const documents = DynamoDBDocumentClient.from(dynamo.client);
    const { Item } = await documents.send(
      new GetCommand({ TableName: TABLE_NAME, Key: { pk: `ACCOUNT#${accountId}`, sk: 'QUOTA' } }),
    );
    return Item;
  }

  it('grants reservations up to the certificate limit, then names that limit', async () => {
    for (let index = 0; index < 3; index++) {
      expect(await store.reserveQuota(accountId, windowOn(DAY), limits(3, 10))).toEqual({
        granted: true,
        reservation: { day: DAY },
      });
    }
    expect(await store.reserveQuota(accountId, windowOn(DAY), limits(3, 10))).toEqual({
      granted: false,
      exceeded: 'CERTIFICATES',
    });
    expect(await store.quotaUsage(accountId, windowOn(DAY))).toEqual({ certificates: 3, requests: 3 });
    expect(await quotaItem()).toEqual({
      pk: `ACCOUNT#${accountId}`,
      sk: 'QUOTA',
      held: 3,
      requests: 3,
      [`d${DAY}`]: 3,
      oldestDay: DAY,
    });
  });

  it('names the request limit once a released certificate slot leaves only that one reached', async () => {
    await store.reserveQuota(accountId, windowOn(DAY), limits(2, 2));
    await store.reserveQuota(accountId, windowOn(DAY), limits(2, 2));
    expect(await store.reserveQuota(accountId, windowOn(DAY), limits(2, 2))).toMatchObject({
      exceeded: 'CERTIFICATES',
    });
    await store.releaseHeldCertificate(accountId);
    expect(await store.quotaUsage(accountId, windowOn(DAY))).toEqual({ certificates: 1, requests: 2 });
    expect(await store.reserveQuota(accountId, windowOn(DAY), limits(2, 2))).toEqual({
      granted: false,
      exceeded: 'REQUESTS',
    });
  });

  it('takes a released reservation back from both counts and its day', async () => {
    const outcome = await store.reserveQuota(accountId, windowOn(DAY), limits(1, 1));
    if (!outcome.granted) throw new Error('the first reservation was refused');
    await store.releaseQuota(accountId, outcome.reservation);
    expect(await store.quotaUsage(accountId, windowOn(DAY))).toEqual({ certificates: 0, requests: 0 });
    expect(await quotaItem()).toMatchObject({ held: 0, requests: 0, [`d${DAY}`]: 0 });
    expect(await store.reserveQuota(accountId, windowOn(DAY), limits(1, 1))).toMatchObject({ granted: true });
  });

  it('never counts below zero', async () => {
    await store.reserveQuota(accountId, windowOn(DAY), limits(5, 5));
    await store.releaseHeldCertificate(accountId);
    await store.releaseHeldCertificate(accountId);
    await store.releaseQuota(accountId, { day: DAY });
    expect(await quotaItem()).toMatchObject({ held: 0, requests: 1, [`d${DAY}`]: 1 });
    await store.releaseQuota(accountId, { day: DAY - 3 });
    expect(await quotaItem()).toMatchObject({ held: 0, requests: 1 });
  });

  it('does nothing on a release for an account it has not counted yet', async () => {
    await store.releaseHeldCertificate(accountId);
    await store.releaseQuota(accountId, { day: DAY });
    expect(await quotaItem()).toBeUndefined();
  });

  it('stops counting a request 365 days after its day, and drops its day counter then', async () => {
    await store.reserveQuota(accountId, windowOn(DAY), limits(10, 2));
    await store.reserveQuota(accountId, windowOn(DAY + 100), limits(10, 2));
    expect(await store.reserveQuota(accountId, windowOn(DAY + 364), limits(10, 2))).toEqual({
      granted: false,
      exceeded: 'REQUESTS',
    });
    expect(await store.quotaUsage(accountId, windowOn(DAY + 364))).toEqual({ certificates: 2, requests: 2 });
    expect(await store.quotaUsage(accountId, windowOn(DAY + 365))).toEqual({ certificates: 2, requests: 1 });

    expect(await store.reserveQuota(accountId, windowOn(DAY + 365), limits(10, 2))).toEqual({
      granted: true,
      reservation: { day: DAY + 365 },
    });
    const item = await quotaItem();
    expect(item).not.toHaveProperty(`d${DAY}`);
    expect(item).toMatchObject({
      held: 3,
      requests: 2,
      [`d${DAY + 100}`]: 1,
      [`d${DAY + 365}`]: 1,
      oldestDay: DAY + 100,
    });
  });

  it('drops every stale day counter at once, even when none is left in the window', async () => {
    for (const day of [DAY, DAY + 1, DAY + 2])
      await store.reserveQuota(accountId, windowOn(day), limits(10, 3));
    expect(await store.reserveQuota(accountId, windowOn(DAY + 1000), limits(10, 3))).toMatchObject({
      granted: true,
    });
    const item = await quotaItem();
    expect(Object.keys(item ?? {}).filter((name) => /^d\d+$/.test(name))).toEqual([`d${DAY + 1000}`]);
    expect(item).toMatchObject({ held: 4, requests: 1, oldestDay: DAY + 1000 });
  });

  it('seeds the counts from the certificates an account already holds', async () => {
    const createdOn = [DAY - 400, DAY - 364, DAY - 1, DAY];
    for (const day of createdOn)
      await store.create(certificateRecord({ accountId, createdAt: dayStart(day) }));
    await store.create(certificateRecord({ accountId: '999999999999', createdAt: dayStart(DAY) }));

    expect(await store.quotaUsage(accountId, windowOn(DAY))).toEqual({ certificates: 4, requests: 3 });
    expect(await quotaItem()).toMatchObject({
      held: 4,
      requests: 3,
      [`d${DAY - 364}`]: 1,
      [`d${DAY - 1}`]: 1,
      [`d${DAY}`]: 1,
      oldestDay: DAY - 364,
    });
    expect(await store.reserveQuota(accountId, windowOn(DAY), limits(5, 10))).toMatchObject({
      granted: true,
    });
    expect(await store.reserveQuota(accountId, windowOn(DAY), limits(5, 10))).toMatchObject({
      exceeded: 'CERTIFICATES',
    });
  });

  it('seeds once and grants exactly the free slots to 40 concurrent reservations', async () => {
    for (let index = 0; index < 5; index++) {
      await store.create(certificateRecord({ accountId, createdAt: dayStart(DAY) }));
    }
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, () => store.reserveQuota(accountId, windowOn(DAY), limits(15, 100))),
    );
    expect(outcomes.filter((outcome) => outcome.granted)).toHaveLength(10);
    expect(
      outcomes.filter((outcome) => !outcome.granted && outcome.exceeded === 'CERTIFICATES'),
    ).toHaveLength(30);
    expect(await store.quotaUsage(accountId, windowOn(DAY))).toEqual({ certificates: 15, requests: 15 });
  });

  it("keeps the quota item out of the account's certificate list", async () => {
    await store.create(certificateRecord({ accountId }));
    await store.reserveQuota(accountId, windowOn(DAY), limits(5, 5));
    expect((await store.list(accountId, { limit: 10 })).certificates).toHaveLength(1);
  });
});

describe('DynamoDbCertificateStore: ISSUED certificates due for work', () => {
  let dynamo: EmbeddedTable;
  let store: DynamoDbCertificateStore;

  beforeEach(async () => {
    dynamo = await startDynalite();
    store = new DynamoDbCertificateStore(dynamo.client, TABLE_NAME);
  });

  afterEach(async () => {
    await dynamo?.close();
  });

  /**
   * An ISSUED certificate expiring at `notAfter`, announced unless `announced` is false; an announced one
   * has its next visit planned at its NotAfter.
   */
  function issuedAt(
    notAfter: string,
    options: { accountId?: string; announced?: boolean; issuedAt?: string } = {},
  ): CertificateRecord {
    const record = issued(certificateRecord({ accountId: options.accountId ?? '111122223333' }));
    if (!record.issued) throw new Error('no issued part');
    const { announcedAt: _unannounced, ...unannounced } = record.issued;
    const issuedPart = options.announced === false ? unannounced : record.issued;
    return {
      ...record,
      issued: { ...issuedPart, notAfter, issuedAt: options.issuedAt ?? record.issued.issuedAt },
      ...(options.announced === false ? {} : { scheduledWorkAt: notAfter }),
    };
  }

  const reference = (record: CertificateRecord) => ({
    accountId: record.accountId,
    certificateId: record.id,
    arn: record.arn,
  });

  async function allDue(
    list: (until: Date, limit: number, startKey?: StorePageKey) => ReturnType<typeof store.listIssuedDueBy>,
    until: Date,
    limit: number,
  ) {
    const references: Array<ReturnType<typeof reference>> = [];
    let startKey: StorePageKey | undefined;
    do {
      const page = await list(until, limit, startKey);
      expect(page.references.length).toBeLessThanOrEqual(limit);
      references.push(...page.references);
      startKey = page.nextKey;
    } while (startKey);
    return references;
  }

  it('lists ISSUED certificates due by the given time, across accounts, earliest first', async () => {
    const dueLast = issuedAt('2027-01-10T00:00:00.000Z');
    const dueFirst = issuedAt('2027-01-05T00:00:00.000Z', { accountId: '100000000002' });
    const unannounced = issuedAt('2027-02-01T00:00:00.000Z', {
      announced: false,
      issuedAt: '2026-01-01T00:00:00.000Z',
    });
    const later = issuedAt('2027-01-10T00:00:00.001Z');
    const pending = certificateRecord({ validationDeadline: '2026-01-01T00:00:00.000Z' });
    const expired: CertificateRecord = { ...issuedAt('2027-01-01T00:00:00.000Z'), status: 'EXPIRED' };
    for (const record of [dueLast, dueFirst, unannounced, later, pending, expired])
      await store.create(record);

    const page = await store.listIssuedDueBy(new Date('2027-01-10T00:00:00.000Z'), 100);

    // Unannounced issuances are due from their IssuedAt; announced ones at NotAfter (inclusive).
    expect(page.references).toEqual([reference(unannounced), reference(dueFirst), reference(dueLast)]);
  });

  it('moves a certificate to its planned visit once announced, and drops it when it is no longer ISSUED', async () => {
    const unannounced = issuedAt('2027-02-01T00:00:00.000Z', {
      announced: false,
      issuedAt: '2026-01-01T00:00:00.000Z',
    });
    const expiring = issuedAt('2027-01-05T00:00:00.000Z');
    await store.create(unannounced);
    await store.create(expiring);
    const until = new Date('2027-01-10T00:00:00.000Z');
    expect((await store.listIssuedDueBy(until, 10)).references).toHaveLength(2);

    const { issued: part } = unannounced;
    if (!part) throw new Error('no issued part');
    await store.save({
      ...unannounced,
      issued: { ...part, announcedAt: '2026-01-01T00:00:05.000Z' },
      scheduledWorkAt: '2027-03-01T00:00:00.000Z',
    });
    await store.save({ ...expiring, status: 'EXPIRED' });

    expect((await store.listIssuedDueBy(until, 10)).references).toEqual([]);
    // A visit planned after NotAfter is due at NotAfter.
    expect((await store.listIssuedDueBy(new Date('2027-02-01T00:00:00.000Z'), 10)).references).toEqual([
      reference(unannounced),
    ]);
  });

  it('files an announced certificate with no visit planned as due from its announcement', async () => {
    const unplanned = issuedAt('2027-02-01T00:00:00.000Z');
    const { scheduledWorkAt: _none, ...record } = unplanned;
    await store.create(record);
    const announcedAt = record.issued?.announcedAt ?? '';

    expect((await store.listIssuedDueBy(new Date(Date.parse(announcedAt) - 1000), 10)).references).toEqual(
      [],
    );
    expect((await store.listIssuedDueBy(new Date(announcedAt), 10)).references).toEqual([reference(record)]);
  });

  it('pages through the due certificates, each exactly once', async () => {
    const records = Array.from({ length: 7 }, (_, index) =>
      issuedAt(`2027-01-0${index + 1}T00:00:00.000Z`, { accountId: `10000000000${index % 3}` }),
    );
    for (const record of records) await store.create(record);

    const references = await allDue(
      (until, limit, startKey) => store.listIssuedDueBy(until, limit, startKey),
      new Date('2027-01-31T00:00:00.000Z'),
      2,
    );

    expect(references).toEqual(records.map(reference));
  });

  it('refuses a page limit below 1', async () => {
    await expect(store.listIssuedDueBy(new Date(), 0)).rejects.toThrow(RangeError);
  });

  it('finds the same certificates by scanning, and also one missing from the index', async () => {
    const queued = [issuedAt('2027-01-02T00:00:00.000Z'), issuedAt('2027-01-03T00:00:00.000Z')];
    for (const record of queued) await store.create(record);
    await store.create(issuedAt('2027-06-01T00:00:00.000Z'));
    await store.create(certificateRecord());
    // A certificate as it was stored before ISSUED ones were queued: no work-queue attributes.
    const unqueued = issuedAt('2027-01-04T00:00:00.000Z');
    const { version, ...record } = unqueued;
    await DynamoDBDocumentClient.from(dynamo.client).send(
      new PutCommand({
        TableName: TABLE_NAME,
        Item: {
          pk: `ACCOUNT#${unqueued.accountId}`,
          sk: `CERTIFICATE#${unqueued.id}`,
          arn: unqueued.arn,
          version,
          record,
        },
      }),
    );
    const until = new Date('2027-01-31T00:00:00.000Z');

    const indexed = await allDue((u, limit, key) => store.listIssuedDueBy(u, limit, key), until, 10);
    const scanned = await allDue((u, limit, key) => store.scanIssuedDueBy(u, limit, key), until, 2);

    expect(indexed).toEqual(queued.map(reference));
    expect(new Set(scanned.map((entry) => entry.arn))).toEqual(
      new Set([...queued, unqueued].map((entry) => entry.arn)),
    );
    expect(scanned).toHaveLength(3);
  });
});

describe('DynamoDbCertificateStore on on-disk dynalite', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'certwright-dynalite-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('keeps certificates and claims across a close and reopen', async () => {
    const path = join(directory, 'db');
    const record = certificateRecord();
    const now = new Date('2026-03-01T00:00:00.000Z');

    const first = await startDynalite(path);
    const firstStore = new DynamoDbCertificateStore(first.client, TABLE_NAME);
    await firstStore.create(record);
    await firstStore.claimIdempotencyToken(record.accountId, 'disk-token', record.arn, now, 3600);
    await firstStore.confirmIdempotencyClaim(record.accountId, 'disk-token', record.arn);
    await first.close();

    const second = await startDynalite(path);
    try {
      const secondStore = new DynamoDbCertificateStore(second.client, TABLE_NAME);
      expect(await secondStore.get(record.accountId, record.id)).toEqual(record);
      expect(
        await secondStore.claimIdempotencyToken(record.accountId, 'disk-token', 'arn:other', now, 3600),
      ).toEqual({ arn: record.arn, claimedNow: false, created: true });
      expect(await secondStore.listPendingValidation()).toContainEqual({
        accountId: record.accountId,
        certificateId: record.id,
        arn: record.arn,
      });
    } finally {
      await second.close();
    }
  });
});
