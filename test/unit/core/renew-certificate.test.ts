import { describe, expect, it } from 'vitest';
import { renewCertificate } from '../../../functions/core/certificates/renew-certificate.ts';
import {
  InvalidArnError,
  RequestInProgressError,
  ResourceNotFoundError,
  ValidationError,
} from '../../../functions/core/errors.ts';
import type { CertificateRecord, DomainValidation, RenewalState } from '../../../functions/core/model.ts';
import { issuedBody } from '../../support/certificate-bodies.ts';
import { FakeClock, HOUR_MS } from '../../support/fake-clock.ts';
import {
  ACCOUNT,
  OTHER_ACCOUNT,
  pendingCertificate,
  REGION,
  RecordingWorkflow,
  useDynaliteStore,
} from './core-fixtures.ts';

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
  const workflow = new RecordingWorkflow();
  const renewal = { renewAllIssued: false };
  return { clock, workflow, deps: { store: dynamo.store, workflow, region: REGION, clock, renewal } };
}

const BODY = issuedBody({ subject: 'CN=example.test' });

async function stored(overrides: Partial<CertificateRecord>): Promise<CertificateRecord> {
  const certificate = pendingCertificate({
    status: 'ISSUED',
    options: EXPORTABLE,
    issued: await BODY,
    domainValidations: [
      { ...pendingCertificate().domainValidations[0], status: 'SUCCESS' } as DomainValidation,
    ],
    ...overrides,
  });
  await dynamo.store.create(certificate);
  return certificate;
}

async function current(certificate: CertificateRecord): Promise<CertificateRecord> {
  const found = await dynamo.store.get(certificate.accountId, certificate.id);
  if (!found) throw new Error(`${certificate.arn} is gone`);
  return found;
}

describe('renewCertificate', () => {
  it('starts a renewal of an exported certificate: cycle 1, its names to validate again, and its run', async () => {
    const { clock, workflow, deps } = setup();
    const certificate = await stored({ exported: EXPORTED });
    await renewCertificate(deps, ACCOUNT, certificate.arn);
    const after = await current(certificate);
    expect(after.renewal).toEqual({
      status: 'PENDING_AUTO_RENEWAL',
      updatedAt: START.toISOString(),
      cycle: 1,
      domainValidations: [{ ...certificate.domainValidations[0], status: 'PENDING_VALIDATION' }],
    });
    expect(after.issued).toEqual(certificate.issued);
    expect(after.domainValidations).toEqual(certificate.domainValidations);
    expect(workflow.starts).toEqual([
      {
        executionName: `${certificate.id}-renewal-1`,
        input: { certificateArn: certificate.arn, renewal: true },
      },
    ]);

    // Asked again while it is under way: no new cycle, the same run started again (a no-op while it runs).
    clock.advance(HOUR_MS);
    await renewCertificate(deps, ACCOUNT, certificate.arn);
    expect(await current(certificate)).toEqual(after);
    expect(workflow.starts.map((start) => start.executionName)).toEqual([
      `${certificate.id}-renewal-1`,
      `${certificate.id}-renewal-1`,
    ]);
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

  it('replaces a stalled renewal (its run gone for over a day) with a new cycle', async () => {
    const { workflow, deps } = setup();
    const stalled = await stored({
      exported: EXPORTED,
      renewal: { status: 'PENDING_AUTO_RENEWAL', updatedAt: '2026-05-20T00:00:00.000Z', cycle: 1 },
    });

    await renewCertificate(deps, ACCOUNT, stalled.arn);

    expect((await current(stalled)).renewal).toMatchObject({
      status: 'PENDING_AUTO_RENEWAL',
      cycle: 2,
      updatedAt: START.toISOString(),
    });
    expect(workflow.starts.map((start) => start.executionName)).toEqual([`${stalled.id}-renewal-2`]);
  });

  it('leaves a renewal waiting for validation alone, and starts the next cycle after a finished one', async () => {
    const { workflow, deps } = setup();
    const waiting: RenewalState = {
      status: 'PENDING_VALIDATION',
      statusReason: 'PENDING_DOMAIN_VALIDATION',
      updatedAt: '2026-05-20T00:00:00.000Z',
      cycle: 1,
      domainValidations: [],
    };
    const validating = await stored({ exported: EXPORTED, renewal: waiting });
    await renewCertificate(deps, ACCOUNT, validating.arn);
    expect(await current(validating)).toEqual(validating);
    expect(workflow.starts.map((start) => start.executionName)).toEqual([`${validating.id}-renewal-1`]);

    const failedBefore = await stored({
      exported: EXPORTED,
      renewal: {
        status: 'FAILED',
        statusReason: 'CAA_ERROR',
        updatedAt: '2026-05-20T00:00:00.000Z',
        cycle: 1,
      },
    });
    await renewCertificate(deps, ACCOUNT, failedBefore.arn);
    expect((await current(failedBefore)).renewal).toMatchObject({
      status: 'PENDING_AUTO_RENEWAL',
      updatedAt: START.toISOString(),
      cycle: 2,
    });
    expect(workflow.starts.at(-1)?.executionName).toBe(`${failedBefore.id}-renewal-2`);
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
  ] as const)(
    'refuses a %s certificate with ValidationException, starting nothing',
    async (status, reason) => {
      const { workflow, deps } = setup();
      const certificate = await stored({ status, exported: EXPORTED });
      await expect(renewCertificate(deps, ACCOUNT, certificate.arn)).rejects.toThrow(
        new ValidationError(`Certificate ${certificate.arn} cannot be renewed: ${reason}`),
      );
      expect(await current(certificate)).toEqual(certificate);
      expect(workflow.starts).toEqual([]);
    },
  );

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
