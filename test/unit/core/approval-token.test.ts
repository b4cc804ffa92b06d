import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  approvalTokenHash,
  isApprovalTokenShape,
  newApprovalToken,
} from '../../../functions/core/approvals/approval-token.ts';
import type { Random } from '../../../functions/core/ports.ts';

function fixedRandom(bytes: Uint8Array): Random & { requested: number[] } {
  const requested: number[] = [];
  return {
    requested,
    bytes: (length) => {
      requested.push(length);
      return bytes.slice(0, length);
    },
    uuid: () => '00000000-0000-4000-8000-000000000000',
  };
}

describe('approval tokens', () => {
  it('are 256 random bits from the Random port, base64url without padding', () => {
    const bytes = Uint8Array.from({ length: 32 }, (_, index) => 0xff - index * 3);
    const random = fixedRandom(bytes);
    const token = newApprovalToken(random);
    expect(random.requested).toEqual([32]);
    expect(token).toBe(Buffer.from(bytes).toString('base64url'));
    expect(token).toHaveLength(43);
    expect(Buffer.from(token, 'base64url')).toEqual(Buffer.from(bytes));
  });

  it('refuses a Random that hands back fewer bytes than asked', () => {
    const short: Random = { bytes: () => new Uint8Array(16), uuid: () => '' };
    expect(() => newApprovalToken(short)).toThrow('expected 32 random bytes, got 16');
  });

  it('are stored as the SHA-256 hex of the token text', () => {
    expect(approvalTokenHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('have a recognisable shape; other strings are not tokens', () => {
    expect(isApprovalTokenShape('A'.repeat(43))).toBe(true);
    for (const text of ['', 'A'.repeat(42), 'A'.repeat(44), `${'A'.repeat(42)}=`, `${'A'.repeat(42)}+`]) {
      expect(isApprovalTokenShape(text)).toBe(false);
    }
  });

  it('property: every 32-byte value makes a URL-safe token of the right shape that decodes back', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const token = newApprovalToken(fixedRandom(bytes));
        expect(isApprovalTokenShape(token)).toBe(true);
        expect(encodeURIComponent(token)).toBe(token);
        expect(new Uint8Array(Buffer.from(token, 'base64url'))).toEqual(bytes);
      }),
    );
  });

  it('property: distinct tokens have distinct hashes, 64 lowercase hex characters, never the token itself', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (a, b) => {
          const tokenA = newApprovalToken(fixedRandom(a));
          const tokenB = newApprovalToken(fixedRandom(b));
          const hashA = approvalTokenHash(tokenA);
          expect(hashA).toMatch(/^[0-9a-f]{64}$/);
          expect(hashA).toBe(createHash('sha256').update(tokenA).digest('hex'));
          expect(hashA).not.toContain(tokenA);
          expect(hashA === approvalTokenHash(tokenB)).toBe(tokenA === tokenB);
        },
      ),
    );
  });
});
