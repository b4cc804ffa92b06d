import { constraintViolation } from '../core/constraint-violation.ts';
import { WireError } from './acm-errors.ts';

/**
 * Shape checks of request members, with ACM's framework messages
 * (`1 validation error detected: Value ... at 'field' failed to satisfy constraint: ...`).
 */
export type WireInput = Record<string, unknown>;

/** A member of the wrong JSON type is a deserialization failure on AWS's JSON protocols, not a constraint. */
function typeMismatch(member: string, expected: string): WireError {
  return new WireError('SerializationException', `Member ${member} must be ${expected}.`);
}

export function requiredString(input: WireInput, member: string, field: string): string {
  const value = input[member];
  if (value === undefined || value === null)
    throw constraintViolation(value, field, 'Member must not be null');
  if (typeof value !== 'string') throw typeMismatch(member, 'a string');
  return value;
}

export function optionalString(input: WireInput, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw typeMismatch(member, 'a string');
  return value;
}

export function optionalStringList(input: WireInput, member: string): string[] | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw typeMismatch(member, 'a list of strings');
  }
  return value as string[];
}

export function optionalObject(input: WireInput, member: string): WireInput | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw typeMismatch(member, 'a structure');
  }
  return value as WireInput;
}

export function optionalList(input: WireInput, member: string): unknown[] | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw typeMismatch(member, 'a list');
  return value;
}

export function optionalEnum<T extends string>(
  input: WireInput,
  member: string,
  field: string,
  allowed: readonly T[],
): T | undefined {
  const value = optionalString(input, member);
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) {
    throw constraintViolation(value, field, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
  }
  return value as T;
}

export function enumList<T extends string>(
  values: string[] | undefined,
  field: string,
  allowed: readonly T[],
): T[] | undefined {
  if (!values) return undefined;
  const bad = values.find((value) => !allowed.includes(value as T));
  if (bad !== undefined) {
    throw constraintViolation(
      `[${values.join(', ')}]`,
      field,
      `Member must satisfy constraint: [Member must satisfy enum value set: [${allowed.join(', ')}]]`,
    );
  }
  return values as T[];
}

export function optionalInteger(
  input: WireInput,
  member: string,
  field: string,
  range: { min: number; max: number },
): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw typeMismatch(member, 'an integer');
  }
  if (value < range.min)
    throw constraintViolation(value, field, `Member must have value greater than or equal to ${range.min}`);
  if (value > range.max)
    throw constraintViolation(value, field, `Member must have value less than or equal to ${range.max}`);
  return value;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * A blob member: a base64 string in awsJson, decoded. Its length bounds count decoded bytes, and the AWS
 * framework names a blob in its message by the Java buffer that held it.
 */
export function requiredBlob(
  input: WireInput,
  member: string,
  field: string,
  length: { min: number; max: number },
): Buffer {
  const value = optionalBlob(input, member, field, length);
  if (value === undefined) throw constraintViolation(null, field, 'Member must not be null');
  return value;
}

export function optionalBlob(
  input: WireInput,
  member: string,
  field: string,
  length: { min: number; max: number },
): Buffer | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !BASE64.test(value.replace(/\s+/g, ''))) {
    throw typeMismatch(member, 'a base64-encoded blob');
  }
  const bytes = Buffer.from(value, 'base64');
  const described = `java.nio.HeapByteBuffer[pos=0 lim=${bytes.length} cap=${bytes.length}]`;
  if (bytes.length < length.min)
    throw constraintViolation(
      described,
      field,
      `Member must have length greater than or equal to ${length.min}`,
    );
  if (bytes.length > length.max)
    throw constraintViolation(
      described,
      field,
      `Member must have length less than or equal to ${length.max}`,
    );
  return bytes;
}
