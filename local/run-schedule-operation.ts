/**
 * The local stack's one operation beside ACM's: `X-Amz-Target: Certwright.RunSchedule` on the local API runs
 * the schedule now (after a run under way) and answers the run's counts, as `aws lambda invoke` of the
 * deployment's schedule function does. Signed like any request, by any account of the accounts file; the run
 * covers every account, as the timed runs do. The deployed API has no such operation.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { ACM_CONTENT_TYPE, errorResponse, responseForError } from '../functions/api/acm-errors.ts';
import { checkContentType, header } from '../functions/api/wire-request.ts';
import { ScheduleIncompleteError } from '../functions/core/schedule/run-schedule.ts';

export const RUN_SCHEDULE_TARGET = 'Certwright.RunSchedule';

type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** The API handler, with RunSchedule answered by `runNow` and every other target passed on. */
export function withRunSchedule(apiHandler: ProxyHandler, runNow: () => Promise<unknown>): ProxyHandler {
  return async (event, context) => {
    if (header(event, 'x-amz-target') !== RUN_SCHEDULE_TARGET) return apiHandler(event, context);
    const requestId = context.awsRequestId;
    try {
      checkContentType(event);
    } catch (error) {
      return responseForError(error, requestId);
    }
    if (!event.requestContext?.identity?.accountId)
      return errorResponse(
        'AccessDeniedException',
        'The request has no authenticated account.',
        403,
        requestId,
      );
    try {
      return {
        statusCode: 200,
        headers: { 'content-type': ACM_CONTENT_TYPE, 'x-amzn-requestid': requestId },
        body: JSON.stringify(await runNow()),
      };
    } catch (error) {
      // The run settled what it could; its counts and first failure say what.
      if (error instanceof ScheduleIncompleteError) {
        return {
          statusCode: 500,
          headers: { 'content-type': ACM_CONTENT_TYPE, 'x-amzn-requestid': requestId },
          body: JSON.stringify({ __type: error.code, message: error.message, run: error.run }),
        };
      }
      return errorResponse(
        'InternalServerException',
        `The schedule run failed: ${String(error)}`,
        500,
        requestId,
      );
    }
  };
}
