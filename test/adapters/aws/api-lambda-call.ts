import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { handler as apiHandler } from '../../../functions/api/lambda.ts';
import { acmProxyEvent } from '../../../functions/api/proxy-event.ts';

let requestCounter = 0;

/** Invokes the API Lambda as API Gateway does after its IAM authorizer accepted `accountId`. */
export function callApiLambda(
  accountId: string,
  operation: string,
  body: object,
): Promise<APIGatewayProxyResult> {
  requestCounter += 1;
  const requestId = `request-${requestCounter}`;
  const event = acmProxyEvent({
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `CertificateManager.${operation}`,
    },
    body: JSON.stringify(body),
    requestId,
    accountId,
  });
  return apiHandler(event, { awsRequestId: requestId } as Context);
}
