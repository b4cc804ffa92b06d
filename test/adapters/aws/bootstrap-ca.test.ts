/**
 * bootstrapCa with the pieces it runs on in AWS: the KMS signer on the fake KMS (real signatures) and the
 * DynamoDB issuer certificate store on the embedded table.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { SignCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CA_CERTIFICATE_KEY,
  DynamoDbIssuerCertificateStore,
  DynamoDbIssuerSource,
} from '../../../functions/adapters/aws/dynamodb-issuer-source.ts';
import { KmsCaSigner } from '../../../functions/adapters/aws/kms-ca-signer.ts';
import { bootstrapCa, CaBootstrapError } from '../../../functions/core/issuance/bootstrap-ca.ts';
import { type EmbeddedTable, startEmbeddedTable } from '../../../local/embedded-table.ts';
import { cryptoRandom, openssl } from '../../unit/issuance/test-ca.ts';
import { FakeKms, fakeKmsClient } from './fake-kms.ts';

const TABLE_NAME = 'certwright-bootstrap-test';
const SUBJECT = 'CN=Certwright Bootstrap Root,O=Certwright Tests';
const NOW = new Date('2026-11-28T12:00:30.500Z');
const clock = { now: () => NOW };

let table: EmbeddedTable;
let store: DynamoDbIssuerCertificateStore;
let workDir: string;
const kms = new FakeKms();
const { client: kmsClient, stub: kmsStub } = fakeKmsClient(kms);
let signer: KmsCaSigner;

beforeAll(async () => {
  table = await startEmbeddedTable({ region: 'us-east-1', tableName: TABLE_NAME });
  store = new DynamoDbIssuerCertificateStore(table.client, TABLE_NAME);
  workDir = await mkdtemp(join(tmpdir(), 'certwright-bootstrap-'));
  const key = kms.createKey('ECC_NIST_P256', { keyUsage: 'SIGN_VERIFY' });
  signer = await KmsCaSigner.create(kmsClient, key.arn);
});

afterAll(async () => {
  kmsStub.restore();
  await table?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

beforeEach(async () => {
  await table.client.send(
    new DeleteItemCommand({
      TableName: TABLE_NAME,
      Key: { pk: { S: CA_CERTIFICATE_KEY.pk }, sk: { S: CA_CERTIFICATE_KEY.sk } },
    }),
  );
});

const bootstrap = (validityYears = 10) =>
  bootstrapCa({ signer, store, subject: SUBJECT, validityYears, clock, random: cryptoRandom });

describe('bootstrapCa', () => {
  it('makes a self-signed root with the CA key, stores it, and openssl accepts it', async () => {
    const signs = kmsStub.commandCalls(SignCommand).length;
    const result = await bootstrap();
    expect(result.created).toBe(true);
    expect(result.chainPem).toEqual([]);
    expect(kmsStub.commandCalls(SignCommand)).toHaveLength(signs + 1);

    const stored = await store.current();
    expect(stored).toEqual({ certificatePem: result.certificatePem, chainPem: [] });
    // The issuance path reads the same item.
    expect(await new DynamoDbIssuerSource(table.client, TABLE_NAME).current()).toEqual(stored);

    const certificate = new X509Certificate(result.certificatePem);
    expect(certificate.subject).toBe('CN=Certwright Bootstrap Root\nO=Certwright Tests');
    expect(certificate.issuer).toBe(certificate.subject);
    expect(certificate.ca).toBe(true);
    expect(certificate.serialNumber).toMatch(/^01[0-9A-F]{32}$/);
    expect(new Date(certificate.validFrom).toISOString()).toBe('2026-11-28T11:00:30.000Z');
    expect(new Date(certificate.validTo).toISOString()).toBe('2036-11-28T11:00:30.000Z');
    expect(Buffer.from(certificate.publicKey.export({ format: 'der', type: 'spki' }))).toEqual(
      Buffer.from(await signer.publicKeySpki()),
    );

    await writeFile(join(workDir, 'ca.pem'), result.certificatePem);
    const verified = await openssl(['verify', '-CAfile', 'ca.pem', 'ca.pem'], workDir);
    expect(verified.stderr).toBe('');
    expect(verified.stdout.trim()).toBe('ca.pem: OK');
  });

  it('keeps the stored CA on the next run: same PEM, nothing signed', async () => {
    const first = await bootstrap();
    const signs = kmsStub.commandCalls(SignCommand).length;
    const second = await bootstrap(20);
    expect(second).toEqual({ ...first, created: false });
    expect(kmsStub.commandCalls(SignCommand)).toHaveLength(signs);
    expect((await store.current())?.certificatePem).toBe(first.certificatePem);
  });

  it('ends two concurrent runs with one stored CA, the one both report', async () => {
    const [a, b] = await Promise.all([bootstrap(), bootstrap()]);
    const stored = await store.current();
    expect(a.certificatePem).toBe(stored?.certificatePem);
    expect(b.certificatePem).toBe(stored?.certificatePem);
    // Whichever wrote first made the CA; the other kept it (after losing the conditional write, or seeing it).
    expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
  });

  it('refuses a validity that is not a whole number of years from 1 to 100, before signing', async () => {
    const signs = kmsStub.commandCalls(SignCommand).length;
    for (const years of [0, 1.5, 101, Number.NaN]) {
      await expect(bootstrap(years)).rejects.toThrow(CaBootstrapError);
    }
    expect(kmsStub.commandCalls(SignCommand)).toHaveLength(signs);
    expect(await store.current()).toBeUndefined();
  });
});
