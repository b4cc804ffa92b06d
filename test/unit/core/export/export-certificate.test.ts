import { describe, expect, it } from 'vitest';
import { renewalEligibility } from '../../../../functions/core/certificates/renewal-eligibility.ts';
import {
  InvalidArnError,
  RequestInProgressError,
  ResourceNotFoundError,
  ValidationError,
} from '../../../../functions/core/errors.ts';
import { exportCertificate } from '../../../../functions/core/export/export-certificate.ts';
import type { CertificateRecord } from '../../../../functions/core/model.ts';
import type { KeyVault } from '../../../../functions/core/ports.ts';
import { FakeClock, HOUR_MS } from '../../../support/fake-clock.ts';
import { ACCOUNT, OTHER_ACCOUNT, pendingCertificate, REGION, useDynaliteStore } from '../core-fixtures.ts';
import { issuedCertificate, useKeyMaterial } from './export-fixtures.ts';
import { opensslDecrypt } from './openssl-export-checks.ts';

const PASSPHRASE = 'export me, please';
const passphrase = () => new TextEncoder().encode(PASSPHRASE);
const START = new Date('2026-06-01T09:00:00.000Z');

/** The real vault, counting the keys it opens and the contexts they were opened for. */
class CountingVault implements KeyVault {
  readonly openedFor: string[] = [];
  constructor(private readonly vault: KeyVault) {}
  seal(plaintext: Uint8Array, context: string): Promise<string> {
    return this.vault.seal(plaintext, context);
  }
  open(sealed: string, context: string): Promise<Uint8Array> {
    this.openedFor.push(context);
    return this.vault.open(sealed, context);
  }
}

const dynamo = useDynaliteStore();
const material = useKeyMaterial();

function setup() {
  const clock = new FakeClock(START);
  const vault = new CountingVault(material().vault);
  return { clock, vault, deps: { store: dynamo.store, region: REGION, vault, clock } };
}

async function stored(
  overrides: Partial<CertificateRecord> = {},
  validity?: { notAfter?: string },
): Promise<CertificateRecord> {
  const certificate = await issuedCertificate(material(), overrides, validity);
  await dynamo.store.create(certificate);
  return certificate;
}

async function current(certificate: CertificateRecord): Promise<CertificateRecord> {
  const found = await dynamo.store.get(certificate.accountId, certificate.id);
  if (!found) throw new Error(`${certificate.arn} is gone`);
  return found;
}

/** ACM's eligibility rule: in use or exported. */
const ACM_RULE = { renewAllIssued: false };

describe('exportCertificate', () => {
  it('returns the certificate, its chain and the key encrypted under the passphrase, and counts the export', async () => {
    const { clock, vault, deps } = setup();
    const certificate = await stored();
    expect(renewalEligibility(certificate, ACM_RULE)).toBe('INELIGIBLE');

    const exported = await exportCertificate(deps, ACCOUNT, certificate.arn, passphrase());
    expect(exported.certificatePem).toBe(material().certificatePem);
    expect(exported.chainPem).toBe(certificate.issued?.chainPem);
    expect(exported.encryptedPrivateKeyPem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
    expect(await opensslDecrypt(exported.encryptedPrivateKeyPem, PASSPHRASE, material().directory)).toEqual(
      material().privateKeyPkcs8Der,
    );
    expect(vault.openedFor).toEqual([certificate.arn]);

    const afterFirst = await current(certificate);
    expect(afterFirst.exported).toEqual({
      firstExportedAt: START.toISOString(),
      lastExportedAt: START.toISOString(),
      count: 1,
    });
    expect(afterFirst.version).toBe(certificate.version + 1);
    expect(renewalEligibility(afterFirst, ACM_RULE)).toBe('ELIGIBLE');

    clock.advance(2 * HOUR_MS);
    await exportCertificate(deps, ACCOUNT, certificate.arn, passphrase());
    expect((await current(certificate)).exported).toEqual({
      firstExportedAt: START.toISOString(),
      lastExportedAt: new Date(START.getTime() + 2 * HOUR_MS).toISOString(),
      count: 2,
    });
  });

  it('exports an imported certificate, whose chain may be empty', async () => {
    const { deps } = setup();
    const certificate = await stored({
      type: 'IMPORTED',
      importedAt: '2026-03-01T12:05:00.000Z',
      domainValidations: [],
      options: { certificateTransparencyLoggingPreference: 'DISABLED', export: 'DISABLED' },
    });
    await dynamo.store.save({
      ...certificate,
      issued: { ...(certificate.issued as NonNullable<CertificateRecord['issued']>), chainPem: '' },
    });
    const exported = await exportCertificate(deps, ACCOUNT, certificate.arn, passphrase());
    expect(exported.chainPem).toBe('');
    expect(await opensslDecrypt(exported.encryptedPrivateKeyPem, PASSPHRASE, material().directory)).toEqual(
      material().privateKeyPkcs8Der,
    );
    const after = await current(certificate);
    expect(after.exported?.count).toBe(1);
    expect(renewalEligibility(after, { renewAllIssued: true })).toBe('INELIGIBLE'); // imported certificates are never renewed
  });

  it('counts every one of several concurrent exports', async () => {
    const { deps } = setup();
    const certificate = await stored();
    await Promise.all(
      Array.from({ length: 5 }, () => exportCertificate(deps, ACCOUNT, certificate.arn, passphrase())),
    );
    expect((await current(certificate)).exported?.count).toBe(5);
  });

  it('refuses a certificate requested with Export DISABLED, opening nothing and recording nothing', async () => {
    const { vault, deps } = setup();
    const certificate = await stored({
      options: { certificateTransparencyLoggingPreference: 'ENABLED', export: 'DISABLED' },
    });
    await expect(exportCertificate(deps, ACCOUNT, certificate.arn, passphrase())).rejects.toThrow(
      new ValidationError(
        `Certificate ${certificate.arn} is not exportable: it was requested with the Export option DISABLED, which cannot be changed. Request a new certificate with Options Export=ENABLED to export its key.`,
      ),
    );
    expect(vault.openedFor).toEqual([]);
    expect(await current(certificate)).toEqual(certificate);
  });

  it('answers RequestInProgressException before issuance', async () => {
    const { deps } = setup();
    const certificate = pendingCertificate({
      options: { certificateTransparencyLoggingPreference: 'ENABLED', export: 'ENABLED' },
    });
    await dynamo.store.create(certificate);
    await expect(exportCertificate(deps, ACCOUNT, certificate.arn, passphrase())).rejects.toThrow(
      new RequestInProgressError(
        `Certificate ${certificate.arn} has not been issued yet; its status is PENDING_VALIDATION.`,
      ),
    );
  });

  it('refuses revoked, expired and never-issued certificates with ValidationException, recording nothing', async () => {
    const { vault, deps } = setup();
    const revoked = await stored({
      status: 'REVOKED',
      revocation: { revokedAt: '2026-05-01T00:00:00.000Z', reason: 'KEY_COMPROMISE' },
    });
    const expired = await stored({ status: 'EXPIRED' }, { notAfter: '2026-05-31T00:00:00.000Z' });
    const failed = pendingCertificate({
      status: 'FAILED',
      failureReason: 'CAA_ERROR',
      options: { certificateTransparencyLoggingPreference: 'ENABLED', export: 'ENABLED' },
    });
    const timedOut = pendingCertificate({
      status: 'VALIDATION_TIMED_OUT',
      options: { certificateTransparencyLoggingPreference: 'ENABLED', export: 'ENABLED' },
    });
    await dynamo.store.create(failed);
    await dynamo.store.create(timedOut);

    const cases: Array<[CertificateRecord, string]> = [
      [
        revoked,
        `Certificate ${revoked.arn} is revoked; the private key of a revoked certificate is not exported.`,
      ],
      [
        expired,
        `Certificate ${expired.arn} expired at 2026-05-31T00:00:00.000Z; an expired certificate is not exported.`,
      ],
      [
        failed,
        `Certificate ${failed.arn} was never issued (its status is FAILED); there is nothing to export.`,
      ],
      [
        timedOut,
        `Certificate ${timedOut.arn} was never issued (its status is VALIDATION_TIMED_OUT); there is nothing to export.`,
      ],
    ];
    for (const [certificate, message] of cases) {
      await expect(exportCertificate(deps, ACCOUNT, certificate.arn, passphrase())).rejects.toThrow(
        new ValidationError(message),
      );
      expect(await current(certificate)).toEqual(certificate);
    }
    expect(vault.openedFor).toEqual([]);
  });

  it('treats an ISSUED certificate past its NotAfter as expired, before the schedule marks it', async () => {
    const { clock, deps } = setup();
    const notAfter = new Date(START.getTime() + HOUR_MS).toISOString();
    const certificate = await stored({}, { notAfter });
    clock.advance(HOUR_MS);
    await expect(exportCertificate(deps, ACCOUNT, certificate.arn, passphrase())).rejects.toThrow(
      new ValidationError(
        `Certificate ${certificate.arn} expired at ${notAfter}; an expired certificate is not exported.`,
      ),
    );
  });

  it('refuses a certificate revoked while its key was being encrypted, and records no export', async () => {
    const { vault, deps } = setup();
    const certificate = await stored();
    const revokeMeanwhile: KeyVault = {
      seal: (plaintext, context) => vault.seal(plaintext, context),
      open: async (sealed, context) => {
        const key = await vault.open(sealed, context);
        await dynamo.store.save({
          ...certificate,
          status: 'REVOKED',
          revocation: { revokedAt: START.toISOString(), reason: 'SUPERSEDED' },
        });
        return key;
      },
    };
    await expect(
      exportCertificate({ ...deps, vault: revokeMeanwhile }, ACCOUNT, certificate.arn, passphrase()),
    ).rejects.toThrow(ValidationError);
    const after = await current(certificate);
    expect(after.status).toBe('REVOKED');
    expect(after.exported).toBeUndefined();
  });

  it('checks the passphrase before looking the certificate up', async () => {
    const { deps } = setup();
    const missing = pendingCertificate();
    await expect(
      exportCertificate(deps, ACCOUNT, missing.arn, new TextEncoder().encode('100%')),
    ).rejects.toThrow(
      new ValidationError("The passphrase must not contain the characters #, $ or %; character 4 is '%'."),
    );
  });

  it('answers ResourceNotFoundException for a missing or another account’s certificate, InvalidArn for a non-certificate ARN', async () => {
    const { deps } = setup();
    const mine = await stored();
    const missing = pendingCertificate();
    await expect(exportCertificate(deps, ACCOUNT, missing.arn, passphrase())).rejects.toThrow(
      new ResourceNotFoundError(`Could not find certificate ${missing.arn}.`),
    );
    await expect(exportCertificate(deps, OTHER_ACCOUNT, mine.arn, passphrase())).rejects.toThrow(
      new ResourceNotFoundError(`Could not find certificate ${mine.arn}.`),
    );
    await expect(
      exportCertificate(deps, ACCOUNT, `arn:aws:acm:${REGION}:${ACCOUNT}:private-ca/x`, passphrase()),
    ).rejects.toThrow(InvalidArnError);
    expect((await current(mine)).exported).toBeUndefined();
  });
});
