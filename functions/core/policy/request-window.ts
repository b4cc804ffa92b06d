import type { RequestWindow } from '../ports.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** How many UTC days, today included, a request counts toward the request quota. */
export const REQUEST_WINDOW_DAYS = 365;

/** Days since 1970-01-01, counted in UTC. */
export function utcDay(at: Date): number {
  return Math.floor(at.getTime() / DAY_MS);
}

/**
 * The request quota's window at `now`: today (UTC) and the 364 days before it. A request made on UTC day D
 * counts through day D + 364 and stops counting at 00:00 UTC on day D + 365.
 */
export function requestWindow(now: Date): RequestWindow {
  const day = utcDay(now);
  return { day, firstDay: day - REQUEST_WINDOW_DAYS + 1 };
}
