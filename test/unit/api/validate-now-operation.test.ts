/**
 * CertificateManager.ValidateNow on the ACM front end: the input checks every operation makes, ACM's error
 * codes, `{}` on success, and the once run it starts. The handler runs with the real store on dynalite.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../../functions/api/api-handler.ts';
import { acmProxyEvent } from '../../../functions/api/proxy-event.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import {
  ACCOUNT,
  type DynaliteStore,
  pendingCertificate,
  RecordingWorkflow,
  startDynaliteStore,
} from '../core/core-fixtures.ts';
import { testApiServices } from './api-services-fixture.ts';

let dynamo: DynaliteStore;
beforeAll(async () => {
  dynamo = await startDynaliteStore();
});
afterAll(async () => {
  await dynamo?.stop();
});

function setup() {
  const workflow = new RecordingWorkflow();
  const handler = createApiHandler(
    testApiServices(dynamo.store, new FakeClock(new Date('2026-03-01T12:00:00.000Z')), { workflow }),
  );
  const call = async (body: unknown) => {
    const event = acmProxyEvent({
      headers: { 'X-Amz-Target': 'CertificateManager.ValidateNow' },
      body: JSON.stringify(body),
      requestId: 'request-1',
      accountId: ACCOUNT,
    });
    const response = await handler(event, { awsRequestId: 'request-1' } as Context);
    return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
  };
  return { call, workflow };
}

describe('CertificateManager.ValidateNow', () => {
  it('answers {} and starts a once run for a pending certificate', async () => {
    const t = setup();
    const certificate = pendingCertificate();
    await dynamo.store.create(certificate);
    expect(await t.call({ CertificateArn: certificate.arn })).toEqual({ status: 200, body: {} });
    expect(t.workflow.starts).toEqual([
      {
        executionName: expect.stringMatching(`^${certificate.id}-now-\\d+$`),
        input: { certificateArn: certificate.arn, once: true },
      },
    ]);
  });

  it('checks its input as ACM does: a missing ARN, a wrong type, a malformed ARN', async () => {
    const t = setup();
    expect(await t.call({})).toEqual({
      status: 400,
      body: {
        __type: 'ValidationException',
        message:
          "1 validation error detected: Value null at 'certificateArn' failed to satisfy constraint: Member must not be null",
      },
    });
    expect((await t.call({ CertificateArn: 42 })).body.__type).toBe('SerializationException');
    const malformed = 'arn:aws:acm:us-east-1:1:nothing';
    expect(await t.call({ CertificateArn: malformed })).toEqual({
      status: 400,
      body: { __type: 'InvalidArnException', message: `String '${malformed}' is not a valid ARN.` },
    });
    expect(t.workflow.starts).toEqual([]);
  });

  it('answers ResourceNotFoundException for an unknown certificate and InvalidStateException unless pending', async () => {
    const t = setup();
    const unknown = pendingCertificate();
    expect(await t.call({ CertificateArn: unknown.arn })).toEqual({
      status: 400,
      body: { __type: 'ResourceNotFoundException', message: `Could not find certificate ${unknown.arn}.` },
    });
    const timedOut = pendingCertificate({ status: 'VALIDATION_TIMED_OUT' });
    await dynamo.store.create(timedOut);
    expect(await t.call({ CertificateArn: timedOut.arn })).toEqual({
      status: 400,
      body: {
        __type: 'InvalidStateException',
        message: `Certificate ${timedOut.arn} is VALIDATION_TIMED_OUT: only a certificate in PENDING_VALIDATION can be checked.`,
      },
    });
    expect(t.workflow.starts).toEqual([]);
  });
});
