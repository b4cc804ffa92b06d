/** The check-validation workflow task Lambda: the event is the state's Parameters, the result the task's output. */
import { composeCheckValidationHandler, lambdaHandler } from '../../adapters/aws/lambda-composition.ts';

export const handler = lambdaHandler(() => composeCheckValidationHandler());
