import { describe, expect, it } from 'vitest';
import { renewCertificate } from '../../../functions/core/certificates/renew-certificate.ts';
import {
  InvalidArnError,
  RequestInProgressError,
  ResourceNotFoundError,
  ValidationError,
} from '../../../functions/core/errors.ts';
import type { CertificateRecord } from '../../../functions/core/model.ts';
import { FakeClock, HOUR_MS } from '../../support/fake-clock.ts';
import { ACCOUNT, OTHER_ACCOUNT, pendingCertificate, REGION, useDynaliteStore } from './core-fixtures.ts';

const START = new Date('2026-06-01T09:00:00.000Z');
const EXPORTED = {
  firstExportedAt: '2026-05-01T00:00:00.000Z',
  lastExportedAt: '2026-05-01T00:00:00.000Z',
  count: 1,
};
const EXPORTABLE = { certificateTransparencyLoggingPreference: 'ENABLED', export: 'ENABLED' } as const;

const dynamo = useDynaliteStore();

function setup() {
  const clock = new FakeClock(START);
  return { clock, deps: { store: dynamo.store, region: REGION, clock } };
}

async function stored(overrides: Partial<CertificateRecord>): Promise<CertificateRecord> {
  const certificate = pendingCertificate({ status: 'ISSUED', options: EXPORTABLE, ...overrides });
  await dynamo.store.create(certificate);
  return certificate;
}

async function current(certificate: CertificateRecord): Promise<CertificateRecord> {
  const found = await dynamo.store.get(certificate.accountId, certificate.id);
  if (!found) throw new Error(`${certificate.arn} is gone`);
  return found;
}

describe('renewCertificate', () => {
  it('records PENDING_AUTO_RENEWAL for an exported certificate, and a second call changes nothing', async () => {
    const { clock, deps } = setup();
    const certificate = await stored({ exported: EXPORTED });
    await renewCertificate(deps, ACCOUNT, certificate.arn);
    const after = await current(certificate);
    expect(after.renewal).toEqual({ status: 'PENDING_AUTO_RENEWAL', updatedAt: START.toISOString() });
    expect(after.version).toBe(certificate.version + 1);

    clock.advance(HOUR_MS);
    await renewCertificate(deps, ACCOUNT, certificate.arn);
    expect(await current(certificate)).toEqual(after);
  });

  it('accepts a certificate in use by another resource, even one requested with Export DISABLED', async () => {
    const { deps } = setup();
    const certificate = await stored({
      options: { certificateTransparencyLoggingPreference: 'ENABLED', export: 'DISABLED' },
      inUseBy: ['arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef'],
    });
    await renewCertificate(deps, ACCOUNT, certificate.arn);
    expect((await current(certificate)).renewal?.status).toBe('PENDING_AUTO_RENEWAL');
  });

  it('leaves a renewal waiting for validation alone, and starts over after a finished one', async () => {
    const { deps } = setup();
    const validating = await stored({
      exported: EXPORTED,
      renewal: { status: 'PENDING_VALIDATION', updatedAt: '2026-05-20T00:00:00.000Z' },
    });
    await renewCertificate(deps, ACCOUNT, validating.arn);
    expect(await current(validating)).toEqual(validating);

    const failedBefore = await stored({
      exported: EXPORTED,
      renewal: { status: 'FAILED', statusReason: 'CAA_ERROR', updatedAt: '2026-05-20T00:00:00.000Z' },
    });
    await renewCertificate(deps, ACCOUNT, failedBefore.arn);
    expect((await current(failedBefore)).renewal).toEqual({
      status: 'PENDING_AUTO_RENEWAL',
      updatedAt: START.toISOString(),
    });
  });

  it('answers RequestInProgressException before issuance', async () => {
    const { deps } = setup();
    const certificate = await stored({ status: 'PENDING_VALIDATION' });
    await expect(renewCertificate(deps, ACCOUNT, certificate.arn)).rejects.toThrow(
      new RequestInProgressError(
        `Certificate ${certificate.arn} has not been issued yet; its status is PENDING_VALIDATION.`,
      ),
    );
  });

  it('refuses an imported certificate', async () => {
    const { deps } = setup();
    const certificate = await stored({ type: 'IMPORTED', exported: EXPORTED, domainValidations: [] });
    await expect(renewCertificate(deps, ACCOUNT, certificate.arn)).rejects.toThrow(
      new ValidationError(
        `Certificate ${certificate.arn} is imported and cannot be renewed by the service; import its renewed certificate with ImportCertificate and this ARN.`,
      ),
    );
    expect(await current(certificate)).toEqual(certificate);
  });

  it('refuses an issued certificate that is neither exported nor in use, saying what would make it eligible', async () => {
    const { deps } = setup();
    const exportable = await stored({});
    await expect(renewCertificate(deps, ACCOUNT, exportable.arn)).rejects.toThrow(
      new ValidationError(
        `Certificate ${exportable.arn} is not eligible for renewal: it is neither exported nor in use; export it (ExportCertificate) to make it eligible.`,
      ),
    );
    const notExportable = await stored({
      options: { certificateTransparencyLoggingPreference: 'ENABLED', export: 'DISABLED' },
    });
    await expect(renewCertificate(deps, ACCOUNT, notExportable.arn)).rejects.toThrow(
      new ValidationError(
        `Certificate ${notExportable.arn} is not eligible for renewal: it is neither exported nor in use; it was requested with Export DISABLED, so only use by another resource would make it eligible.`,
      ),
    );
    expect(await current(exportable)).toEqual(exportable);
  });

  it.each([
    ['EXPIRED', 'it has expired; request a new certificate.'],
    ['REVOKED', 'it is revoked, and revocation is permanent; request a new certificate.'],
    ['FAILED', 'it was never issued (its status is FAILED); request a new certificate.'],
    [
      'VALIDATION_TIMED_OUT',
      'it was never issued (its status is VALIDATION_TIMED_OUT); request a new certificate.',
    ],
    ['INACTIVE', 'its status is INACTIVE.'],
  ] as const)('refuses a %s certificate with ValidationException', async (status, reason) => {
    const { deps } = setup();
    const certificate = await stored({ status, exported: EXPORTED });
    await expect(renewCertificate(deps, ACCOUNT, certificate.arn)).rejects.toThrow(
      new ValidationError(`Certificate ${certificate.arn} cannot be renewed: ${reason}`),
    );
    expect(await current(certificate)).toEqual(certificate);
  });

  it('answers ResourceNotFoundException for a missing or another account’s certificate, InvalidArn for a non-certificate ARN', async () => {
    const { deps } = setup();
    const mine = await stored({ exported: EXPORTED });
    const missing = pendingCertificate();
    await expect(renewCertificate(deps, ACCOUNT, missing.arn)).rejects.toThrow(
      new ResourceNotFoundError(`Could not find certificate ${missing.arn}.`),
    );
    await expect(renewCertificate(deps, OTHER_ACCOUNT, mine.arn)).rejects.toThrow(ResourceNotFoundError);
    await expect(
      renewCertificate(deps, ACCOUNT, `arn:aws:acm:${REGION}:${ACCOUNT}:private-ca/x`),
    ).rejects.toThrow(InvalidArnError);
    expect(await current(mine)).toEqual(mine);
  });
});
