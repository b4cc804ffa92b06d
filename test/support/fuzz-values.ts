/**
 * Values that are wrong for a member by construction: of another JSON type, longer than its limit, outside
 * its enum or pattern. Each is paired with the error codes ACM answers it with.
 */
import fc from 'fast-check';

const shortText = fc.string({ unit: 'binary', maxLength: 12 });
const smallObject = fc.dictionary(fc.string({ maxLength: 6 }), shortText, { maxKeys: 3 });
const nonIntegerNumber = fc
  .double({ noNaN: true, noDefaultInfinity: true })
  .filter((value) => !Number.isInteger(value));

/** Any text, surrogate halves and control characters included. */
export const anyText = fc.string({ unit: 'binary', maxLength: 40 });

export const notAString = fc.oneof(
  fc.integer(),
  nonIntegerNumber,
  fc.boolean(),
  fc.array(shortText, { maxLength: 3 }),
  smallObject,
);
export const notAList = fc.oneof(shortText, fc.integer(), fc.boolean(), smallObject);
export const notAStructure = fc.oneof(
  shortText,
  fc.integer(),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
);
export const notAnInteger = fc.oneof(
  shortText,
  nonIntegerNumber,
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 2 }),
);
/** A list whose members are not all strings. */
export const notAStringList = fc.oneof(
  notAList,
  fc.tuple(fc.array(shortText, { maxLength: 2 }), notAString).map(([strings, odd]) => [...strings, odd]),
);

/**
 * A string of `min` to `min + spread` characters: random text repeated, so huge lengths stay cheap to make.
 * With `ascii`, only characters an ARN, a name or a token may hold.
 */
export function longString(min: number, spread: number, ascii = false): fc.Arbitrary<string> {
  const seed = ascii
    ? fc.stringMatching(/^[a-z0-9]{1,8}$/)
    : fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 });
  return fc.tuple(seed, fc.integer({ min, max: min + spread })).map(([text, length]) => {
    const repeated = text.repeat(Math.ceil(length / text.length) + 1);
    return Array.from(repeated).slice(0, length).join('');
  });
}

/** Any text but the allowed values, near misses (another case, a stray space) included. */
export function notInEnum(allowed: readonly string[]): fc.Arbitrary<string> {
  const nearMiss = fc
    .constantFrom(...allowed)
    .chain((value) =>
      fc.constantFrom(value.toLowerCase(), ` ${value}`, `${value} `, value.replace(/_/g, '-'), `${value}X`),
    );
  return fc.oneof(anyText, nearMiss).filter((value) => !allowed.includes(value));
}

/** Characters no tag key or value may hold (`[\p{L}\p{Z}\p{N}_.:/=+\-@]*` is what they may). */
const TAG_BREAKERS = [
  '!',
  '#',
  '$',
  '%',
  '^',
  '&',
  '*',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '|',
  '\\',
  '"',
  "'",
  '<',
  '>',
  '?',
  ',',
  ';',
  '~',
  '`',
  '\u0000',
  '\t',
  '\n',
  '\u007f',
  '\u{1F600}',
  '\u2603',
];

/** Text with at least one character outside the tag pattern, at any place. */
export const badTagText = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9 ]{0,10}$/),
    fc.constantFrom(...TAG_BREAKERS),
    fc.stringMatching(/^[a-z0-9]{0,10}$/),
  )
  .map(([before, breaker, after]) => `${before}${breaker}${after}`);

/** A base64 text that is not base64: a character outside the alphabet, or broken padding. */
export const notBase64 = fc.oneof(
  fc
    .tuple(
      fc.base64String({ maxLength: 40 }),
      fc.constantFrom('!', '*', '-', '_', '.', '\u00e9', '\u0000', '@'),
      fc.nat(40),
    )
    .map(([text, odd, at]) => {
      const position = Math.min(at, text.length);
      return `${text.slice(0, position)}${odd}${text.slice(position)}`;
    }),
  fc.base64String({ minLength: 4, maxLength: 40 }).map((text) => `${text.replace(/=+$/, '')}=x`),
  fc.constantFrom('a', 'ab=', 'abc==', '=', '====', 'ab=c'),
);

/** Base64 of `bytes` random bytes. */
export function base64Bytes(min: number, max: number): fc.Arbitrary<string> {
  return fc
    .integer({ min, max })
    .chain((length) =>
      length > 4096
        ? fc.nat(255).map((fill) => Buffer.alloc(length, fill).toString('base64'))
        : fc
            .uint8Array({ minLength: length, maxLength: length })
            .map((bytes) => Buffer.from(bytes).toString('base64')),
    );
}
