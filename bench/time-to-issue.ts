import { DescribeCertificateCommand, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { parseCertificateArn } from '../functions/core/arn.ts';
import type { LocalStack } from '../local/local-stack.ts';
import { type BindServer, startBindServer } from '../test/support/bind-server.ts';
import { eventually } from '../test/support/eventually.ts';
import { acmClient, makeDataDir, startTestStack, testSettings } from '../test/support/local-stack-harness.ts';
import { summarize } from './measure.ts';

async function stored(stack: LocalStack, arn: string) {
  const { accountId, certificateId } = parseCertificateArn(arn);
  return stack.store.get(accountId, certificateId);
}

async function request(stack: LocalStack, name: string) {
  const client = acmClient(stack);
  const { CertificateArn } = await client.send(
    new RequestCertificateCommand({ DomainName: name, ValidationMethod: 'DNS' }),
  );
  const { Certificate } = await client.send(new DescribeCertificateCommand({ CertificateArn }));
  const record = Certificate?.DomainValidationOptions?.[0]?.ResourceRecord;
  return { arn: CertificateArn as string, name: record?.Name as string, value: record?.Value as string };
}

const issued = (stack: LocalStack, arn: string) =>
  eventually(async () => (await stored(stack, arn))?.status === 'ISSUED', `${arn} issued`, 120_000);

/** The record appears on the DNS server right after the first check found nothing: record visible → ISSUED. */
async function recordAppearsAfterFirstCheck(
  bind: BindServer,
  stack: LocalStack,
  samples: number,
  tag: string,
) {
  const latencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    const certificate = await request(stack, `${tag}${i}.bench.example.test`);
    await eventually(
      async () => (await stored(stack, certificate.arn))?.domainValidations[0]?.lastCheck,
      'first check',
    );
    await bind.addRecord(certificate.name, 'CNAME', certificate.value);
    const visible = performance.now();
    await issued(stack, certificate.arn);
    latencies.push(performance.now() - visible);
  }
  return summarize(latencies);
}

/** The record is already in place (it is per account and name, so it stays valid): request → ISSUED. */
async function recordAlreadyInPlace(bind: BindServer, stack: LocalStack, samples: number) {
  const latencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    const name = `kept${i}.bench.example.test`;
    const first = await request(stack, name);
    await bind.addRecord(first.name, 'CNAME', first.value);
    await issued(stack, first.arn);
    const start = performance.now();
    const again = await request(stack, name);
    await issued(stack, again.arn);
    latencies.push(performance.now() - start);
  }
  return summarize(latencies);
}

export async function timeToIssue() {
  const bind = await startBindServer({ zone: 'example.test' });
  const results: Record<string, unknown> = {};
  try {
    for (const [label, overrides, samples] of [
      ['poll schedule 1 s', { pollInitialSeconds: '1', pollMaxSeconds: '1' }, 10],
      [
        'default poll schedule (5 s, doubling, 300 s cap)',
        { pollInitialSeconds: '5', pollMaxSeconds: '300' },
        3,
      ],
    ] as const) {
      const { dataDir, cleanup } = await makeDataDir();
      const stack = await startTestStack(testSettings(dataDir, { dnsResolvers: bind.address, ...overrides }));
      try {
        results[`record appears after the first check, ${label}`] = await recordAppearsAfterFirstCheck(
          bind,
          stack,
          samples,
          label.startsWith('poll') ? 'fast' : 'default',
        );
        if (label.startsWith('poll'))
          results['record already in place, request → ISSUED'] = await recordAlreadyInPlace(bind, stack, 10);
      } finally {
        await stack.stop();
        await cleanup();
      }
    }
  } finally {
    await bind.stop();
  }
  return results;
}
