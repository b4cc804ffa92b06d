import type { PollSchedule } from '../settings.ts';

/**
 * Seconds to wait after check number `attempt` (1-based): initial, then growing by `factor`, capped. Always
 * a whole number, because a Step Functions Wait state takes whole seconds only.
 */
export function pollDelaySeconds(attempt: number, schedule: PollSchedule): number {
  const grown = schedule.initialSeconds * schedule.factor ** Math.max(0, attempt - 1);
  return Math.max(1, Math.min(Math.floor(schedule.maxSeconds), Math.round(grown)));
}
