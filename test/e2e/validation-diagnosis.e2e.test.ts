import { DescribeCertificateCommand } from '@aws-sdk/client-acm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseCertificateArn } from '../../functions/core/arn.ts';
import type { WireDiagnosis } from '../../local/diagnose.ts';
import type { LocalStack } from '../../local/local-stack.ts';
import { awsCliJson } from '../support/aws-cli.ts';
import { type BindServer, startBindServer } from '../support/bind-server.ts';
import { eventually } from '../support/eventually.ts';
import { FakeClock } from '../support/fake-clock.ts';
import {
  ACCOUNT_A,
  acmClient,
  cliTarget,
  makeDataDir,
  REGION,
  startTestStack,
  testSettings,
} from '../support/local-stack-harness.ts';
import { runCommand } from '../support/run-command.ts';

// Why a certificate is not issued yet, as a user finds out: the raw JSON (the README's curl recipe), the
// `certwright diagnose` command, and stock clients that must not trip over the extra member. The poll
// interval is ten minutes, so after the first check only ValidateNow can explain a quick new check.

const POLL_SECONDS = 600;

type Diagnosis = WireDiagnosis;
interface RawDomainValidation {
  DomainName: string;
  ValidationStatus: string;
  ResourceRecord?: { Name: string; Type: string; Value: string };
  ValidationDiagnosis?: Diagnosis;
}
interface RawCertificate {
  Status: string;
  FailureReason?: string;
  DomainValidationOptions: RawDomainValidation[];
  [member: string]: unknown;
}

const TIMESTAMPS = ['CreatedAt', 'IssuedAt', 'NotBefore', 'NotAfter'];

let bind: BindServer;
let stack: LocalStack;
let clock: FakeClock;
let cleanupDataDir: () => Promise<void>;
let cli: Parameters<typeof awsCliJson>[1];

beforeAll(async () => {
  bind = await startBindServer({ zone: 'example.test' });
  const data = await makeDataDir();
  cleanupDataDir = data.cleanup;
  clock = new FakeClock();
  stack = await startTestStack(
    testSettings(data.dataDir, {
      dnsResolvers: bind.address,
      pollInitialSeconds: String(POLL_SECONDS),
      pollMaxSeconds: String(POLL_SECONDS),
    }),
    { clock },
  );
  cli = cliTarget(stack);
});

afterAll(async () => {
  await stack?.stop();
  await bind?.stop();
  await cleanupDataDir?.();
});

const CREDENTIALS_ENV = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  AWS_ACCESS_KEY_ID: ACCOUNT_A.accessKeyId,
  AWS_SECRET_ACCESS_KEY: ACCOUNT_A.secretAccessKey,
  AWS_REGION: REGION,
  AWS_CONFIG_FILE: '/nonexistent/certwright-aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/certwright-aws-credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
};

/** The README's recipe: curl signs the request itself and shows the raw JSON. */
async function curl(target: string, arn: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const command = [
    'curl --silent --show-error --aws-sigv4 "aws:amz:$AWS_REGION:acm"',
    '--user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"',
    `-H 'Content-Type: application/x-amz-json-1.1' -H "X-Amz-Target: CertificateManager.$TARGET"`,
    `-d "{\\"CertificateArn\\": \\"$ARN\\"}" --write-out '\\n%{http_code}' "$ENDPOINT/"`,
  ].join(' ');
  const result = await runCommand('/bin/sh', ['-c', command], {
    env: { ...CREDENTIALS_ENV, TARGET: target, ARN: arn, ENDPOINT: stack.url },
  });
  expect(result.stderr).toBe('');
  const lines = result.stdout.split('\n');
  return { status: Number(lines.pop()), json: JSON.parse(lines.join('\n')) as Record<string, unknown> };
}

async function rawCertificate(arn: string): Promise<RawCertificate> {
  const { status, json } = await curl('DescribeCertificate', arn);
  expect(status).toBe(200);
  return json.Certificate as RawCertificate;
}

async function validateNow(arn: string): Promise<void> {
  expect(await curl('ValidateNow', arn)).toEqual({ status: 200, json: {} });
}

/** `certwright diagnose` as a user runs it: credentials and region from the environment. */
async function diagnose(arn: string, ...flags: string[]): Promise<string> {
  const result = await runCommand(
    'node_modules/.bin/tsx',
    ['bin/certwright.ts', 'diagnose', arn, '--endpoint-url', stack.url, ...flags],
    { env: { ...CREDENTIALS_ENV, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
  );
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

async function diagnosisOf(arn: string, domainName: string, outcome: string): Promise<Diagnosis> {
  return eventually(async () => {
    const dv = (await rawCertificate(arn)).DomainValidationOptions.find((d) => d.DomainName === domainName);
    return dv?.ValidationDiagnosis?.Outcome === outcome && dv.ValidationDiagnosis;
  }, `${domainName} diagnosed ${outcome}`);
}

async function request(
  domainName: string,
): Promise<{ arn: string; record: { Name: string; Value: string } }> {
  const { CertificateArn: arn } = await awsCliJson<{ CertificateArn: string }>(
    ['acm', 'request-certificate', '--domain-name', domainName, '--validation-method', 'DNS'],
    cli,
  );
  const record = (await rawCertificate(arn)).DomainValidationOptions[0]?.ResourceRecord;
  if (!record) throw new Error(`${arn} has no ResourceRecord`);
  return { arn, record };
}

function without(object: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([key]) => !keys.includes(key)));
}

function acmMembers(certificate: RawCertificate): Record<string, unknown> {
  return {
    ...without(certificate, TIMESTAMPS),
    DomainValidationOptions: certificate.DomainValidationOptions.map((dv) =>
      without(dv as unknown as Record<string, unknown>, ['ValidationDiagnosis']),
    ),
  };
}

describe('validation diagnosis and ValidateNow', () => {
  it('diagnoses a missing record, then a wrong CNAME after ValidateNow, and issues at once when it is fixed', async () => {
    const domainName = 'wrong.example.test';
    const { arn, record } = await request(domainName);
    const name = record.Name.replace(/\.$/, '');
    const value = record.Value.replace(/\.$/, '');

    // The first check runs at once and finds nothing.
    const missing = await diagnosisOf(arn, domainName, 'NXDOMAIN');
    expect(missing.Message).toBe(
      `${name} does not exist (NXDOMAIN from ${bind.address}). Create the CNAME from the ResourceRecord, in the zone the resolvers see.`,
    );
    expect(missing.Server).toBe(bind.address);
    expect(missing.CheckedAt).toBe(clock.now().getTime() / 1000);
    expect(missing.NextCheckAt).toBe((missing.CheckedAt as number) + POLL_SECONDS);
    const missingText = await diagnose(arn);
    expect(missingText).toContain(`${domainName}: PENDING_VALIDATION (DNS validation)`);
    expect(missingText).toContain(`  NXDOMAIN: ${missing.Message}`);
    expect(missingText).toContain(`  DNS server: ${bind.address}`);
    expect(missingText).toMatch(/ {2}Next check: \S+Z \(in 9 min \d+ s\)/);

    // Stock clients read the same certificate without the extra member, ACM's members unchanged.
    const raw = await rawCertificate(arn);
    const viaCli = await awsCliJson<{ Certificate: Record<string, unknown> }>(
      ['acm', 'describe-certificate', '--certificate-arn', arn],
      cli,
    );
    expect(viaCli.Certificate.DomainValidationOptions).toEqual(
      raw.DomainValidationOptions.map((dv) =>
        without(dv as unknown as Record<string, unknown>, ['ValidationDiagnosis']),
      ),
    );
    expect(JSON.stringify(viaCli)).not.toContain('ValidationDiagnosis');
    // Every member the CLI shows is the server's, unchanged (this CLI's older model lacks Options.Export).
    expect(acmMembers(raw)).toMatchObject(without(viaCli.Certificate, TIMESTAMPS));
    expect(Date.parse(viaCli.Certificate.CreatedAt as string) / 1000).toBe(raw.CreatedAt);

    const { Certificate: viaSdk } = await acmClient(stack).send(
      new DescribeCertificateCommand({ CertificateArn: arn }),
    );
    expect(viaSdk?.DomainValidationOptions?.[0]).not.toHaveProperty('ValidationDiagnosis');
    expect(without(viaSdk as Record<string, unknown>, TIMESTAMPS)).toEqual(acmMembers(raw));
    expect(viaSdk?.CreatedAt?.getTime()).toBe((raw.CreatedAt as number) * 1000);

    // A wrong value: ValidateNow checks again at once; the next scheduled check stays where it was.
    await bind.addRecord(record.Name, 'CNAME', 'elsewhere.example.net');
    const start = vi.spyOn(stack.runner, 'start');
    await validateNow(arn);
    const mismatch = await diagnosisOf(arn, domainName, 'CNAME_MISMATCH');
    expect(mismatch).toMatchObject({
      Found: ['elsewhere.example.net'],
      Server: bind.address,
      NextCheckAt: missing.NextCheckAt,
      Message: `${name} is a CNAME to elsewhere.example.net, not to ${value}. Change the record's value to the ResourceRecord Value.`,
    });
    const mismatchText = await diagnose(arn);
    expect(mismatchText).toContain(`  CNAME_MISMATCH: ${mismatch.Message}`);
    expect(mismatchText).toContain('  Found: elsewhere.example.net');
    const json = JSON.parse(await diagnose(arn, '--json')) as { Certificate: RawCertificate };
    expect(json.Certificate.DomainValidationOptions[0]?.ValidationDiagnosis).toEqual(mismatch);

    // A second request within 10 s starts nothing.
    await validateNow(arn);
    expect(start.mock.calls).toEqual([
      [
        expect.stringMatching(`^${parseCertificateArn(arn).certificateId}-now-\\d+$`),
        { certificateArn: arn, once: true },
      ],
    ]);

    // Fixed, and asked again 10 s later: issued long before the ten-minute poll.
    await bind.deleteRecords(record.Name, 'CNAME');
    await bind.addRecord(record.Name, 'CNAME', record.Value);
    clock.advance(10_000);
    await validateNow(arn);
    expect(start).toHaveBeenCalledTimes(2);
    const issued = await eventually(async () => {
      const certificate = await rawCertificate(arn);
      return certificate.Status === 'ISSUED' && certificate;
    }, `${arn} issued after ValidateNow`);
    expect(issued.DomainValidationOptions[0]?.ValidationDiagnosis).toMatchObject({ Outcome: 'CNAME_MATCH' });
    expect(issued.DomainValidationOptions[0]?.ValidationDiagnosis).not.toHaveProperty('NextCheckAt');
    // The certificate's own execution is still in its Wait state: the once run issued it.
    expect(stack.runner.isRunning(parseCertificateArn(arn).certificateId)).toBe(true);
    start.mockRestore();

    expect(await curl('ValidateNow', arn)).toEqual({
      status: 400,
      json: {
        __type: 'InvalidStateException',
        message: `Certificate ${arn} is ISSUED: only a certificate in PENDING_VALIDATION can be checked.`,
      },
    });
  });

  it('diagnoses a CAA record that forbids this CA, on the certificate that failed for it', async () => {
    const domainName = 'caa.example.test';
    const { arn, record } = await request(domainName);
    await diagnosisOf(arn, domainName, 'NXDOMAIN');
    await bind.addRecord(domainName, 'CAA', '0 issue "other-ca.example"');
    await bind.addRecord(record.Name, 'CNAME', record.Value);
    await validateNow(arn);

    const forbidden = await diagnosisOf(arn, domainName, 'CAA_FORBIDDEN');
    expect(forbidden.Message).toBe(
      `CAA at ${domainName} (0 issue "other-ca.example") does not permit certwright for ${domainName}. Change the CAA record to name this CA (or remove it), then request a new certificate: this one has failed.`,
    );
    expect(forbidden.NextCheckAt).toBeUndefined();
    const raw = await rawCertificate(arn);
    expect(raw).toMatchObject({ Status: 'FAILED', FailureReason: 'CAA_ERROR' });
    expect(raw.DomainValidationOptions[0]?.ValidationStatus).toBe('FAILED');
    const text = await diagnose(arn);
    expect(text).toContain(`${arn}: FAILED\nFailure reason: CAA_ERROR\n`);
    expect(text).toContain(`${domainName}: FAILED (DNS validation)`);
    expect(text).toContain(`  CAA_FORBIDDEN: ${forbidden.Message}`);
    expect(text).not.toContain('ValidateNow');
  });

  it('answers ResourceNotFoundException for ValidateNow on an unknown certificate', async () => {
    const arn = `arn:aws:acm:${REGION}:${ACCOUNT_A.accountId}:certificate/00000000-0000-4000-8000-00000000dead`;
    expect(await curl('ValidateNow', arn)).toEqual({
      status: 400,
      json: { __type: 'ResourceNotFoundException', message: `Could not find certificate ${arn}.` },
    });
  });
});
