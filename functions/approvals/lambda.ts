/** The approval site's Lambda: API Gateway proxy events for `/approvals/{token}`, without IAM authorization. */
import { composeApprovalHandler, lambdaHandler } from '../adapters/aws/lambda-composition.ts';

export const handler = lambdaHandler(() => composeApprovalHandler());
