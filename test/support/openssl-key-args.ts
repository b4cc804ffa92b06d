/** The `openssl req` arguments for a fresh, unencrypted P-256 key, written to `keyFile`. */
export function newP256KeyArgs(keyFile: string): string[] {
  return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile];
}
