/**
 * The few DER encodings an EncryptedPrivateKeyInfo needs (X.690): SEQUENCE, OCTET STRING, INTEGER, OBJECT
 * IDENTIFIER and NULL, each as a complete TLV.
 */

function tlv(tag: number, content: Uint8Array): Uint8Array {
  return Buffer.concat([Uint8Array.of(tag), derLength(content.length), content]);
}

/** Short form below 128, else long form: 0x80 | byte count, then the length big-endian. */
function derLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function sequence(...items: Uint8Array[]): Uint8Array {
  return tlv(0x30, Buffer.concat(items));
}

export function octetString(bytes: Uint8Array): Uint8Array {
  return tlv(0x04, bytes);
}

/** A non-negative integer, in the fewest bytes, with a leading zero when the top bit would read as a sign. */
export function integer(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`Not a non-negative integer: ${value}`);
  const bytes: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  if (bytes.length === 0 || (bytes[0] as number) >= 0x80) bytes.unshift(0);
  return tlv(0x02, Uint8Array.from(bytes));
}

/** Dotted form in: the first two arcs share a byte, each later arc is base-128 with continuation bits. */
export function objectIdentifier(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const [first, second, ...rest] = arcs;
  if (
    first === undefined ||
    second === undefined ||
    arcs.some((arc) => !Number.isSafeInteger(arc) || arc < 0)
  ) {
    throw new RangeError(`Not an object identifier: ${dotted}`);
  }
  const bytes: number[] = [];
  for (const arc of [first * 40 + second, ...rest]) {
    const groups = [arc % 128];
    for (let high = Math.floor(arc / 128); high > 0; high = Math.floor(high / 128))
      groups.unshift(0x80 | (high % 128));
    bytes.push(...groups);
  }
  return tlv(0x06, Uint8Array.from(bytes));
}

export const NULL = Uint8Array.of(0x05, 0x00);
