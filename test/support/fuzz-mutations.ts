/**
 * Mutations of a valid request by one defect (a member missing, of the wrong type, too long, outside its
 * enum or pattern, an ARN that is malformed or names nobody's certificate, garbage certificate material),
 * each with the error codes ACM answers it with. A mutated request can never be carried out.
 */
import fc from 'fast-check';
import {
  anyText,
  badTagText,
  base64Bytes,
  longString,
  notAList,
  notAnInteger,
  notAString,
  notAStringList,
  notAStructure,
  notBase64,
  notInEnum,
} from './fuzz-values.ts';
import type { ExpectedRefusal } from './fuzz-wire.ts';

export type WireRequest = Record<string, unknown>;
export type MemberPath = ReadonlyArray<string | number>;

export interface Mutation {
  defect: string;
  input: WireRequest;
  refusal: ExpectedRefusal;
}

export const VALIDATION = ['ValidationException'];
export const SERIALIZATION = ['SerializationException'];
export const MALFORMED_ARN = ['ValidationException', 'InvalidArnException'];
export const NOT_FOUND = ['ResourceNotFoundException'];

const MISSING = Symbol('missing');

/** A deep copy of `input` with the member at `path` set to `value`, or removed. */
export function withMember(input: WireRequest, path: MemberPath, value: unknown): WireRequest {
  const copy = structuredClone(input);
  let parent: Record<string | number, unknown> = copy;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (value === MISSING) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else parent[last] = value;
  return copy;
}

export function memberAt(input: WireRequest, path: MemberPath): unknown {
  return path.reduce<unknown>((value, step) => (value as Record<string | number, unknown>)[step], input);
}

/** One defect of one member: each value `values` yields, put at `path`, answered with one of `codes`. */
export function mutate(
  valid: WireRequest,
  path: MemberPath,
  defect: string,
  values: fc.Arbitrary<unknown>,
  codes: readonly string[],
): fc.Arbitrary<Mutation> {
  return values.map((value) => ({
    defect: `${path.join('.')}: ${defect}`,
    input: withMember(valid, path, value),
    refusal: { codes },
  }));
}

export function missing(valid: WireRequest, path: MemberPath, codes = VALIDATION): fc.Arbitrary<Mutation> {
  return mutate(valid, path, 'missing', fc.constant(MISSING), codes);
}

/** A required (or optional) string member: absent, or not a string. */
export function stringMember(
  valid: WireRequest,
  path: MemberPath,
  options: { required: boolean; wrongTypeCodes?: readonly string[] },
): fc.Arbitrary<Mutation>[] {
  return [
    ...(options.required ? [missing(valid, path)] : []),
    mutate(valid, path, 'not a string', notAString, options.wrongTypeCodes ?? SERIALIZATION),
  ];
}

export function enumMember(
  valid: WireRequest,
  path: MemberPath,
  allowed: readonly string[],
  required = false,
): fc.Arbitrary<Mutation>[] {
  return [
    ...stringMember(valid, path, { required }),
    mutate(valid, path, 'outside the enum', notInEnum(allowed), VALIDATION),
  ];
}

export function integerMember(
  valid: WireRequest,
  path: MemberPath,
  range: { min: number; max: number },
): fc.Arbitrary<Mutation>[] {
  const outside = fc.oneof(
    fc.integer({ min: Number.MIN_SAFE_INTEGER, max: range.min - 1 }),
    fc.integer({ min: range.max + 1, max: Number.MAX_SAFE_INTEGER }),
  );
  return [
    mutate(valid, path, 'not an integer', notAnInteger, SERIALIZATION),
    mutate(valid, path, 'out of range', outside, VALIDATION),
  ];
}

export function structureMember(
  valid: WireRequest,
  path: MemberPath,
  required = false,
): fc.Arbitrary<Mutation>[] {
  return [
    ...(required ? [missing(valid, path)] : []),
    mutate(valid, path, 'not a structure', notAStructure, SERIALIZATION),
  ];
}

export function stringListMember(
  valid: WireRequest,
  path: MemberPath,
  required = false,
): fc.Arbitrary<Mutation>[] {
  return [
    ...(required ? [missing(valid, path)] : []),
    mutate(valid, path, 'not a list of strings', notAStringList, SERIALIZATION),
  ];
}

/** Another account's certificate, for ARN members that must name the caller's own. */
export interface ArnTargets {
  otherAccountArn: string;
}

const ARN_PARTS = /^arn:aws:acm:([a-z0-9-]+):(\d{12}):certificate\/([0-9a-f-]{36})$/;

/**
 * A certificate ARN member: absent, not a string, malformed (cut short, a stray character, too long, another
 * service), or well formed but naming no certificate of the caller (another account's, another region's, an
 * unknown id, the caller's own ARN in another partition).
 */
export function arnMember(
  valid: WireRequest,
  path: MemberPath,
  targets: ArnTargets,
  options: { required?: boolean; notFoundCodes?: readonly string[] } = {},
): fc.Arbitrary<Mutation>[] {
  const arn = memberAt(valid, path) as string;
  const parts = ARN_PARTS.exec(arn);
  if (!parts) throw new Error(`not a certificate ARN: ${arn}`);
  const [, region, account] = parts as unknown as [string, string, string, string];
  const malformed = fc.oneof(
    anyText,
    fc.nat(arn.length - 1).map((length) => arn.slice(0, length)),
    fc
      .tuple(
        fc.nat(arn.length),
        fc.constantFrom(' ', '#', '?', '%', '"', '\u00e9', '\u0000', '\n', '\u{1F512}'),
      )
      .map(([at, odd]) => `${arn.slice(0, at)}${odd}${arn.slice(at)}`),
    fc.constantFrom(
      arn.replace(':acm:', ':iam:'),
      arn.replace('certificate/', 'certificate:'),
      arn.toUpperCase(),
      `${arn}/`,
    ),
    longString(2049, 4000, true).map((tail) => `${arn}${tail}`),
  );
  const nobodys = fc.oneof(
    fc.constant(targets.otherAccountArn),
    fc.uuid().map((id) => arn.replace(/[0-9a-f-]{36}$/, id)),
    fc
      .constantFrom('eu-west-1', 'us-west-2', 'ap-southeast-2')
      .map((other) => arn.replace(`:${region}:`, `:${other}:`)),
    fc
      .constantFrom('aws-cn', 'aws-us-gov', 'aws-iso')
      .map((other) => arn.replace(/^arn:aws:/, `arn:${other}:`)),
    fc
      .stringMatching(/^\d{12}$/)
      .filter((other) => other !== account)
      .map((other) => arn.replace(`:${account}:`, `:${other}:`)),
  );
  return [
    ...stringMember(valid, path, { required: options.required ?? true }),
    mutate(valid, path, 'malformed ARN', malformed, MALFORMED_ARN),
    mutate(valid, path, "ARN of no certificate of the caller's", nobodys, options.notFoundCodes ?? NOT_FOUND),
  ];
}

const validTag = (index: number) => ({ Key: `key${index}`, Value: `value${index}` });

/**
 * A Tags member: not a list, empty, too many, a member that is not a tag, a key or value of the wrong type,
 * too long or outside the tag pattern; when adding, also a reserved `aws:` key and a key given twice.
 */
export function tagsMember(
  valid: WireRequest,
  path: MemberPath,
  form: 'add' | 'remove',
): fc.Arbitrary<Mutation>[] {
  const tags = memberAt(valid, path) as unknown[];
  const first = [...path, 0];
  const common = [
    mutate(valid, path, 'not a list', notAList, VALIDATION),
    mutate(valid, path, 'empty', fc.constant([]), VALIDATION),
    mutate(
      valid,
      path,
      'more than 50',
      fc
        .integer({ min: 51, max: 80 })
        .map((count) => Array.from({ length: count }, (_, index) => validTag(index))),
      form === 'add' ? ['TooManyTagsException'] : VALIDATION,
    ),
    mutate(valid, first, 'not a tag', fc.oneof(notAStructure, fc.constant(null)), VALIDATION),
    missing(valid, [...first, 'Key']),
    mutate(valid, [...first, 'Key'], 'not a string', notAString, VALIDATION),
    mutate(valid, [...first, 'Key'], 'empty', fc.constant(''), VALIDATION),
    mutate(valid, [...first, 'Key'], 'too long', longString(129, 2000), VALIDATION),
    mutate(valid, [...first, 'Key'], 'outside the pattern', badTagText, VALIDATION),
    mutate(valid, [...first, 'Value'], 'not a string', notAString, VALIDATION),
    mutate(valid, [...first, 'Value'], 'too long', longString(257, 2000), VALIDATION),
    mutate(valid, [...first, 'Value'], 'outside the pattern', badTagText, VALIDATION),
  ];
  if (form === 'remove') return common;
  return [
    ...common,
    mutate(
      valid,
      [...first, 'Key'],
      'reserved prefix',
      fc.stringMatching(/^[a-z0-9]{0,20}$/).map((rest) => `aws:${rest}`),
      ['InvalidTagException'],
    ),
    mutate(
      valid,
      path,
      'a key twice',
      fc.nat(tags.length).map((at) => {
        const copy = structuredClone(tags);
        copy.splice(at, 0, { Key: (tags[0] as { Key: string }).Key, Value: 'again' });
        return copy;
      }),
      ['InvalidParameterException'],
    ),
  ];
}

/** A blob member: not a string, not base64, fewer or more decoded bytes than its bounds allow. */
export function blobMember(
  valid: WireRequest,
  path: MemberPath,
  bounds: { min: number; max: number; required: boolean },
): fc.Arbitrary<Mutation>[] {
  return [
    ...(bounds.required ? [missing(valid, path)] : []),
    mutate(valid, path, 'not a string', notAString, SERIALIZATION),
    mutate(valid, path, 'not base64', notBase64, SERIALIZATION),
    mutate(valid, path, 'too few bytes', base64Bytes(0, bounds.min - 1), VALIDATION),
    mutate(valid, path, 'too many bytes', base64Bytes(bounds.max + 1, bounds.max + 64), VALIDATION),
  ];
}

/** Extra members no operation reads, added to a mutated request: they change nothing about its answer. */
export const extraMembers = fc.dictionary(
  fc.stringMatching(/^Extra[A-Za-z0-9]{0,12}$/),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 3 },
);
