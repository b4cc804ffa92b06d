import { createPrivateKey } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeCertificateCommand,
  ExportCertificateCommand,
  GetCertificateCommand,
  ImportCertificateCommand,
  ListCertificatesCommand,
  RenewCertificateCommand,
  type RequestCertificateCommandInput,
} from '@aws-sdk/client-acm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issuedArn, requestedArn } from '../support/issued-certificate.ts';
import { useLocalStack } from '../support/local-stack-harness.ts';
import { chainPem, OpensslWorkbench } from '../support/openssl-certificates.ts';
import { rejectionOf } from '../support/thrown.ts';
import {
  opensslAlgorithms,
  opensslDecrypt,
  opensslPublicKeys,
} from '../unit/core/export/openssl-export-checks.ts';

/** The DER inside an unencrypted PKCS#8 PEM. */
function pkcs8Der(pem: string): Uint8Array {
  return new Uint8Array(createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' }));
}

// ExportCertificate through the local stack with @aws-sdk/client-acm: the key comes back encrypted under the
// passphrase, openssl opens it, it belongs to the certificate, and the export makes the certificate
// renewal-eligible. Names under local.test validate on their own; EMAIL requests stay pending.

const local = useLocalStack();
const PASSPHRASE = 'An export passphrase!';
const passphrase = (text = PASSPHRASE) => new TextEncoder().encode(text);

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'certwright-export-e2e-'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

function request(input: RequestCertificateCommandInput): Promise<string> {
  return requestedArn(local.client(), input);
}

function issued(domainName: string, exportOption: 'ENABLED' | 'DISABLED' = 'ENABLED'): Promise<string> {
  return issuedArn(local.client(), {
    DomainName: domainName,
    ValidationMethod: 'DNS',
    Options: { Export: exportOption },
  });
}

function exportCertificate(arn: string, secret: Uint8Array = passphrase()) {
  return local.client().send(new ExportCertificateCommand({ CertificateArn: arn, Passphrase: secret }));
}

describe('ExportCertificate', () => {
  it('returns the certificate, its chain and its key encrypted under the passphrase; the certificate is then exported and renewal-eligible', async () => {
    const arn = await issued('x.local.test');
    const before = await local.client().send(new DescribeCertificateCommand({ CertificateArn: arn }));
    expect(before.Certificate?.RenewalEligibility).toBe('INELIGIBLE');

    const exported = await exportCertificate(arn);
    const got = await local.client().send(new GetCertificateCommand({ CertificateArn: arn }));
    expect(exported.Certificate).toBe(got.Certificate);
    expect(exported.CertificateChain).toBe(got.CertificateChain);
    expect(exported.PrivateKey).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
    const keys = await opensslPublicKeys(
      exported.Certificate as string,
      exported.PrivateKey as string,
      PASSPHRASE,
      workDir,
    );
    expect(keys.privateKey).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(keys.privateKey).toBe(keys.certificate);
    expect(await opensslAlgorithms(exported.PrivateKey as string, workDir)).toEqual([
      'PBES2',
      'PBKDF2',
      'hmacWithSHA256',
      'aes-256-cbc',
    ]);

    const after = await local.client().send(new DescribeCertificateCommand({ CertificateArn: arn }));
    expect(after.Certificate?.RenewalEligibility).toBe('ELIGIBLE');
    const { CertificateSummaryList } = await local.client().send(new ListCertificatesCommand({}));
    expect(CertificateSummaryList?.find((summary) => summary.CertificateArn === arn)).toMatchObject({
      ExportOption: 'ENABLED',
      Exported: true,
      RenewalEligibility: 'ELIGIBLE',
    });
  });

  it('gives a fresh encryption each time, each opening with its own passphrase', async () => {
    const arn = await issued('again.local.test');
    const first = await exportCertificate(arn);
    const second = await exportCertificate(arn, passphrase('another one'));
    expect(second.PrivateKey).not.toBe(first.PrivateKey);
    const keys = await opensslPublicKeys(
      second.Certificate as string,
      second.PrivateKey as string,
      'another one',
      workDir,
    );
    expect(keys.privateKey).toBe(keys.certificate);
    await expect(
      opensslPublicKeys(second.Certificate as string, second.PrivateKey as string, PASSPHRASE, workDir),
    ).rejects.toThrow(/openssl pkey failed/);
  });

  it('exports an imported certificate with the key that was imported; it stays ineligible for renewal', async () => {
    const bench = await OpensslWorkbench.create();
    try {
      const ca = await bench.makeCa();
      const leaf = await bench.makeLeaf({ issuer: ca, names: ['imported-export.example.test'] });
      const encoder = new TextEncoder();
      const { CertificateArn: arn } = await local.client().send(
        new ImportCertificateCommand({
          Certificate: encoder.encode(leaf.pem),
          PrivateKey: encoder.encode(leaf.key.pem),
          CertificateChain: encoder.encode(chainPem(ca)),
        }),
      );
      if (!arn) throw new Error('ImportCertificate returned no ARN');

      const exported = await exportCertificate(arn);
      const keys = await opensslPublicKeys(
        exported.Certificate as string,
        exported.PrivateKey as string,
        PASSPHRASE,
        workDir,
      );
      expect(keys.privateKey).toBe(keys.certificate);
      expect(await opensslDecrypt(exported.PrivateKey as string, PASSPHRASE, workDir)).toEqual(
        pkcs8Der(leaf.key.pem),
      );

      const { CertificateSummaryList } = await local
        .client()
        .send(new ListCertificatesCommand({ Includes: { keyTypes: ['EC_prime256v1'] } }));
      expect(CertificateSummaryList?.find((summary) => summary.CertificateArn === arn)).toMatchObject({
        Type: 'IMPORTED',
        Exported: true,
        RenewalEligibility: 'INELIGIBLE',
      });
      expect(
        await rejectionOf(local.client().send(new RenewCertificateCommand({ CertificateArn: arn }))),
      ).toEqual({
        name: 'ValidationException',
        message: `Certificate ${arn} is imported and cannot be renewed by the service; import its renewed certificate with ImportCertificate and this ARN.`,
      });
    } finally {
      await bench.cleanup();
    }
  });

  it('refuses a certificate requested with Export DISABLED (ValidationException)', async () => {
    const arn = await issued('not-exportable.local.test', 'DISABLED');
    expect(await rejectionOf(exportCertificate(arn))).toEqual({
      name: 'ValidationException',
      message: `Certificate ${arn} is not exportable: it was requested with the Export option DISABLED, which cannot be changed. Request a new certificate with Options Export=ENABLED to export its key.`,
    });
    const described = await local.client().send(new DescribeCertificateCommand({ CertificateArn: arn }));
    expect(described.Certificate?.RenewalEligibility).toBe('INELIGIBLE');
  });

  it('answers RequestInProgressException before the certificate is issued', async () => {
    const arn = await request({
      DomainName: 'pending-export.local.test',
      ValidationMethod: 'EMAIL',
      Options: { Export: 'ENABLED' },
    });
    expect(await rejectionOf(exportCertificate(arn))).toEqual({
      name: 'RequestInProgressException',
      message: `Certificate ${arn} has not been issued yet; its status is PENDING_VALIDATION.`,
    });
  });

  it('checks the passphrase: required, 4 to 128 bytes, ASCII without #, $ and %', async () => {
    const arn = await issued('passphrase.local.test');
    const withoutPassphrase = { CertificateArn: arn } as unknown as {
      CertificateArn: string;
      Passphrase: Uint8Array;
    };
    expect(await rejectionOf(local.client().send(new ExportCertificateCommand(withoutPassphrase)))).toEqual({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'passphrase' failed to satisfy constraint: Member must not be null",
    });
    expect(await rejectionOf(exportCertificate(arn, passphrase('abc')))).toEqual({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=3 cap=3]' at 'passphrase' failed to satisfy constraint: Member must have length greater than or equal to 4",
    });
    expect((await rejectionOf(exportCertificate(arn, passphrase('x'.repeat(129))))).message).toContain(
      'Member must have length less than or equal to 128',
    );
    expect(await rejectionOf(exportCertificate(arn, passphrase('pa$$word')))).toEqual({
      name: 'ValidationException',
      message: "The passphrase must not contain the characters #, $ or %; character 3 is '$'.",
    });
    expect((await rejectionOf(exportCertificate(arn, passphrase('pässword')))).name).toBe(
      'ValidationException',
    );
    const described = await local.client().send(new DescribeCertificateCommand({ CertificateArn: arn }));
    expect(described.Certificate?.RenewalEligibility).toBe('INELIGIBLE');
  });

  it('answers ResourceNotFoundException for an unknown certificate and InvalidArnException for a non-certificate ARN', async () => {
    const missing = 'arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-4000-8000-000000000000';
    expect(await rejectionOf(exportCertificate(missing))).toEqual({
      name: 'ResourceNotFoundException',
      message: `Could not find certificate ${missing}.`,
    });
    expect(
      (await rejectionOf(exportCertificate('arn:aws:acm:us-east-1:111111111111:private-ca/abc'))).name,
    ).toBe('InvalidArnException');
    expect((await rejectionOf(exportCertificate('not-an-arn-at-all-really'))).name).toBe(
      'ValidationException',
    );
  });
});
