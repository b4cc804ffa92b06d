/**
 * The ACM front end reads JSON only: a body labelled with another media type is refused as AWS's JSON front
 * ends refuse it (404 UnknownOperationException) before any operation runs; the awsJson and plain JSON types
 * are read, with or without parameters, as is a request that names no type.
 */
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../../functions/api/api-handler.ts';
import { acmProxyEvent } from '../../../functions/api/proxy-event.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { ACCOUNT, useDynaliteStore } from '../core/core-fixtures.ts';
import { testApiServices } from './api-services-fixture.ts';

const dynamo = useDynaliteStore();

async function call(operation: string, body: object, contentType?: string) {
  const handler = createApiHandler(
    testApiServices(dynamo.store, new FakeClock(new Date('2026-03-01T12:00:00.000Z'))),
  );
  const headers: Record<string, string> = { 'X-Amz-Target': `CertificateManager.${operation}` };
  if (contentType !== undefined) headers['Content-Type'] = contentType;
  const event = acmProxyEvent({
    headers,
    body: JSON.stringify(body),
    requestId: 'request-1',
    accountId: ACCOUNT,
  });
  const response = await handler(event, { awsRequestId: 'request-1' } as Context);
  return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
}

describe('the request content type', () => {
  it.each([
    'text/plain',
    'text/plain;charset=UTF-8',
    'application/xml',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/octet-stream',
    'application/x-amz-json-1.1x',
    'json',
  ])('refuses %s with 404 UnknownOperationException and runs nothing', async (contentType) => {
    const refused = await call('RequestCertificate', { DomainName: 'refused.example.test' }, contentType);
    expect(refused).toEqual({
      status: 404,
      body: {
        __type: 'UnknownOperationException',
        message: 'Unsupported content type; send application/x-amz-json-1.1.',
      },
    });
    const listed = await call('ListCertificates', {}, 'application/x-amz-json-1.1');
    expect(listed).toEqual({ status: 200, body: { CertificateSummaryList: [] } });
  });

  it.each([
    'application/x-amz-json-1.1',
    'application/x-amz-json-1.1; charset=utf-8',
    'application/x-amz-json-1.0',
    'application/json',
    'APPLICATION/JSON',
    undefined,
  ])('reads a body sent as %s', async (contentType) => {
    expect(await call('ListCertificates', {}, contentType)).toEqual({
      status: 200,
      body: { CertificateSummaryList: [] },
    });
  });
});
