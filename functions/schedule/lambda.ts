/** The schedule Lambda, invoked by the deployment's EventBridge schedule rule: expires due certificates. */
import { composeScheduleHandler, lambdaHandler } from '../adapters/aws/lambda-composition.ts';

export const handler = lambdaHandler(() => composeScheduleHandler());
