import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { ClientError } from '../core/errors.ts';
import { ACM_CONTENT_TYPE, responseForError, WireError } from './acm-errors.ts';
import { type ApiServices, OPERATIONS } from './operations.ts';
import type { WireInput } from './wire-input.ts';
import { checkContentType, header } from './wire-request.ts';

const TARGET_PREFIX = 'CertificateManager.';
function parseBody(event: APIGatewayProxyEvent): WireInput {
  const raw = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  if (raw.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as WireInput;
  } catch {
    // reported below
  }
  throw new WireError('SerializationException', 'The request body is not a JSON object.');
}

/**
 * The ACM JSON 1.1 front end: route on X-Amz-Target, parse, call the operation for the caller's account
 * (API Gateway's IAM authorizer, or the local SigV4 check, puts it in requestContext.identity).
 */
export function createApiHandler(services: ApiServices) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>()
    .handler(async (event, context) => {
      checkContentType(event);
      const target = header(event, 'x-amz-target') ?? '';
      const name = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
      const operation = Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name] : undefined;
      if (!operation)
        throw new WireError('UnknownOperationException', `Unknown operation ${target || '(none)'}.`);
      const accountId = event.requestContext?.identity?.accountId;
      if (!accountId)
        throw new WireError('AccessDeniedException', 'The request has no authenticated account.');
      const result = await operation(services, accountId, parseBody(event));
      return {
        statusCode: 200,
        headers: { 'content-type': ACM_CONTENT_TYPE, 'x-amzn-requestid': context.awsRequestId },
        body: JSON.stringify(result),
      };
    })
    .onError(async (request) => {
      if (!(request.error instanceof ClientError)) {
        console.error(
          JSON.stringify({
            level: 'error',
            message: 'Unhandled API error',
            error: String(request.error?.stack),
          }),
        );
      }
      request.response = responseForError(request.error, request.context.awsRequestId);
    });
}
