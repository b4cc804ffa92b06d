import { ValidationError } from '../errors.ts';

/** ACM leaves these out of passphrases (its API reference: any ASCII character except #, $ and %). */
const FORBIDDEN = new Set(['#', '$', '%']);
const PRINTABLE_ASCII = { first: 0x20, last: 0x7e };

/**
 * ExportCertificate's passphrase rule (its length, 4-128 bytes, is a wire constraint checked before): ACM's
 * ASCII without `#`, `$` and `%`, and printable, because a control character cannot be typed at openssl's
 * prompt and `-passin file:` drops a line end. A passphrase file written with `echo` ends in a newline, so
 * that case gets its own hint. Messages never repeat the passphrase.
 */
export function checkPassphrase(passphrase: Uint8Array): void {
  passphrase.forEach((byte, index) => {
    const character = String.fromCharCode(byte);
    if (FORBIDDEN.has(character)) {
      throw new ValidationError(
        `The passphrase must not contain the characters #, $ or %; character ${index + 1} is '${character}'.`,
      );
    }
    if (byte < PRINTABLE_ASCII.first || byte > PRINTABLE_ASCII.last) {
      const lineEnd = byte === 0x0a || byte === 0x0d;
      throw new ValidationError(
        `The passphrase must consist of printable ASCII characters; byte ${index + 1} is 0x${byte.toString(16).padStart(2, '0')}${
          lineEnd
            ? " (a line end: write a passphrase file without a trailing newline, e.g. with printf '%s')"
            : ''
        }.`,
      );
    }
  });
}
