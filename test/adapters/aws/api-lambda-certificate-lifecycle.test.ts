/**
 * ImportCertificate, ExportCertificate, RevokeCertificate with its CRL, ListCertificates and
 * SearchCertificates through the Lambda entry files composed as in AWS (lambda-composition.ts), with only
 * the services replaced: the table is dynalite, KMS, Step Functions and EventBridge are the fakes of
 * lambda-environment.ts, and the Lambda and S3 clients are mocks that answer as the services do.
 */
import { createPrivateKey } from 'node:crypto';
import { join } from 'node:path';
import {
  DecryptCommand,
  GenerateDataKeyCommand,
  GenerateMacCommand,
  InvalidCiphertextException,
  KMSClient,
  SignCommand,
} from '@aws-sdk/client-kms';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PutObjectCommand, type PutObjectCommandInput, S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCertificateStore } from '../../../functions/adapters/aws/dynamodb-store.ts';
import { KmsKeyVault } from '../../../functions/adapters/aws/kms-key-vault.ts';
import { CRL_REFRESH_EVENT } from '../../../functions/adapters/aws/lambda-crl-refresh.ts';
import { parseCertificateArn } from '../../../functions/core/arn.ts';
import { handler as issueHandler } from '../../../functions/tasks/lambda/issue-certificate.ts';
import { handler as publishCrlHandler } from '../../../functions/tasks/lambda/publish-crl.ts';
import { chainPem, type OpensslCertificate, OpensslWorkbench } from '../../support/openssl-certificates.ts';
import { opensslDecrypt } from '../../unit/core/export/openssl-export-checks.ts';
import { openssl } from '../../unit/issuance/test-ca.ts';
import { callApiLambda } from './api-lambda-call.ts';
import { FakeEventBridge } from './fake-eventbridge.ts';
import { installKmsCa } from './install-kms-ca.ts';
import { EVENT_BUS_NAME, type LambdaEnvironment, startLambdaEnvironment } from './lambda-environment.ts';
import { markDomainsValidated } from './mark-domains-validated.ts';

const TABLE_NAME = 'certwright-lifecycle-test';
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const CRL_FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:certwright-publish-crl`;
const CRL_BUCKET = 'certwright-crl-123456789012';
const CRL_KEY = 'ca.crl';
const PASSPHRASE = 'lifecycle passphrase 7';

let lambda: LambdaEnvironment;
let store: DynamoDbCertificateStore;
let bench: OpensslWorkbench;
let caPemPath: string;
const eventBridge = new FakeEventBridge(ACCOUNT, REGION);

// The API invokes the CRL function asynchronously: Lambda queues the event and answers 202.
const lambdaStub = mockClient(LambdaClient);
lambdaStub.on(InvokeCommand).resolves({ StatusCode: 202 });
// The CRL function's one S3 call; the bodies put are kept as the bucket would.
const crlPuts: PutObjectCommandInput[] = [];
const s3Stub = mockClient(S3Client);
s3Stub.on(PutObjectCommand).callsFake((input: PutObjectCommandInput) => {
  crlPuts.push(input);
  return { ETag: `"${crlPuts.length}"` };
});

const arns = { imported: '', revoked: '' };
let leaf: OpensslCertificate;

beforeAll(async () => {
  lambda = await startLambdaEnvironment({
    region: REGION,
    tableName: TABLE_NAME,
    eventBridge,
    variables: {
      CERTWRIGHT_HOSTED_ZONES: '[]',
      CERTWRIGHT_CRL_FUNCTION_ARN: CRL_FUNCTION_ARN,
      CERTWRIGHT_CRL_BUCKET: CRL_BUCKET,
      CERTWRIGHT_CRL_KEY: CRL_KEY,
      CERTWRIGHT_CRL_URL: `http://${CRL_BUCKET}.s3.${REGION}.amazonaws.com/${CRL_KEY}`,
    },
  });
  store = new DynamoDbCertificateStore(lambda.table.client, TABLE_NAME);
  bench = await OpensslWorkbench.create();

  const caPem = await installKmsCa({
    region: REGION,
    caKeyArn: lambda.caKeyArn,
    dynamodb: lambda.table.client,
    tableName: TABLE_NAME,
    subject: 'CN=Certwright Lifecycle Test Root, O=Certwright Lifecycle Tests',
  });
  caPemPath = await bench.file('certwright-ca.pem', caPem);
});

afterAll(async () => {
  lambdaStub.restore();
  s3Stub.restore();
  await lambda?.close();
  await bench?.cleanup();
});

async function callApiOk<T>(operation: string, body: object): Promise<T> {
  const response = await callApiLambda(ACCOUNT, operation, body);
  expect(response.statusCode, response.body).toBe(200);
  return JSON.parse(response.body) as T;
}

async function callApiError(operation: string, body: object): Promise<{ __type: string; message: string }> {
  const response = await callApiLambda(ACCOUNT, operation, body);
  expect(response.statusCode, response.body).toBe(400);
  return JSON.parse(response.body);
}

interface Described {
  Certificate: {
    Status: string;
    Type: string;
    DomainName: string;
    Serial: string;
    KeyAlgorithm: string;
    SubjectAlternativeNames: string[];
    RevocationReason?: string;
    RevokedAt?: number;
  };
}

function describeCertificate(arn: string): Promise<Described> {
  return callApiOk<Described>('DescribeCertificate', { CertificateArn: arn });
}

const base64 = (text: string) => Buffer.from(text).toString('base64');
const vaultKeyId = () => process.env.CERTWRIGHT_VAULT_KEY_ID as string;

/** The serial openssl prints (`serial=0A1B...`), as ACM writes it: lowercase, colon-separated bytes. */
async function opensslSerial(certificatePath: string): Promise<string> {
  const { stdout } = await openssl(['x509', '-in', certificatePath, '-noout', '-serial']);
  const hex = stdout
    .trim()
    .replace(/^serial=/, '')
    .toLowerCase();
  return (hex.length % 2 ? `0${hex}` : hex).match(/../g)?.join(':') ?? '';
}

describe('ImportCertificate through the API Lambda', () => {
  it('imports an openssl certificate, key and chain: IMPORTED, the key sealed under KMS for its ARN, IMPORT on the bus', async () => {
    const root = await bench.makeCa({ subject: '/O=Lifecycle Import/CN=Import Root' });
    const intermediate = await bench.makeCa({ issuer: root, subject: '/O=Lifecycle Import/CN=Import CA' });
    leaf = await bench.makeLeaf({
      issuer: intermediate,
      names: ['imported.example.test', 'alt.imported.example.test'],
    });
    const dataKeys = lambda.kmsStub.commandCalls(GenerateDataKeyCommand).length;

    const { CertificateArn } = await callApiOk<{ CertificateArn: string }>('ImportCertificate', {
      Certificate: base64(leaf.pem),
      PrivateKey: base64(leaf.key.pem),
      CertificateChain: base64(chainPem(intermediate, root)),
    });
    arns.imported = CertificateArn;
    expect(CertificateArn).toMatch(
      new RegExp(`^arn:aws:acm:${REGION}:${ACCOUNT}:certificate/[0-9a-f-]{36}$`),
    );

    const { Certificate } = await describeCertificate(CertificateArn);
    expect(Certificate).toMatchObject({
      Type: 'IMPORTED',
      Status: 'ISSUED',
      DomainName: 'imported.example.test',
      SubjectAlternativeNames: ['imported.example.test', 'alt.imported.example.test'],
      KeyAlgorithm: 'EC-prime256v1',
      Serial: await opensslSerial(leaf.path),
    });

    // One data key, from the vault key, bound to this certificate's ARN; the table holds only the sealed form.
    const sealing = lambda.kmsStub.commandCalls(GenerateDataKeyCommand).slice(dataKeys);
    expect(sealing.map((call) => call.args[0].input)).toEqual([
      { KeyId: vaultKeyId(), KeySpec: 'AES_256', EncryptionContext: { certificateArn: CertificateArn } },
    ]);
    const { certificateId } = parseCertificateArn(CertificateArn);
    const stored = await store.get(ACCOUNT, certificateId);
    expect(stored?.issued?.sealedPrivateKey).toMatch(/^kms1\./);
    expect(JSON.stringify(stored)).not.toContain(leaf.key.pem.split('\n')[1]);

    // The fake keeps what each bus accepted (and refuses a bus it was not given): this went to the configured one.
    expect(eventBridge.delivered(EVENT_BUS_NAME)).toEqual([
      expect.objectContaining({
        'detail-type': 'ACM Certificate Available',
        source: 'certwright.acm',
        account: ACCOUNT,
        resources: [CertificateArn],
        detail: expect.objectContaining({
          Action: 'IMPORT',
          CertificateType: 'IMPORTED',
          CommonName: 'imported.example.test',
          CertificateKeyPairOrigin: 'CUSTOMER_PROVIDED',
        }),
      }),
    ]);
  });
});

describe('ExportCertificate through the API Lambda', () => {
  it('opens the sealed key with KMS Decrypt under the ARN context; openssl opens the export with the passphrase', async () => {
    const decrypts = lambda.kmsStub.commandCalls(DecryptCommand).length;

    const exported = await callApiOk<{ Certificate: string; CertificateChain: string; PrivateKey: string }>(
      'ExportCertificate',
      { CertificateArn: arns.imported, Passphrase: base64(PASSPHRASE) },
    );

    const opened = lambda.kmsStub.commandCalls(DecryptCommand).slice(decrypts);
    expect(opened).toHaveLength(1);
    expect(opened[0]?.args[0].input).toMatchObject({
      KeyId: vaultKeyId(),
      EncryptionContext: { certificateArn: arns.imported },
    });
    expect(exported.Certificate.trim()).toBe(leaf.pem.trim());
    expect(exported.PrivateKey).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
    const keyAsImported = createPrivateKey(leaf.key.pem).export({ type: 'pkcs8', format: 'der' });
    expect(await opensslDecrypt(exported.PrivateKey, PASSPHRASE, bench.directory)).toEqual(
      new Uint8Array(keyAsImported),
    );
    await expect(opensslDecrypt(exported.PrivateKey, 'not the passphrase', bench.directory)).rejects.toThrow(
      /openssl pkey failed/,
    );
  });

  it('the sealed key does not open under another certificate’s context: KMS refuses the data key', async () => {
    const { certificateId } = parseCertificateArn(arns.imported);
    const sealed = (await store.get(ACCOUNT, certificateId))?.issued?.sealedPrivateKey as string;
    const otherArn = arns.imported.replace(/[0-9a-f]{12}$/, '000000000000');
    const wrappedDataKey = Buffer.from(sealed.split('.')[1] as string, 'base64url');
    const kms = new KMSClient({ region: REGION });

    await expect(
      kms.send(
        new DecryptCommand({
          KeyId: vaultKeyId(),
          CiphertextBlob: wrappedDataKey,
          EncryptionContext: { certificateArn: otherArn },
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidCiphertextException);
    await expect(new KmsKeyVault(kms, vaultKeyId()).open(sealed, otherArn)).rejects.toThrow(
      `the sealed key does not open for context ${otherArn} (KMS InvalidCiphertextException`,
    );
    // The same data key under its own context opens: it is the context, not the blob, that was refused.
    const own = await kms.send(
      new DecryptCommand({
        KeyId: vaultKeyId(),
        CiphertextBlob: wrappedDataKey,
        EncryptionContext: { certificateArn: arns.imported },
      }),
    );
    expect(own.Plaintext).toHaveLength(32);
  });
});

describe('RevokeCertificate through the API Lambda, then the publish-crl Lambda', () => {
  let leafPath: string;
  let serial: string;

  it('issues a requested certificate through the issue task', async () => {
    const { CertificateArn } = await callApiOk<{ CertificateArn: string }>('RequestCertificate', {
      DomainName: 'revoked.example.test',
      ValidationMethod: 'DNS',
    });
    arns.revoked = CertificateArn;
    await markDomainsValidated(store, CertificateArn);
    const issued = (await issueHandler({ certificateArn: CertificateArn }, {} as Context)) as {
      outcome: string;
      serial: string;
    };
    expect(issued.outcome).toBe('ISSUED');

    const got = await callApiOk<{ Certificate: string }>('GetCertificate', { CertificateArn });
    leafPath = await bench.file('revoked-leaf.pem', got.Certificate);
    const verified = await openssl(['verify', '-CAfile', caPemPath, leafPath]);
    expect(verified.stdout.trim(), verified.stderr).toBe(`${leafPath}: OK`);
    serial = (await describeCertificate(CertificateArn)).Certificate.Serial;
    expect(serial).toBe(await opensslSerial(leafPath));
    expect(serial.replaceAll(':', '')).toBe(issued.serial);
  });

  it('revokes it: REVOKED, the Revoked event on the bus, and the CRL function invoked asynchronously', async () => {
    const delivered = eventBridge.delivered(EVENT_BUS_NAME).length;

    expect(
      await callApiOk('RevokeCertificate', {
        CertificateArn: arns.revoked,
        RevocationReason: 'KEY_COMPROMISE',
      }),
    ).toEqual({ CertificateArn: arns.revoked });

    const invocations = lambdaStub.commandCalls(InvokeCommand).map((call) => call.args[0].input);
    expect(invocations).toHaveLength(1);
    expect(invocations[0]).toMatchObject({ FunctionName: CRL_FUNCTION_ARN, InvocationType: 'Event' });
    const payload = JSON.parse(Buffer.from(invocations[0]?.Payload as Uint8Array).toString('utf8'));
    expect(payload).toEqual(CRL_REFRESH_EVENT);

    expect(eventBridge.delivered(EVENT_BUS_NAME).slice(delivered)).toEqual([
      expect.objectContaining({
        'detail-type': 'ACM Certificate Revoked',
        source: 'certwright.acm',
        resources: [arns.revoked],
        detail: expect.objectContaining({
          CommonName: 'revoked.example.test',
          CertificateType: 'AMAZON_ISSUED',
        }),
      }),
    ]);
    const { Certificate } = await describeCertificate(arns.revoked);
    expect(Certificate).toMatchObject({ Status: 'REVOKED', RevocationReason: 'KEY_COMPROMISE' });
    expect(Math.abs((Certificate.RevokedAt ?? 0) * 1000 - Date.now())).toBeLessThan(60_000);

    // A second revocation is ACM's ConflictException and asks for no other CRL.
    expect(
      await callApiError('RevokeCertificate', {
        CertificateArn: arns.revoked,
        RevocationReason: 'KEY_COMPROMISE',
      }),
    ).toEqual({
      __type: 'ConflictException',
      message: `Certificate ${arns.revoked} has already been revoked.`,
    });
    expect(lambdaStub.commandCalls(InvokeCommand)).toHaveLength(1);
  });

  it('the publish-crl Lambda, run on that event, puts a DER CRL signed through KMS that openssl verifies and that lists the serial', async () => {
    const signs = lambda.kmsStub.commandCalls(SignCommand).length;
    const invocation = lambdaStub.commandCalls(InvokeCommand)[0]?.args[0].input;
    const event = JSON.parse(Buffer.from(invocation?.Payload as Uint8Array).toString('utf8'));

    const published = await publishCrlHandler(event, {} as Context);

    expect(published).toMatchObject({ entries: 1 });
    expect(
      lambda.kmsStub
        .commandCalls(SignCommand)
        .slice(signs)
        .map((call) => call.args[0].input),
    ).toEqual([expect.objectContaining({ KeyId: lambda.caKeyArn, MessageType: 'DIGEST' })]);
    expect(crlPuts).toHaveLength(1);
    const put = crlPuts[0] as PutObjectCommandInput;
    expect(put).toMatchObject({ Bucket: CRL_BUCKET, Key: CRL_KEY, ContentType: 'application/pkix-crl' });
    const crlDer = await bench.file('published.crl', put.Body as Uint8Array);

    const crl = await openssl([
      'crl',
      '-inform',
      'DER',
      '-in',
      crlDer,
      '-CAfile',
      caPemPath,
      '-verify',
      '-noout',
      '-text',
    ]);
    expect(crl.code, crl.stderr).toBe(0);
    expect(crl.stderr.trim()).toBe('verify OK');
    expect(crl.stdout).toContain(`Serial Number: ${serial.replaceAll(':', '').toUpperCase()}`);
    expect(crl.stdout).toContain('Key Compromise');
    expect(crl.stdout).toContain(
      `Issuer: CN = Certwright Lifecycle Test Root, O = Certwright Lifecycle Tests`,
    );

    // What a relying party concludes from it: the revoked leaf no longer verifies.
    const crlPem = join(bench.directory, 'published-crl.pem');
    expect((await openssl(['crl', '-inform', 'DER', '-in', crlDer, '-out', crlPem])).code).toBe(0);
    const checked = await openssl([
      'verify',
      '-crl_check',
      '-CAfile',
      caPemPath,
      '-CRLfile',
      crlPem,
      leafPath,
    ]);
    expect(checked.code).not.toBe(0);
    expect(checked.stdout + checked.stderr).toContain('certificate revoked');
  });
});

describe('ListCertificates and SearchCertificates through the API Lambda', () => {
  interface ListPage {
    CertificateSummaryList: Array<{
      CertificateArn: string;
      Status: string;
      Type: string;
      KeyAlgorithm: string;
    }>;
    NextToken?: string;
  }
  interface SearchPage {
    Results: Array<{
      CertificateArn: string;
      X509Attributes?: { SerialNumber: string; KeyAlgorithm: string };
      CertificateMetadata: { AcmCertificateMetadata: { Status: string; Type: string } };
    }>;
    NextToken?: string;
  }
  const BOTH_KEY_TYPES = { keyTypes: ['RSA_2048', 'EC_prime256v1'] };
  const these = (...values: string[]) => [...values].sort();

  it('lists only the RSA_2048 certificate by default, both with Includes.keyTypes', async () => {
    const byDefault = await callApiOk<ListPage>('ListCertificates', {});
    expect(byDefault.CertificateSummaryList.map((summary) => summary.CertificateArn)).toEqual([arns.revoked]);

    const both = await callApiOk<ListPage>('ListCertificates', { Includes: BOTH_KEY_TYPES });
    expect(both.NextToken).toBeUndefined();
    const summaries = Object.fromEntries(
      both.CertificateSummaryList.map((summary) => [summary.CertificateArn, summary]),
    );
    expect(summaries[arns.imported]).toMatchObject({
      Type: 'IMPORTED',
      Status: 'ISSUED',
      KeyAlgorithm: 'EC-prime256v1',
    });
    expect(summaries[arns.revoked]).toMatchObject({
      Type: 'AMAZON_ISSUED',
      Status: 'REVOKED',
      KeyAlgorithm: 'RSA-2048',
    });
    expect(Object.keys(summaries).sort()).toEqual(these(arns.imported, arns.revoked));
  });

  it('pages ListCertificates one at a time with a NextToken made by KMS GenerateMac, and refuses a tampered one', async () => {
    const macs = lambda.kmsStub.commandCalls(GenerateMacCommand).length;
    const first = await callApiOk<ListPage>('ListCertificates', { Includes: BOTH_KEY_TYPES, MaxItems: 1 });
    expect(first.CertificateSummaryList).toHaveLength(1);
    expect(first.NextToken).toEqual(expect.any(String));
    const macCalls = lambda.kmsStub.commandCalls(GenerateMacCommand).slice(macs);
    expect(macCalls.length).toBeGreaterThan(0);
    for (const call of macCalls) {
      expect(call.args[0].input).toMatchObject({
        KeyId: process.env.CERTWRIGHT_MAC_KEY_ID,
        MacAlgorithm: 'HMAC_SHA_256',
      });
    }

    const second = await callApiOk<ListPage>('ListCertificates', {
      Includes: BOTH_KEY_TYPES,
      MaxItems: 1,
      NextToken: first.NextToken,
    });
    expect(second.CertificateSummaryList).toHaveLength(1);
    const paged = [...first.CertificateSummaryList, ...second.CertificateSummaryList].map(
      (summary) => summary.CertificateArn,
    );
    expect(paged.sort()).toEqual(these(arns.imported, arns.revoked));
    if (second.NextToken) {
      const third = await callApiOk<ListPage>('ListCertificates', {
        Includes: BOTH_KEY_TYPES,
        MaxItems: 1,
        NextToken: second.NextToken,
      });
      expect(third).toEqual({ CertificateSummaryList: [] });
    }

    const token = first.NextToken as string;
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(
      await callApiError('ListCertificates', { Includes: BOTH_KEY_TYPES, MaxItems: 1, NextToken: tampered }),
    ).toEqual({ __type: 'InvalidArgsException', message: 'The NextToken is not valid for this request.' });
    // A token is bound to its query: the default key types make another query.
    expect((await callApiError('ListCertificates', { MaxItems: 1, NextToken: token })).__type).toBe(
      'InvalidArgsException',
    );
  });

  it('searches by metadata and by DNS name, with the imported and the revoked certificate as results', async () => {
    const found = async (FilterStatement: object) =>
      (await callApiOk<SearchPage>('SearchCertificates', { FilterStatement })).Results;

    const byType = await found({ Filter: { AcmCertificateMetadataFilter: { Type: 'IMPORTED' } } });
    expect(byType.map((result) => result.CertificateArn)).toEqual([arns.imported]);
    expect(byType[0]).toMatchObject({
      X509Attributes: { SerialNumber: await opensslSerial(leaf.path), KeyAlgorithm: 'EC_prime256v1' },
      CertificateMetadata: { AcmCertificateMetadata: { Status: 'ISSUED', Type: 'IMPORTED' } },
    });

    const revoked = await found({
      And: [
        {
          Filter: {
            X509AttributeFilter: {
              SubjectAlternativeName: { DnsName: { Value: 'example.test', ComparisonOperator: 'CONTAINS' } },
            },
          },
        },
        { Filter: { AcmCertificateMetadataFilter: { Status: 'REVOKED' } } },
      ],
    });
    expect(revoked.map((result) => result.CertificateArn)).toEqual([arns.revoked]);
    expect(revoked[0]?.CertificateMetadata.AcmCertificateMetadata).toMatchObject({
      Status: 'REVOKED',
      Type: 'AMAZON_ISSUED',
    });

    const either = await found({
      Or: [
        { Filter: { CertificateArn: arns.imported } },
        { Filter: { AcmCertificateMetadataFilter: { Status: 'REVOKED' } } },
      ],
    });
    expect(either.map((result) => result.CertificateArn).sort()).toEqual(these(arns.imported, arns.revoked));
  });

  it('pages SearchCertificates with MaxResults 1 and its NextToken', async () => {
    const macs = lambda.kmsStub.commandCalls(GenerateMacCommand).length;
    const seen: string[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const page: SearchPage = await callApiOk<SearchPage>('SearchCertificates', {
        MaxResults: 1,
        SortBy: 'CREATED_AT',
        SortOrder: 'ASCENDING',
        ...(NextToken ? { NextToken } : {}),
      });
      expect(page.Results.length).toBeLessThanOrEqual(1);
      seen.push(...page.Results.map((result) => result.CertificateArn));
      NextToken = page.NextToken;
      pages += 1;
    } while (NextToken && pages < 5);
    // Created in this order: the import, then the request.
    expect(seen).toEqual([arns.imported, arns.revoked]);
    expect(lambda.kmsStub.commandCalls(GenerateMacCommand).length).toBeGreaterThan(macs);
  });
});
