import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { scheduledEvent, startScheduleTimer } from '../../local/schedule-timer.ts';
import { FakeClock } from '../support/fake-clock.ts';

// The timer's own timeouts are vitest's fake timers (it looks at the clock once a tick); the schedule's
// time is the FakeClock. Neither sleeps.

const TICK_MS = 1000;
const INTERVAL_SECONDS = 3600;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});

afterEach(() => {
  vi.useRealTimers();
});

/** A schedule whose runs are counted, and can be held open or made to fail. */
function schedule() {
  const logs: Array<Record<string, unknown>> = [];
  const state = {
    runs: 0,
    active: 0,
    maxActive: 0,
    failNext: false,
    hold: undefined as Promise<void> | undefined,
  };
  const run = async () => {
    state.runs += 1;
    state.active += 1;
    state.maxActive = Math.max(state.maxActive, state.active);
    try {
      await state.hold;
      if (state.failNext) {
        state.failNext = false;
        throw new Error('table unavailable');
      }
      return { run: state.runs };
    } finally {
      state.active -= 1;
    }
  };
  return { state, logs, run, log: (entry: Record<string, unknown>) => logs.push(entry) };
}

/** A timer due every second, over a schedule whose runs stay open until `release()`. */
function startHeldTimer() {
  const clock = new FakeClock();
  const { state, run, log } = schedule();
  let release = () => {};
  state.hold = new Promise<void>((resolve) => {
    release = resolve;
  });
  const timer = startScheduleTimer({ run, log, clock, intervalSeconds: 1, tickMs: TICK_MS });
  return { clock, state, release, timer };
}

/** Lets the timer take a few looks at the clock. */
async function ticks(count = 3): Promise<void> {
  await vi.advanceTimersByTimeAsync(count * TICK_MS);
}

describe('startScheduleTimer', () => {
  it('runs at start, then once each interval on the clock, and logs each run', async () => {
    const clock = new FakeClock(new Date('2026-03-01T00:00:00Z'));
    const { state, logs, run, log } = schedule();
    const timer = startScheduleTimer({ run, log, clock, intervalSeconds: INTERVAL_SECONDS, tickMs: TICK_MS });

    await ticks();
    expect(state.runs).toBe(1);
    expect(logs).toEqual([{ message: 'schedule ran', result: { run: 1 } }]);

    clock.advance(INTERVAL_SECONDS * 1000 - 1);
    await ticks();
    expect(state.runs).toBe(1);

    clock.advance(1);
    await ticks();
    expect(state.runs).toBe(2);

    // A clock that jumps many intervals ahead gets one run, not one per interval missed.
    clock.advance(30 * INTERVAL_SECONDS * 1000);
    await ticks(10);
    expect(state.runs).toBe(3);
    await timer.stop();
  });

  it('never starts a run while one is under way', async () => {
    const { clock, state, release, timer } = startHeldTimer();

    clock.advance(10_000);
    await ticks(5);
    expect(state.runs).toBe(1);

    state.hold = undefined;
    release();
    await ticks();
    expect(state.runs).toBe(2);
    expect(state.maxActive).toBe(1);
    await timer.stop();
  });

  it('tries a failed run again after a minute rather than a whole interval', async () => {
    const clock = new FakeClock();
    const { state, logs, run, log } = schedule();
    state.failNext = true;
    const timer = startScheduleTimer({ run, log, clock, intervalSeconds: INTERVAL_SECONDS, tickMs: TICK_MS });

    await ticks();
    expect(logs).toEqual([
      { level: 'error', message: 'schedule run failed', error: 'Error: table unavailable' },
    ]);
    clock.advance(59_999);
    await ticks();
    expect(state.runs).toBe(1);
    clock.advance(1);
    await ticks();
    expect(state.runs).toBe(2);
    expect(logs[1]).toEqual({ message: 'schedule ran', result: { run: 2 } });
    await timer.stop();
  });

  it('stops: waits for the run under way, and starts none afterwards', async () => {
    const { clock, state, release, timer } = startHeldTimer();
    await ticks();

    let stopped = false;
    const stopping = timer.stop().then(() => {
      stopped = true;
    });
    await ticks();
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(state.active).toBe(0);

    clock.advance(10 * 60_000);
    await ticks(10);
    expect(state.runs).toBe(1);
  });
});

describe('ScheduleTimer.runNow', () => {
  it('runs after the run under way, never beside it, and answers its result', async () => {
    const { state, release, timer } = startHeldTimer();
    await ticks();
    expect(state.runs).toBe(1);

    const now = timer.runNow();
    await ticks();
    expect(state.runs).toBe(1);
    state.hold = undefined;
    release();

    expect(await now).toEqual({ run: 2 });
    expect(state.maxActive).toBe(1);
    await timer.stop();
  });

  it('throws what the run throws, and keeps the timed runs going', async () => {
    const clock = new FakeClock();
    const { state, run, log } = schedule();
    const timer = startScheduleTimer({ run, log, clock, intervalSeconds: INTERVAL_SECONDS, tickMs: TICK_MS });
    await ticks();
    state.failNext = true;

    await expect(timer.runNow()).rejects.toThrow('table unavailable');
    clock.advance(INTERVAL_SECONDS * 1000);
    await ticks();
    expect(state.runs).toBe(3);
    await timer.stop();
    await expect(timer.runNow()).rejects.toThrow('stopped');
  });
});

describe('scheduledEvent', () => {
  it('is shaped as EventBridge sends a schedule rule’s target', () => {
    expect(
      scheduledEvent({
        id: 'e1',
        account: '000000000000',
        region: 'eu-west-1',
        time: new Date('2026-03-01T00:00:00.250Z'),
      }),
    ).toEqual({
      version: '0',
      id: 'e1',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      time: '2026-03-01T00:00:00Z',
      region: 'eu-west-1',
      resources: [],
      detail: {},
    });
  });
});
