/**
 * The CA bootstrap custom resource through the issue-certificate Lambda entry, composed as in AWS: the
 * table is an in-process dynalite, KMS the fake behind aws-sdk-client-mock. The table starts without a CA,
 * as at the first deploy.
 */
import { X509Certificate } from 'node:crypto';
import { SignCommand } from '@aws-sdk/client-kms';
import type { APIGatewayProxyResult, CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbIssuerCertificateStore } from '../../../functions/adapters/aws/dynamodb-issuer-source.ts';
import { handler as issueHandler } from '../../../functions/tasks/lambda/issue-certificate.ts';
import { callApiLambda } from './api-lambda-call.ts';
import { caBootstrapEvent } from './ca-bootstrap-event.ts';
import { type LambdaEnvironment, startLambdaEnvironment } from './lambda-environment.ts';

const TABLE_NAME = 'certwright-ca-bootstrap-lambda-test';
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const CA_SUBJECT = 'CN=Certwright Deployed Root CA,O=Certwright Deploy Tests';

let lambda: LambdaEnvironment;
let store: DynamoDbIssuerCertificateStore;

beforeAll(async () => {
  lambda = await startLambdaEnvironment({ region: REGION, tableName: TABLE_NAME });
  store = new DynamoDbIssuerCertificateStore(lambda.table.client, TABLE_NAME);
});

afterAll(async () => {
  await lambda?.close();
});

/** An event for this test's root CA; an Update's properties before are the defaults. */
function resourceEvent(
  requestType: 'Create' | 'Update' | 'Delete',
  properties: Record<string, string> = { CaSubject: CA_SUBJECT, CaValidityYears: '10' },
): CloudFormationCustomResourceEvent {
  return caBootstrapEvent(requestType, properties, { CaSubject: CA_SUBJECT, CaValidityYears: '10' });
}

const invoke = (event: unknown) => issueHandler(event as never, {} as Context);

describe('the issue-certificate Lambda as the CA bootstrap custom resource', () => {
  let caPem: string;

  it('creates the CA certificate on Create and answers with a short id, not the PEM', async () => {
    expect(await store.current()).toBeUndefined();
    const response = (await invoke(resourceEvent('Create'))) as {
      PhysicalResourceId: string;
      Data: Record<string, string>;
    };
    const stored = await store.current();
    if (!stored) throw new Error('the bootstrap stored no CA certificate');
    caPem = stored.certificatePem;
    const certificate = new X509Certificate(caPem);
    expect(certificate.subject).toBe('CN=Certwright Deployed Root CA\nO=Certwright Deploy Tests');
    expect(certificate.ca).toBe(true);
    expect(response).toEqual({
      PhysicalResourceId: 'certwright-ca',
      Data: {
        CaStatus: 'ACTIVE',
        Csr: '-',
        SerialNumber: certificate.serialNumber.toLowerCase(),
        Fingerprint: certificate.fingerprint256,
        Created: 'true',
      },
    });
    // CloudFormation refuses custom-resource responses over 4 KB; this one stays tiny.
    expect(JSON.stringify(response).length).toBeLessThan(512);
  });

  it('lets the API name the issuer from CaSubject', async () => {
    const requested = await callApi('RequestCertificate', {
      DomainName: 'www.example.test',
      ValidationMethod: 'DNS',
    });
    expect(requested.statusCode, requested.body).toBe(200);
    const { CertificateArn } = JSON.parse(requested.body) as { CertificateArn: string };
    const described = await callApi('DescribeCertificate', { CertificateArn });
    expect(described.statusCode, described.body).toBe(200);
    expect(JSON.parse(described.body).Certificate.Issuer).toBe('Certwright Deploy Tests');
  });

  it('keeps the CA on Update (a re-deploy), even with other properties, and signs nothing', async () => {
    const signs = lambda.kmsStub.commandCalls(SignCommand).length;
    const response = await invoke(
      resourceEvent('Update', { CaSubject: 'CN=Another Root', CaValidityYears: '5', CaMode: 'ROOT' }),
    );
    expect(response).toEqual({
      PhysicalResourceId: 'certwright-ca',
      Data: {
        CaStatus: 'ACTIVE',
        Csr: '-',
        SerialNumber: new X509Certificate(caPem).serialNumber.toLowerCase(),
        Fingerprint: new X509Certificate(caPem).fingerprint256,
        Created: 'false',
      },
    });
    expect((await store.current())?.certificatePem).toBe(caPem);
    expect(lambda.kmsStub.commandCalls(SignCommand)).toHaveLength(signs);
  });

  it('fails an Update that gives a certificate in ROOT mode, or an unknown CaMode, rather than ignore it', async () => {
    const properties = { CaSubject: CA_SUBJECT, CaValidityYears: '10' };
    await expect(invoke(resourceEvent('Update', { ...properties, CaCertificatePem: caPem }))).rejects.toThrow(
      'the custom resource properties CaCertificatePem and CaChainPem are for CaMode INTERMEDIATE only',
    );
    await expect(invoke(resourceEvent('Update', { ...properties, CaMode: 'SUBORDINATE' }))).rejects.toThrow(
      'the custom resource property CaMode must be ROOT or INTERMEDIATE, got "SUBORDINATE"',
    );
    expect((await store.current())?.certificatePem).toBe(caPem);
  });

  it('fails an Update in INTERMEDIATE mode without a certificate: the installed root is never replaced', async () => {
    await expect(
      invoke(resourceEvent('Update', { CaSubject: CA_SUBJECT, CaMode: 'INTERMEDIATE' })),
    ).rejects.toThrow(/a self-signed root CA .* is installed for the CA key/);
    expect((await store.current())?.certificatePem).toBe(caPem);
  });

  it('does nothing on Delete: the CA stays', async () => {
    const signs = lambda.kmsStub.commandCalls(SignCommand).length;
    expect(await invoke(resourceEvent('Delete'))).toEqual({ PhysicalResourceId: 'certwright-ca' });
    expect((await store.current())?.certificatePem).toBe(caPem);
    expect(lambda.kmsStub.commandCalls(SignCommand)).toHaveLength(signs);
  });

  it('fails a Create whose properties are not a subject and a whole number of years', async () => {
    await expect(
      invoke(resourceEvent('Create', { CaSubject: CA_SUBJECT, CaValidityYears: 'ten' })),
    ).rejects.toThrow(/CaValidityYears/);
    await expect(invoke(resourceEvent('Create', { CaValidityYears: '10' }))).rejects.toThrow(/CaSubject/);
  });

  it('still treats workflow task events as issue tasks', async () => {
    const arn = `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/00000000-0000-4000-8000-000000000000`;
    // No such certificate: the task stops, as it does for any certificate not pending validation.
    expect(await invoke({ certificateArn: arn })).toEqual({ outcome: 'STOPPED' });
  });
});

function callApi(operation: string, body: object): Promise<APIGatewayProxyResult> {
  return callApiLambda(ACCOUNT, operation, body);
}
