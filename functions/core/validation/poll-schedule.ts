import type { PollSchedule } from '../settings.ts';

/** Seconds to wait after check number `attempt` (1-based): initial, then growing by `factor`, capped. */
export function pollDelaySeconds(attempt: number, schedule: PollSchedule): number {
  const grown = schedule.initialSeconds * schedule.factor ** Math.max(0, attempt - 1);
  return Math.max(1, Math.min(schedule.maxSeconds, Math.round(grown)));
}
