import { type ACMClient, DescribeCertificateCommand, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCertificateArn } from '../../functions/core/arn.ts';
import type { CertificateRecord } from '../../functions/core/model.ts';
import type { LocalStack } from '../../local/local-stack.ts';
import { type BindServer, startBindServer } from '../support/bind-server.ts';
import { useCleanups } from '../support/cleanups.ts';
import { eventually } from '../support/eventually.ts';
import { FakeClock, HOUR_MS } from '../support/fake-clock.ts';
import { acmClient, makeDataDir, startTestStack, testSettings } from '../support/local-stack-harness.ts';
import { reservedSerials } from '../support/table-inspection.ts';

// The real ASL file, run by the local interpreter with the real task handlers, validating against a real
// DNS server (BIND). Only the Wait state is shortened; the 72-hour window is crossed by moving the clock.

let bind: BindServer;
const cleanups = useCleanups();

beforeAll(async () => {
  bind = await startBindServer({ zone: 'example.test' });
});
afterAll(async () => {
  await bind.stop();
});

async function newStack(clock = new FakeClock(), dataDir?: string) {
  let dir = dataDir;
  if (!dir) {
    const made = await makeDataDir();
    dir = made.dataDir;
    cleanups.push(made.cleanup);
  }
  const stack = await startTestStack(testSettings(dir, { dnsResolvers: bind.address }), {
    clock,
    fastWorkflow: true,
  });
  cleanups.push(() => stack.stop());
  return { stack, client: acmClient(stack), clock, dataDir: dir };
}

async function request(client: ACMClient, domainName: string, subjectAlternativeNames?: string[]) {
  const { CertificateArn } = await client.send(
    new RequestCertificateCommand({
      DomainName: domainName,
      SubjectAlternativeNames: subjectAlternativeNames,
      ValidationMethod: 'DNS',
    }),
  );
  const { Certificate } = await client.send(new DescribeCertificateCommand({ CertificateArn }));
  if (!Certificate) throw new Error(`DescribeCertificate returned nothing for ${CertificateArn}`);
  return { arn: CertificateArn as string, certificate: Certificate };
}

function stored(stack: LocalStack, arn: string): Promise<CertificateRecord | undefined> {
  const { accountId, certificateId } = parseCertificateArn(arn);
  return stack.store.get(accountId, certificateId);
}

async function publish(
  record: { Name?: string; Value?: string } | undefined,
  type = 'CNAME',
  value?: string,
) {
  await bind.addRecord(record?.Name as string, type, value ?? (record?.Value as string));
}

describe('certificate workflow', () => {
  it('issues once every name has its CNAME', async () => {
    const { stack, client } = await newStack();
    const { arn, certificate } = await request(client, 'happy.example.test', ['www.happy.example.test']);
    for (const dv of certificate.DomainValidationOptions ?? []) await publish(dv.ResourceRecord);
    await stack.runner.idle();
    const issued = await stored(stack, arn);
    expect(issued?.status).toBe('ISSUED');
    expect(issued?.domainValidations.map((dv) => dv.status)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(issued?.issued?.certificatePem).toContain('BEGIN CERTIFICATE');
  });

  it('keeps checking until a record appears late, recording what it saw meanwhile', async () => {
    const { stack, client } = await newStack();
    const { arn, certificate } = await request(client, 'late.example.test');
    const waiting = await eventually(async () => {
      const dv = (await stored(stack, arn))?.domainValidations[0];
      return dv?.lastCheck?.outcome === 'NXDOMAIN' && dv;
    }, 'a check that found no record');
    expect(waiting.status).toBe('PENDING_VALIDATION');
    await publish(certificate.DomainValidationOptions?.[0]?.ResourceRecord);
    await stack.runner.idle();
    expect((await stored(stack, arn))?.status).toBe('ISSUED');
  });

  it('accepts a TXT record carrying the CNAME target, for hosts without underscore CNAMEs', async () => {
    const { stack, client } = await newStack();
    const { arn, certificate } = await request(client, 'txt.example.test');
    const record = certificate.DomainValidationOptions?.[0]?.ResourceRecord;
    await publish(record, 'TXT', record?.Value);
    await stack.runner.idle();
    const issued = await stored(stack, arn);
    expect(issued?.status).toBe('ISSUED');
    expect(issued?.domainValidations[0]?.lastCheck?.outcome).toBe('TXT_MATCH');
  });

  it('lets a wildcard and its base name share one record', async () => {
    const { stack, client } = await newStack();
    const { arn, certificate } = await request(client, 'shared.example.test', ['*.shared.example.test']);
    const [apex, wildcard] = certificate.DomainValidationOptions ?? [];
    expect(wildcard?.DomainName).toBe('*.shared.example.test');
    expect(wildcard?.ResourceRecord).toEqual(apex?.ResourceRecord);
    await publish(apex?.ResourceRecord);
    await stack.runner.idle();
    expect((await stored(stack, arn))?.status).toBe('ISSUED');
  });

  it('does not accept a CNAME pointing elsewhere, and times out after 72 hours', async () => {
    const { stack, client, clock } = await newStack();
    const { arn, certificate } = await request(client, 'wrong.example.test');
    await publish(
      certificate.DomainValidationOptions?.[0]?.ResourceRecord,
      'CNAME',
      'somewhere-else.example.net.',
    );
    const mismatch = await eventually(async () => {
      const dv = (await stored(stack, arn))?.domainValidations[0];
      return dv?.lastCheck?.outcome === 'CNAME_MISMATCH' && dv;
    }, 'a check that saw the wrong CNAME');
    expect(mismatch.lastCheck?.detail).toBe('somewhere-else.example.net');

    clock.advance(71 * HOUR_MS);
    expect((await stored(stack, arn))?.status).toBe('PENDING_VALIDATION');
    clock.advance(1 * HOUR_MS + 1000);
    await stack.runner.idle();
    const timedOut = await client.send(new DescribeCertificateCommand({ CertificateArn: arn }));
    expect(timedOut.Certificate?.Status).toBe('VALIDATION_TIMED_OUT');
  });

  it('continues validating after a restart and issues exactly once', async () => {
    const first = await newStack();
    const { arn, certificate } = await request(first.client, 'restart.example.test');
    await eventually(
      async () => (await stored(first.stack, arn))?.domainValidations[0]?.lastCheck,
      'a first check',
    );
    await first.stack.stop();
    cleanups.pop();

    await publish(certificate.DomainValidationOptions?.[0]?.ResourceRecord);
    const second = await newStack(first.clock, first.dataDir);
    expect(second.stack.runner.isRunning(parseCertificateArn(arn).certificateId)).toBe(true);
    await second.stack.runner.idle();
    const issued = await stored(second.stack, arn);
    expect(issued?.status).toBe('ISSUED');
    expect(await reservedSerials(second.stack, arn)).toEqual([issued?.issued?.serialHex]);
  });
});
