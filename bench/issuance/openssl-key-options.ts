import type { KeyType } from './key-types.ts';

/** `openssl req -newkey` options for a fresh key of `keyType`. */
export function newKeyOptions(keyType: KeyType): string[] {
  return keyType === 'RSA_2048'
    ? ['-newkey', 'rsa:2048']
    : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
}
