import type { APIGatewayProxyEvent } from 'aws-lambda';

/**
 * The part of an API Gateway proxy event the ACM front end reads: `POST /`, the headers, the body, and the
 * caller's account as API Gateway's IAM authorizer records it. The local front end builds its events with
 * this, so the local stack and API Gateway hand the handler the same shape.
 */
export function acmProxyEvent(request: {
  headers: Record<string, string>;
  body: string;
  requestId: string;
  accountId: string;
  accessKey?: string;
}): APIGatewayProxyEvent {
  return {
    httpMethod: 'POST',
    path: '/',
    resource: '/',
    headers: request.headers,
    body: request.body,
    isBase64Encoded: false,
    requestContext: {
      requestId: request.requestId,
      identity: { accountId: request.accountId, accessKey: request.accessKey },
    },
  } as unknown as APIGatewayProxyEvent;
}
