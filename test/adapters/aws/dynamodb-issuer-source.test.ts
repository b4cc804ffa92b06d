import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CA_CERTIFICATE_KEY,
  DynamoDbIssuerCertificateStore,
  DynamoDbIssuerSource,
  PENDING_CSR_KEY,
  saveIssuerCertificate,
} from '../../../functions/adapters/aws/dynamodb-issuer-source.ts';
import { CaCertificateNotInstalledError } from '../../../functions/core/errors.ts';
import {
  caCertificateAlgorithm,
  issuerDisplayName,
} from '../../../functions/core/issuance/ca-certificate-info.ts';
import { type EmbeddedTable, startEmbeddedTable } from '../../../local/embedded-table.ts';
import { type TestCa, testCa } from '../../unit/issuance/test-ca.ts';

const TABLE_NAME = 'certwright-issuer-test';
const KEY = { pk: { S: CA_CERTIFICATE_KEY.pk }, sk: { S: CA_CERTIFICATE_KEY.sk } };
const CSR_KEY = { pk: { S: PENDING_CSR_KEY.pk }, sk: { S: PENDING_CSR_KEY.sk } };
const CSR_PEM = '-----BEGIN CERTIFICATE REQUEST-----\nMIIBAA==\n-----END CERTIFICATE REQUEST-----\n';

let table: EmbeddedTable;
let client: DynamoDBClient;
let root: TestCa;
let intermediate: TestCa;

beforeAll(async () => {
  table = await startEmbeddedTable({ region: 'us-east-1', tableName: TABLE_NAME });
  client = table.client;
  root = await testCa('RSA_2048', 'CN=Certwright Root, O=Certwright Tests');
  intermediate = await testCa('EC_prime256v1', 'CN=Certwright Issuing CA');
});

afterAll(async () => {
  await table?.close();
});

beforeEach(async () => {
  await client.send(new DeleteItemCommand({ TableName: TABLE_NAME, Key: KEY }));
  await client.send(new DeleteItemCommand({ TableName: TABLE_NAME, Key: CSR_KEY }));
});

/** The intermediate CA certificate with the root as its chain, as an issuer source reads it. */
function intermediateWithChain(): { certificatePem: string; chainPem: string[] } {
  return { certificatePem: intermediate.certificatePem, chainPem: [root.certificatePem] };
}

describe('saveIssuerCertificate', () => {
  it('stores the CA certificate and its chain in the CA item', async () => {
    const saved = await saveIssuerCertificate(client, TABLE_NAME, intermediateWithChain());
    expect(saved).toBe(true);
    const { Item } = await client.send(
      new GetItemCommand({ TableName: TABLE_NAME, Key: KEY, ConsistentRead: true }),
    );
    expect(Item).toEqual({
      ...KEY,
      certificatePem: { S: intermediate.certificatePem },
      chainPem: { L: [{ S: root.certificatePem }] },
    });
  });

  it('keeps the CA already stored (a re-deploy does not replace it)', async () => {
    await saveIssuerCertificate(client, TABLE_NAME, { certificatePem: root.certificatePem, chainPem: [] });
    const again = await saveIssuerCertificate(client, TABLE_NAME, intermediateWithChain());
    expect(again).toBe(false);
    const source = new DynamoDbIssuerSource(client, TABLE_NAME);
    expect(await source.current()).toEqual({ certificatePem: root.certificatePem, chainPem: [] });
  });

  it('refuses what is not a PEM certificate', async () => {
    await expect(
      saveIssuerCertificate(client, TABLE_NAME, { certificatePem: 'not a certificate', chainPem: [] }),
    ).rejects.toThrow('certificatePem is not a PEM certificate');
    await expect(
      saveIssuerCertificate(client, TABLE_NAME, { certificatePem: root.certificatePem, chainPem: ['x'] }),
    ).rejects.toThrow('chainPem');
  });
});

describe('DynamoDbIssuerSource', () => {
  it('says clearly that the CA has not been bootstrapped, and reads it once it has', async () => {
    const source = new DynamoDbIssuerSource(client, TABLE_NAME);
    await expect(source.current()).rejects.toThrow('the CA certificate has not been bootstrapped');
    // The failed read is not cached: the next call reads again.
    await saveIssuerCertificate(client, TABLE_NAME, intermediateWithChain());
    expect(await source.current()).toEqual(intermediateWithChain());
  });

  it('reads the item once and keeps it for the life of the container', async () => {
    await saveIssuerCertificate(client, TABLE_NAME, { certificatePem: root.certificatePem, chainPem: [] });
    const source = new DynamoDbIssuerSource(client, TABLE_NAME);
    const first = await source.current();
    first.chainPem.push('changed by the caller');
    await client.send(new DeleteItemCommand({ TableName: TABLE_NAME, Key: KEY }));
    expect(await source.current()).toEqual({ certificatePem: root.certificatePem, chainPem: [] });
  });

  it('takes a missing chain as empty and refuses a malformed item', async () => {
    await client.send(
      new PutItemCommand({
        TableName: TABLE_NAME,
        Item: { ...KEY, certificatePem: { S: root.certificatePem } },
      }),
    );
    expect(await new DynamoDbIssuerSource(client, TABLE_NAME).current()).toEqual({
      certificatePem: root.certificatePem,
      chainPem: [],
    });
    await client.send(
      new PutItemCommand({
        TableName: TABLE_NAME,
        Item: { ...KEY, certificatePem: { S: root.certificatePem }, chainPem: { S: root.certificatePem } },
      }),
    );
    await expect(new DynamoDbIssuerSource(client, TABLE_NAME).current()).rejects.toThrow('chainPem');
    await client.send(
      new PutItemCommand({ TableName: TABLE_NAME, Item: { ...KEY, certificatePem: { S: 'garbage' } } }),
    );
    await expect(new DynamoDbIssuerSource(client, TABLE_NAME).current()).rejects.toThrow('certificatePem');
  });
});

describe('the pending CSR of an intermediate CA', () => {
  it('is stored once in its own item; a second CSR does not replace it', async () => {
    const store = new DynamoDbIssuerCertificateStore(client, TABLE_NAME);
    expect(await store.pendingCsr()).toBeUndefined();
    expect(await store.savePendingCsrIfAbsent(CSR_PEM)).toBe(true);
    expect(await store.savePendingCsrIfAbsent(CSR_PEM.replace('MIIBAA==', 'MIIBAQ=='))).toBe(false);
    expect(await store.pendingCsr()).toBe(CSR_PEM);
    const { Item } = await client.send(
      new GetItemCommand({ TableName: TABLE_NAME, Key: CSR_KEY, ConsistentRead: true }),
    );
    expect(Item).toEqual({ ...CSR_KEY, csrPem: { S: CSR_PEM } });
    expect(await store.current()).toBeUndefined();
  });

  it('refuses what is not a PEM certificate request, and a malformed item', async () => {
    const store = new DynamoDbIssuerCertificateStore(client, TABLE_NAME);
    await expect(store.savePendingCsrIfAbsent(root.certificatePem)).rejects.toThrow(
      'csrPem is not a PEM certificate request',
    );
    await client.send(
      new PutItemCommand({ TableName: TABLE_NAME, Item: { ...CSR_KEY, csrPem: { S: 'garbage' } } }),
    );
    await expect(store.pendingCsr()).rejects.toThrow('the pending CSR item');
  });

  it('makes the issuer source say the CA certificate is not installed yet, until it is', async () => {
    await new DynamoDbIssuerCertificateStore(client, TABLE_NAME).savePendingCsrIfAbsent(CSR_PEM);
    const source = new DynamoDbIssuerSource(client, TABLE_NAME);
    const error = await source.current().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(CaCertificateNotInstalledError);
    expect(error).toMatchObject({ name: 'CaCertificateNotInstalled' });
    expect((error as Error).message).toMatch(/^the CA certificate is not installed yet/);
    await saveIssuerCertificate(client, TABLE_NAME, intermediateWithChain());
    expect(await source.current()).toEqual(intermediateWithChain());
  });
});

describe('CA certificate info', () => {
  it('names the issuer by O, else CN', () => {
    expect(issuerDisplayName(root.certificatePem)).toBe('Certwright Tests');
    expect(issuerDisplayName(intermediate.certificatePem)).toBe('Certwright Issuing CA');
  });

  it.each([['RSA_2048'], ['EC_prime256v1'], ['EC_secp384r1']] as const)(
    'reads the CA algorithm %s from the certificate',
    async (algorithm) => {
      const ca = algorithm === 'RSA_2048' ? root : await testCa(algorithm);
      expect(caCertificateAlgorithm(ca.certificatePem)).toBe(algorithm);
    },
  );
});
