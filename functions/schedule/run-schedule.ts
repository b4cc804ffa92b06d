import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { runSchedule, type ScheduleDeps } from '../core/schedule/run-schedule.ts';

/**
 * The schedule's handler: an EventBridge scheduled event (in AWS), the local timer's copy of one, or a
 * direct invoke starts a run as of the clock's now. The event carries nothing the run needs; the result is
 * the run's counts. In a Lambda the run keeps within the invocation's remaining time.
 */
export function createScheduleHandler(deps: ScheduleDeps) {
  return middy(async (_event: ScheduledEvent, context: Context) =>
    runSchedule(
      typeof context?.getRemainingTimeInMillis === 'function'
        ? { ...deps, timeLeftMs: () => context.getRemainingTimeInMillis() }
        : deps,
      deps.clock.now(),
    ),
  );
}
