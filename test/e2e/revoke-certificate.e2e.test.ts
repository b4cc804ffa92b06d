import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CertificateDetail,
  DescribeCertificateCommand,
  GetCertificateCommand,
  RequestCertificateCommand,
  type RevocationReason,
  RevokeCertificateCommand,
} from '@aws-sdk/client-acm';
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { ACCOUNT_B, useLocalStack } from '../support/local-stack-harness.ts';
import { runCommand } from '../support/run-command.ts';
import { rejectionOf } from '../support/thrown.ts';

// RevokeCertificate through @aws-sdk/client-acm against the local stack, and the CRL it serves, as openssl
// (a relying party) checks certificates against it.

const local = useLocalStack();
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certwright-revoke-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function issuedCertificate(domainName: string): Promise<{ arn: string; pem: string }> {
  const { CertificateArn: arn } = await local
    .client()
    .send(new RequestCertificateCommand({ DomainName: domainName, ValidationMethod: 'DNS' }));
  if (!arn) throw new Error('RequestCertificate returned no ARN');
  await eventually(async () => (await detailOf(arn)).Status === 'ISSUED', `${domainName} to be issued`);
  const { Certificate } = await local.client().send(new GetCertificateCommand({ CertificateArn: arn }));
  return { arn, pem: Certificate ?? '' };
}

async function detailOf(arn: string): Promise<CertificateDetail> {
  const { Certificate } = await local.client().send(new DescribeCertificateCommand({ CertificateArn: arn }));
  return Certificate ?? {};
}

function revoke(arn: string, reason: string) {
  return local
    .client()
    .send(
      new RevokeCertificateCommand({ CertificateArn: arn, RevocationReason: reason as RevocationReason }),
    );
}

function crlDistributionPoint(pem: string): string | undefined {
  const extension = new x509.X509Certificate(pem).getExtension(x509.CRLDistributionPointsExtension);
  return extension?.distributionPoints[0]?.distributionPoint?.fullName?.[0]?.uniformResourceIdentifier;
}

async function fetchCrl(url: string): Promise<{ contentType: string | null; der: Buffer }> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return {
    contentType: response.headers.get('content-type'),
    der: Buffer.from(await response.arrayBuffer()),
  };
}

function openssl(args: string[]) {
  return runCommand('openssl', args, { cwd: dir });
}

describe('RevokeCertificate', () => {
  it('revokes an issued certificate: DescribeCertificate, the event log and the served CRL all say so', async () => {
    const revoked = await issuedCertificate('x.local.test');
    const kept = await issuedCertificate('kept.local.test');
    const crlUrl = crlDistributionPoint(revoked.pem);
    expect(crlUrl).toBe(`${local.stack.url}/ca.crl`);
    const serial = new x509.X509Certificate(revoked.pem).serialNumber.toLowerCase();

    const answer = await revoke(revoked.arn, 'KEY_COMPROMISE');
    expect(answer.CertificateArn).toBe(revoked.arn);

    const detail = await detailOf(revoked.arn);
    expect(detail.Status).toBe('REVOKED');
    expect(detail.RevocationReason).toBe('KEY_COMPROMISE');
    expect(detail.RevokedAt).toBeInstanceOf(Date);
    expect(Math.abs((detail.RevokedAt as Date).getTime() - Date.now())).toBeLessThan(60_000);

    const events = (await readFile(local.stack.eventLogPath, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { 'detail-type': string; resources: string[] });
    expect(
      events.filter((event) => event.resources.includes(revoked.arn)).map((event) => event['detail-type']),
    ).toContain('ACM Certificate Revoked');

    // The refresh after a revocation is asynchronous: the CRL lists the serial within moments.
    const crl = await eventually(async () => {
      const fetched = await fetchCrl(crlUrl as string);
      const listed = new x509.X509Crl(new Uint8Array(fetched.der)).entries.map((entry) =>
        entry.serialNumber.toLowerCase(),
      );
      return listed.includes(serial) ? fetched : undefined;
    }, 'the CRL to list the revoked serial');
    expect(crl.contentType).toBe('application/pkix-crl');

    await writeFile(join(dir, 'ca.pem'), local.stack.caCertificatePem);
    await writeFile(join(dir, 'crl.der'), crl.der);
    await writeFile(join(dir, 'revoked.pem'), revoked.pem);
    await writeFile(join(dir, 'kept.pem'), kept.pem);
    const verified = await openssl([
      'crl',
      '-inform',
      'DER',
      '-in',
      'crl.der',
      '-CAfile',
      'ca.pem',
      '-verify',
      '-noout',
    ]);
    expect(verified.stderr.trim()).toBe('verify OK');
    expect((await openssl(['crl', '-inform', 'DER', '-in', 'crl.der', '-out', 'crl.pem'])).code).toBe(0);

    const check = (leaf: string) =>
      openssl(['verify', '-crl_check', '-CAfile', 'ca.pem', '-CRLfile', 'crl.pem', leaf]);
    const rejected = await check('revoked.pem');
    expect(rejected.code).not.toBe(0);
    expect(`${rejected.stdout}${rejected.stderr}`).toContain('certificate revoked');
    const accepted = await check('kept.pem');
    expect(accepted.stdout.trim()).toBe('kept.pem: OK');
  });

  it('answers ACM’s errors and changes nothing', async () => {
    const { arn } = await issuedCertificate('errors.local.test');
    expect(await rejectionOf(revoke(arn, 'CERTIFICATE_HOLD'))).toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('revocation is permanent'),
    });
    expect(await rejectionOf(revoke(arn, 'LOST_KEY'))).toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("Value 'LOST_KEY' at 'revocationReason' failed to satisfy constraint"),
    });
    expect(await rejectionOf(revoke('arn:aws:acm:us-east-1:1:nothing', 'UNSPECIFIED'))).toMatchObject({
      name: 'InvalidArnException',
    });
    expect(
      await rejectionOf(
        local
          .client(ACCOUNT_B)
          .send(new RevokeCertificateCommand({ CertificateArn: arn, RevocationReason: 'UNSPECIFIED' })),
      ),
    ).toMatchObject({ name: 'ResourceNotFoundException', message: `Could not find certificate ${arn}.` });
    expect((await detailOf(arn)).Status).toBe('ISSUED');

    const { CertificateArn: pending } = await local
      .client()
      .send(new RequestCertificateCommand({ DomainName: 'pending.example.test', ValidationMethod: 'DNS' }));
    expect(await rejectionOf(revoke(pending as string, 'UNSPECIFIED'))).toMatchObject({
      name: 'ValidationException',
      message: `Certificate ${pending} is PENDING_VALIDATION: only an ISSUED certificate can be revoked.`,
    });

    await revoke(arn, 'SUPERSEDED');
    expect(await rejectionOf(revoke(arn, 'KEY_COMPROMISE'))).toMatchObject({
      name: 'ConflictException',
      message: `Certificate ${arn} has already been revoked.`,
    });
    expect((await detailOf(arn)).RevocationReason).toBe('SUPERSEDED');
  });
});
