/**
 * ImportCertificate through the local stack as @aws-sdk/client-acm calls it, with keys and certificates
 * made by openssl: the import as DescribeCertificate, GetCertificate, ListCertificates and the event log
 * show it, re-import, and every documented error.
 */
import { readFile } from 'node:fs/promises';
import {
  type ACMClient,
  DescribeCertificateCommand,
  GetCertificateCommand,
  ImportCertificateCommand,
  type ImportCertificateCommandInput,
  ListCertificatesCommand,
  ListTagsForCertificateCommand,
  RequestCertificateCommand,
} from '@aws-sdk/client-acm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../functions/adapters/local/event-log.ts';
import { fetchSignedPost } from '../../local/signed-post.ts';
import { useCleanups } from '../support/cleanups.ts';
import {
  ACCOUNT_A,
  ACCOUNT_B,
  acmClient,
  makeDataDir,
  REGION,
  startTestStack,
  testSettings,
  useLocalStack,
} from '../support/local-stack-harness.ts';
import { chainPem, type OpensslCertificate, OpensslWorkbench } from '../support/openssl-certificates.ts';
import { rejectionOf } from '../support/thrown.ts';

const local = useLocalStack();
const cleanups = useCleanups();
const bytes = (text: string) => new TextEncoder().encode(text);

let bench: OpensslWorkbench;
let root: OpensslCertificate;
let intermediate: OpensslCertificate;
let leaf: OpensslCertificate;
let ecLeaf: OpensslCertificate;

beforeAll(async () => {
  bench = await OpensslWorkbench.create();
  root = await bench.makeCa({
    keyType: 'EC_secp384r1',
    subject: '/C=AU/O=E2E Root Org/CN=E2E Root',
    digest: 'sha384',
  });
  intermediate = await bench.makeCa({
    issuer: root,
    keyType: 'RSA_2048',
    subject: '/C=AU/O=E2E Issuing Org/CN=E2E Issuing CA',
  });
  leaf = await bench.makeLeaf({
    issuer: intermediate,
    keyType: 'RSA_2048',
    subject: '/C=AU/ST=Some-State/O=E2E Leaf Org/OU=Testing/CN=www.e2e-import.test',
    names: ['www.e2e-import.test', 'e2e-import.test'],
  });
  ecLeaf = await bench.makeLeaf({
    issuer: intermediate,
    keyType: 'EC_secp521r1',
    names: ['ec.e2e-import.test'],
  });
}, 60_000);

afterAll(async () => {
  await bench?.cleanup();
});

function importInput(certificate: OpensslCertificate, extra: Partial<ImportCertificateCommandInput> = {}) {
  return {
    Certificate: bytes(certificate.pem),
    PrivateKey: bytes(certificate.key.pem),
    CertificateChain: bytes(chainPem(intermediate, root)),
    ...extra,
  };
}

async function importArn(client: ACMClient, input: ImportCertificateCommandInput): Promise<string> {
  const { CertificateArn } = await client.send(new ImportCertificateCommand(input));
  if (!CertificateArn) throw new Error('ImportCertificate returned no ARN');
  return CertificateArn;
}

async function loggedEvents(): Promise<EventEnvelope[]> {
  const text = await readFile(local.stack.eventLogPath, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as EventEnvelope);
}

describe('ImportCertificate through the SDK', () => {
  it('imports a certificate that Describe, Get, List and ListTags show as ACM does, with an IMPORT event', async () => {
    const client = local.client();
    const before = Math.floor(Date.now() / 1000);
    const arn = await importArn(client, importInput(leaf, { Tags: [{ Key: 'Env', Value: 'e2e' }] }));
    expect(arn).toMatch(
      new RegExp(`^arn:aws:acm:${REGION}:${ACCOUNT_A.accountId}:certificate/[0-9a-f-]{36}$`),
    );

    const { Certificate } = await client.send(new DescribeCertificateCommand({ CertificateArn: arn }));
    expect(Certificate).toEqual({
      CertificateArn: arn,
      DomainName: 'www.e2e-import.test',
      SubjectAlternativeNames: ['www.e2e-import.test', 'e2e-import.test'],
      DomainValidationOptions: [{ DomainName: 'www.e2e-import.test' }, { DomainName: 'e2e-import.test' }],
      Serial: expect.stringMatching(/^[0-9a-f]{2}(:[0-9a-f]{2})*$/),
      Subject: 'C=AU,ST=Some-State,O=E2E Leaf Org,OU=Testing,CN=www.e2e-import.test',
      Issuer: 'E2E Issuing Org',
      CreatedAt: expect.any(Date),
      ImportedAt: expect.any(Date),
      Status: 'ISSUED',
      NotBefore: expect.any(Date),
      NotAfter: expect.any(Date),
      KeyAlgorithm: 'RSA-2048',
      SignatureAlgorithm: 'SHA256WITHRSA',
      InUseBy: [],
      Type: 'IMPORTED',
      KeyUsages: [{ Name: 'DIGITAL_SIGNATURE' }, { Name: 'KEY_ENCIPHERMENT' }],
      ExtendedKeyUsages: [{ Name: 'TLS_WEB_SERVER_AUTHENTICATION', OID: '1.3.6.1.5.5.7.3.1' }],
      RenewalEligibility: 'INELIGIBLE',
      Options: { CertificateTransparencyLoggingPreference: 'DISABLED' },
      CertificateKeyPairOrigin: 'CUSTOMER_PROVIDED',
    });
    expect(Certificate?.ImportedAt?.getTime()).toBe(Certificate?.CreatedAt?.getTime());
    expect(Math.floor((Certificate?.ImportedAt?.getTime() ?? 0) / 1000)).toBeGreaterThanOrEqual(before);

    const got = await client.send(new GetCertificateCommand({ CertificateArn: arn }));
    expect(got.Certificate).toBe(leaf.pem);
    expect(got.CertificateChain).toBe(intermediate.pem + root.pem);

    const listed = await client.send(new ListCertificatesCommand({}));
    expect(listed.CertificateSummaryList?.find((summary) => summary.CertificateArn === arn)).toMatchObject({
      DomainName: 'www.e2e-import.test',
      Type: 'IMPORTED',
      Status: 'ISSUED',
      KeyAlgorithm: 'RSA-2048',
      RenewalEligibility: 'INELIGIBLE',
      ImportedAt: expect.any(Date),
    });
    expect((await client.send(new ListTagsForCertificateCommand({ CertificateArn: arn }))).Tags).toEqual([
      { Key: 'Env', Value: 'e2e' },
    ]);

    const available = (await loggedEvents()).filter((event) => event.resources.includes(arn));
    expect(available).toEqual([
      expect.objectContaining({
        'detail-type': 'ACM Certificate Available',
        account: ACCOUNT_A.accountId,
        detail: expect.objectContaining({
          Action: 'IMPORT',
          CertificateType: 'IMPORTED',
          CommonName: 'www.e2e-import.test',
          CertificateKeyPairOrigin: 'CUSTOMER_PROVIDED',
        }),
      }),
    ]);
  });

  it('lists an EC P-521 import when Includes names its key type', async () => {
    const client = local.client();
    const arn = await importArn(client, importInput(ecLeaf));
    const listed = async (keyTypes?: Array<'EC_secp521r1'>) =>
      (
        await client.send(new ListCertificatesCommand(keyTypes ? { Includes: { keyTypes } } : {}))
      ).CertificateSummaryList?.map((summary) => summary.CertificateArn);
    expect(await listed()).not.toContain(arn);
    expect(await listed(['EC_secp521r1'])).toContain(arn);
    const { Certificate } = await client.send(new DescribeCertificateCommand({ CertificateArn: arn }));
    expect(Certificate).toMatchObject({ KeyAlgorithm: 'EC-secp521r1', SignatureAlgorithm: 'SHA256WITHRSA' });
  });

  it('imports a certificate without a chain, which GetCertificate returns without CertificateChain', async () => {
    const client = local.client();
    const arn = await importArn(client, importInput(leaf, { CertificateChain: undefined }));
    const got = await client.send(new GetCertificateCommand({ CertificateArn: arn }));
    expect(got.Certificate).toBe(leaf.pem);
    expect(got).not.toHaveProperty('CertificateChain');
  });

  it('re-imports under the same ARN, keeping its tags, with a REIMPORT event', async () => {
    const client = local.client();
    const arn = await importArn(client, importInput(leaf, { Tags: [{ Key: 'Team', Value: 'web' }] }));
    const renewed = await bench.makeLeaf({
      issuer: intermediate,
      keyType: 'RSA_2048',
      names: ['renewed.e2e-import.test'],
    });
    expect(await importArn(client, importInput(renewed, { CertificateArn: arn }))).toBe(arn);
    const { Certificate } = await client.send(new DescribeCertificateCommand({ CertificateArn: arn }));
    expect(Certificate).toMatchObject({ DomainName: 'renewed.e2e-import.test', Status: 'ISSUED' });
    expect((await client.send(new GetCertificateCommand({ CertificateArn: arn }))).Certificate).toBe(
      renewed.pem,
    );
    expect((await client.send(new ListTagsForCertificateCommand({ CertificateArn: arn }))).Tags).toEqual([
      { Key: 'Team', Value: 'web' },
    ]);
    const actions = (await loggedEvents())
      .filter((event) => event.resources.includes(arn))
      .map((event) => (event.detail as { Action: string }).Action);
    expect(actions).toEqual(['IMPORT', 'REIMPORT']);
  });
});

describe('ImportCertificate errors through the SDK', () => {
  const validation = (message: string) => ({ name: 'ValidationException', message });

  it('refuses certificates, keys and chains ACM refuses', async () => {
    const client = local.client();
    const expired = await bench.makeLeaf({
      notBefore: new Date('2020-01-01'),
      notAfter: new Date('2021-01-01'),
    });
    const notYet = await bench.makeLeaf({ notBefore: new Date(Date.now() + 86_400_000), days: 30 });
    const rsa1024 = await bench.makeLeaf({ keyType: 'RSA_1024' });
    const otherKey = await bench.makeKey('RSA_2048');
    const cases: Array<[ImportCertificateCommandInput, string]> = [
      [
        { Certificate: bytes(expired.pem), PrivateKey: bytes(expired.key.pem) },
        'The certificate has expired, is not valid.',
      ],
      [
        { Certificate: bytes(notYet.pem), PrivateKey: bytes(notYet.key.pem) },
        'The certificate is not in effect yet, is not valid.',
      ],
      [
        importInput(leaf, { PrivateKey: bytes(otherKey.pem) }),
        'The private key does not match the public key in the certificate.',
      ],
      [
        importInput(leaf, { PrivateKey: bytes(await bench.encryptedPem(leaf.key, 'secret', 'pkcs8')) }),
        'The private key is not supported: it is encrypted. Import the private key without a passphrase.',
      ],
      [
        { Certificate: bytes(rsa1024.pem), PrivateKey: bytes(rsa1024.key.pem) },
        'The private key length 1024 is not supported for key algorithm RSA. Supported keys: RSA 2048, 3072 or 4096 bits; EC P-256, P-384 or P-521.',
      ],
      [
        importInput(leaf, { CertificateChain: bytes(chainPem(root, intermediate)) }),
        'Unable to validate certificate chain. The certificate chain must start with the immediate signing certificate, followed by any intermediaries in order. The index within the chain of the invalid certificate is: 0',
      ],
      [
        importInput(leaf, { Certificate: bytes('garbage') }),
        'Unable to parse certificate. Please ensure the certificate is in PEM format.',
      ],
      [
        importInput(leaf, { Certificate: bytes('x'.repeat(32769)) }),
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=32769 cap=32769]' at 'certificate' failed to satisfy constraint: Member must have length less than or equal to 32768",
      ],
      [
        importInput(leaf, { PrivateKey: bytes('x'.repeat(5121)) }),
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=5121 cap=5121]' at 'privateKey' failed to satisfy constraint: Member must have length less than or equal to 5120",
      ],
      [
        importInput(leaf, { CertificateChain: new Uint8Array(2097153) }),
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=2097153 cap=2097153]' at 'certificateChain' failed to satisfy constraint: Member must have length less than or equal to 2097152",
      ],
    ];
    for (const [input, message] of cases) {
      expect(await rejectionOf(client.send(new ImportCertificateCommand(input)))).toEqual(
        validation(message),
      );
    }
  });

  it('answers ACM’s errors for re-imports, tags and unknown or malformed ARNs', async () => {
    const client = local.client();
    const arn = await importArn(client, importInput(leaf));
    const { CertificateArn: requested } = await client.send(
      new RequestCertificateCommand({ DomainName: 'requested.local.test', ValidationMethod: 'DNS' }),
    );
    expect(
      await rejectionOf(
        client.send(
          new ImportCertificateCommand(importInput(leaf, { CertificateArn: arn, Tags: [{ Key: 'a' }] })),
        ),
      ),
    ).toEqual(validation('Tagging is not permitted on re-import.'));
    expect(
      await rejectionOf(
        client.send(new ImportCertificateCommand(importInput(ecLeaf, { CertificateArn: arn }))),
      ),
    ).toEqual(
      validation(
        `The key type and size cannot change on re-import: certificate ${arn} has a RSA_2048 key, the new certificate a EC_secp521r1 key.`,
      ),
    );
    expect(
      await rejectionOf(
        client.send(new ImportCertificateCommand(importInput(leaf, { CertificateArn: requested }))),
      ),
    ).toEqual(
      validation(
        `Certificate ${requested} was not imported; only an imported certificate can be re-imported.`,
      ),
    );
    expect(
      await rejectionOf(
        local
          .client(ACCOUNT_B)
          .send(new ImportCertificateCommand(importInput(leaf, { CertificateArn: arn }))),
      ),
    ).toEqual({
      name: 'ResourceNotFoundException',
      message: `Could not find certificate ${arn}.`,
    });
    expect(
      (
        await rejectionOf(
          client.send(
            new ImportCertificateCommand(
              importInput(leaf, {
                CertificateArn: `arn:aws:acm:${REGION}:${ACCOUNT_A.accountId}:private-ca/x`,
              }),
            ),
          ),
        )
      ).name,
    ).toBe('InvalidArnException');
    expect(
      await rejectionOf(
        client.send(new ImportCertificateCommand(importInput(leaf, { Tags: [{ Key: 'aws:reserved' }] }))),
      ),
    ).toEqual({
      name: 'InvalidTagException',
      message:
        "Invalid Tag Key: 'aws:reserved'. Tag keys starting with 'aws:' are reserved for AWS use and cannot be set.",
    });
    const tooMany = Array.from({ length: 51 }, (_, index) => ({ Key: `k${index}` }));
    expect(
      (await rejectionOf(client.send(new ImportCertificateCommand(importInput(leaf, { Tags: tooMany })))))
        .name,
    ).toBe('TooManyTagsException');
  });

  it('answers SerializationException for a blob that is not base64, and a missing member as null', async () => {
    const post = (body: object) =>
      fetchSignedPost(local.stack.url, {
        credentials: ACCOUNT_A,
        region: REGION,
        service: 'acm',
        contentType: 'application/x-amz-json-1.1',
        target: 'CertificateManager.ImportCertificate',
        body: JSON.stringify(body),
      });
    const notBase64 = await post({
      Certificate: 'not base64!',
      PrivateKey: Buffer.from(leaf.key.pem).toString('base64'),
    });
    expect(notBase64.status).toBe(400);
    expect(await notBase64.json()).toEqual({
      __type: 'SerializationException',
      message: 'Member Certificate must be a base64-encoded blob.',
    });
    const missing = await post({ Certificate: Buffer.from(leaf.pem).toString('base64') });
    expect(await missing.json()).toEqual({
      __type: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'privateKey' failed to satisfy constraint: Member must not be null",
    });
  });

  it('never answers a fault for byte garbage, and writes nothing', async () => {
    const client = local.client(ACCOUNT_B);
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.boolean(),
        async (garbage, asKey) => {
          const input = asKey
            ? { Certificate: bytes(leaf.pem), PrivateKey: garbage }
            : { Certificate: garbage, PrivateKey: bytes(leaf.key.pem) };
          expect((await rejectionOf(client.send(new ImportCertificateCommand(input)))).name).toBe(
            'ValidationException',
          );
        },
      ),
      { numRuns: 25 },
    );
    const listed = await client.send(
      new ListCertificatesCommand({ Includes: { keyTypes: ['RSA_2048', 'EC_prime256v1', 'EC_secp521r1'] } }),
    );
    expect(listed.CertificateSummaryList).toEqual([]);
  });
});

describe('ImportCertificate quota', () => {
  it('answers LimitExceededException once the account holds its limit of certificates', async () => {
    const { dataDir, cleanup } = await makeDataDir();
    cleanups.push(cleanup);
    const stack = await startTestStack(testSettings(dataDir, { maxCertificates: '1' }));
    cleanups.push(() => stack.stop());
    const client = acmClient(stack);
    cleanups.push(async () => client.destroy());
    await importArn(client, importInput(leaf));
    expect(await rejectionOf(client.send(new ImportCertificateCommand(importInput(leaf))))).toEqual({
      name: 'LimitExceededException',
      message:
        'Error: you have reached your limit of 1 certificates in this account. Delete certificates you no longer need to request more.',
    });
  });
});
