import type { KeyVault } from '../../functions/core/ports.ts';

/** A key vault for compositions whose tests never seal or open a key: any use fails the test. */
export const UNUSED_VAULT: KeyVault = {
  seal: () => Promise.reject(new Error('this test does not seal keys')),
  open: () => Promise.reject(new Error('this test does not open keys')),
};
