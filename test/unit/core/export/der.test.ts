import { describe, expect, it } from 'vitest';
import {
  integer,
  NULL,
  objectIdentifier,
  octetString,
  sequence,
} from '../../../../functions/core/export/der.ts';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('DER writer', () => {
  it('encodes integers in the fewest bytes, with a zero byte before a set top bit', () => {
    expect(hex(integer(0))).toBe('020100');
    expect(hex(integer(127))).toBe('02017f');
    expect(hex(integer(128))).toBe('02020080');
    expect(hex(integer(600_000))).toBe('02030927c0');
    expect(() => integer(-1)).toThrow(RangeError);
  });

  it('encodes object identifiers with base-128 arcs', () => {
    expect(hex(objectIdentifier('1.2.840.113549.1.5.13'))).toBe('06092a864886f70d01050d');
    expect(hex(objectIdentifier('2.16.840.1.101.3.4.1.42'))).toBe('060960864801650304012a');
    expect(() => objectIdentifier('1')).toThrow(RangeError);
  });

  it('uses the short length form below 128 bytes and the long form from 128 on', () => {
    expect(hex(octetString(new Uint8Array(127))).slice(0, 4)).toBe('047f');
    expect(hex(octetString(new Uint8Array(128))).slice(0, 6)).toBe('048180');
    expect(hex(octetString(new Uint8Array(300))).slice(0, 8)).toBe('0482012c');
  });

  it('nests sequences around their items', () => {
    expect(hex(sequence(integer(1), NULL))).toBe('30050201010500');
  });
});
