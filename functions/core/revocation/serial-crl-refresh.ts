import type { CrlRefresh } from '../ports.ts';

/**
 * A CrlRefresh that runs `publish` in this process, one run at a time: a request made while a run is going
 * queues one more run after it (requests made meanwhile share that run), so a revocation recorded during a
 * run is always in a CRL published later, and two publishes never interleave. `request` resolves once the
 * run is queued; `idle` resolves when nothing is running or queued. A failed run is reported to `onError`,
 * and the next request tries again.
 */
export class SerialCrlRefresh implements CrlRefresh {
  private running: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;

  constructor(
    private readonly publish: () => Promise<unknown>,
    private readonly onError: (error: unknown) => void,
  ) {}

  async request(): Promise<void> {
    void this.next();
  }

  /** Runs a publish after any under way, and resolves when it has finished (errors go to onError). */
  next(): Promise<void> {
    if (this.queued) return this.queued;
    const queued = this.running.then(async () => {
      if (this.queued === queued) this.queued = undefined;
      try {
        await this.publish();
      } catch (error) {
        this.onError(error);
      }
    });
    this.queued = queued;
    this.running = queued;
    return queued;
  }

  idle(): Promise<void> {
    return this.running;
  }
}
