import type { APIGatewayProxyEvent } from 'aws-lambda';
import { isApprovalTokenShape } from '../core/approvals/approval-token.ts';

const TOKEN_IN_PATH = /\/approvals\/([^/]*)\/?$/;

/**
 * The token of `/approvals/{token}`: API Gateway's path parameter, else the path's last segment (the local
 * server's events, and a path behind a stage or base path). Undefined when it has not the shape of a token,
 * so such a link is answered as unknown without asking the store.
 */
export function approvalToken(event: APIGatewayProxyEvent): string | undefined {
  const token = event.pathParameters?.token ?? TOKEN_IN_PATH.exec(event.path ?? '')?.[1];
  return token !== undefined && isApprovalTokenShape(token) ? token : undefined;
}
