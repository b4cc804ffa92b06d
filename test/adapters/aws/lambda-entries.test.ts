/**
 * The seven Lambda entry files: importable without any environment (composition waits for the first
 * invocation), a composition that fails names the variable at fault, and a failed composition is tried
 * again on the next invocation.
 */
import type { APIGatewayProxyEvent, Context, ScheduledEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as apiHandler } from '../../../functions/api/lambda.ts';
import { handler as approvalHandler } from '../../../functions/approvals/lambda.ts';
import { handler as scheduleHandler } from '../../../functions/schedule/lambda.ts';
import { handler as checkHandler } from '../../../functions/tasks/lambda/check-validation.ts';
import { handler as issueHandler } from '../../../functions/tasks/lambda/issue-certificate.ts';
import { handler as publishHandler } from '../../../functions/tasks/lambda/publish-validation-records.ts';
import { handler as recordFailureHandler } from '../../../functions/tasks/lambda/record-failure.ts';
import { type EmbeddedTable, startEmbeddedTable } from '../../../local/embedded-table.ts';

const TABLE_NAME = 'certwright-entries-test';
const REGION = 'us-east-1';
const UNKNOWN_ARN = `arn:aws:acm:${REGION}:123456789012:certificate/00000000-0000-4000-8000-000000000001`;
const context = { awsRequestId: 'request-1' } as Context;

let table: EmbeddedTable;
let endpoint: string;
const savedEnv = { ...process.env };

function setEnv(values: Record<string, string | undefined>): void {
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('CERTWRIGHT_') || name.startsWith('AWS_')) delete process.env[name];
  }
  for (const [name, value] of Object.entries(values)) if (value !== undefined) process.env[name] = value;
}

function baseEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    CERTWRIGHT_TABLE_NAME: TABLE_NAME,
    ...overrides,
  };
}

beforeAll(async () => {
  table = await startEmbeddedTable({ region: REGION, tableName: TABLE_NAME });
  endpoint = table.endpoint;
});

afterAll(async () => {
  process.env = savedEnv;
  await table?.close();
});

describe('the Lambda entry files', () => {
  it('each export a handler, and import without any environment', () => {
    for (const handler of [
      apiHandler,
      publishHandler,
      checkHandler,
      issueHandler,
      recordFailureHandler,
      scheduleHandler,
      approvalHandler,
    ]) {
      expect(typeof handler).toBe('function');
    }
  });

  it('name the missing variable, and compose again on the next invocation', async () => {
    setEnv(baseEnv({ CERTWRIGHT_TABLE_NAME: undefined }));
    await expect(recordFailureHandler({ certificateArn: UNKNOWN_ARN }, context)).rejects.toThrow(
      'CERTWRIGHT_TABLE_NAME is not set',
    );
    setEnv(baseEnv());
    await expect(recordFailureHandler({ certificateArn: UNKNOWN_ARN }, context)).resolves.toEqual({});
  });

  it('refuse a region-less environment', async () => {
    setEnv(baseEnv({ AWS_REGION: undefined }));
    await expect(checkHandler({ certificateArn: UNKNOWN_ARN }, context)).rejects.toThrow(
      'AWS_REGION is not set',
    );
    setEnv(baseEnv({ CERTWRIGHT_DNS_RESOLVERS: '192.0.2.53:53' }));
    await expect(checkHandler({ certificateArn: UNKNOWN_ARN }, context)).resolves.toMatchObject({
      outcome: 'STOPPED',
    });
  });

  it('the issue function needs the CA key and the vault key', async () => {
    setEnv(baseEnv({ CERTWRIGHT_VAULT_KEY_ID: 'alias/vault' }));
    await expect(issueHandler({ certificateArn: UNKNOWN_ARN }, context)).rejects.toThrow(
      'CERTWRIGHT_CA_KEY_ID is not set',
    );
    setEnv(baseEnv({ CERTWRIGHT_CA_KEY_ID: 'alias/ca' }));
    await expect(issueHandler({ certificateArn: UNKNOWN_ARN }, context)).rejects.toThrow(
      'CERTWRIGHT_VAULT_KEY_ID is not set',
    );
  });

  it('the schedule function needs the event bus and the workflow, and runs on an empty table', async () => {
    const event = {
      version: '0',
      id: 'schedule-1',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: '2026-03-02T00:00:00Z',
      region: REGION,
      resources: [`arn:aws:events:${REGION}:123456789012:rule/certwright-schedule`],
      detail: {},
    } satisfies ScheduledEvent;
    setEnv(baseEnv());
    await expect(scheduleHandler(event, context)).rejects.toThrow('CERTWRIGHT_EVENT_BUS_NAME is not set');
    setEnv(baseEnv({ CERTWRIGHT_EVENT_BUS_NAME: 'certwright-events' }));
    await expect(scheduleHandler(event, context)).rejects.toThrow('CERTWRIGHT_STATE_MACHINE_ARN is not set');
    setEnv(
      baseEnv({
        CERTWRIGHT_EVENT_BUS_NAME: 'certwright-events',
        CERTWRIGHT_STATE_MACHINE_ARN: `arn:aws:states:${REGION}:123456789012:stateMachine:certwright`,
      }),
    );
    await expect(scheduleHandler(event, context)).resolves.toEqual({
      examined: 0,
      expired: 0,
      announced: 0,
      approaching: 0,
      actionRequired: 0,
      renewalsStarted: 0,
    });
  });

  it('the publish function refuses invalid hosted zones, naming the variable', async () => {
    setEnv(baseEnv({ CERTWRIGHT_HOSTED_ZONES: '[{"zoneName":"example.com","hostedZoneId":"not/valid"}]' }));
    await expect(publishHandler({ certificateArn: UNKNOWN_ARN }, context)).rejects.toThrow(
      'CERTWRIGHT_HOSTED_ZONES',
    );
    setEnv(baseEnv({ CERTWRIGHT_HOSTED_ZONES: '[]' }));
    await expect(publishHandler({ certificateArn: UNKNOWN_ARN }, context)).resolves.toEqual({
      attempt: 0,
      published: [],
      mailed: [],
    });
  });

  it('the API function needs the validation domain, its MAC key, its state machine and a bootstrapped CA', async () => {
    const event = {
      headers: { 'X-Amz-Target': 'CertificateManager.ListCertificates' },
      body: '{}',
      requestContext: { identity: { accountId: '123456789012' } },
    } as unknown as APIGatewayProxyEvent;
    const stateMachineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:c';
    const domain = { CERTWRIGHT_VALIDATION_DOMAIN: 'acm-validations.certwright.test' };
    setEnv(baseEnv({ CERTWRIGHT_MAC_KEY_ID: 'alias/mac', CERTWRIGHT_STATE_MACHINE_ARN: stateMachineArn }));
    await expect(apiHandler(event, context)).rejects.toThrow('CERTWRIGHT_VALIDATION_DOMAIN is not set');
    setEnv(baseEnv({ ...domain, CERTWRIGHT_STATE_MACHINE_ARN: stateMachineArn }));
    await expect(apiHandler(event, context)).rejects.toThrow('CERTWRIGHT_MAC_KEY_ID is not set');
    setEnv(baseEnv({ ...domain, CERTWRIGHT_MAC_KEY_ID: 'alias/mac' }));
    await expect(apiHandler(event, context)).rejects.toThrow('CERTWRIGHT_STATE_MACHINE_ARN is not set');
    setEnv(
      baseEnv({
        ...domain,
        CERTWRIGHT_MAC_KEY_ID: 'alias/mac',
        CERTWRIGHT_STATE_MACHINE_ARN: stateMachineArn,
      }),
    );
    await expect(apiHandler(event, context)).rejects.toThrow('the CA certificate has not been bootstrapped');
  });

  it('the approval function needs only the table: an unknown link answers its page, a malformed one too', async () => {
    const page = (token: string) =>
      ({
        httpMethod: 'GET',
        path: `/approvals/${token}`,
        resource: '/approvals/{token}',
        pathParameters: { token },
        headers: {},
        requestContext: {},
      }) as unknown as APIGatewayProxyEvent;
    const token = 'A'.repeat(43);
    setEnv(baseEnv({ CERTWRIGHT_TABLE_NAME: undefined }));
    await expect(approvalHandler(page(token), context)).rejects.toThrow('CERTWRIGHT_TABLE_NAME is not set');
    setEnv(baseEnv());
    for (const candidate of [token, 'not-a-token']) {
      const response = await approvalHandler(page(candidate), context);
      expect(response.statusCode).toBe(404);
      expect(response.headers?.['content-type']).toBe('text/html; charset=utf-8');
      expect(response.body).toContain('Unknown approval link');
    }
  });
});
