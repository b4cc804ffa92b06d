import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PollSchedule } from '../../../functions/core/settings.ts';
import { DEFAULT_SETTINGS } from '../../../functions/core/settings.ts';
import { pollDelaySeconds } from '../../../functions/core/validation/poll-schedule.ts';

/** Whole-second schedules, as the defaults and most operators write them. */
const integerSchedule: fc.Arbitrary<PollSchedule> = fc.record({
  initialSeconds: fc.integer({ min: 1, max: 3600 }),
  factor: fc.integer({ min: 1, max: 10 }),
  maxSeconds: fc.integer({ min: 1, max: 86_400 }),
});

/** Everything local/settings.ts accepts: finite numbers ≥ 1 (fractions included). */
const acceptedSchedule: fc.Arbitrary<PollSchedule> = fc.record({
  initialSeconds: fc.double({ min: 1, max: 3600, noNaN: true }),
  factor: fc.double({ min: 1, max: 10, noNaN: true }),
  maxSeconds: fc.double({ min: 1, max: 86_400, noNaN: true }),
});

const attempt = fc.integer({ min: 1, max: 10_000 });

describe('pollDelaySeconds', () => {
  it('follows the documented default schedule: 5, 10, 20, 40 … capped at 300 s', () => {
    const delays = Array.from({ length: 9 }, (_, index) =>
      pollDelaySeconds(index + 1, DEFAULT_SETTINGS.pollSchedule),
    );
    expect(delays).toEqual([5, 10, 20, 40, 80, 160, 300, 300, 300]);
  });

  it('is at least 1 and at most maxSeconds, for any accepted schedule and attempt', () => {
    fc.assert(
      fc.property(acceptedSchedule, attempt, (schedule, n) => {
        const delay = pollDelaySeconds(n, schedule);
        expect(delay).toBeGreaterThanOrEqual(1);
        expect(delay).toBeLessThanOrEqual(schedule.maxSeconds);
      }),
    );
  });

  it('never decreases from one attempt to the next', () => {
    fc.assert(
      fc.property(acceptedSchedule, attempt, (schedule, n) => {
        expect(pollDelaySeconds(n + 1, schedule)).toBeGreaterThanOrEqual(pollDelaySeconds(n, schedule));
      }),
    );
  });

  it('starts with initialSeconds when that is within the cap', () => {
    fc.assert(
      fc.property(integerSchedule, (schedule) => {
        fc.pre(schedule.initialSeconds <= schedule.maxSeconds);
        expect(pollDelaySeconds(1, schedule)).toBe(schedule.initialSeconds);
      }),
    );
  });

  it('starts at the cap when initialSeconds exceeds it', () => {
    expect(pollDelaySeconds(1, { initialSeconds: 600, factor: 2, maxSeconds: 300 })).toBe(300);
  });

  it('treats attempt 0 (or less) like the first attempt', () => {
    const schedule = { initialSeconds: 7, factor: 3, maxSeconds: 1000 };
    expect(pollDelaySeconds(0, schedule)).toBe(7);
    expect(pollDelaySeconds(-5, schedule)).toBe(7);
  });

  it('reaches the cap and stays there when the factor grows the delay', () => {
    fc.assert(
      fc.property(
        fc.record({
          initialSeconds: fc.integer({ min: 1, max: 3600 }),
          factor: fc.double({ min: 1.1, max: 10, noNaN: true }),
          maxSeconds: fc.integer({ min: 1, max: 86_400 }),
        }),
        fc.integer({ min: 0, max: 1000 }),
        (schedule, extra) => {
          // initial · factor^(n−1) ≥ max once n − 1 ≥ log(max / initial) / log(factor).
          const needed =
            Math.ceil(Math.log(schedule.maxSeconds / schedule.initialSeconds) / Math.log(schedule.factor)) +
            1;
          const first = Math.max(1, needed);
          expect(pollDelaySeconds(first, schedule)).toBe(schedule.maxSeconds);
          expect(pollDelaySeconds(first + extra, schedule)).toBe(schedule.maxSeconds);
        },
      ),
    );
  });

  it('stays at initialSeconds forever with factor 1', () => {
    const schedule = { initialSeconds: 30, factor: 1, maxSeconds: 300 };
    expect([1, 2, 100, 1_000_000].map((n) => pollDelaySeconds(n, schedule))).toEqual([30, 30, 30, 30]);
  });

  it('survives attempts large enough to overflow the growth to Infinity', () => {
    expect(pollDelaySeconds(100_000, { initialSeconds: 5, factor: 2, maxSeconds: 300 })).toBe(300);
    expect(pollDelaySeconds(Number.MAX_SAFE_INTEGER, { initialSeconds: 1, factor: 10, maxSeconds: 60 })).toBe(
      60,
    );
  });

  // The delay feeds the workflow's Wait state (SecondsPath), which Step Functions accepts only as an integer.
  // local/settings.ts accepts any finite number ≥ 1, e.g. CERTWRIGHT_POLL_MAX_SECONDS=7.5.
  it('is a whole number of seconds for every schedule the settings accept', () => {
    fc.assert(
      fc.property(acceptedSchedule, attempt, (schedule, n) => {
        expect(Number.isInteger(pollDelaySeconds(n, schedule))).toBe(true);
      }),
      { examples: [[{ initialSeconds: 5, factor: 2, maxSeconds: 7.5 }, 10]] },
    );
  });
});
