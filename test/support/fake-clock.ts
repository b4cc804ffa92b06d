import type { Clock } from '../../functions/core/ports.ts';

/** A clock the test moves by hand: starts at the real time, then only moves when told. */
export class FakeClock implements Clock {
  private current: number;

  constructor(start = new Date()) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(milliseconds: number): void {
    this.current += milliseconds;
  }
}

export const HOUR_MS = 60 * 60 * 1000;
