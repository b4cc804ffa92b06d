import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../functions/core/errors.ts';
import { checkPassphrase } from '../../../../functions/core/export/passphrase.ts';
import { expectError } from '../../../support/thrown.ts';

const bytes = (text: string) => Uint8Array.from(text, (character) => character.charCodeAt(0));

describe('checkPassphrase', () => {
  it('accepts every printable ASCII character but #, $ and %', () => {
    const printable = Array.from({ length: 0x7e - 0x20 + 1 }, (_, index) =>
      String.fromCharCode(0x20 + index),
    );
    const allowed = printable.filter((character) => !'#$%'.includes(character)).join('');
    expect(allowed).toHaveLength(92);
    expect(() => checkPassphrase(bytes(allowed))).not.toThrow();
    expect(() => checkPassphrase(bytes('pass word!'))).not.toThrow();
  });

  it.each([
    ['#', 'ab#cd', 3],
    ['$', '$abcd', 1],
    ['%', 'abcd%', 5],
  ])('refuses %s, naming the character and its position', (character, passphrase, position) => {
    expectError(
      () => checkPassphrase(bytes(passphrase)),
      ValidationError,
      `The passphrase must not contain the characters #, $ or %; character ${position} is '${character}'.`,
    );
  });

  it('refuses a trailing newline with a hint about passphrase files', () => {
    expectError(
      () => checkPassphrase(bytes('secret\n')),
      ValidationError,
      "The passphrase must consist of printable ASCII characters; byte 7 is 0x0a (a line end: write a passphrase file without a trailing newline, e.g. with printf '%s').",
    );
  });

  it('refuses control characters and bytes outside ASCII without repeating the passphrase', () => {
    for (const [passphrase, byte] of [
      [Uint8Array.of(0x61, 0x09, 0x62, 0x63), '0x09'],
      [Uint8Array.of(0x61, 0x62, 0x7f, 0x63), '0x7f'],
      [new TextEncoder().encode('pässword'), '0xc3'],
    ] as const) {
      let message = '';
      try {
        checkPassphrase(passphrase);
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        message = (error as Error).message;
      }
      expect(message).toMatch(
        new RegExp(`^The passphrase must consist of printable ASCII characters; byte \\d is ${byte}\\.$`),
      );
    }
  });
});
