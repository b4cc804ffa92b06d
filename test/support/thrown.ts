import { expect } from 'vitest';

/** The error `action` throws; fails the test if it returns. */
export function errorFrom(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

/** Asserts that `action` throws an error of `type` with exactly `message`. */
export function expectError(
  action: () => unknown,
  type: abstract new (...args: never[]) => Error,
  message: string,
): void {
  const error = errorFrom(action);
  expect(error).toBeInstanceOf(type);
  expect((error as Error).message).toBe(message);
}

/** The name and message of the error `call` rejects with; fails the test if it resolves. */
export async function rejectionOf(call: Promise<unknown>): Promise<{ name: string; message: string }> {
  const error = await call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (caught: Error) => caught,
  );
  return { name: error.name, message: error.message };
}
