import { expect } from 'vitest';
import type { LocalStack } from '../../local/local-stack.ts';
import { fetchSignedPost } from '../../local/signed-post.ts';
import { ACCOUNT_A, REGION } from './local-stack-harness.ts';

/**
 * Every `__type` the API may answer a client mistake with: ACM's modelled errors, the JSON protocol's own
 * (unknown target, unreadable body) and the signature check's. InternalServerException is a fault, not here.
 */
export const ACM_CLIENT_ERROR_CODES: readonly string[] = [
  'AccessDeniedException',
  'ConflictException',
  'InvalidArgsException',
  'InvalidArnException',
  'InvalidDomainValidationOptionsException',
  'InvalidParameterException',
  'InvalidStateException',
  'InvalidTagException',
  'LimitExceededException',
  'RequestInProgressException',
  'ResourceInUseException',
  'ResourceNotFoundException',
  'ServiceQuotaExceededException',
  'TagPolicyException',
  'ThrottlingException',
  'TooManyTagsException',
  'ValidationException',
  'SerializationException',
  'UnknownOperationException',
  'IncompleteSignatureException',
  'InvalidSignatureException',
  'UnrecognizedClientException',
];

export const ACM_TARGET_PREFIX = 'CertificateManager.';
export const ACM_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** What an error answer must be: its status and the codes that fit the defect. */
export interface ExpectedRefusal {
  status?: number;
  codes: readonly string[];
}

export interface RawAnswer {
  status: number;
  contentType: string | null;
  text: string;
}

/** Signed calls to one stack as account A, counted. */
export class FuzzCaller {
  count = 0;

  constructor(private readonly stack: () => LocalStack) {}

  async call(request: {
    target: string;
    body: string | Uint8Array<ArrayBuffer>;
    contentType?: string;
  }): Promise<RawAnswer> {
    this.count += 1;
    const response = await fetchSignedPost(this.stack().url, {
      credentials: ACCOUNT_A,
      region: REGION,
      service: 'acm',
      contentType: request.contentType ?? ACM_CONTENT_TYPE,
      target: request.target,
      body: request.body,
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      text: await response.text(),
    };
  }

  operation(name: string, input: unknown, contentType?: string): Promise<RawAnswer> {
    return this.call({ target: `${ACM_TARGET_PREFIX}${name}`, body: JSON.stringify(input), contentType });
  }
}

/** Signs of internals a message must never carry: stack frames, source paths, module names. */
const LEAKS = [
  /\n\s+at /,
  /\(\/[^)]*:\d+:\d+\)/,
  /file:\/\//,
  /node_modules/,
  /\.ts:\d+/,
  /TypeError|RangeError|ReferenceError|SyntaxError/,
];

/** The answer is an ACM error of the expected kind, in ACM's JSON shape, that gives nothing away. */
export function expectRefusal(answer: RawAnswer, expected: ExpectedRefusal, workDirectory: string): void {
  const context = `${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, context).toBe(expected.status ?? 400);
  expect(answer.contentType, context).toBe(ACM_CONTENT_TYPE);
  const body = JSON.parse(answer.text) as Record<string, unknown>;
  expect(ACM_CLIENT_ERROR_CODES, context).toContain(body.__type);
  expect(expected.codes, context).toContain(body.__type);
  const message = body.__type === 'AccessDeniedException' ? body.Message : body.message;
  expect(typeof message === 'string' && message.length > 0, context).toBe(true);
  for (const leak of [...LEAKS, workDirectory]) {
    const found =
      typeof leak === 'string' ? (message as string).includes(leak) : leak.test(message as string);
    expect(found, `${context}\nleaks ${String(leak)}`).toBe(false);
  }
}
