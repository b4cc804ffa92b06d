/**
 * The local stack's RunSchedule target beside the ACM operations: answered with the run's counts, read as
 * JSON like them (another media type is refused before the schedule runs), every other target passed on.
 */
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { acmProxyEvent } from '../../functions/api/proxy-event.ts';
import { RUN_SCHEDULE_TARGET, withRunSchedule } from '../../local/run-schedule-operation.ts';

const CONTEXT = { awsRequestId: 'request-1' } as Context;

function rig() {
  const calls = { runs: 0, passedOn: [] as string[] };
  const handler = withRunSchedule(
    async (event): Promise<APIGatewayProxyResult> => {
      calls.passedOn.push(String(event.headers['X-Amz-Target']));
      return { statusCode: 200, body: '{}' };
    },
    async () => {
      calls.runs += 1;
      return { examined: 3 };
    },
  );
  const call = (target: string, contentType?: string) =>
    handler(
      acmProxyEvent({
        headers: { 'X-Amz-Target': target, ...(contentType ? { 'Content-Type': contentType } : {}) },
        body: '{}',
        requestId: 'request-1',
        accountId: '111122223333',
      }),
      CONTEXT,
    );
  return { calls, call };
}

describe('the RunSchedule target', () => {
  it('runs the schedule and answers its counts', async () => {
    const { calls, call } = rig();
    const answer = await call(RUN_SCHEDULE_TARGET, 'application/x-amz-json-1.1');
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ examined: 3 });
    expect(calls).toEqual({ runs: 1, passedOn: [] });
  });

  it('refuses a body labelled as anything but JSON, as the ACM operations do, without running', async () => {
    const { calls, call } = rig();
    const answer = await call(RUN_SCHEDULE_TARGET, 'text/plain');
    expect(answer.statusCode).toBe(404);
    expect(JSON.parse(answer.body)).toMatchObject({ __type: 'UnknownOperationException' });
    expect(calls.runs).toBe(0);
  });

  it('passes every other target on to the ACM front end', async () => {
    const { calls, call } = rig();
    await call('CertificateManager.ListCertificates', 'application/x-amz-json-1.1');
    expect(calls).toEqual({ runs: 0, passedOn: ['CertificateManager.ListCertificates'] });
  });
});
