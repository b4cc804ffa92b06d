import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newSerialHex } from '../../../functions/core/issuance/serial.ts';
import type { Random } from '../../../functions/core/ports.ts';

function randomReturning(bytes: Uint8Array): Random {
  return {
    bytes: (length) => {
      expect(length).toBe(16);
      return bytes;
    },
    uuid: () => '00000000-0000-4000-8000-000000000000',
  };
}

describe('newSerialHex', () => {
  it('is a positive 17-byte integer below 2^159 that keeps all 128 random bits, for any random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const original = Uint8Array.from(bytes);
        const hex = newSerialHex(randomReturning(bytes));
        const value = BigInt(`0x${hex}`);

        expect(hex).toMatch(/^[0-9a-f]{34}$/);
        expect(value < 2n ** 159n).toBe(true);
        // 2^128 ≤ value < 2^129: exactly 17 bytes in DER, no sign byte and no leading zero byte.
        expect(value >= 2n ** 128n && value < 2n ** 129n).toBe(true);
        expect(hex.slice(2)).toBe(Buffer.from(original).toString('hex'));
        expect(bytes).toEqual(original);
      }),
    );
  });

  it('is not zero when the random source returns only zeros', () => {
    expect(newSerialHex(randomReturning(new Uint8Array(16)))).toBe(`01${'00'.repeat(16)}`);
  });

  it('refuses a random source that returns too few bytes', () => {
    expect(() => newSerialHex(randomReturning(new Uint8Array(8)))).toThrow(/8 bytes, not 16/);
  });
});
