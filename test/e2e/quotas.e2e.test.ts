import {
  ACMClient,
  DeleteCertificateCommand,
  ListCertificatesCommand,
  RequestCertificateCommand,
} from '@aws-sdk/client-acm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack.ts';
import { FakeClock, HOUR_MS } from '../support/fake-clock.ts';
import {
  ACCOUNT_A,
  ACCOUNT_B,
  makeDataDir,
  REGION,
  startTestStack,
  testSettings,
} from '../support/local-stack-harness.ts';

// The per-account quotas on the local stack through the stock SDK client, with small configured limits
// (3 certificates held, 5 requests in 365 days): concurrent requests at the limit, a delete freeing a held
// slot but not a yearly one, and the yearly slot coming back 365 days later on the stack's clock. Names
// under example.test are never published, so these certificates stay PENDING_VALIDATION.

const CERTIFICATES = 3;
const REQUESTS = 5;

let stack: LocalStack;
let clock: FakeClock;
let cleanupDataDir: () => Promise<void>;
let acmA: ACMClient;
let acmB: ACMClient;

beforeAll(async () => {
  const data = await makeDataDir();
  cleanupDataDir = data.cleanup;
  clock = new FakeClock(new Date('2026-06-01T12:00:00.000Z'));
  stack = await startTestStack(
    testSettings(data.dataDir, {
      maxCertificates: String(CERTIFICATES),
      maxRequestsPerYear: String(REQUESTS),
    }),
    { clock },
  );
  acmA = client(ACCOUNT_A);
  acmB = client(ACCOUNT_B);
});

afterAll(async () => {
  acmA?.destroy();
  acmB?.destroy();
  await stack?.stop();
  await cleanupDataDir?.();
});

/** An SDK client that never retries, so every refusal shows up as it was answered. */
function client(account: typeof ACCOUNT_A): ACMClient {
  return new ACMClient({
    endpoint: stack.url,
    region: REGION,
    maxAttempts: 1,
    credentials: { accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey },
  });
}

async function request(acm: ACMClient, domainName: string, token?: string): Promise<string> {
  const { CertificateArn } = await acm.send(
    new RequestCertificateCommand({
      DomainName: domainName,
      ValidationMethod: 'DNS',
      IdempotencyToken: token,
    }),
  );
  if (!CertificateArn) throw new Error(`RequestCertificate for ${domainName} returned no ARN`);
  return CertificateArn;
}

async function refusal(call: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  const error = await call.then(
    () => {
      throw new Error('expected the call to be refused');
    },
    (caught: Error & { $metadata?: { httpStatusCode?: number } }) => caught,
  );
  return { name: error.name, message: error.message, status: error.$metadata?.httpStatusCode };
}

async function held(acm: ACMClient): Promise<string[]> {
  const { CertificateSummaryList } = await acm.send(new ListCertificatesCommand({ MaxItems: 1000 }));
  return (CertificateSummaryList ?? []).map((summary) => summary.CertificateArn as string).sort();
}

const CERTIFICATES_REFUSAL = {
  name: 'LimitExceededException',
  message: `Error: you have reached your limit of ${CERTIFICATES} certificates in this account. Delete certificates you no longer need to request more.`,
  status: 400,
};
const REQUESTS_REFUSAL = {
  name: 'LimitExceededException',
  message: `Error: you have reached your limit of ${REQUESTS} certificates in the last year.`,
  status: 400,
};

describe('per-account quotas', () => {
  it('gives 12 concurrent requests exactly the 3 certificates an account may hold', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, (_, index) => request(acmA, `race-${index}.example.test`)),
    );
    const arns = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(arns).toHaveLength(CERTIFICATES);
    expect(refused).toHaveLength(12 - CERTIFICATES);
    for (const error of refused) {
      expect({ name: error.name, message: error.message, status: error.$metadata?.httpStatusCode }).toEqual(
        CERTIFICATES_REFUSAL,
      );
    }
    expect(await held(acmA)).toEqual([...arns].sort());
    // Another account has quotas of its own.
    expect(await request(acmB, 'other-account.example.test')).toMatch(/:222222222222:certificate\//);
  });

  it('frees a held slot on delete, while the request still counts toward the year', async () => {
    const before = await held(acmA);
    expect(before).toHaveLength(CERTIFICATES);
    await acmA.send(new DeleteCertificateCommand({ CertificateArn: before[0] }));
    const fourth = await request(acmA, 'fourth.example.test');
    expect(await refusal(request(acmA, 'refused.example.test'))).toEqual(CERTIFICATES_REFUSAL);

    await acmA.send(new DeleteCertificateCommand({ CertificateArn: fourth }));
    await request(acmA, 'fifth.example.test');
    await acmA.send(new DeleteCertificateCommand({ CertificateArn: before[1] }));
    // Two slots held of three, but five requests made this year.
    expect(await held(acmA)).toHaveLength(CERTIFICATES - 1);
    expect(await refusal(request(acmA, 'sixth.example.test'))).toEqual(REQUESTS_REFUSAL);
  });

  it('counts an idempotent repeat once, even at the limit', async () => {
    const token = 'quotaRepeatToken';
    const arns = await Promise.all(
      Array.from({ length: 5 }, () => request(acmB, 'repeat.example.test', token)),
    );
    expect(new Set(arns).size).toBe(1);
    await request(acmB, 'third.example.test');
    expect(await held(acmB)).toHaveLength(CERTIFICATES);
    expect(await request(acmB, 'repeat.example.test', token)).toBe(arns[0]);
  });

  it('lets the yearly quota free up 365 days after the requests were made', async () => {
    clock.advance(365 * 24 * HOUR_MS);
    const arn = await request(acmA, 'next-year.example.test');
    expect(await held(acmA)).toContain(arn);
    expect(await refusal(request(acmA, 'over.example.test'))).toEqual(CERTIFICATES_REFUSAL);
  });
});
