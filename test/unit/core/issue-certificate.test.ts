/**
 * issueCertificate against real parts: the DynamoDB store on in-process dynalite, the local file CA, the
 * file key vault (both in a temp directory) and a clock that moves only when told.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDbCertificateStore } from '../../../functions/adapters/aws/dynamodb-store.ts';
import { FileKeyVault } from '../../../functions/adapters/local/file-key-vault.ts';
import {
  CertificateNotValidatedError,
  IssuanceInProgressError,
  SerialCollisionError,
} from '../../../functions/core/errors.ts';
import {
  ISSUING_CLAIM_MS,
  type IssueCertificateDeps,
  issueCertificate,
  releaseIssuingClaim,
  renewIssuedCertificate,
} from '../../../functions/core/issuance/issue-certificate.ts';
import type {
  CertificateRecord,
  CertificateStatus,
  IssuedCertificate,
  RequestableKeyAlgorithm,
} from '../../../functions/core/model.ts';
import type { CaSigner, CertificateStore } from '../../../functions/core/ports.ts';
import { type EmbeddedTable, startEmbeddedTable } from '../../../local/embedded-table.ts';
import { ensureLocalCa, type LocalCa } from '../../../local/local-ca.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { RecordingEvents } from '../../support/recording-events.ts';
import { cryptoRandom, TEST_PROFILE } from '../issuance/test-ca.ts';
import { pendingCertificate, REGION } from './core-fixtures.ts';

const TABLE_NAME = 'certwright-issue-test';
/** Issuance runs at this instant (note the milliseconds: notBefore drops them). */
const NOW = new Date('2026-03-02T08:15:42.637Z');
/** NOW − 1 h in whole seconds, and that plus TEST_PROFILE's 395 days minus one second. */
const EXPECTED_NOT_BEFORE = '2026-03-02T07:15:42.000Z';
const EXPECTED_NOT_AFTER = '2027-04-01T07:15:41.000Z';
const SERVER_AUTH = { name: 'TLS_WEB_SERVER_AUTHENTICATION', oid: '1.3.6.1.5.5.7.3.1' };
/** An issued part as an earlier run stored it (contents do not matter to these tests). */
const ISSUED_PART: IssuedCertificate = {
  certificatePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  chainPem: '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n',
  serialHex: '01aa',
  notBefore: EXPECTED_NOT_BEFORE,
  notAfter: EXPECTED_NOT_AFTER,
  issuedAt: NOW.toISOString(),
  sealedPrivateKey: 'sealed',
  keyUsages: ['DIGITAL_SIGNATURE', 'KEY_ENCIPHERMENT'],
  extendedKeyUsages: [SERVER_AUTH],
};

let table: EmbeddedTable;
let client: DynamoDBClient;
let store: DynamoDbCertificateStore;
let workDir: string;
let ca: LocalCa;
let vault: FileKeyVault;

// These tests read raw items too (serial reservations, and the certificate item for plaintext keys).
beforeAll(async () => {
  table = await startEmbeddedTable({ region: REGION, tableName: TABLE_NAME });
  ({ client, store } = table);

  workDir = await mkdtemp(join(tmpdir(), 'certwright-issue-'));
  ca = await ensureLocalCa({
    dataDir: workDir,
    algorithm: 'RSA_2048',
    subject: 'CN=Certwright Issue Test CA, O=Certwright',
    validityYears: 5,
    clock: new FakeClock(new Date('2026-01-01T00:00:00.000Z')),
    random: cryptoRandom,
  });
  vault = await FileKeyVault.fromFile(join(workDir, 'vault.key'));
});

afterAll(async () => {
  await table?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

interface CountingSigner extends CaSigner {
  signCalls: number;
}

/** The local CA's signer, counting how often the CA key signs. */
function countingSigner(): CountingSigner {
  const counting: CountingSigner = {
    algorithm: ca.signer.algorithm,
    signCalls: 0,
    publicKeySpki: () => ca.signer.publicKeySpki(),
    sign: (message) => {
      counting.signCalls++;
      return ca.signer.sign(message);
    },
  };
  return counting;
}

function deps(
  overrides: Partial<IssueCertificateDeps> = {},
): IssueCertificateDeps & { signer: CountingSigner; events: RecordingEvents } {
  return {
    store,
    clock: new FakeClock(NOW),
    random: cryptoRandom,
    issuer: ca.issuer,
    vault,
    profile: TEST_PROFILE,
    ...overrides,
    events: (overrides.events as RecordingEvents | undefined) ?? new RecordingEvents(),
    signer: countingSigner(),
  };
}

interface StoreHooks {
  /** Runs after the real reserveSerial. */
  afterReserveSerial?: () => Promise<void>;
  /** Runs before the real reserveSerial. */
  beforeReserveSerial?: () => Promise<void>;
  /** Runs once, before the first save other than the claim to sign reaches the real store. */
  beforeFirstSave?: () => Promise<void>;
  /** Runs before every later save other than the claim; a throw fails that save. */
  beforeLaterSave?: () => Promise<void>;
}

/** The real store with something else happening in the table at a chosen moment of the issuance. */
function hookedStore(hooks: StoreHooks): CertificateStore {
  let saves = 0;
  return {
    create: (certificate) => store.create(certificate),
    get: (accountId, certificateId) => store.get(accountId, certificateId),
    save: async (certificate) => {
      const claim = certificate.status === 'PENDING_VALIDATION' && certificate.issuing !== undefined;
      if (!claim) {
        saves++;
        if (saves === 1) await hooks.beforeFirstSave?.();
        else await hooks.beforeLaterSave?.();
      }
      return store.save(certificate);
    },
    delete: (accountId, certificateId, expectedVersion) =>
      store.delete(accountId, certificateId, expectedVersion),
    list: (accountId, query) => store.list(accountId, query),
    claimIdempotencyToken: (accountId, token, arn, now, windowSeconds) =>
      store.claimIdempotencyToken(accountId, token, arn, now, windowSeconds),
    confirmIdempotencyClaim: (accountId, token, arn) => store.confirmIdempotencyClaim(accountId, token, arn),
    saveApproval: (approval) => store.saveApproval(approval),
    findApproval: (tokenHash) => store.findApproval(tokenHash),
    reserveSerial: async (serialHex, certificateArn, now) => {
      await hooks.beforeReserveSerial?.();
      await store.reserveSerial(serialHex, certificateArn, now);
      await hooks.afterReserveSerial?.();
    },
    listPendingValidation: () => store.listPendingValidation(),
    listIssuedDueBy: (until, limit, startKey) => store.listIssuedDueBy(until, limit, startKey),
    reserveQuota: (accountId, window, limits) => store.reserveQuota(accountId, window, limits),
    releaseQuota: (accountId, reservation) => store.releaseQuota(accountId, reservation),
    releaseHeldCertificate: (accountId) => store.releaseHeldCertificate(accountId),
    quotaUsage: (accountId, window) => store.quotaUsage(accountId, window),
    peekQuotaUsage: (accountId, window) => store.peekQuotaUsage(accountId, window),
    getAccountConfiguration: (accountId) => store.getAccountConfiguration(accountId),
    putAccountConfiguration: (accountId, configuration, request) =>
      store.putAccountConfiguration(accountId, configuration, request),
  };
}

/** A pending certificate for `names`, stored; every name has passed validation except `unvalidated`. */
async function validatedCertificate(
  names: string[] = ['example.test', 'www.example.test'],
  overrides: Partial<CertificateRecord> = {},
  unvalidated: string[] = [],
): Promise<CertificateRecord> {
  const certificate = pendingCertificate({
    domainName: names[0],
    subjectAlternativeNames: names,
    subject: `CN=${names[0]}`,
    domainValidations: names.map((name, index) => ({
      domainName: name,
      validationDomain: name,
      validationMethod: 'DNS',
      status: unvalidated.includes(name) ? 'PENDING_VALIDATION' : 'SUCCESS',
      resourceRecord: {
        Name: `_${index}0123456789abcdef0123456789abcde.${name}.`,
        Type: 'CNAME',
        Value: `_${index}fedcba9876543210fedcba987654321.acm-validations.certwright.test.`,
      },
    })),
    ...overrides,
  });
  await store.create(certificate);
  return certificate;
}

function reread(certificate: CertificateRecord): Promise<CertificateRecord | undefined> {
  return store.get(certificate.accountId, certificate.id);
}

/** Every item in the table, as DynamoDB returns it (a scan: fine for tests). */
async function allItems(): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let startKey: Record<string, never> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: TABLE_NAME, ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (startKey);
  return items;
}

/** Every serial reserved for `arn`, read straight from the table (as test/support/table-inspection.ts does). */
async function reservedSerials(arn: string): Promise<string[]> {
  const serials: string[] = [];
  for (const item of (await allItems()) as Array<Record<string, { S?: string }>>) {
    const pk = item.pk?.S ?? '';
    if (pk.startsWith('SERIAL#') && item.certificateArn?.S === arn) serials.push(pk.slice('SERIAL#'.length));
  }
  return serials;
}

/** The raw certificate item (the one whose `arn` attribute is the certificate's). */
async function certificateItem(arn: string): Promise<Record<string, unknown>> {
  const items = (await allItems()).filter((item) => (item.arn as { S?: string } | undefined)?.S === arn);
  expect(items).toHaveLength(1);
  return items[0] as Record<string, unknown>;
}

function spkiOfPrivateKey(pkcs8Der: Uint8Array): Buffer {
  const privateKey = createPrivateKey({ key: Buffer.from(pkcs8Der), format: 'der', type: 'pkcs8' });
  return createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
}

describe('issueCertificate', () => {
  it('issues a validated pending certificate: claimed, signed, serial reserved, key sealed, one write to ISSUED', async () => {
    const certificate = await validatedCertificate();
    const issuing = deps();

    const result = await issueCertificate(issuing, certificate.arn);

    expect(result).toEqual({ outcome: 'ISSUED', serial: expect.stringMatching(/^01[0-9a-f]{32}$/) });
    const stored = await reread(certificate);
    expect(stored).toEqual({
      ...certificate,
      status: 'ISSUED',
      // The claim to sign, one write to ISSUED (which drops the claim), one to record the announcement.
      version: certificate.version + 3,
      issued: {
        certificatePem: expect.stringMatching(
          /^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n$/,
        ),
        chainPem: ca.certificatePem,
        serialHex: result.serial,
        notBefore: EXPECTED_NOT_BEFORE,
        notAfter: EXPECTED_NOT_AFTER,
        issuedAt: NOW.toISOString(),
        sealedPrivateKey: expect.any(String),
        keyUsages: ['DIGITAL_SIGNATURE', 'KEY_ENCIPHERMENT'],
        extendedKeyUsages: [SERVER_AUTH],
        announcedAt: NOW.toISOString(),
      },
      // Announced: the schedule's first visit of the new body is due.
      scheduledWorkAt: NOW.toISOString(),
    });
    const issued = stored?.issued;
    if (!issued) throw new Error('no issued part');
    expect(issuing.signer.signCalls).toBe(1);

    // Exactly one event: the certificate is available, from this issuance.
    expect(issuing.events.published).toEqual([
      expect.objectContaining({
        detailType: 'ACM Certificate Available',
        certificateArn: certificate.arn,
        time: '2026-03-02T08:15:42Z',
        detail: expect.objectContaining({
          Action: 'ISSUANCE',
          CommonName: 'example.test',
          CertificateExpirationDate: '2027-04-01T07:15:41Z',
        }),
      }),
    ]);

    // The certificate itself: signed by the CA, for the names, with the recorded serial and validity.
    const leaf = new X509Certificate(issued.certificatePem);
    const caCertificate = new X509Certificate(ca.certificatePem);
    expect(leaf.verify(caCertificate.publicKey)).toBe(true);
    expect(leaf.checkIssued(caCertificate)).toBe(true);
    expect(leaf.subjectAltName).toBe('DNS:example.test, DNS:www.example.test');
    expect(leaf.serialNumber.toLowerCase()).toBe(result.serial);
    expect(new Date(leaf.validFrom).toISOString()).toBe(EXPECTED_NOT_BEFORE);
    expect(new Date(leaf.validTo).toISOString()).toBe(EXPECTED_NOT_AFTER);
    expect(leaf.keyUsage).toEqual([SERVER_AUTH.oid]);

    // The serial was reserved for this certificate, and only that one; it cannot be reserved again.
    expect(await reservedSerials(certificate.arn)).toEqual([result.serial]);
    await expect(store.reserveSerial(issued.serialHex, 'arn:other', NOW)).rejects.toThrow(
      SerialCollisionError,
    );

    // The sealed key opens only for this ARN, and is the key of the certificate.
    const privateKeyDer = await vault.open(issued.sealedPrivateKey, certificate.arn);
    expect(
      spkiOfPrivateKey(privateKeyDer).equals(leaf.publicKey.export({ type: 'spki', format: 'der' })),
    ).toBe(true);
    const otherArn = certificate.arn.replace(certificate.id, 'bbbbbbbb-0000-4000-8000-000000000001');
    await expect(vault.open(issued.sealedPrivateKey, otherArn)).rejects.toThrow(/does not open/);

    // Nothing in the stored item is the private key in the clear.
    const item = JSON.stringify(await certificateItem(certificate.arn));
    expect(item).not.toContain('PRIVATE KEY');
    for (const encoding of ['base64', 'base64url', 'hex'] as const) {
      expect(item).not.toContain(Buffer.from(privateKeyDer).toString(encoding));
    }

    // ISSUED certificates leave the work queue of pending ones.
    expect((await store.listPendingValidation()).map((entry) => entry.arn)).not.toContain(certificate.arn);
  });

  it.each([
    ['EC_prime256v1', ['DIGITAL_SIGNATURE']],
    ['RSA_2048', ['DIGITAL_SIGNATURE', 'KEY_ENCIPHERMENT']],
  ] as Array<[RequestableKeyAlgorithm, string[]]>)(
    'issues a %s key that matches the certificate, with its key usages',
    async (keyAlgorithm, keyUsages) => {
      const certificate = await validatedCertificate(['keys.example.test'], { keyAlgorithm });
      await issueCertificate(deps(), certificate.arn);
      const issued = (await reread(certificate))?.issued;
      if (!issued) throw new Error('no issued part');
      expect(issued.keyUsages).toEqual(keyUsages);
      const leafSpki = new X509Certificate(issued.certificatePem).publicKey.export({
        type: 'spki',
        format: 'der',
      });
      const privateKeyDer = await vault.open(issued.sealedPrivateKey, certificate.arn);
      expect(spkiOfPrivateKey(privateKeyDer).equals(leafSpki)).toBe(true);
    },
  );

  it('refuses a certificate not validated for every name and leaves it pending, nothing signed', async () => {
    const certificate = await validatedCertificate(['a.example.test', 'b.example.test'], {}, [
      'b.example.test',
    ]);
    const issuing = deps();

    const refused = issueCertificate(issuing, certificate.arn);
    await expect(refused).rejects.toThrow(CertificateNotValidatedError);
    await expect(refused).rejects.toThrow(/not validated for every name/);

    const stored = await reread(certificate);
    expect(stored).toEqual(certificate);
    expect(stored?.status).toBe('PENDING_VALIDATION');
    expect(stored?.issued).toBeUndefined();
    expect(issuing.signer.signCalls).toBe(0);
    expect(await reservedSerials(certificate.arn)).toEqual([]);
  });

  it.each(['ISSUED', 'FAILED', 'VALIDATION_TIMED_OUT'] as CertificateStatus[])(
    'stops at a %s certificate without signing or writing anything',
    async (status) => {
      const certificate = await validatedCertificate(['stopped.example.test'], {
        status,
        ...(status === 'FAILED' ? { failureReason: 'CAA_ERROR' as const } : {}),
        ...(status === 'ISSUED' ? { issued: { ...ISSUED_PART, announcedAt: NOW.toISOString() } } : {}),
      });
      const issuing = deps();

      expect(await issueCertificate(issuing, certificate.arn)).toEqual({ outcome: 'STOPPED' });

      expect(await reread(certificate)).toEqual(certificate);
      expect(issuing.signer.signCalls).toBe(0);
      expect(await reservedSerials(certificate.arn)).toEqual([]);
      expect(issuing.events.published).toEqual([]);
    },
  );

  it('stops at a deleted certificate without signing or recreating it', async () => {
    const certificate = await validatedCertificate(['deleted.example.test']);
    await store.delete(certificate.accountId, certificate.id);
    const issuing = deps();

    expect(await issueCertificate(issuing, certificate.arn)).toEqual({ outcome: 'STOPPED' });

    expect(await reread(certificate)).toBeUndefined();
    expect(issuing.signer.signCalls).toBe(0);
    expect(await reservedSerials(certificate.arn)).toEqual([]);
  });

  it('stops when the certificate is deleted while it is being signed, and does not bring it back', async () => {
    const certificate = await validatedCertificate(['deleted-midway.example.test']);
    const issuing = deps({
      store: hookedStore({
        afterReserveSerial: async () => {
          await store.delete(certificate.accountId, certificate.id);
        },
      }),
    });

    expect(await issueCertificate(issuing, certificate.arn)).toEqual({ outcome: 'STOPPED' });

    expect(await reread(certificate)).toBeUndefined();
    // The serial was reserved before signing and stays burnt: it is never handed out again.
    expect(await reservedSerials(certificate.arn)).toHaveLength(1);
  });

  it.each(['FAILED', 'VALIDATION_TIMED_OUT'] as CertificateStatus[])(
    'stops when the certificate turns %s while it is being signed, and leaves it so',
    async (status) => {
      const certificate = await validatedCertificate(['overtaken.example.test']);
      const issuing = deps({
        store: hookedStore({
          afterReserveSerial: async () => {
            const current = await store.get(certificate.accountId, certificate.id);
            if (!current) throw new Error('certificate gone');
            await store.save({ ...current, status });
          },
        }),
      });

      expect(await issueCertificate(issuing, certificate.arn)).toEqual({ outcome: 'STOPPED' });

      expect(await reread(certificate)).toEqual({
        ...certificate,
        status,
        issuing: { claimId: expect.any(String), claimedAt: NOW.toISOString() },
        version: certificate.version + 2,
      });
    },
  );

  it('reserves the serial before the CA key signs anything', async () => {
    const certificate = await validatedCertificate(['order.example.test']);
    let signCallsAtReservation: number | undefined;
    const issuing = deps({
      store: hookedStore({
        beforeReserveSerial: async () => {
          signCallsAtReservation = issuing.signer.signCalls;
        },
      }),
    });

    await issueCertificate(issuing, certificate.arn);

    expect(signCallsAtReservation).toBe(0);
    expect(issuing.signer.signCalls).toBe(1);
  });

  it.each([
    ['before the serial is reserved', (tag: () => Promise<void>) => ({ beforeReserveSerial: tag })],
    ['between the final read and the final write', (tag: () => Promise<void>) => ({ beforeFirstSave: tag })],
  ] as Array<[string, (tag: () => Promise<void>) => StoreHooks]>)(
    'keeps an unrelated change saved %s, and still issues',
    async (_moment, hooks) => {
      const certificate = await validatedCertificate(['tagged.example.test']);
      const addTag = async () => {
        const current = await store.get(certificate.accountId, certificate.id);
        if (!current) throw new Error('certificate gone');
        await store.save({ ...current, tags: [{ Key: 'team', Value: 'platform' }] });
      };
      const issuing = deps({ store: hookedStore(hooks(addTag)) });

      const result = await issueCertificate(issuing, certificate.arn);

      expect(result).toEqual({ outcome: 'ISSUED', serial: expect.any(String) });
      expect(await reread(certificate)).toEqual({
        ...certificate,
        tags: [{ Key: 'team', Value: 'platform' }],
        status: 'ISSUED',
        version: certificate.version + 4,
        issued: expect.objectContaining({ serialHex: result.serial }),
        scheduledWorkAt: NOW.toISOString(),
      });
      expect(issuing.signer.signCalls).toBe(1);
      expect(await reservedSerials(certificate.arn)).toEqual([result.serial]);
    },
  );

  it('does nothing the second time: STOPPED, same serial, no second signature or reservation', async () => {
    const certificate = await validatedCertificate(['twice.example.test']);
    const first = await issueCertificate(deps(), certificate.arn);
    const afterFirst = await reread(certificate);
    const again = deps();

    expect(await issueCertificate(again, certificate.arn)).toEqual({ outcome: 'STOPPED' });

    expect(first.outcome).toBe('ISSUED');
    expect(await reread(certificate)).toEqual(afterFirst);
    expect(afterFirst?.issued?.serialHex).toBe(first.serial);
    expect(again.signer.signCalls).toBe(0);
    expect(await reservedSerials(certificate.arn)).toEqual([first.serial]);
    expect(again.events.published).toEqual([]);
  });
});

describe('issueCertificate with racing runs', () => {
  it('lets exactly one of two concurrent runs sign; the other is told to retry and then stops', async () => {
    const certificate = await validatedCertificate(['raced.example.test']);
    const [first, second] = [deps(), deps()];

    const outcomes = await Promise.allSettled([
      issueCertificate(first, certificate.arn),
      issueCertificate(second, certificate.arn),
    ]);

    const issued = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(issued).toEqual([
      { status: 'fulfilled', value: { outcome: 'ISSUED', serial: expect.any(String) } },
    ]);
    expect(refused.map((outcome) => (outcome as PromiseRejectedResult).reason)).toEqual([
      expect.any(IssuanceInProgressError),
    ]);
    expect(first.signer.signCalls + second.signer.signCalls).toBe(1);
    expect(await reservedSerials(certificate.arn)).toHaveLength(1);
    const stored = await reread(certificate);
    expect(stored?.status).toBe('ISSUED');
    expect(stored?.issuing).toBeUndefined();

    // The workflow's retry of the refused run finds the certificate issued and announced.
    const retry = deps();
    expect(await issueCertificate(retry, certificate.arn)).toEqual({ outcome: 'STOPPED' });
    expect(retry.signer.signCalls).toBe(0);
  });

  it('waits while another run’s claim is fresh and takes over a claim older than ISSUING_CLAIM_MS', async () => {
    const claimedAt = (ageMs: number) => new Date(NOW.getTime() - ageMs).toISOString();
    const fresh = await validatedCertificate(['claim-fresh.example.test'], {
      issuing: { claimId: 'other-run', claimedAt: claimedAt(ISSUING_CLAIM_MS - 1000) },
    });
    const stale = await validatedCertificate(['claim-stale.example.test'], {
      issuing: { claimId: 'crashed-run', claimedAt: claimedAt(ISSUING_CLAIM_MS + 1000) },
    });
    const waiting = deps();

    await expect(issueCertificate(waiting, fresh.arn)).rejects.toBeInstanceOf(IssuanceInProgressError);
    expect(waiting.signer.signCalls).toBe(0);
    expect(await reread(fresh)).toEqual(fresh);

    expect((await issueCertificate(deps(), stale.arn)).outcome).toBe('ISSUED');
    expect((await reread(stale))?.issuing).toBeUndefined();
  });

  it('issues at once after the claim of a run known to be gone is released, however fresh', async () => {
    const certificate = await validatedCertificate(['claim-released.example.test'], {
      issuing: { claimId: 'dead-process', claimedAt: NOW.toISOString() },
    });
    await expect(issueCertificate(deps(), certificate.arn)).rejects.toBeInstanceOf(IssuanceInProgressError);

    await releaseIssuingClaim(store, certificate.accountId, certificate.id);

    expect((await issueCertificate(deps(), certificate.arn)).outcome).toBe('ISSUED');
  });
});

describe('issueCertificate announcing the issuance', () => {
  it('fails the task when the event cannot be published, and the retry publishes it without signing again', async () => {
    const certificate = await validatedCertificate(['announce.example.test']);
    const events = new RecordingEvents().failNext();
    const first = deps({ events });

    await expect(issueCertificate(first, certificate.arn)).rejects.toThrow('the event bus is unavailable');
    const afterFailure = await reread(certificate);
    expect(afterFailure?.status).toBe('ISSUED');
    expect(afterFailure?.issued?.announcedAt).toBeUndefined();
    expect(events.published).toEqual([]);

    // The workflow retries the task later.
    const later = new FakeClock(new Date(NOW.getTime() + 5000));
    const retry = deps({ events, clock: later });
    const serial = afterFailure?.issued?.serialHex;
    expect(await issueCertificate(retry, certificate.arn)).toEqual({ outcome: 'ISSUED', serial });

    expect(events.of(certificate.arn)).toEqual(['ACM Certificate Available']);
    const stored = await reread(certificate);
    expect(stored?.status).toBe('ISSUED');
    expect(stored?.issued).toEqual({ ...afterFailure?.issued, announcedAt: later.now().toISOString() });
    expect(await reservedSerials(certificate.arn)).toEqual([serial]);
    expect(first.signer.signCalls + retry.signer.signCalls).toBe(1);

    // Once recorded, a further run announces nothing more.
    expect(await issueCertificate(deps({ events }), certificate.arn)).toEqual({ outcome: 'STOPPED' });
    expect(events.of(certificate.arn)).toEqual(['ACM Certificate Available']);
  });

  it('publishes again when recording the announcement failed: at least once, never lost', async () => {
    const certificate = await validatedCertificate(['unrecorded.example.test']);
    const events = new RecordingEvents();
    const failing = hookedStore({
      beforeLaterSave: () => Promise.reject(new Error('the table is unavailable')),
    });

    await expect(issueCertificate(deps({ events, store: failing }), certificate.arn)).rejects.toThrow(
      'the table is unavailable',
    );
    expect(events.of(certificate.arn)).toEqual(['ACM Certificate Available']);

    const retried = await issueCertificate(deps({ events }), certificate.arn);

    expect(retried.outcome).toBe('ISSUED');
    expect(events.of(certificate.arn)).toEqual(['ACM Certificate Available', 'ACM Certificate Available']);
    const stored = await reread(certificate);
    expect(stored?.issued?.announcedAt).toBe(NOW.toISOString());
    expect(await reservedSerials(certificate.arn)).toEqual([retried.serial]);
  });

  it('does not record an announcement on an issuance that was not the one announced', async () => {
    const certificate = await validatedCertificate(['replaced.example.test'], {
      status: 'ISSUED',
      issued: ISSUED_PART,
    });
    const events = new RecordingEvents();
    const replacing = hookedStore({
      // Between the publish and the record, the certificate gets another issuance (another serial).
      beforeFirstSave: async () => {
        const current = await store.get(certificate.accountId, certificate.id);
        if (!current?.issued) throw new Error('certificate gone');
        await store.save({ ...current, issued: { ...current.issued, serialHex: '02ff' } });
      },
    });

    await issueCertificate(deps({ events, store: replacing }), certificate.arn);

    expect(events.of(certificate.arn)).toEqual(['ACM Certificate Available']);
    const stored = await reread(certificate);
    expect(stored?.issued?.serialHex).toBe('02ff');
    expect(stored?.issued?.announcedAt).toBeUndefined();
  });
});

describe('renewIssuedCertificate', () => {
  /** An ISSUED certificate (ISSUED_PART, announced) with renewal `cycle` under way, every name validated again. */
  async function inRenewal(names: string[], renewal: Partial<CertificateRecord['renewal']> = {}) {
    const pending = await validatedCertificate(names);
    const certificate: CertificateRecord = {
      ...pending,
      status: 'ISSUED',
      issued: { ...ISSUED_PART, announcedAt: NOW.toISOString() },
      expiryNotices: { approachingSentOn: '2027-02-01', actionRequiredSent: [45] },
      scheduledWorkAt: '2027-02-15T00:00:00.000Z',
      renewal: {
        status: 'PENDING_VALIDATION',
        statusReason: 'PENDING_DOMAIN_VALIDATION',
        updatedAt: NOW.toISOString(),
        cycle: 2,
        domainValidations: pending.domainValidations,
        ...renewal,
      },
    };
    return store.save(certificate);
  }

  it('replaces the body under the same ARN: new key and serial, renewal SUCCESS, notices cleared, RENEWAL event', async () => {
    const certificate = await inRenewal(['renewed.example.test', 'www.renewed.example.test']);
    const renewing = deps();

    const result = await renewIssuedCertificate(renewing, certificate.arn, 2);

    expect(result).toEqual({ outcome: 'RENEWED', serial: expect.stringMatching(/^01[0-9a-f]{32}$/) });
    const stored = await reread(certificate);
    expect(stored).toEqual({
      ...certificate,
      // The claim, the replacing write, the announcement.
      version: certificate.version + 3,
      issued: expect.objectContaining({
        serialHex: result.serial,
        origin: 'RENEWAL',
        notAfter: EXPECTED_NOT_AFTER,
        announcedAt: NOW.toISOString(),
        chainPem: ca.certificatePem,
      }),
      renewal: {
        status: 'SUCCESS',
        updatedAt: NOW.toISOString(),
        cycle: 2,
        domainValidations: certificate.domainValidations,
      },
      expiryNotices: undefined,
      scheduledWorkAt: NOW.toISOString(),
    });
    expect(stored?.issuing).toBeUndefined();
    const body = new X509Certificate(stored?.issued?.certificatePem ?? '');
    expect(body.subjectAltName).toBe('DNS:renewed.example.test, DNS:www.renewed.example.test');
    expect(body.serialNumber.toLowerCase()).toBe(result.serial);
    const key = await vault.open(stored?.issued?.sealedPrivateKey ?? '', certificate.arn);
    expect(spkiOfPrivateKey(key).equals(body.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
    expect(renewing.signer.signCalls).toBe(1);
    expect(await reservedSerials(certificate.arn)).toEqual([result.serial]);
    expect(renewing.events.published).toEqual([
      expect.objectContaining({
        detailType: 'ACM Certificate Available',
        certificateArn: certificate.arn,
        detail: expect.objectContaining({ Action: 'RENEWAL' }),
      }),
    ]);
  });

  it.each([
    ['another cycle', {}, 1],
    ['a renewal that already failed', { status: 'FAILED' as const, statusReason: 'CAA_ERROR' }, 2],
    ['a renewal that already succeeded', { status: 'SUCCESS' as const }, 2],
  ])('stops for %s without signing or writing', async (_case, renewal, cycle) => {
    const certificate = await inRenewal(['stale.example.test'], renewal);
    const renewing = deps();
    expect(await renewIssuedCertificate(renewing, certificate.arn, cycle)).toEqual({ outcome: 'STOPPED' });
    expect(await reread(certificate)).toEqual(certificate);
    expect(renewing.signer.signCalls).toBe(0);
    expect(renewing.events.published).toEqual([]);
  });

  it('stops for a certificate that is no longer ISSUED, and refuses a renewal with a name not validated again', async () => {
    const expired = await store.save({ ...(await inRenewal(['expired.example.test'])), status: 'EXPIRED' });
    expect(await renewIssuedCertificate(deps(), expired.arn, 2)).toEqual({ outcome: 'STOPPED' });
    expect(await reread(expired)).toEqual(expired);

    const waiting = await inRenewal(['waiting.example.test'], {
      domainValidations: [
        {
          domainName: 'waiting.example.test',
          validationDomain: 'waiting.example.test',
          validationMethod: 'DNS',
          status: 'PENDING_VALIDATION',
        },
      ],
    });
    await expect(renewIssuedCertificate(deps(), waiting.arn, 2)).rejects.toThrow(
      CertificateNotValidatedError,
    );
    expect(await reread(waiting)).toEqual(waiting);
  });

  it('does not renew a body whose revocation is claimed, before signing or after', async () => {
    const revoking = {
      serialHex: ISSUED_PART.serialHex,
      revokedAt: NOW.toISOString(),
      reason: 'KEY_COMPROMISE' as const,
    };
    const claimedFirst = await store.save({ ...(await inRenewal(['claimed.example.test'])), revoking });
    const before = deps();
    expect(await renewIssuedCertificate(before, claimedFirst.arn, 2)).toEqual({ outcome: 'STOPPED' });
    expect(await reread(claimedFirst)).toEqual(claimedFirst);
    expect(before.signer.signCalls).toBe(0);

    // The revocation is claimed while the renewal signs: the signed body is not stored.
    const certificate = await inRenewal(['racing.example.test']);
    const racing = deps();
    const sign = racing.signer.sign.bind(racing.signer);
    racing.signer.sign = async (data) => {
      const current = (await reread(certificate)) as CertificateRecord;
      await store.save({ ...current, revoking });
      return sign(data);
    };
    expect(await renewIssuedCertificate(racing, certificate.arn, 2)).toEqual({ outcome: 'STOPPED' });
    const stored = await reread(certificate);
    expect(stored?.issued?.serialHex).toBe(ISSUED_PART.serialHex);
    expect(stored?.renewal?.status).toBe('PENDING_VALIDATION');
    expect(stored?.revoking).toEqual(revoking);
    expect(racing.events.published).toEqual([]);
  });

  it('announces a renewed body whose announcement failed, on the retry, without signing again', async () => {
    const certificate = await inRenewal(['retry.example.test']);
    const failing = deps({ events: new RecordingEvents().failNext() });
    await expect(renewIssuedCertificate(failing, certificate.arn, 2)).rejects.toThrow('unavailable');
    const unannounced = await reread(certificate);
    expect(unannounced?.renewal?.status).toBe('SUCCESS');
    expect(unannounced?.issued?.announcedAt).toBeUndefined();

    const retry = deps();
    expect(await renewIssuedCertificate(retry, certificate.arn, 2)).toEqual({
      outcome: 'RENEWED',
      serial: unannounced?.issued?.serialHex,
    });
    expect(retry.signer.signCalls).toBe(0);
    expect(retry.events.published.map((event) => event.detail.Action)).toEqual(['RENEWAL']);
  });
});
