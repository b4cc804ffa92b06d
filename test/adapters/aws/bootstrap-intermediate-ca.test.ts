/**
 * bootstrapIntermediateCa with the pieces it runs on in AWS (the KMS signer on the fake KMS, which signs for
 * real, and the DynamoDB issuer certificate store on the embedded table) and an operator root made and used
 * with the openssl command line.
 */
import { createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { SignCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CA_CERTIFICATE_KEY,
  DynamoDbIssuerCertificateStore,
  DynamoDbIssuerSource,
  PENDING_CSR_KEY,
} from '../../../functions/adapters/aws/dynamodb-issuer-source.ts';
import { KmsCaSigner } from '../../../functions/adapters/aws/kms-ca-signer.ts';
import { CaCertificateNotInstalledError } from '../../../functions/core/errors.ts';
import { bootstrapCa, CaBootstrapError } from '../../../functions/core/issuance/bootstrap-ca.ts';
import { bootstrapIntermediateCa } from '../../../functions/core/issuance/bootstrap-intermediate-ca.ts';
import { type EmbeddedTable, startEmbeddedTable } from '../../../local/embedded-table.ts';
import { cryptoRandom, openssl } from '../../unit/issuance/test-ca.ts';
import { FakeKms, fakeKmsClient } from './fake-kms.ts';
import { INTERMEDIATE_CA_EXTENSIONS, opensslCsr, opensslRoot, opensslSign } from './openssl-root.ts';

const TABLE_NAME = 'certwright-intermediate-bootstrap-test';
const SUBJECT = 'CN=Certwright Issuing CA,O=Certwright Tests';
const DAY_MS = 24 * 60 * 60 * 1000;

let table: EmbeddedTable;
let store: DynamoDbIssuerCertificateStore;
let dir: string;
let rootPem: string;
let csrPem: string;
const kms = new FakeKms();
const { client: kmsClient, stub: kmsStub } = fakeKmsClient(kms);
let signer: KmsCaSigner;
/** The real time, moved by the test to before or after a certificate's validity. */
let clockOffsetMs = 0;
const clock = { now: () => new Date(Date.now() + clockOffsetMs) };

beforeAll(async () => {
  table = await startEmbeddedTable({ region: 'us-east-1', tableName: TABLE_NAME });
  store = new DynamoDbIssuerCertificateStore(table.client, TABLE_NAME);
  dir = await mkdtemp(join(tmpdir(), 'certwright-intermediate-'));
  const key = kms.createKey('ECC_NIST_P256', { keyUsage: 'SIGN_VERIFY' });
  signer = await KmsCaSigner.create(kmsClient, key.arn);
  rootPem = await opensslRoot(dir, 'root', '/CN=Operator Root CA/O=Operator');
});

afterAll(async () => {
  kmsStub.restore();
  await table?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  clockOffsetMs = 0;
  for (const key of [CA_CERTIFICATE_KEY, PENDING_CSR_KEY]) {
    await table.client.send(
      new DeleteItemCommand({ TableName: TABLE_NAME, Key: { pk: { S: key.pk }, sk: { S: key.sk } } }),
    );
  }
  const pending = await bootstrap();
  if (pending.status !== 'PENDING_CERTIFICATE') throw new Error('expected a pending CSR');
  csrPem = pending.csrPem;
  await writeFile(join(dir, 'deployment.csr'), csrPem);
});

const bootstrap = (certificatePem?: string, chainPem?: string) =>
  bootstrapIntermediateCa({ signer, store, subject: SUBJECT, clock, certificatePem, chainPem });

/** The deployment's CSR signed by the operator root with the documented extensions (or others). */
const signCsr = (out: string, extensions?: string[], ca = 'root') =>
  opensslSign(dir, { csr: 'deployment', ca, out, extensions });

/** A CA `<name>` between `ca` and the intermediate, with a key of its own; its PEM. */
async function issuingCa(
  name: string,
  subject: string,
  ca: string,
  basicConstraints = 'critical, CA:TRUE',
): Promise<string> {
  await opensslCsr(dir, name, subject);
  const extensions = [`basicConstraints = ${basicConstraints}`, 'keyUsage = critical, keyCertSign'];
  return opensslSign(dir, { csr: name, ca, out: name, extensions });
}

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(CaBootstrapError);
  return (error as Error).message;
};

describe('bootstrapIntermediateCa without a certificate', () => {
  it('makes a CSR for the CA key that openssl verifies, with the CA extensions requested', async () => {
    const verified = await openssl(['req', '-in', 'deployment.csr', '-verify', '-noout'], dir);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stderr).toContain('self-signature verify OK');

    const text = await openssl(['req', '-in', 'deployment.csr', '-noout', '-text'], dir);
    expect(text.stdout).toContain('Subject: CN = Certwright Issuing CA, O = Certwright Tests');
    expect(text.stdout).toContain('Requested Extensions:');
    expect(text.stdout).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE/);
    expect(text.stdout).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign/);

    const publicKey = await openssl(['req', '-in', 'deployment.csr', '-noout', '-pubkey'], dir);
    expect(createPublicKey(publicKey.stdout).export({ type: 'spki', format: 'der' })).toEqual(
      Buffer.from(await signer.publicKeySpki()),
    );
  });

  it('hands out the same stored CSR on every later run, signing nothing', async () => {
    const signs = kmsStub.commandCalls(SignCommand).length;
    const again = await bootstrapIntermediateCa({
      signer,
      store,
      subject: 'CN=Another Name',
      clock,
    });
    expect(again).toEqual({ status: 'PENDING_CERTIFICATE', csrPem });
    expect(await store.pendingCsr()).toBe(csrPem);
    expect(kmsStub.commandCalls(SignCommand)).toHaveLength(signs);
  });

  it('ends two concurrent first runs with one stored CSR, the one both report', async () => {
    await table.client.send(
      new DeleteItemCommand({
        TableName: TABLE_NAME,
        Key: { pk: { S: PENDING_CSR_KEY.pk }, sk: { S: PENDING_CSR_KEY.sk } },
      }),
    );
    const [a, b] = await Promise.all([bootstrap(), bootstrap()]);
    const stored = await store.pendingCsr();
    expect(stored).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
    expect(a).toEqual({ status: 'PENDING_CERTIFICATE', csrPem: stored });
    expect(b).toEqual(a);
  });

  it('makes the issuer source fail with CaCertificateNotInstalled while the CSR waits', async () => {
    const source = new DynamoDbIssuerSource(table.client, TABLE_NAME);
    const error = await source.current().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(CaCertificateNotInstalledError);
    expect(error).toMatchObject({ name: 'CaCertificateNotInstalled', code: 'CaCertificateNotInstalled' });
    expect((error as Error).message).toContain('the CA certificate is not installed yet');
  });
});

describe('bootstrapIntermediateCa with the certificate the root signed', () => {
  it('checks and installs it with its chain; the issuer source then gives both', async () => {
    const intermediatePem = await signCsr('intermediate');
    const result = await bootstrap(intermediatePem, rootPem);
    expect(result).toEqual({
      status: 'ACTIVE',
      certificatePem: new X509Certificate(intermediatePem).toString(),
      chainPem: [new X509Certificate(rootPem).toString()],
      created: true,
    });
    const source = new DynamoDbIssuerSource(table.client, TABLE_NAME);
    const issuer = await source.current();
    expect(issuer.certificatePem.trim()).toBe(intermediatePem.trim());
    expect(issuer.chainPem.map((pem) => pem.trim())).toEqual([rootPem.trim()]);

    await writeFile(join(dir, 'installed.pem'), issuer.certificatePem);
    const verified = await openssl(['verify', '-CAfile', 'root.pem', 'installed.pem'], dir);
    expect(verified.stdout.trim()).toBe('installed.pem: OK');
  });

  it('keeps the installed certificate on later runs, with or without it, signing nothing', async () => {
    const intermediatePem = await signCsr('intermediate');
    const installed = await bootstrap(intermediatePem, rootPem);
    const signs = kmsStub.commandCalls(SignCommand).length;
    expect(await bootstrap(intermediatePem, rootPem)).toEqual({ ...installed, created: false });
    expect(await bootstrap()).toEqual({ ...installed, created: false });
    expect(kmsStub.commandCalls(SignCommand)).toHaveLength(signs);
  });

  it('accepts a chain of two above it, issuer first, and openssl agrees', async () => {
    const issuingPem = await issuingCa(
      'issuing',
      '/CN=Operator Issuing CA/O=Operator',
      'root',
      'critical, CA:TRUE, pathlen:1',
    );
    const intermediatePem = await signCsr('deep', undefined, 'issuing');
    const result = await bootstrap(intermediatePem, `${issuingPem}${rootPem}`);
    expect(result.status).toBe('ACTIVE');
    const verified = await openssl(
      ['verify', '-CAfile', 'root.pem', '-untrusted', 'issuing.pem', 'deep.pem'],
      dir,
    );
    expect(verified.stdout.trim()).toBe('deep.pem: OK');
  });

  it('refuses a certificate for another key', async () => {
    await opensslCsr(dir, 'stranger', '/CN=Certwright Issuing CA/O=Certwright Tests');
    const otherPem = await opensslSign(dir, { csr: 'stranger', ca: 'root', out: 'stranger' });
    expect(await refusal(bootstrap(otherPem, rootPem))).toMatch(/is for another key, not the CA key/);
    expect(await store.current()).toBeUndefined();
  });

  it('refuses a certificate that is not a CA certificate', async () => {
    const leafPem = await signCsr('not-ca', [
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = digitalSignature',
    ]);
    expect(await refusal(bootstrap(leafPem, rootPem))).toMatch(
      /the intermediate CA certificate is not a CA certificate \(basicConstraints CA:TRUE is missing\)/,
    );
    const noCertSign = await signCsr('no-cert-sign', [
      'basicConstraints = critical, CA:TRUE',
      'keyUsage = cRLSign',
    ]);
    expect(await refusal(bootstrap(noCertSign, rootPem))).toMatch(/keyUsage keyCertSign is missing/);
    expect(await store.current()).toBeUndefined();
  });

  it('refuses a certificate without a subject key identifier (issued certificates name it)', async () => {
    const pem = await signCsr('no-ski', [
      ...INTERMEDIATE_CA_EXTENSIONS.filter((line) => !line.includes('KeyIdentifier')),
      'subjectKeyIdentifier = none',
      'authorityKeyIdentifier = none',
    ]);
    expect(await refusal(bootstrap(pem, rootPem))).toMatch(/no subjectKeyIdentifier/);
  });

  it('refuses a certificate that is not valid now', async () => {
    const intermediatePem = await signCsr('intermediate');
    clockOffsetMs = 1830 * DAY_MS;
    expect(await refusal(bootstrap(intermediatePem, rootPem))).toMatch(
      /the intermediate CA certificate has expired/,
    );
    clockOffsetMs = -DAY_MS;
    expect(await refusal(bootstrap(intermediatePem, rootPem))).toMatch(/is not valid yet/);
  });

  it('refuses a chain whose first certificate did not sign it', async () => {
    const intermediatePem = await signCsr('intermediate');
    // Same name as the real root, another key: only the signature can tell them apart.
    const impostorPem = await opensslRoot(dir, 'impostor', '/CN=Operator Root CA/O=Operator');
    expect(await refusal(bootstrap(intermediatePem, impostorPem))).toMatch(
      /the signature of the intermediate CA certificate does not verify with the key of chain certificate 1 \(CN=Operator Root CA, O=Operator\)/,
    );
    expect(await store.current()).toBeUndefined();
  });

  it('refuses a chain that stops below the root, an empty chain, and the certificate as its own chain', async () => {
    const issuingPem = await issuingCa('issuing', '/CN=Operator Issuing CA/O=Operator', 'root');
    const deepPem = await signCsr('deep', undefined, 'issuing');
    expect(await refusal(bootstrap(deepPem, issuingPem))).toMatch(/which is not a self-signed root/);
    expect(await refusal(bootstrap(deepPem, ''))).toMatch(/the chain is empty/);
    const intermediatePem = await signCsr('intermediate');
    expect(await refusal(bootstrap(intermediatePem, `${intermediatePem}${rootPem}`))).toMatch(
      /the chain starts with the intermediate certificate itself/,
    );
  });

  it('refuses a chain whose certificate allows no CA below it (pathlen)', async () => {
    await opensslRoot(dir, 'strict-root', '/CN=Strict Root/O=Operator', 'critical,CA:TRUE,pathlen:0');
    const issuingPem = await issuingCa('strict-issuing', '/CN=Strict Issuing CA/O=Operator', 'strict-root');
    const deepPem = await signCsr('strict-deep', undefined, 'strict-issuing');
    const strictRootPem = await readFile(join(dir, 'strict-root.pem'), 'utf8');
    expect(await refusal(bootstrap(deepPem, `${issuingPem}${strictRootPem}`))).toMatch(
      /chain certificate 2 \(CN=Strict Root, O=Operator\) allows 0 CA certificate\(s\) below it/,
    );
  });

  it('refuses a private key pasted into the chain, and two certificates given as the certificate', async () => {
    const intermediatePem = await signCsr('intermediate');
    const rootKey = await readFile(join(dir, 'root.key'), 'utf8');
    expect(await refusal(bootstrap(intermediatePem, `${rootPem}${rootKey}`))).toMatch(
      /the chain holds a PRIVATE KEY block/,
    );
    expect(await refusal(bootstrap(`${intermediatePem}${rootPem}`, rootPem))).toMatch(
      /must be one PEM certificate, got 2/,
    );
  });
});

describe('an installed CA is never replaced', () => {
  it('refuses another certificate for the same key, and the installed one with another chain', async () => {
    const intermediatePem = await signCsr('intermediate');
    await bootstrap(intermediatePem, rootPem);
    const secondPem = await signCsr('second');
    const message = await refusal(bootstrap(secondPem, rootPem));
    expect(message).toContain('a CA certificate is already installed');
    expect(message).toContain(new X509Certificate(intermediatePem).fingerprint256);
    expect(message).toContain(new X509Certificate(secondPem).fingerprint256);
    const otherRootPem = await opensslRoot(dir, 'other-root', '/CN=Other Root/O=Operator');
    expect(await refusal(bootstrap(intermediatePem, otherRootPem))).toMatch(
      /the chain given is not the one installed with it/,
    );
    expect((await store.current())?.certificatePem.trim()).toBe(intermediatePem.trim());
  });

  it('refuses to turn an installed self-signed root into an intermediate', async () => {
    const root = await bootstrapCa({
      signer,
      store,
      subject: SUBJECT,
      validityYears: 5,
      clock,
      random: cryptoRandom,
    });
    expect(await refusal(bootstrap())).toMatch(/a self-signed root CA .* is installed for the CA key/);
    expect(await refusal(bootstrap(await signCsr('intermediate'), rootPem))).toMatch(
      /a CA certificate is already installed/,
    );
    expect((await store.current())?.certificatePem).toBe(root.certificatePem);
  });
});
