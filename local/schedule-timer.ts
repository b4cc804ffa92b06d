import type { ScheduledEvent } from 'aws-lambda';
import { eventTimestamp } from '../functions/core/events/certificate-events.ts';
import type { Clock } from '../functions/core/ports.ts';

export interface ScheduleTimerOptions {
  /** One run of the schedule; what it resolves to is logged. */
  run: () => Promise<unknown>;
  intervalSeconds: number;
  /** The stack's clock: runs fall due by its time, so a test moves them with a fake clock. */
  clock: Clock;
  log: (entry: Record<string, unknown>) => void;
  /** How often, in real milliseconds, the timer looks at the clock. */
  tickMs?: number;
}

export interface ScheduleTimer {
  /**
   * Runs the schedule now, after any run under way (runs never overlap), and answers its result or throws
   * its error. The timed runs keep their rhythm.
   */
  runNow(): Promise<unknown>;
  /** No run starts after this; resolves once a run under way has finished. */
  stop(): Promise<void>;
}

/** A failed run is tried again this soon (or after the interval, if that is shorter). */
const RETRY_AFTER_FAILURE_MS = 60_000;
const DEFAULT_TICK_MS = 1000;

/**
 * The local stand-in for the deployment's EventBridge schedule: runs the schedule at once, then each time
 * `intervalSeconds` have passed on the clock since the last run began. Runs never overlap; a clock that
 * jumps ahead by many intervals gets one run, not one per interval missed.
 */
export function startScheduleTimer(options: ScheduleTimerOptions): ScheduleTimer {
  const { clock, log } = options;
  const intervalMs = options.intervalSeconds * 1000;
  const tickMs = options.tickMs ?? DEFAULT_TICK_MS;
  let stopped = false;
  let nextRunAt = clock.now().getTime();
  let timeout: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  /** One run, logged; what it answers or throws is passed on. */
  const loggedRun = async (): Promise<unknown> => {
    try {
      const result = await options.run();
      log({ message: 'schedule ran', result });
      return result;
    } catch (error) {
      log({ level: 'error', message: 'schedule run failed', error: String(error) });
      throw error;
    }
  };

  const timedRun = async () => {
    const startedAt = clock.now().getTime();
    try {
      await loggedRun();
      nextRunAt = startedAt + intervalMs;
    } catch {
      nextRunAt = startedAt + Math.min(intervalMs, RETRY_AFTER_FAILURE_MS);
    }
  };

  const tick = () => {
    timeout = undefined;
    if (stopped) return;
    const now = clock.now().getTime();
    if (now < nextRunAt || running) {
      // A run started by runNow is under way: look again a tick later.
      timeout = setTimeout(tick, running ? tickMs : Math.min(tickMs, nextRunAt - now)).unref();
      return;
    }
    running = timedRun().finally(() => {
      running = undefined;
      tick();
    });
  };

  const runNow = async (): Promise<unknown> => {
    while (running) await running;
    if (stopped) throw new Error('The schedule timer is stopped.');
    const run = loggedRun();
    running = run.then(
      () => undefined,
      () => undefined,
    );
    const settled = running;
    void settled.finally(() => {
      if (running === settled) running = undefined;
    });
    return run;
  };

  tick();
  return {
    runNow,
    async stop() {
      stopped = true;
      if (timeout) clearTimeout(timeout);
      await running;
    },
  };
}

/** The event EventBridge sends a schedule rule's target, as the local timer passes it to the handler. */
export function scheduledEvent(options: {
  id: string;
  account: string;
  region: string;
  time: Date;
}): ScheduledEvent {
  return {
    version: '0',
    id: options.id,
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: options.account,
    time: eventTimestamp(options.time),
    region: options.region,
    resources: [],
    detail: {},
  };
}
