import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { runSchedule, type ScheduleDeps } from '../core/schedule/run-schedule.ts';

/**
 * The schedule's handler: an EventBridge scheduled event (in AWS) or the local timer's copy of one starts a
 * run as of the clock's now. The event carries nothing the run needs; the result is the run's counts.
 */
export function createScheduleHandler(deps: ScheduleDeps) {
  return middy(async (_event: ScheduledEvent) => runSchedule(deps, deps.clock.now()));
}
