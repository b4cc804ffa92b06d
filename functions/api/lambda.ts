/** The API Lambda: API Gateway (IAM authorization) proxy events to the ACM JSON front end. */
import { composeApiHandler, lambdaHandler } from '../adapters/aws/lambda-composition.ts';

export const handler = lambdaHandler(() => composeApiHandler());
