/**
 * The issue-certificate Lambda, the CA: workflow task events (the state's Parameters; the result is the
 * task's output) and the CA bootstrap custom resource's events (the CDK Provider framework's onEvent).
 */
import { composeIssueCertificateHandler, lambdaHandler } from '../../adapters/aws/lambda-composition.ts';

export const handler = lambdaHandler(() => composeIssueCertificateHandler());
