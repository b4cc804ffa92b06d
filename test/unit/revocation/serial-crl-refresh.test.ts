/** The local CRL refresh: one publish at a time, requests during a run share one more run after it. */
import { describe, expect, it } from 'vitest';
import { SerialCrlRefresh } from '../../../functions/core/revocation/serial-crl-refresh.ts';

function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('SerialCrlRefresh', () => {
  it('never runs two publishes at once and folds requests made during a run into one more run', async () => {
    const log: string[] = [];
    const first = gate();
    let runs = 0;
    const refresh = new SerialCrlRefresh(
      async () => {
        runs += 1;
        const run = runs;
        log.push(`start ${run}`);
        if (run === 1) await first.opened;
        log.push(`end ${run}`);
      },
      () => {},
    );
    await refresh.request();
    await Promise.resolve();
    await refresh.request();
    await refresh.request();
    const third = refresh.next();
    first.open();
    await third;
    await refresh.idle();
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('reports a failed run and runs again on the next request', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const refresh = new SerialCrlRefresh(
      async () => {
        runs += 1;
        if (runs === 1) throw new Error('disk full');
      },
      (error) => errors.push(error),
    );
    await refresh.next();
    await refresh.next();
    expect(runs).toBe(2);
    expect(errors.map(String)).toEqual(['Error: disk full']);
  });
});
