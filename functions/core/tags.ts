import { checkLength, constraintViolation } from './constraint-violation.ts';
import { InvalidParameterError, InvalidTagError, TooManyTagsError } from './errors.ts';
import type { Tag } from './model.ts';

const MAX_TAGS = 50;
const MAX_KEY_LENGTH = 128;
const MAX_VALUE_LENGTH = 256;
const TAG_PATTERN_SOURCE = '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*';
const TAG_PATTERN = new RegExp(`^${TAG_PATTERN_SOURCE}$`, 'u');
const RESERVED_KEY_PREFIX = 'aws:';

const MAX_IDEMPOTENCY_TOKEN_LENGTH = 32;
const IDEMPOTENCY_TOKEN_PATTERN = /^\w+$/;

/** Checks a string member: present when required, a string, within its length bounds and the tag pattern. */
function checkTagText(value: unknown, field: string, minLength: number, maxLength: number): string {
  if (value === null || value === undefined)
    throw constraintViolation(value, field, 'Member must not be null');
  if (typeof value !== 'string') throw constraintViolation(value, field, 'Member must be a string');
  checkLength(value, field, minLength, maxLength);
  if (!TAG_PATTERN.test(value)) {
    throw constraintViolation(
      value,
      field,
      `Member must satisfy regular expression pattern: ${TAG_PATTERN_SOURCE}`,
    );
  }
  return value;
}

function checkTag(tag: unknown, field: string): Tag {
  if (tag === null || typeof tag !== 'object' || Array.isArray(tag)) {
    throw constraintViolation(tag, field, 'Member must be a structure with a Key and an optional Value');
  }
  const { Key, Value } = tag as Record<string, unknown>;
  const key = checkTagText(Key, `${field}.key`, 1, MAX_KEY_LENGTH);
  if (Value === null || Value === undefined) return { Key: key };
  return { Key: key, Value: checkTagText(Value, `${field}.value`, 0, MAX_VALUE_LENGTH) };
}

/**
 * Validates a request's Tags member and returns it as clean Tag objects. The member is required here:
 * callers for which Tags is optional skip the call when it is absent.
 */
export function checkTags(tags: unknown, field = 'tags'): Tag[] {
  if (tags === null || tags === undefined) throw constraintViolation(tags, field, 'Member must not be null');
  if (!Array.isArray(tags)) throw constraintViolation(tags, field, 'Member must be a list');
  if (tags.length < 1)
    throw constraintViolation(tags, field, 'Member must have length greater than or equal to 1');
  if (tags.length > MAX_TAGS) {
    throw new TooManyTagsError(`The request contains ${tags.length} tags; at most ${MAX_TAGS} are allowed.`);
  }

  const checked = tags.map((tag, index) => checkTag(tag, `${field}.${index + 1}.member`));
  const keys = new Set<string>();
  for (const { Key } of checked) {
    if (Key.toLowerCase().startsWith(RESERVED_KEY_PREFIX)) {
      throw new InvalidTagError(
        `Invalid Tag Key: '${Key}'. Tag keys starting with 'aws:' are reserved for AWS use and cannot be set.`,
      );
    }
    // Tag keys are case-sensitive, so `Env` and `env` are two different tags.
    if (keys.has(Key)) throw new InvalidParameterError(`Duplicate tag key '${Key}' in the request.`);
    keys.add(Key);
  }
  return checked;
}

/** Validates an IdempotencyToken member: 1–32 word characters (so a hyphenated UUID is refused, as by ACM). */
export function checkIdempotencyToken(token: unknown, field = 'idempotencyToken'): string {
  if (token === null || token === undefined)
    throw constraintViolation(token, field, 'Member must not be null');
  if (typeof token !== 'string') throw constraintViolation(token, field, 'Member must be a string');
  checkLength(token, field, 1, MAX_IDEMPOTENCY_TOKEN_LENGTH);
  if (!IDEMPOTENCY_TOKEN_PATTERN.test(token)) {
    throw constraintViolation(token, field, 'Member must satisfy regular expression pattern: \\w+');
  }
  return token;
}

/**
 * Validates RemoveTagsFromCertificate's Tags member: 1–50 tags (more is a constraint violation there, not
 * TooManyTagsException), with the same key and value rules as when adding.
 */
export function checkTagsToRemove(tags: unknown, field = 'tags'): Tag[] {
  if (Array.isArray(tags) && tags.length > MAX_TAGS) {
    throw constraintViolation(tags, field, `Member must have length less than or equal to ${MAX_TAGS}`);
  }
  return checkTags(tags, field);
}

/**
 * The certificate's tags with `added` applied: a new key is appended, an existing key gets the new value
 * (or loses its value when the added tag has none) in its place. More than 50 tags in all is refused.
 */
export function withTagsAdded(current: readonly Tag[], added: readonly Tag[], arn: string): Tag[] {
  const byKey = new Map(current.map((tag) => [tag.Key, tag]));
  for (const tag of added) byKey.set(tag.Key, tag);
  if (byKey.size > MAX_TAGS) {
    throw new TooManyTagsError(
      `The certificate ${arn} would have ${byKey.size} tags; a certificate can have at most ${MAX_TAGS} tags.`,
    );
  }
  return [...byKey.values()].map(({ Key, Value }) => (Value === undefined ? { Key } : { Key, Value }));
}

/**
 * The certificate's tags without `removed`: a tag named by key only goes whatever its value; one named with
 * a value goes only if its value is that value (a missing value counts as the empty string).
 */
export function withTagsRemoved(current: readonly Tag[], removed: readonly Tag[]): Tag[] {
  return current.filter((tag) => !removed.some((gone) => removes(gone, tag)));
}

function removes(gone: Tag, tag: Tag): boolean {
  if (gone.Key !== tag.Key) return false;
  return gone.Value === undefined || gone.Value === (tag.Value ?? '');
}
