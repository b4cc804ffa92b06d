import { afterEach } from 'vitest';

/** A list of clean-ups a test pushes to; after each test they run, the last pushed first. */
export function useCleanups(): Array<() => Promise<void>> {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });
  return cleanups;
}
