import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, MAX_RENEWAL_WINDOW_DAYS } from '../../../functions/core/settings.ts';
import {
  RENEWAL_POLL_MAX_SECONDS,
  renewalPollDelaySeconds,
} from '../../../functions/core/validation/check-renewal-validation.ts';
import { pollDelaySeconds } from '../../../functions/core/validation/poll-schedule.ts';

const schedule = DEFAULT_SETTINGS.pollSchedule;

describe('renewal polling', () => {
  it('follows the poll schedule at first, then grows past its cap up to an hour', () => {
    const waits = Array.from({ length: 20 }, (_, index) => renewalPollDelaySeconds(index + 1, schedule));
    expect(waits.slice(0, 5)).toEqual([1, 2, 3, 4, 5].map((attempt) => pollDelaySeconds(attempt, schedule)));
    expect(Math.max(...waits)).toBe(RENEWAL_POLL_MAX_SECONDS);
    expect(waits).toEqual([...waits].sort((a, b) => a - b));
  });

  it('keeps a renewal waiting the longest renewal window for its names within one execution’s history', () => {
    const horizonSeconds = MAX_RENEWAL_WINDOW_DAYS * 24 * 3600;
    let checks = 0;
    for (let elapsed = 0; elapsed < horizonSeconds; checks++)
      elapsed += renewalPollDelaySeconds(checks + 1, schedule);
    // About 9 history events per check; an execution keeps at most 25,000.
    expect(checks * 9).toBeLessThan(25_000);
  });

  it('never waits less than a slower poll schedule asks', () => {
    const slow = { initialSeconds: 600, factor: 2, maxSeconds: 7200 };
    expect(renewalPollDelaySeconds(10, slow)).toBe(7200);
  });
});
