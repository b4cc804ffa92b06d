/**
 * A renewal whose run stopped without a word: judged stalled from what its run last wrote, and replaced by a
 * new cycle when the caller asks for that.
 */
import { describe, expect, it } from 'vitest';
import type { CertificateRecord, RenewalState } from '../../../../functions/core/model.ts';
import { renewalStalled } from '../../../../functions/core/renewal/renewal-state.ts';
import { startRenewal } from '../../../../functions/core/renewal/start-renewal.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { RecordingWorkflow, useDynaliteStore } from '../core-fixtures.ts';
import { issuedCertificate } from '../schedule/schedule-fixtures.ts';

const dynamo = useDynaliteStore();

const HOUR_MS = 60 * 60 * 1000;
const STARTED = '2027-02-01T09:00:00.000Z';
const at = (hoursAfterStart: number) => new Date(Date.parse(STARTED) + hoursAfterStart * HOUR_MS);

/** A renewal under way; its one name last checked at `checkedAt`, to be checked again an hour later. */
function renewing(status: RenewalState['status'], checkedAt?: Date): CertificateRecord {
  const certificate = issuedCertificate();
  return {
    ...certificate,
    renewal: {
      status,
      ...(status === 'PENDING_VALIDATION' ? { statusReason: 'PENDING_DOMAIN_VALIDATION' } : {}),
      updatedAt: STARTED,
      cycle: 1,
      domainValidations: certificate.domainValidations.map((dv) => ({
        ...dv,
        status: 'PENDING_VALIDATION' as const,
        ...(checkedAt
          ? {
              lastCheck: {
                at: checkedAt.toISOString(),
                outcome: 'NO_RECORD',
                nextCheckAt: new Date(checkedAt.getTime() + HOUR_MS).toISOString(),
              },
            }
          : {}),
      })),
    },
  };
}

describe('renewalStalled', () => {
  it('is a renewal still PENDING_AUTO_RENEWAL a day after it started, with no check planned since', () => {
    expect(renewalStalled(renewing('PENDING_AUTO_RENEWAL'), at(24))).toBe(false);
    expect(renewalStalled(renewing('PENDING_AUTO_RENEWAL'), at(24.01))).toBe(true);
    // Its names validated, it waits for a CAA lookup that keeps failing: checked hourly, so alive.
    expect(renewalStalled(renewing('PENDING_AUTO_RENEWAL', at(47)), at(48))).toBe(false);
  });

  it('is a renewal waiting for validation whose latest planned check is more than a day past', () => {
    expect(renewalStalled(renewing('PENDING_VALIDATION', at(100)), at(101 + 24))).toBe(false);
    expect(renewalStalled(renewing('PENDING_VALIDATION', at(100)), at(101 + 24.01))).toBe(true);
  });

  it('is never a renewal without a planned check to judge by (EMAIL approvals), nor one finished', () => {
    expect(renewalStalled(renewing('PENDING_VALIDATION'), at(24 * 30))).toBe(false);
    for (const status of ['SUCCESS', 'FAILED'] as const) {
      expect(renewalStalled(renewing(status), at(24 * 30))).toBe(false);
    }
  });
});

describe('startRenewal and a stalled renewal', () => {
  it('starts its run again by default, and a new cycle when asked to restart a stalled one', async () => {
    const certificate = renewing('PENDING_VALIDATION', at(1));
    await dynamo.store.create(certificate);
    const clock = new FakeClock(at(2 + 24 + 1));
    const workflow = new RecordingWorkflow();
    const deps = { store: dynamo.store, workflow, clock };

    expect(await startRenewal(deps, certificate.accountId, certificate.id)).toMatchObject({ cycle: 1 });
    expect(await startRenewal(deps, certificate.accountId, certificate.id, { restartStalled: true })).toEqual(
      {
        status: 'PENDING_AUTO_RENEWAL',
        updatedAt: clock.now().toISOString(),
        cycle: 2,
        domainValidations: [expect.objectContaining({ status: 'PENDING_VALIDATION' })],
      },
    );
    // The new cycle is not stalled: asked again, its own run is started again.
    expect(
      await startRenewal(deps, certificate.accountId, certificate.id, { restartStalled: true }),
    ).toMatchObject({ cycle: 2 });
    expect(workflow.starts.map((start) => start.executionName)).toEqual([
      `${certificate.id}-renewal-1`,
      `${certificate.id}-renewal-2`,
      `${certificate.id}-renewal-2`,
    ]);
    const stored = await dynamo.store.get(certificate.accountId, certificate.id);
    expect(stored?.renewal?.domainValidations?.[0]?.lastCheck).toBeUndefined();
  });
});
