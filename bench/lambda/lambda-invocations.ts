import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { saveIssuerCertificate } from '../../functions/adapters/aws/dynamodb-issuer-source.ts';
import { KmsCaSigner } from '../../functions/adapters/aws/kms-ca-signer.ts';
import { acmProxyEvent } from '../../functions/api/proxy-event.ts';
import { createSelfSignedCaCertificate } from '../../functions/core/issuance/ca-certificate.ts';
import type { CertificateRecord } from '../../functions/core/model.ts';
import type { FunctionName } from '../../lib/certwright-function.ts';
import type { EmbeddedTable } from '../../local/embedded-table.ts';
import { scheduledEvent } from '../../local/schedule-timer.ts';
import { type FakeKms, fakeKmsClient } from '../../test/adapters/aws/fake-kms.ts';
import { ACCOUNT, pendingCertificate, REGION } from '../../test/unit/core/core-fixtures.ts';
import { issuedCertificate } from '../../test/unit/core/schedule/schedule-fixtures.ts';

const HOUR_MS = 60 * 60 * 1000;

export interface Invocation {
  /** The event of the `index`th cold start (each gets its own certificate where the event changes one). */
  event(index: number): Promise<unknown>;
  /** The AWS services the handler calls, all on loopback. */
  calls: string;
}

/** The environment every function is composed from, as the stack sets it, with loopback endpoints. */
export function lambdaEnvironment(options: {
  table: EmbeddedTable;
  twinUrl: string;
  keys: { ca: string; vault: string; mac: string };
}): Record<string, string> {
  const { table, twinUrl, keys } = options;
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
    AWS_ENDPOINT_URL_KMS: twinUrl,
    AWS_ENDPOINT_URL_SFN: twinUrl,
    AWS_ENDPOINT_URL_EVENTBRIDGE: twinUrl,
    AWS_ENDPOINT_URL_S3: twinUrl,
    CERTWRIGHT_TABLE_NAME: table.tableName,
    CERTWRIGHT_CA_KEY_ID: keys.ca,
    CERTWRIGHT_VAULT_KEY_ID: keys.vault,
    CERTWRIGHT_MAC_KEY_ID: keys.mac,
    CERTWRIGHT_STATE_MACHINE_ARN: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:certwright-certificate`,
    CERTWRIGHT_EVENT_BUS_NAME: 'certwright-events',
    CERTWRIGHT_VALIDATION_DOMAIN: 'acm-validations.certwright.test',
    // A closed loopback port: a validation check is refused at once instead of leaving the machine.
    CERTWRIGHT_DNS_RESOLVERS: '127.0.0.1:9',
    CERTWRIGHT_CRL_BUCKET: 'certwright-crl',
    CERTWRIGHT_CRL_KEY: 'ca.crl',
  };
}

/** Creates the KMS keys and installs the CA in the table, as the deploy's bootstrap does. */
export async function prepareAccount(kms: FakeKms, table: EmbeddedTable) {
  const ca = kms.createKey('RSA_2048', { keyUsage: 'SIGN_VERIFY' }).arn;
  const vault = kms.createKey('SYMMETRIC_DEFAULT').arn;
  const mac = kms.createKey('HMAC_256').arn;
  const { client } = fakeKmsClient(kms);
  const signer = await KmsCaSigner.create(client, ca);
  const notBefore = new Date(Date.now() - HOUR_MS);
  const certificatePem = await createSelfSignedCaCertificate({
    signer,
    subject: 'CN=Certwright Bench Root CA,O=Certwright',
    notBefore,
    notAfter: new Date(notBefore.getTime() + 3650 * 24 * HOUR_MS),
    serialHex: `7f${randomUUID().replaceAll('-', '')}`,
  });
  await saveIssuerCertificate(table.client, table.tableName, { certificatePem, chainPem: [] });
  return { ca, vault, mac };
}

/** A DNS-validated request made just now, still pending (its names validated when `validated`). */
async function pending(table: EmbeddedTable, validated: boolean): Promise<CertificateRecord> {
  const now = Date.now();
  const id = randomUUID();
  const base = pendingCertificate({ id, createdAt: new Date(now).toISOString() });
  const certificate = {
    ...base,
    validationDeadline: new Date(now + 72 * HOUR_MS).toISOString(),
    domainValidations: base.domainValidations.map((dv) => ({
      ...dv,
      status: validated ? ('SUCCESS' as const) : dv.status,
    })),
  };
  await table.store.create(certificate);
  return certificate;
}

/** One realistic event per function, and what it calls. */
export async function invocations(table: EmbeddedTable): Promise<Record<FunctionName, Invocation>> {
  const described = issuedCertificate({ id: randomUUID() });
  const stored = { ...described, arn: `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/${described.id}` };
  await table.store.create(stored);
  const task = (validated: boolean) => async () => ({
    certificateArn: (await pending(table, validated)).arn,
  });
  return {
    api: {
      calls: 'DynamoDB (the CA certificate, one GetItem)',
      event: async (index) =>
        acmProxyEvent({
          headers: {
            'Content-Type': 'application/x-amz-json-1.1',
            'X-Amz-Target': 'CertificateManager.DescribeCertificate',
          },
          body: JSON.stringify({ CertificateArn: stored.arn }),
          requestId: `cold-${index}`,
          accountId: ACCOUNT,
        }) satisfies APIGatewayProxyEvent,
    },
    publishValidationRecords: {
      calls: 'DynamoDB (no hosted zone: no Route 53 call)',
      event: task(false),
    },
    checkValidation: { calls: 'DynamoDB; DNS to a closed loopback port', event: task(false) },
    issueCertificate: {
      calls: 'DynamoDB, KMS (GetPublicKey, GenerateDataKey, Sign), EventBridge; makes an RSA-2048 key',
      event: task(true),
    },
    recordFailure: { calls: 'DynamoDB', event: task(false) },
    schedule: {
      calls: 'DynamoDB (the work queue)',
      event: async (index) =>
        scheduledEvent({ id: `schedule-${index}`, account: ACCOUNT, region: REGION, time: new Date() }),
    },
    publishCrl: { calls: 'DynamoDB, KMS (GetPublicKey, Sign), S3 (PutObject)', event: async () => ({}) },
    approval: {
      calls: 'DynamoDB (an unknown link: one GetItem)',
      event: async () => {
        const token = 'A'.repeat(43);
        return {
          httpMethod: 'GET',
          path: `/approvals/${token}`,
          resource: '/approvals/{token}',
          pathParameters: { token },
          headers: {},
          requestContext: {},
        };
      },
    },
  };
}
