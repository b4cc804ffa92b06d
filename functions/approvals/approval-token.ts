import type { APIGatewayProxyEvent } from 'aws-lambda';

/**
 * What a token may look like: URL-safe characters, of a length no real token falls outside. Anything else
 * is answered as an unknown link without asking the store.
 */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,128}$/;
const TOKEN_IN_PATH = /\/approvals\/([^/]*)\/?$/;

/**
 * The token of `/approvals/{token}`: API Gateway's path parameter, else the path's last segment (the local
 * server's events, and a path behind a stage or base path). Undefined when it has not the shape of a token.
 */
export function approvalToken(event: APIGatewayProxyEvent): string | undefined {
  const token = event.pathParameters?.token ?? TOKEN_IN_PATH.exec(event.path ?? '')?.[1];
  return token !== undefined && TOKEN_SHAPE.test(token) ? token : undefined;
}
