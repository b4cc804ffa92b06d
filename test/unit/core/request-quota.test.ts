/**
 * The account quotas through RequestCertificate and DeleteCertificate, on the real store (dynalite):
 * certificates held (every status; a delete frees a slot) and requests in the last 365 days (deleted
 * certificates included), under concurrency, idempotency tokens and failures.
 */
import { describe, expect, it } from 'vitest';
import { certificateArn, parseCertificateArn } from '../../../functions/core/arn.ts';
import { deleteCertificate } from '../../../functions/core/certificates/delete-certificate.ts';
import {
  type CertificateRequest,
  type RequestCertificateDeps,
  requestCertificate,
} from '../../../functions/core/certificates/request-certificate.ts';
import { LimitExceededError, ValidationError } from '../../../functions/core/errors.ts';
import { requestWindow } from '../../../functions/core/policy/request-window.ts';
import type { CertificateStore } from '../../../functions/core/ports.ts';
import type { Quotas } from '../../../functions/core/settings.ts';
import { FakeClock, HOUR_MS } from '../../support/fake-clock.ts';
import {
  accountSeries,
  pendingCertificate,
  RecordingWorkflow,
  requestCertificateDeps,
  TEST_SETTINGS,
  useDynaliteStore,
} from './core-fixtures.ts';

const START = new Date('2026-03-01T12:00:00.000Z');
const DAY_MS = 24 * HOUR_MS;

const dynamo = useDynaliteStore();

const nextAccount = accountSeries(400_000_000_000, '3333');

function setup(quotas: Quotas, overrides: Partial<RequestCertificateDeps> = {}) {
  const { accountId, random } = nextAccount();
  const clock = new FakeClock(START);
  const workflow = new RecordingWorkflow();
  const deps = requestCertificateDeps(dynamo.store, clock, {
    workflow,
    random,
    settings: { ...TEST_SETTINGS, quotas },
    sleep: async () => {},
    ...overrides,
  });
  const request = (domainName = 'quota.example.com', more: Partial<CertificateRequest> = {}) =>
    requestCertificate(deps, accountId, { domainName, validationMethod: 'DNS', ...more });
  return {
    accountId,
    clock,
    workflow,
    deps,
    request,
    remove: (arn: string) =>
      deleteCertificate({ store: dynamo.store, region: TEST_SETTINGS.region }, accountId, arn),
    usage: () => dynamo.store.quotaUsage(accountId, requestWindow(clock.now())),
    held: async () => (await dynamo.store.list(accountId, { limit: 1000 })).certificates.length,
    foreignArn: (serial: number) =>
      certificateArn({
        partition: 'aws',
        region: TEST_SETTINGS.region,
        accountId,
        certificateId: `eeeeeeee-0000-4000-8000-${serial.toString(16).padStart(12, '0')}`,
      }),
  };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => error,
  );
}

const certificatesMessage = (limit: number) =>
  `Error: you have reached your limit of ${limit} certificates in this account. Delete certificates you no longer need to request more.`;
const requestsMessage = (limit: number) =>
  `Error: you have reached your limit of ${limit} certificates in the last year.`;

describe('the certificate quota', () => {
  it('gives 50 concurrent requests with 10 slots left exactly 10 certificates, and keeps the count exact', async () => {
    const t = setup({ certificatesPerAccount: 15, requestsPerYear: 1000 });
    for (let index = 0; index < 5; index++) await t.request(`before-${index}.example.com`);

    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, index) => t.request(`race-${index}.example.com`)),
    );
    const succeeded = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(succeeded).toHaveLength(10);
    expect(refused).toHaveLength(40);
    for (const error of refused) {
      expect(error).toBeInstanceOf(LimitExceededError);
      expect(error.message).toBe(certificatesMessage(15));
    }
    expect(await t.held()).toBe(15);
    expect(await t.usage()).toEqual({ certificates: 15, requests: 15 });
    expect(t.workflow.starts).toHaveLength(15);
  });

  it('counts certificates in every status, as ACM does', async () => {
    const t = setup({ certificatesPerAccount: 2, requestsPerYear: 100 });
    const first = await t.request();
    const { certificateId } = parseCertificateArn(first);
    const stored = await dynamo.store.get(t.accountId, certificateId);
    if (!stored) throw new Error('not stored');
    await dynamo.store.save({ ...stored, status: 'EXPIRED' });
    await t.request();
    expect(await rejection(t.request())).toBeInstanceOf(LimitExceededError);
  });

  it('frees a slot when a certificate is deleted, but the request still counts toward the year', async () => {
    const t = setup({ certificatesPerAccount: 2, requestsPerYear: 3 });
    const first = await t.request('one.example.com');
    const second = await t.request('two.example.com');
    const full = await rejection(t.request('three.example.com'));
    expect(full).toBeInstanceOf(LimitExceededError);
    expect(full.message).toBe(certificatesMessage(2));

    await t.remove(first);
    expect(await t.usage()).toEqual({ certificates: 1, requests: 2 });
    await t.request('three.example.com');
    expect(await t.usage()).toEqual({ certificates: 2, requests: 3 });

    await t.remove(second);
    const yearly = await rejection(t.request('four.example.com'));
    expect(yearly).toBeInstanceOf(LimitExceededError);
    expect(yearly.message).toBe(requestsMessage(3));
    expect(await t.usage()).toEqual({ certificates: 1, requests: 3 });
    expect(await t.held()).toBe(1);
  });

  it('answers a delete that removed the certificate as done, even when freeing its slot fails', async () => {
    const t = setup({ certificatesPerAccount: 5, requestsPerYear: 10 });
    const arn = await t.request('slot.example.com');
    const failingRelease = Object.create(dynamo.store, {
      releaseHeldCertificate: { value: async () => Promise.reject(new Error('throttled')) },
    }) as CertificateStore;
    await expect(
      deleteCertificate({ store: failingRelease, region: TEST_SETTINGS.region }, t.accountId, arn),
    ).resolves.toBe(undefined);
    expect(await dynamo.store.get(t.accountId, parseCertificateArn(arn).certificateId)).toBeUndefined();
    // The slot stays counted: the quota under-grants rather than over-grants.
    expect((await t.usage()).certificates).toBe(1);
  });

  it('frees a slot once when the same certificate is deleted by concurrent calls', async () => {
    const t = setup({ certificatesPerAccount: 5, requestsPerYear: 100 });
    await t.request('keep-1.example.com');
    await t.request('keep-2.example.com');
    const doomed = await t.request('doomed.example.com');
    await Promise.allSettled(Array.from({ length: 10 }, () => t.remove(doomed)));
    expect(await t.usage()).toEqual({ certificates: 2, requests: 3 });
  });

  it('counts certificates that were there before the quota was', async () => {
    const t = setup({ certificatesPerAccount: 3, requestsPerYear: 100 });
    for (let index = 0; index < 2; index++) {
      await dynamo.store.create(
        pendingCertificate({ accountId: t.accountId, createdAt: START.toISOString() }),
      );
    }
    await t.request();
    expect(await rejection(t.request())).toBeInstanceOf(LimitExceededError);
    expect(await t.usage()).toEqual({ certificates: 3, requests: 3 });
  });
});

describe('the yearly request quota', () => {
  it('counts a request from its UTC day through the 364 days after it', async () => {
    const t = setup({ certificatesPerAccount: 100, requestsPerYear: 2 });
    const firstDay = Date.UTC(2026, 2, 1);
    await t.request('first.example.com');
    t.clock.advance(10 * DAY_MS);
    await t.request('second.example.com');
    expect((await rejection(t.request('third.example.com'))).message).toBe(requestsMessage(2));

    // 2027-02-28T23:59:59.999Z is the 365th day counted from 2026-03-01: still full.
    t.clock.advance(firstDay + 365 * DAY_MS - 1 - t.clock.now().getTime());
    expect(t.clock.now().toISOString()).toBe('2027-02-28T23:59:59.999Z');
    expect(await rejection(t.request('third.example.com'))).toBeInstanceOf(LimitExceededError);

    t.clock.advance(1);
    await t.request('third.example.com');
    expect(await t.usage()).toEqual({ certificates: 3, requests: 2 });
    expect(await rejection(t.request('fourth.example.com'))).toBeInstanceOf(LimitExceededError);

    t.clock.advance(10 * DAY_MS);
    await t.request('fourth.example.com');
    expect(await t.usage()).toEqual({ certificates: 4, requests: 2 });
  });

  it('names the certificate quota when both are reached', async () => {
    const t = setup({ certificatesPerAccount: 1, requestsPerYear: 1 });
    await t.request();
    expect((await rejection(t.request())).message).toBe(certificatesMessage(1));
  });
});

describe('what a request counts', () => {
  it('counts a request repeated with its idempotency token once, however it is repeated', async () => {
    const t = setup({ certificatesPerAccount: 3, requestsPerYear: 3 });
    const first = await t.request('idem.example.com', { idempotencyToken: 'sameToken' });
    const repeats = await Promise.all(
      Array.from({ length: 20 }, () => t.request('idem.example.com', { idempotencyToken: 'sameToken' })),
    );
    expect(new Set([first, ...repeats])).toEqual(new Set([first]));
    expect(await t.usage()).toEqual({ certificates: 1, requests: 1 });

    const together = await Promise.all(
      Array.from({ length: 20 }, () => t.request('together.example.com', { idempotencyToken: 'otherToken' })),
    );
    expect(new Set(together).size).toBe(1);
    expect(await t.usage()).toEqual({ certificates: 2, requests: 2 });
  });

  it('answers a repeat with its ARN even when the quota is full since', async () => {
    const t = setup({ certificatesPerAccount: 1, requestsPerYear: 10 });
    const arn = await t.request('only.example.com', { idempotencyToken: 'fullSince' });
    expect(await t.request('only.example.com', { idempotencyToken: 'fullSince' })).toBe(arn);
    expect(await rejection(t.request('other.example.com'))).toBeInstanceOf(LimitExceededError);
  });

  it('gives back the slot of a repeat whose write lost to the claimer it was healing', async () => {
    let claimerWrites: (() => Promise<void>) | undefined;
    const racing = new Proxy(dynamo.store, {
      get(target, property, receiver) {
        const real = Reflect.get(target, property, receiver);
        if (property !== 'create') return typeof real === 'function' ? real.bind(target) : real;
        return async (...args: Parameters<CertificateStore['create']>) => {
          await claimerWrites?.();
          return target.create(...args);
        };
      },
    });
    const t = setup({ certificatesPerAccount: 5, requestsPerYear: 5 }, { store: racing });
    const claimed = t.foreignArn(1);
    const now = t.clock.now();
    await dynamo.store.claimIdempotencyToken(t.accountId, 'slowClaimer', claimed, now, 3600);
    // The claimer reserves and writes its certificate just before the repeat's own write.
    claimerWrites = async () => {
      claimerWrites = undefined;
      await dynamo.store.reserveQuota(t.accountId, requestWindow(now), { certificates: 5, requests: 5 });
      await dynamo.store.create(
        pendingCertificate({
          accountId: t.accountId,
          arn: claimed,
          id: parseCertificateArn(claimed).certificateId,
        }),
      );
    };

    expect(await t.request('healer.example.com', { idempotencyToken: 'slowClaimer' })).toBe(claimed);
    expect(await t.held()).toBe(1);
    expect(await t.usage()).toEqual({ certificates: 1, requests: 1 });
  });

  it("answers a repeat refused a slot with the ARN of the claimer's certificate written meanwhile", async () => {
    let claimerWrites: (() => Promise<void>) | undefined;
    const racing = new Proxy(dynamo.store, {
      get(target, property, receiver) {
        const real = Reflect.get(target, property, receiver);
        if (property !== 'reserveQuota') return typeof real === 'function' ? real.bind(target) : real;
        return async (...args: Parameters<CertificateStore['reserveQuota']>) => {
          await claimerWrites?.();
          return target.reserveQuota(...args);
        };
      },
    });
    const t = setup({ certificatesPerAccount: 1, requestsPerYear: 5 }, { store: racing });
    const claimed = t.foreignArn(2);
    const now = t.clock.now();
    await dynamo.store.claimIdempotencyToken(t.accountId, 'lastSlot', claimed, now, 3600);
    // The claimer takes the last slot and writes, just before the repeat asks for a slot.
    claimerWrites = async () => {
      claimerWrites = undefined;
      await dynamo.store.reserveQuota(t.accountId, requestWindow(now), { certificates: 1, requests: 5 });
      await dynamo.store.create(
        pendingCertificate({
          accountId: t.accountId,
          arn: claimed,
          id: parseCertificateArn(claimed).certificateId,
        }),
      );
    };

    expect(await t.request('healer.example.com', { idempotencyToken: 'lastSlot' })).toBe(claimed);
    expect(t.workflow.starts).toEqual([
      { executionName: parseCertificateArn(claimed).certificateId, input: { certificateArn: claimed } },
    ]);
    expect(await t.usage()).toEqual({ certificates: 1, requests: 1 });
  });

  it('gives the reservation back when the certificate could not be written', async () => {
    const failing = new Proxy(dynamo.store, {
      get(target, property, receiver) {
        const real = Reflect.get(target, property, receiver);
        if (property === 'create') return () => Promise.reject(new Error('the table is unavailable'));
        return typeof real === 'function' ? real.bind(target) : real;
      },
    });
    const t = setup({ certificatesPerAccount: 1, requestsPerYear: 1 }, { store: failing });
    expect((await rejection(t.request())).message).toBe('the table is unavailable');
    expect(await t.usage()).toEqual({ certificates: 0, requests: 0 });
    expect(t.workflow.starts).toEqual([]);
  });

  it('keeps the reservation of a certificate whose write landed although it reported an error', async () => {
    const lostAnswer = new Proxy(dynamo.store, {
      get(target, property, receiver) {
        const real = Reflect.get(target, property, receiver);
        if (property !== 'create') return typeof real === 'function' ? real.bind(target) : real;
        return async (...args: Parameters<CertificateStore['create']>) => {
          await target.create(...args);
          throw new Error('the answer was lost');
        };
      },
    });
    const t = setup({ certificatesPerAccount: 1, requestsPerYear: 1 }, { store: lostAnswer });
    await rejection(t.request());
    expect(await t.held()).toBe(1);
    expect(await t.usage()).toEqual({ certificates: 1, requests: 1 });
  });

  it('counts nothing for a request refused before the quota', async () => {
    const t = setup({ certificatesPerAccount: 1, requestsPerYear: 1 });
    expect(await rejection(t.request('bad_name.example.com'))).toBeInstanceOf(ValidationError);
    expect(await t.usage()).toEqual({ certificates: 0, requests: 0 });
    await t.request();
    expect(await rejection(t.request())).toBeInstanceOf(LimitExceededError);
    expect(await t.usage()).toEqual({ certificates: 1, requests: 1 });
  });
});
