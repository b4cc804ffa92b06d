import { setTimeout as delay } from 'node:timers/promises';

/**
 * Waits for an asynchronous outcome (a workflow step, a server coming up) by asking again until `probe`
 * returns a value. This is waiting for an event, not for time to pass: time-dependent behaviour is tested
 * with a FakeClock.
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await delay(25);
  }
}
