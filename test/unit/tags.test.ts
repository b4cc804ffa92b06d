import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InvalidParameterError,
  InvalidTagError,
  TooManyTagsError,
  ValidationError,
} from '../../functions/core/errors.ts';
import { checkIdempotencyToken, checkTags } from '../../functions/core/tags.ts';
import { expectError } from '../support/thrown.ts';

const TAG_PATTERN = '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*';

function violation(value: string, field: string, constraint: string): string {
  return `1 validation error detected: Value ${value} at '${field}' failed to satisfy constraint: ${constraint}`;
}

function manyTags(count: number) {
  return Array.from({ length: count }, (_, index) => ({ Key: `key${index}`, Value: `value${index}` }));
}

describe('checkTags', () => {
  it('returns valid tags as plain Key/Value objects', () => {
    expect(checkTags([{ Key: 'Env', Value: 'prod' }])).toEqual([{ Key: 'Env', Value: 'prod' }]);
  });

  it('keeps an empty Value and drops a missing or null one', () => {
    expect(checkTags([{ Key: 'a', Value: '' }, { Key: 'b' }, { Key: 'c', Value: null }])).toEqual([
      { Key: 'a', Value: '' },
      { Key: 'b' },
      { Key: 'c' },
    ]);
  });

  it('drops members that are not Key or Value', () => {
    expect(checkTags([{ Key: 'a', Value: 'b', Extra: 'x' }])).toEqual([{ Key: 'a', Value: 'b' }]);
  });

  it('accepts Unicode letters, numbers, separators and _.:/=+-@', () => {
    const text = 'Größe 東京 ١٢٣ _.:/=+-@\u00a0';
    expect(checkTags([{ Key: text, Value: text }])).toEqual([{ Key: text, Value: text }]);
  });

  it('accepts 50 tags, a 128-character key and a 256-character value', () => {
    expect(checkTags(manyTags(50))).toHaveLength(50);
    const tag = { Key: 'k'.repeat(128), Value: 'v'.repeat(256) };
    expect(checkTags([tag])).toEqual([tag]);
  });

  it('refuses a missing Tags member', () => {
    expectError(
      () => checkTags(undefined),
      ValidationError,
      violation('null', 'tags', 'Member must not be null'),
    );
  });

  it('refuses Tags that is not a list', () => {
    expectError(
      () => checkTags({ Key: 'a' }),
      ValidationError,
      violation(`'{"Key":"a"}'`, 'tags', 'Member must be a list'),
    );
  });

  it('refuses an empty list', () => {
    expectError(
      () => checkTags([]),
      ValidationError,
      violation(`'[]'`, 'tags', 'Member must have length greater than or equal to 1'),
    );
  });

  it('refuses more than 50 tags with TooManyTagsException', () => {
    expectError(
      () => checkTags(manyTags(51)),
      TooManyTagsError,
      'The request contains 51 tags; at most 50 are allowed.',
    );
  });

  it('refuses a member that is not a structure', () => {
    expectError(
      () => checkTags([{ Key: 'a' }, 'b']),
      ValidationError,
      violation(`'b'`, 'tags.2.member', 'Member must be a structure with a Key and an optional Value'),
    );
  });

  it('refuses a missing Key', () => {
    expectError(
      () => checkTags([{ Value: 'v' }]),
      ValidationError,
      violation('null', 'tags.1.member.key', 'Member must not be null'),
    );
  });

  it('refuses a Key that is not a string', () => {
    expectError(
      () => checkTags([{ Key: 7 }]),
      ValidationError,
      violation(`'7'`, 'tags.1.member.key', 'Member must be a string'),
    );
  });

  it('refuses an empty Key', () => {
    expectError(
      () => checkTags([{ Key: '' }]),
      ValidationError,
      violation(`''`, 'tags.1.member.key', 'Member must have length greater than or equal to 1'),
    );
  });

  it('refuses a 129-character Key', () => {
    const key = 'k'.repeat(129);
    expectError(
      () => checkTags([{ Key: key }]),
      ValidationError,
      violation(`'${key}'`, 'tags.1.member.key', 'Member must have length less than or equal to 128'),
    );
  });

  it('refuses a 257-character Value at its member path', () => {
    const value = 'v'.repeat(257);
    expectError(
      () => checkTags([{ Key: 'a' }, { Key: 'b', Value: value }]),
      ValidationError,
      violation(`'${value}'`, 'tags.2.member.value', 'Member must have length less than or equal to 256'),
    );
  });

  it.each([
    ['Key', 'a#b', 'key'],
    ['Key', 'tab\there', 'key'],
    ['Value', 'yes!', 'value'],
    ['Value', 'emoji 🙂', 'value'],
  ])('refuses a %s of %j against the pattern', (member, text, path) => {
    const tag = member === 'Key' ? { Key: text } : { Key: 'a', Value: text };
    expectError(
      () => checkTags([tag]),
      ValidationError,
      violation(
        `'${text}'`,
        `tags.1.member.${path}`,
        `Member must satisfy regular expression pattern: ${TAG_PATTERN}`,
      ),
    );
  });

  it.each(['aws:createdBy', 'AWS:x', 'Aws:'])(
    'refuses the reserved key %s with InvalidTagException',
    (key) => {
      expectError(
        () => checkTags([{ Key: 'ok' }, { Key: key, Value: 'v' }]),
        InvalidTagError,
        `Invalid Tag Key: '${key}'. Tag keys starting with 'aws:' are reserved for AWS use and cannot be set.`,
      );
    },
  );

  it.each(['aws', 'awsx:y', 'x-aws:y', 'my:aws:key'])('allows %s, which does not start with aws:', (key) => {
    expect(checkTags([{ Key: key }])).toEqual([{ Key: key }]);
  });

  it('refuses the same key twice with InvalidParameterException', () => {
    expectError(
      () =>
        checkTags([
          { Key: 'Env', Value: 'a' },
          { Key: 'Env', Value: 'b' },
        ]),
      InvalidParameterError,
      "Duplicate tag key 'Env' in the request.",
    );
  });

  it('treats keys differing only in case as different tags', () => {
    expect(checkTags([{ Key: 'Env' }, { Key: 'env' }])).toHaveLength(2);
  });

  it('uses the given field in paths', () => {
    expectError(
      () => checkTags([{ Key: '' }], 'tagList'),
      ValidationError,
      violation(`''`, 'tagList.1.member.key', 'Member must have length greater than or equal to 1'),
    );
  });
});

describe('checkIdempotencyToken', () => {
  it.each(['a', 'tf20260101abc', 'abc_123', 'x'.repeat(32)])('accepts %s', (token) => {
    expect(checkIdempotencyToken(token)).toBe(token);
  });

  it('refuses a missing token with the real AWS message', () => {
    expectError(
      () => checkIdempotencyToken(null),
      ValidationError,
      "1 validation error detected: Value null at 'idempotencyToken' failed to satisfy constraint: Member must not be null",
    );
  });

  it('refuses an empty token', () => {
    expectError(
      () => checkIdempotencyToken(''),
      ValidationError,
      violation(`''`, 'idempotencyToken', 'Member must have length greater than or equal to 1'),
    );
  });

  it('refuses a 33-character token', () => {
    const token = 'x'.repeat(33);
    expectError(
      () => checkIdempotencyToken(token),
      ValidationError,
      violation(`'${token}'`, 'idempotencyToken', 'Member must have length less than or equal to 32'),
    );
  });

  it.each(['6f1c2d3e-aaaa-bbbb', 'with space', 'café'])('refuses %s against \\w+', (token) => {
    expectError(
      () => checkIdempotencyToken(token),
      ValidationError,
      violation(`'${token}'`, 'idempotencyToken', 'Member must satisfy regular expression pattern: \\w+'),
    );
  });

  it('refuses a token that is not a string', () => {
    expectError(
      () => checkIdempotencyToken(12345),
      ValidationError,
      violation(`'12345'`, 'idempotencyToken', 'Member must be a string'),
    );
  });
});

describe('tag properties', () => {
  const tagText = (maxLength: number) =>
    fc.stringMatching(new RegExp(`^[A-Za-z0-9 _.:/=+\\-@äßé東京]{0,${maxLength}}$`), { size: 'max' });
  const ordinaryKey = tagText(128).filter((key) => key.length > 0 && !key.toLowerCase().startsWith('aws:'));

  it('always refuses a key starting with aws: in any case, wherever it appears in the list', () => {
    const reservedPrefix = fc
      .array(fc.boolean(), { minLength: 4, maxLength: 4 })
      .map((upper) => [...'aws:'].map((c, index) => (upper[index] ? c.toUpperCase() : c)).join(''));
    fc.assert(
      fc.property(
        reservedPrefix,
        tagText(124),
        fc.uniqueArray(ordinaryKey, { maxLength: 48 }),
        fc.nat(),
        (prefix, rest, otherKeys, at) => {
          const tags = otherKeys.map((Key) => ({ Key, Value: 'v' }));
          tags.splice(at % (tags.length + 1), 0, { Key: `${prefix}${rest}`, Value: 'v' });
          expect(() => checkTags(tags)).toThrow(InvalidTagError);
        },
      ),
    );
  });

  it('returns any list of distinct, well-formed, unreserved tags unchanged', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ Key: ordinaryKey, Value: tagText(256) }), {
          minLength: 1,
          maxLength: 50,
          selector: (tag) => tag.Key,
        }),
        (tags) => {
          expect(checkTags(tags)).toEqual(tags);
        },
      ),
    );
  });
});
