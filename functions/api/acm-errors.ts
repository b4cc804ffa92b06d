import type { APIGatewayProxyResult } from 'aws-lambda';
import { ClientError } from '../core/errors.ts';

export const ACM_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** An error raised by the front end itself, before any use case runs (unknown target, bad JSON). */
export class WireError extends ClientError {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

export function errorResponse(
  code: string,
  message: string,
  status: number,
  requestId: string,
): APIGatewayProxyResult {
  // AccessDeniedException is the one ACM error whose member is `Message`.
  const member = code === 'AccessDeniedException' ? 'Message' : 'message';
  return {
    statusCode: status,
    headers: { 'content-type': ACM_CONTENT_TYPE, 'x-amzn-requestid': requestId },
    body: JSON.stringify({ __type: code, [member]: message }),
  };
}

/** Client mistakes become 400 with their ACM code; anything else is a 500 that leaks nothing. */
export function responseForError(error: unknown, requestId: string): APIGatewayProxyResult {
  if (error instanceof WireError) return errorResponse(error.code, error.message, error.status, requestId);
  if (error instanceof ClientError) return errorResponse(error.code, error.message, 400, requestId);
  return errorResponse(
    'InternalServerException',
    'An internal error occurred. Try again later.',
    500,
    requestId,
  );
}
