/**
 * The publish-crl Lambda: signs the CRL with the CA key and puts it into the CRL bucket, on the schedule
 * rule's events and on the API's asynchronous refresh requests after a revocation.
 */
import { composePublishCrlHandler, lambdaHandler } from '../../adapters/aws/lambda-composition.ts';

export const handler = lambdaHandler(() => composePublishCrlHandler());
