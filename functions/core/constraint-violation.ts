import { ValidationError } from './errors.ts';

/** The AWS framework prints a missing value as a bare `null` and any other value quoted. */
function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `'[${value.map((item) => JSON.stringify(item)).join(', ')}]'`;
  return `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
}

/**
 * A member that breaks a wire constraint, in the AWS framework's words:
 * `1 validation error detected: Value 'x' at 'field' failed to satisfy constraint: Member must ...`.
 */
export function constraintViolation(value: unknown, field: string, constraint: string): ValidationError {
  return new ValidationError(
    `1 validation error detected: Value ${describeValue(value)} at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}

/** Checks a string (or list) member's length bounds, with the framework's messages. */
export function checkLength(value: string | unknown[], field: string, min: number, max: number): void {
  if (value.length < min)
    throw constraintViolation(value, field, `Member must have length greater than or equal to ${min}`);
  if (value.length > max)
    throw constraintViolation(value, field, `Member must have length less than or equal to ${max}`);
}
