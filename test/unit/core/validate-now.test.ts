import { beforeEach, describe, expect, it } from 'vitest';
import {
  VALIDATE_NOW_INTERVAL_SECONDS,
  validateNow,
} from '../../../functions/core/certificates/validate-now.ts';
import { InvalidStateError, ResourceNotFoundError } from '../../../functions/core/errors.ts';
import type { CertificateRecord } from '../../../functions/core/model.ts';
import type { WorkflowInput, WorkflowStarter } from '../../../functions/core/ports.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { ACCOUNT, OTHER_ACCOUNT, pendingCertificate, REGION, useDynaliteStore } from './core-fixtures.ts';

const START = new Date('2026-03-01T12:00:03.000Z');

class Starts implements WorkflowStarter {
  readonly started: Array<{ name: string; input: WorkflowInput }> = [];
  async start(name: string, input: WorkflowInput): Promise<void> {
    this.started.push({ name, input });
  }
}

const dynamo = useDynaliteStore();
let clock: FakeClock;
let workflow: Starts;

beforeEach(() => {
  clock = new FakeClock(START);
  workflow = new Starts();
});

const deps = () => ({ store: dynamo.store, workflow, clock, region: REGION });

async function stored(overrides: Partial<CertificateRecord> = {}): Promise<CertificateRecord> {
  const certificate = pendingCertificate(overrides);
  await dynamo.store.create(certificate);
  return certificate;
}

describe('validateNow', () => {
  it('starts a once run named after the certificate and the interval, and records when it asked', async () => {
    const certificate = await stored();
    await validateNow(deps(), ACCOUNT, certificate.arn);

    const interval = Math.floor(START.getTime() / (VALIDATE_NOW_INTERVAL_SECONDS * 1000));
    expect(workflow.started).toEqual([
      { name: `${certificate.id}-now-${interval}`, input: { certificateArn: certificate.arn, once: true } },
    ]);
    const after = await dynamo.store.get(ACCOUNT, certificate.id);
    expect(after?.checkRequestedAt).toBe(START.toISOString());
    expect(after?.version).toBe(certificate.version + 1);
  });

  it('starts nothing for a second request within the interval, and a new run after it', async () => {
    const certificate = await stored();
    await validateNow(deps(), ACCOUNT, certificate.arn);
    await validateNow(deps(), ACCOUNT, certificate.arn);
    clock.advance(VALIDATE_NOW_INTERVAL_SECONDS * 1000 - 1);
    await validateNow(deps(), ACCOUNT, certificate.arn);
    expect(workflow.started).toHaveLength(1);

    clock.advance(1);
    await validateNow(deps(), ACCOUNT, certificate.arn);
    expect(workflow.started).toHaveLength(2);
    const [first, second] = workflow.started.map((start) => start.name);
    expect(second).not.toBe(first);
    expect((await dynamo.store.get(ACCOUNT, certificate.id))?.checkRequestedAt).toBe(
      clock.now().toISOString(),
    );
  });

  it('starts one execution for requests racing at the same moment: they all name the same one', async () => {
    const certificate = await stored();
    await Promise.all(Array.from({ length: 5 }, () => validateNow(deps(), ACCOUNT, certificate.arn)));
    // The starter is idempotent by name (Step Functions refuses a second execution of one name).
    expect(new Set(workflow.started.map((start) => start.name)).size).toBe(1);
  });

  it('records nothing when the start fails, so a retry of the request starts the run', async () => {
    const certificate = await stored();
    const failing: WorkflowStarter = {
      start: async () => {
        throw new Error('Step Functions is unavailable');
      },
    };
    await expect(validateNow({ ...deps(), workflow: failing }, ACCOUNT, certificate.arn)).rejects.toThrow(
      'Step Functions is unavailable',
    );
    expect((await dynamo.store.get(certificate.accountId, certificate.id))?.checkRequestedAt).toBeUndefined();
    clock.advance(500);
    await validateNow(deps(), ACCOUNT, certificate.arn);
    expect(workflow.started).toHaveLength(1);
  });

  it('refuses a certificate that is not PENDING_VALIDATION, and starts nothing', async () => {
    const certificate = await stored({ status: 'ISSUED' });
    const error = await validateNow(deps(), ACCOUNT, certificate.arn).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidStateError);
    expect((error as Error).message).toBe(
      `Certificate ${certificate.arn} is ISSUED: only a certificate in PENDING_VALIDATION can be checked.`,
    );
    expect(workflow.started).toEqual([]);
  });

  it("answers ResourceNotFound for an unknown certificate and for another account's", async () => {
    const theirs = await stored({ accountId: OTHER_ACCOUNT });
    const unknown = pendingCertificate();
    for (const arn of [theirs.arn, unknown.arn]) {
      const error = await validateNow(deps(), ACCOUNT, arn).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ResourceNotFoundError);
      expect((error as Error).message).toBe(`Could not find certificate ${arn}.`);
    }
    expect(workflow.started).toEqual([]);
    expect((await dynamo.store.get(OTHER_ACCOUNT, theirs.id))?.checkRequestedAt).toBeUndefined();
  });
});
