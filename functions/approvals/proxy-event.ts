import type { APIGatewayProxyEvent } from 'aws-lambda';

/**
 * The API Gateway proxy event of a request to the approval site, as the local server hands it over: the
 * method, the path (`/approvals/<token>`) and the headers. The site reads nothing else.
 */
export function approvalProxyEvent(request: {
  method: string;
  path: string;
  /** The path's last segment, as API Gateway's `{token}` path parameter. */
  token: string;
  headers: Record<string, string>;
  requestId: string;
}): APIGatewayProxyEvent {
  return {
    httpMethod: request.method,
    path: request.path,
    resource: '/approvals/{token}',
    pathParameters: { token: request.token },
    headers: request.headers,
    body: null,
    isBase64Encoded: false,
    requestContext: { requestId: request.requestId },
  } as unknown as APIGatewayProxyEvent;
}
