/**
 * The intermediate CA flow through the issue-certificate Lambda entry, composed as in AWS (dynalite for the
 * table, the fake KMS for the CA key), with the operator's root made and used by the openssl command line:
 * the first deploy answers a CSR, the operator signs it, the next deploy installs the certificate, and
 * issued certificates chain through it to the root.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignCommand } from '@aws-sdk/client-kms';
import type { APIGatewayProxyResult, CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbIssuerCertificateStore } from '../../../functions/adapters/aws/dynamodb-issuer-source.ts';
import { DynamoDbCertificateStore } from '../../../functions/adapters/aws/dynamodb-store.ts';
import { handler as issueHandler } from '../../../functions/tasks/lambda/issue-certificate.ts';
import { openssl } from '../../unit/issuance/test-ca.ts';
import { callApiLambda } from './api-lambda-call.ts';
import { caBootstrapEvent } from './ca-bootstrap-event.ts';
import { type LambdaEnvironment, startLambdaEnvironment } from './lambda-environment.ts';
import { markDomainsValidated } from './mark-domains-validated.ts';
import { opensslCsr, opensslRoot, opensslSign } from './openssl-root.ts';

const TABLE_NAME = 'certwright-ca-intermediate-lambda-test';
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const CA_SUBJECT = 'CN=Certwright Issuing CA,O=Certwright Intermediate Tests';
const DATA_KEYS = ['CaStatus', 'Created', 'Csr', 'Fingerprint', 'SerialNumber'];

let lambda: LambdaEnvironment;
let store: DynamoDbIssuerCertificateStore;
let dir: string;
let rootPem: string;

beforeAll(async () => {
  lambda = await startLambdaEnvironment({ region: REGION, tableName: TABLE_NAME });
  store = new DynamoDbIssuerCertificateStore(lambda.table.client, TABLE_NAME);
  dir = await mkdtemp(join(tmpdir(), 'certwright-intermediate-lambda-'));
  rootPem = await opensslRoot(dir, 'root', '/CN=Operator Root CA/O=Operator');
});

afterAll(async () => {
  await lambda?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface ResourceResponse {
  PhysicalResourceId: string;
  Data: Record<string, string>;
}

/** An event for this test's CA in INTERMEDIATE mode, after a first deploy in that mode. */
function resourceEvent(
  requestType: 'Create' | 'Update',
  extra: Record<string, string> = {},
): CloudFormationCustomResourceEvent {
  const properties = { CaSubject: CA_SUBJECT, CaValidityYears: '10', CaMode: 'INTERMEDIATE', ...extra };
  return caBootstrapEvent(requestType, properties, { CaSubject: CA_SUBJECT, CaMode: 'INTERMEDIATE' });
}

const invoke = async (event: CloudFormationCustomResourceEvent) =>
  (await issueHandler(event as never, {} as Context)) as ResourceResponse;

describe('an intermediate CA under an openssl root, through the issue-certificate Lambda', () => {
  let csrPem: string;
  let intermediatePem: string;

  it('answers the first deploy with a CSR for the KMS key that openssl verifies', async () => {
    const response = await invoke(resourceEvent('Create'));
    expect(response.PhysicalResourceId).toBe('certwright-ca');
    expect(Object.keys(response.Data).sort()).toEqual(DATA_KEYS);
    expect(response.Data).toMatchObject({
      CaStatus: 'PENDING_CERTIFICATE',
      Fingerprint: '-',
      SerialNumber: '-',
      Created: 'false',
    });
    csrPem = response.Data.Csr as string;
    expect(csrPem).toMatch(
      /^-----BEGIN CERTIFICATE REQUEST-----\n[\s\S]+\n-----END CERTIFICATE REQUEST-----\n$/,
    );
    // CloudFormation refuses custom-resource responses over 4 KB.
    expect(JSON.stringify(response).length).toBeLessThan(2048);
    expect(await store.current()).toBeUndefined();

    await writeFile(join(dir, 'deployment.csr'), csrPem);
    const verified = await openssl(['req', '-in', 'deployment.csr', '-verify', '-noout'], dir);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stderr).toContain('self-signature verify OK');
  });

  it('answers a re-deploy without a certificate with the same CSR, signing nothing', async () => {
    const signs = lambda.kmsStub.commandCalls(SignCommand).length;
    const response = await invoke(resourceEvent('Update'));
    expect(response.Data).toEqual({
      CaStatus: 'PENDING_CERTIFICATE',
      Csr: csrPem,
      Fingerprint: '-',
      SerialNumber: '-',
      Created: 'false',
    });
    expect(lambda.kmsStub.commandCalls(SignCommand)).toHaveLength(signs);
  });

  it('keeps the API answering while the CA waits for its certificate, naming the issuer from the CSR', async () => {
    const requested = await callApiOk<{ CertificateArn: string }>('RequestCertificate', {
      DomainName: 'pending.example.test',
      ValidationMethod: 'DNS',
    });
    const described = await callApiOk<{
      Certificate: { Issuer: string; Status: string; SignatureAlgorithm: string };
    }>('DescribeCertificate', { CertificateArn: requested.CertificateArn });
    expect(described.Certificate).toMatchObject({
      Issuer: 'Certwright Intermediate Tests',
      Status: 'PENDING_VALIDATION',
      SignatureAlgorithm: 'SHA256WITHRSA',
    });
    await callApiOk('DeleteCertificate', { CertificateArn: requested.CertificateArn });
  });

  it('fails a deploy with a certificate for another key, naming the problem', async () => {
    await opensslCsr(dir, 'stranger', '/CN=Certwright Issuing CA/O=Certwright Intermediate Tests');
    const strangerPem = await opensslSign(dir, { csr: 'stranger', ca: 'root', out: 'stranger' });
    await expect(
      invoke(resourceEvent('Update', { CaCertificatePem: strangerPem, CaChainPem: rootPem })),
    ).rejects.toThrow(/is for another key, not the CA key/);
    await expect(invoke(resourceEvent('Update', { CaCertificatePem: strangerPem }))).rejects.toThrow(
      'the custom resource property CaCertificatePem needs CaChainPem',
    );
    expect(await store.current()).toBeUndefined();
  });

  it('installs the certificate the root signed on the next deploy and answers its fingerprint', async () => {
    intermediatePem = await opensslSign(dir, { csr: 'deployment', ca: 'root', out: 'intermediate' });
    const response = await invoke(
      resourceEvent('Update', { CaCertificatePem: intermediatePem, CaChainPem: rootPem }),
    );
    const certificate = new X509Certificate(intermediatePem);
    expect(response).toEqual({
      PhysicalResourceId: 'certwright-ca',
      Data: {
        CaStatus: 'ACTIVE',
        Csr: '-',
        Fingerprint: certificate.fingerprint256,
        SerialNumber: certificate.serialNumber.toLowerCase(),
        Created: 'true',
      },
    });
    const stored = await store.current();
    expect(stored?.certificatePem.trim()).toBe(intermediatePem.trim());
    expect(stored?.chainPem.map((pem) => pem.trim())).toEqual([rootPem.trim()]);
  });

  it('issues certificates that openssl verifies through the intermediate to the root', async () => {
    const requested = await callApiOk<{ CertificateArn: string }>('RequestCertificate', {
      DomainName: 'www.example.test',
      ValidationMethod: 'DNS',
    });
    const certificateArn = requested.CertificateArn;
    await markDomainsValidated(new DynamoDbCertificateStore(lambda.table.client, TABLE_NAME), certificateArn);

    expect(await issueHandler({ certificateArn } as never, {} as Context)).toMatchObject({
      outcome: 'ISSUED',
    });
    const described = await callApiOk<{ Certificate: { Issuer: string } }>('DescribeCertificate', {
      CertificateArn: certificateArn,
    });
    expect(described.Certificate.Issuer).toBe('Certwright Intermediate Tests');

    const got = await callApiOk<{ Certificate: string; CertificateChain: string }>('GetCertificate', {
      CertificateArn: certificateArn,
    });
    const chain = got.CertificateChain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
    expect(chain?.map((pem) => new X509Certificate(pem).fingerprint256)).toEqual([
      new X509Certificate(intermediatePem).fingerprint256,
      new X509Certificate(rootPem).fingerprint256,
    ]);

    await writeFile(join(dir, 'leaf.pem'), got.Certificate);
    await writeFile(join(dir, 'chain.pem'), got.CertificateChain);
    const verified = await openssl(
      [
        'verify',
        '-CAfile',
        'root.pem',
        '-untrusted',
        'intermediate.pem',
        '-purpose',
        'sslserver',
        'leaf.pem',
      ],
      dir,
    );
    expect(verified.stderr).toBe('');
    expect(verified.stdout.trim()).toBe('leaf.pem: OK');
    // The chain GetCertificate answers is enough on its own, with only the root trusted.
    const withChain = await openssl(
      ['verify', '-CAfile', 'root.pem', '-untrusted', 'chain.pem', 'leaf.pem'],
      dir,
    );
    expect(withChain.stdout.trim()).toBe('leaf.pem: OK');
  });

  it('keeps the installed certificate on re-deploys and refuses to replace it with another', async () => {
    const same = await invoke(
      resourceEvent('Update', { CaCertificatePem: intermediatePem, CaChainPem: rootPem }),
    );
    expect(same.Data).toMatchObject({ CaStatus: 'ACTIVE', Created: 'false' });
    const without = await invoke(resourceEvent('Update'));
    expect(without.Data).toEqual(same.Data);

    const secondPem = await opensslSign(dir, { csr: 'deployment', ca: 'root', out: 'second' });
    await expect(
      invoke(resourceEvent('Update', { CaCertificatePem: secondPem, CaChainPem: rootPem })),
    ).rejects.toThrow(/a CA certificate is already installed .* and an installed CA is never replaced/);
    expect((await store.current())?.certificatePem.trim()).toBe(intermediatePem.trim());
  });
});

async function callApiOk<T>(operation: string, body: object): Promise<T> {
  const response: APIGatewayProxyResult = await callApiLambda(ACCOUNT, operation, body);
  expect(response.statusCode, response.body).toBe(200);
  return JSON.parse(response.body) as T;
}
