import type { LocalStack } from '../../local/local-stack.ts';
import { fetchSignedPost } from '../../local/signed-post.ts';
import { ACCOUNT_A, REGION } from './local-stack-harness.ts';

export interface InUseAnswer {
  status: number;
  /** `{}` on success; `{__type, message}` for an error. */
  json: { __type?: string; message?: string };
}

/**
 * AssociateCertificate or DisassociateCertificate, Certwright's own operations, which no stock client has:
 * a SigV4-signed POST as an SDK would send it.
 */
export async function inUseCall(
  stack: LocalStack,
  operation: 'AssociateCertificate' | 'DisassociateCertificate',
  body: object,
  account: typeof ACCOUNT_A = ACCOUNT_A,
): Promise<InUseAnswer> {
  const response = await fetchSignedPost(stack.url, {
    credentials: { accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey },
    region: REGION,
    service: 'acm',
    contentType: 'application/x-amz-json-1.1',
    target: `CertificateManager.${operation}`,
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as InUseAnswer['json'] };
}

/** Associates or disassociates, and fails the test unless the call succeeded. */
export async function expectInUseCall(
  stack: LocalStack,
  operation: 'AssociateCertificate' | 'DisassociateCertificate',
  certificateArn: string,
  resourceArn: string,
): Promise<void> {
  const answer = await inUseCall(stack, operation, {
    CertificateArn: certificateArn,
    ResourceArn: resourceArn,
  });
  if (answer.status !== 200) {
    throw new Error(
      `${operation} of ${resourceArn} answered ${answer.status} ${JSON.stringify(answer.json)}`,
    );
  }
}
