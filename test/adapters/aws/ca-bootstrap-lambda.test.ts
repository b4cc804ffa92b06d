/**
 * The CA bootstrap custom resource through the issue-certificate Lambda entry, composed as in AWS: the
 * table is an in-process dynalite, KMS the fake behind aws-sdk-client-mock. The table starts without a CA,
 * as at the first deploy.
 */
import { X509Certificate } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyResult, CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbIssuerCertificateStore } from '../../../functions/adapters/aws/dynamodb-issuer-source.ts';
import { handler as issueHandler } from '../../../functions/tasks/lambda/issue-certificate.ts';
import { type EmbeddedTable, startEmbeddedTable } from '../../../local/embedded-table.ts';
import { callApiLambda } from './api-lambda-call.ts';
import { FakeKms } from './fake-kms.ts';
import { FakeStepFunctions } from './fake-step-functions.ts';

const TABLE_NAME = 'certwright-ca-bootstrap-lambda-test';
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const SERVICE_TOKEN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:Certwright-CaBootstrapProviderframeworkonEvent`;
const CA_SUBJECT = 'CN=Certwright Deployed Root CA,O=Certwright Deploy Tests';

let table: EmbeddedTable;
let store: DynamoDbIssuerCertificateStore;
const kms = new FakeKms();
const stepFunctions = new FakeStepFunctions();
const kmsStub = kms.attach(KMSClient as unknown as KMSClient);
const sfnStub = mockClient(SFNClient);
// The issue function announces issued certificates on the deployment's event bus; every event is accepted.
const eventsStub = mockClient(EventBridgeClient);
const savedEnv = { ...process.env };

beforeAll(async () => {
  table = await startEmbeddedTable({ region: REGION, tableName: TABLE_NAME });
  store = new DynamoDbIssuerCertificateStore(table.client, TABLE_NAME);
  eventsStub.on(PutEventsCommand).callsFake((input) => ({
    FailedEntryCount: 0,
    Entries: (input.Entries ?? []).map((_entry: unknown, index: number) => ({ EventId: `event-${index}` })),
  }));
  sfnStub
    .on(StartExecutionCommand)
    .callsFake((input) => stepFunctions.client.send(new StartExecutionCommand(input)));
  const stateMachineArn = stepFunctions.createStateMachine('certwright-certificate');
  const caKey = kms.createKey('RSA_2048', { keyUsage: 'SIGN_VERIFY' });
  const vaultKey = kms.createKey('SYMMETRIC_DEFAULT');
  const macKey = kms.createKey('HMAC_256');
  Object.assign(process.env, {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
    CERTWRIGHT_TABLE_NAME: TABLE_NAME,
    CERTWRIGHT_CA_KEY_ID: caKey.arn,
    CERTWRIGHT_VAULT_KEY_ID: vaultKey.arn,
    CERTWRIGHT_MAC_KEY_ID: macKey.arn,
    CERTWRIGHT_STATE_MACHINE_ARN: stateMachineArn,
    CERTWRIGHT_EVENT_BUS_NAME: 'certwright-events',
    CERTWRIGHT_VALIDATION_DOMAIN: 'acm-validations.certwright.test',
    CERTWRIGHT_VALIDITY_DAYS: '90',
  });
});

afterAll(async () => {
  process.env = savedEnv;
  kmsStub.restore();
  sfnStub.restore();
  eventsStub.restore();
  await table?.close();
});

/** An event as the Provider framework passes it to onEvent (CloudFormation gives properties as strings). */
function resourceEvent(
  requestType: 'Create' | 'Update' | 'Delete',
  properties: Record<string, string> = { CaSubject: CA_SUBJECT, CaValidityYears: '10' },
): CloudFormationCustomResourceEvent {
  const common = {
    ServiceToken: SERVICE_TOKEN,
    ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/presigned',
    StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/Certwright/00000000-0000-0000-0000-000000000000`,
    RequestId: `request-${requestType}`,
    LogicalResourceId: 'CaBootstrap',
    ResourceType: 'Custom::CertwrightCa',
    ResourceProperties: { ServiceToken: SERVICE_TOKEN, ...properties },
  };
  if (requestType === 'Create') return { ...common, RequestType: 'Create' };
  if (requestType === 'Update') {
    return {
      ...common,
      RequestType: 'Update',
      PhysicalResourceId: 'certwright-ca',
      OldResourceProperties: { ServiceToken: SERVICE_TOKEN, CaSubject: CA_SUBJECT, CaValidityYears: '10' },
    };
  }
  return { ...common, RequestType: 'Delete', PhysicalResourceId: 'certwright-ca' };
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
    const signs = kmsStub.commandCalls(SignCommand).length;
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
    expect(kmsStub.commandCalls(SignCommand)).toHaveLength(signs);
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
    const signs = kmsStub.commandCalls(SignCommand).length;
    expect(await invoke(resourceEvent('Delete'))).toEqual({ PhysicalResourceId: 'certwright-ca' });
    expect((await store.current())?.certificatePem).toBe(caPem);
    expect(kmsStub.commandCalls(SignCommand)).toHaveLength(signs);
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
