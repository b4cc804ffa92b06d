/**
 * Request bodies and headers that are wrong before any member is read: text that is not JSON, JSON that is
 * not an object, bytes that are not UTF-8, a media type that is not JSON, a target that names no operation.
 */
import fc from 'fast-check';

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** Not JSON at all, or not an object: the valid body cut short or spoilt, or any text. Never blank. */
export function invalidJson(validBody: string): fc.Arbitrary<string> {
  return fc
    .oneof(
      fc
        .integer({ min: 1, max: Math.max(1, validBody.length - 1) })
        .map((length) => validBody.slice(0, length)),
      fc.constantFrom(
        `${validBody}}`,
        `${validBody},`,
        validBody.replace(/"/g, "'"),
        validBody.replace(/}$/, ',}'),
        `/* comment */${validBody}`,
        validBody.replace(/:/, ':NaN,"x":'),
      ),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }),
      fc
        .jsonValue()
        .filter((value) => typeof value !== 'object' || value === null || Array.isArray(value))
        .map((value) => JSON.stringify(value)),
    )
    .filter((text) => text.trim() !== '' && !isJsonObject(text));
}

/** Bytes that are not UTF-8 (a lone 0xFF first), whatever follows. */
export function notUtf8(validBody: string): fc.Arbitrary<Uint8Array<ArrayBuffer>> {
  return fc
    .tuple(
      fc.constantFrom(0xff, 0xfe, 0xc0, 0x80),
      fc.oneof(fc.constant(Buffer.from(validBody)), fc.uint8Array({ maxLength: 200 })),
    )
    .map(([lead, rest]) => new Uint8Array([lead, ...rest]));
}

const JSON_MEDIA_TYPES = ['application/x-amz-json-1.1', 'application/x-amz-json-1.0', 'application/json'];

/** A media type other than the JSON ones: common ones, near misses, and random `type/subtype` tokens. */
export const notJsonContentType = fc
  .oneof(
    fc.constantFrom(
      'text/plain',
      'text/plain;charset=UTF-8',
      'application/xml',
      'text/html',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=fuzz',
      'application/octet-stream',
      'application/x-amz-json-1.2',
      'application/x-amz-json',
      'application/cbor',
      'application/x-amz-cbor-1.1',
      'json',
      '*/*',
    ),
    fc
      .tuple(fc.stringMatching(/^[a-z][a-z0-9.+-]{0,15}$/), fc.stringMatching(/^[a-z0-9][a-z0-9.+-]{0,20}$/))
      .map(([type, subtype]) => `${type}/${subtype}`),
  )
  .filter((type) => !JSON_MEDIA_TYPES.includes(type.split(';')[0]?.trim().toLowerCase() ?? ''));

/** An X-Amz-Target that names no operation: no prefix, another prefix, another case, any text. */
export function unknownTarget(operations: readonly string[], prefix: string): fc.Arbitrary<string> {
  const known = new Set([...operations.map((name) => `${prefix}${name}`), 'Certwright.RunSchedule']);
  return fc
    .oneof(
      fc.constantFrom(...operations),
      fc.constantFrom(...operations).map((name) => `${prefix}${name.toLowerCase()}`),
      fc.constantFrom(...operations).map((name) => `${prefix.toLowerCase()}${name}`),
      fc.constantFrom(...operations).map((name) => `Certwright.${name}`),
      fc
        .constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf')
        .map((name) => `${prefix}${name}`),
      fc.stringMatching(/^[A-Za-z0-9._-]{0,60}$/),
      fc.stringMatching(/^[A-Za-z0-9]{1,40}$/).map((name) => `${prefix}${name}`),
    )
    .filter((target) => !known.has(target));
}
